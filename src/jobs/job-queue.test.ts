/**
 * The durable job queue on SQLite and PostgreSQL, over two tables shaped like its two owners': one
 * with a holder column and an error code whose done jobs are deleted (the recording copies), one
 * shared by several queues (a scope column) without a holder column whose done jobs stay (the CRM
 * outbox). Time is a mock clock; only the lease renewal timer is a (mocked) timer.
 */
import { describe, test, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { exponentialBackoff } from '../retry.ts';
import { JobQueue, type JobQueueOptions } from './job-queue.ts';
import type { JobTable } from './job-table.ts';

interface CopyLikeRow {
  job_id: string;
  state: string;
  attempts: number;
  due_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error_code: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

interface OutboxLikeRow {
  owner: string;
  job_id: string;
  state: string;
  payload: string;
  attempts: number;
  due_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  done_at: string | null;
  pending_changes: number;
}

const COPY_LIKE: JobTable<CopyLikeRow> = {
  name: 'test_copy_jobs',
  id: 'job_id',
  columns: { state: 'state', attempts: 'attempts', dueAt: 'due_at', leaseUntil: 'locked_until', leasedBy: 'locked_by', lastError: 'last_error', lastErrorCode: 'last_error_code', createdAt: 'created_at', updatedAt: 'updated_at' },
  done: 'delete',
};

const outboxLike = (owner: string): JobTable<OutboxLikeRow> => ({
  name: 'test_outbox',
  id: 'job_id',
  scope: { owner },
  columns: { state: 'state', attempts: 'attempts', dueAt: 'due_at', leaseUntil: 'lease_until', lastError: 'last_error', createdAt: 'created_at', updatedAt: 'updated_at' },
  done: { state: 'done', at: 'done_at' },
});

async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('test_copy_jobs')
    .addColumn('job_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('test_outbox')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('pending_changes', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('test_outbox_pk', ['owner', 'job_id'])
    .execute();
}

const T0 = Date.parse('2026-11-23T20:00:00.000Z');
const LEASE = 60_000;
const down = new Error('the far side is down');

for (const engine of ENGINES) {
  describe(`the durable job queue on ${engine}`, () => {
    let t: TestStore;
    let clock = T0;
    let seq = 0;
    const now = (): number => clock;
    const nextId = (): string => `job-${++seq}`;

    const copies = (over: Partial<JobQueueOptions<CopyLikeRow>> = {}): JobQueue<CopyLikeRow> =>
      new JobQueue<CopyLikeRow>({ store: t.store, table: COPY_LIKE, leaseMs: LEASE, retry: () => 1000, now, ...over });
    const outbox = (owner: string, over: Partial<JobQueueOptions<OutboxLikeRow>> = {}): JobQueue<OutboxLikeRow> =>
      new JobQueue<OutboxLikeRow>({ store: t.store, table: outboxLike(owner), leaseMs: LEASE, retry: () => 1000, now, ...over });
    const payload = (p: string): Partial<OutboxLikeRow> => ({ payload: p });

    /** Every job of the copy-like table claimed until none is left: the queue holds only this test's jobs. */
    async function drainTable(): Promise<void> {
      await t.store.db.withTables<{ test_copy_jobs: CopyLikeRow }>().deleteFrom('test_copy_jobs').execute();
    }

    before(async () => {
      t = await openTestStore(engine);
      await createTables(t.store.db as unknown as Kysely<unknown>);
    });
    after(() => t.dispose());

    test('queuing a job twice is one job; bringing it forward never postpones it', async () => {
      await drainTable();
      const q = copies();
      const id = nextId();
      assert.equal(await q.enqueue(id, {}, clock + 10_000), true);
      assert.equal(await q.enqueue(id, {}, clock), false);
      assert.equal((await q.get(id))?.due_at, new Date(clock + 10_000).toISOString(), 'the second enqueue changed nothing');
      await q.bringForward(id, clock + 20_000);
      assert.equal((await q.get(id))?.due_at, new Date(clock + 10_000).toISOString());
      await q.bringForward(id, clock);
      assert.equal((await q.get(id))?.due_at, new Date(clock).toISOString());
      assert.deepEqual((await q.claim(5)).map((r) => r.job_id), [id]);
    });

    test('a claim takes due jobs oldest first, returns them as they are now, and not those due later', async () => {
      await drainTable();
      const q = copies({ instanceId: 'a' });
      const [late, first, second] = [nextId(), nextId(), nextId()];
      await q.enqueue(late, {}, clock + 1);
      await q.enqueue(second, {}, clock - 1000);
      await q.enqueue(first, {}, clock - 2000);
      const claimed = await q.claim(10);
      assert.deepEqual(claimed.map((r) => r.job_id), [first, second]);
      assert.deepEqual([claimed[0]?.locked_by, claimed[0]?.locked_until], ['a', new Date(clock + LEASE).toISOString()]);
      assert.deepEqual(await q.claim(10), [], 'held, or not due yet');
      // The held ones can be taken again at their lease's end; the one not due yet, at its due time.
      assert.equal(await q.nextDueAt(), new Date(clock + 1).toISOString(), 'a held job counts from its lease\'s end, not its due time');
      await q.release(first);
      assert.equal(await q.nextDueAt(), new Date(clock - 2000).toISOString(), 'given back, it is due again at once');
    });

    test('two claimers never get the same job', async () => {
      await drainTable();
      const a = copies({ instanceId: 'a' });
      const b = copies({ instanceId: 'b' });
      const ids = Array.from({ length: 40 }, () => nextId());
      for (const id of ids) await a.enqueue(id);
      const got = { a: [] as string[], b: [] as string[] };
      // Many small claims at once from both: on PostgreSQL they run on separate connections. A claim
      // that loses a race gets fewer jobs (none, even) that time: claim until a round finds none.
      for (let round = 0; round < 100; round++) {
        const [fromA, fromB] = await Promise.all([Promise.all([a.claim(3), a.claim(2)]), Promise.all([b.claim(3), b.claim(2)])]);
        got.a.push(...fromA.flat().map((r) => r.job_id));
        got.b.push(...fromB.flat().map((r) => r.job_id));
        if (fromA.flat().length + fromB.flat().length === 0) break;
      }
      const all = [...got.a, ...got.b];
      assert.equal(new Set(all).size, all.length, 'no job twice');
      assert.deepEqual([...all].sort(), [...ids].sort(), 'every job once');
      assert.ok(got.a.length > 0 && got.b.length > 0);
      const rows = await Promise.all(ids.map((id) => a.get(id)));
      for (const id of got.b) assert.equal(rows.find((r) => r?.job_id === id)?.locked_by, 'b');
    });

    test('queues sharing a table by scope never see each other\'s jobs', async () => {
      const crmA = outbox('crm-a');
      const crmB = outbox('crm-b');
      const id = nextId();
      assert.equal(await crmA.enqueue(id, payload('for a')), true);
      assert.equal(await crmB.enqueue(id, payload('for b')), true, 'the same id in another scope is another job');
      const [taken] = await crmA.claim(10);
      assert.deepEqual([taken?.owner, taken?.payload], ['crm-a', 'for a']);
      const [other] = await crmB.claim(10);
      assert.deepEqual([other?.owner, other?.payload], ['crm-b', 'for b']);
      assert.equal(await crmA.complete(id), true);
      assert.equal((await crmB.get(id))?.state, 'pending');
    });

    test('an expired lease is taken over; the old holder can no longer renew or release it', async () => {
      await drainTable();
      const a = copies({ instanceId: 'a' });
      const b = copies({ instanceId: 'b' });
      const id = nextId();
      await a.enqueue(id);
      assert.equal((await a.claim(1)).length, 1);
      clock += LEASE - 1;
      assert.deepEqual(await b.claim(1), [], 'the lease still holds');
      assert.equal(await a.renew(id), true, 'the holder renews');
      clock += LEASE - 1;
      assert.deepEqual(await b.claim(1), [], 'renewed: still held');
      clock += 2;
      const [taken] = await b.claim(1);
      assert.deepEqual([taken?.job_id, taken?.locked_by, taken?.attempts], [id, 'b', 0], 'taken over, no attempt counted');
      assert.equal(await a.renew(id), false, 'the old holder lost it');
      await a.release(id);
      assert.equal((await b.get(id))?.locked_by, 'b', 'and cannot give it away');
    });

    test('an expired lease is taken over in a table without a holder column too', async () => {
      const a = outbox('crm-lease');
      const b = outbox('crm-lease');
      const id = nextId();
      await a.enqueue(id, payload('x'));
      assert.equal((await a.claim(5)).length, 1);
      assert.deepEqual(await b.claim(5), []);
      clock += LEASE + 1;
      assert.deepEqual((await b.claim(5)).map((r) => r.job_id), [id]);
    });

    test('renewing writes the owner\'s progress with the lease in one statement', async () => {
      const q = outbox('crm-progress');
      const id = nextId();
      await q.enqueue(id, payload('first'));
      await q.claim(1);
      clock += 1000;
      assert.equal(await q.renew(id, { payload: 'step 1 done' }), true);
      const row = await q.get(id);
      assert.deepEqual([row?.payload, row?.lease_until], ['step 1 done', new Date(clock + LEASE).toISOString()]);
    });

    test('hold renews the lease while the work goes on, until let go', async () => {
      await drainTable();
      const timers = mock.timers;
      timers.enable({ apis: ['setInterval'] });
      try {
        const a = copies({ instanceId: 'a' });
        const b = copies({ instanceId: 'b' });
        const id = nextId();
        await a.enqueue(id);
        await a.claim(1);
        const letGo = a.hold(id);
        const renewed = async (): Promise<string | null | undefined> => {
          for (let i = 0; i < 100; i++) {
            const until = (await a.get(id))?.locked_until;
            if (until === new Date(clock + LEASE).toISOString()) return until;
            await new Promise((r) => setImmediate(r));
          }
          return (await a.get(id))?.locked_until;
        };
        clock += LEASE / 3;
        timers.tick(LEASE / 3);
        assert.equal(await renewed(), new Date(clock + LEASE).toISOString(), 'renewed a third of the way');
        clock += LEASE - 1;
        assert.deepEqual(await b.claim(1), [], 'past the first lease, still held');
        letGo();
        clock += 2;
        timers.tick(LEASE);
        assert.deepEqual((await b.claim(1)).map((r) => r.job_id), [id], 'let go: it runs out');
      } finally {
        timers.reset();
      }
    });

    test('release on stop: the job is due at once for anyone, the attempt not counted', async () => {
      await drainTable();
      const a = copies({ instanceId: 'a' });
      const b = copies({ instanceId: 'b' });
      const id = nextId();
      await a.enqueue(id);
      await a.claim(1);
      await b.release(id);
      assert.deepEqual(await b.claim(1), [], 'only the holder gives it back');
      await a.release(id);
      const row = await a.get(id);
      assert.deepEqual([row?.locked_by, row?.locked_until, row?.attempts, row?.state], [null, null, 0, 'pending']);
      assert.deepEqual((await b.claim(1)).map((r) => r.job_id), [id], 'taken at once, no lease to wait out');
    });

    test('backoff: each failure counts an attempt; the delay grows, is jittered within bounds, and is capped', async () => {
      await drainTable();
      const q = copies({ retry: exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 8000, jitter: 0.2 }) });
      const id = nextId();
      await q.enqueue(id);
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 7; attempt++) {
        const [job] = await q.claim(1);
        assert.ok(job, `claimable again for attempt ${attempt}`);
        const outcome = await q.fail(job, { cause: down, message: 'down', code: 'TEST_ERR_DOWN' });
        assert.ok(outcome && !outcome.dead);
        assert.equal(outcome.attempts, attempt);
        const row = await q.get(id);
        const delay = Date.parse(row!.due_at) - clock;
        assert.equal(delay, outcome.retryInMs);
        const base = Math.min(8000, 1000 * 2 ** (attempt - 1));
        assert.ok(delay >= base * 0.8 && delay <= base * 1.2, `attempt ${attempt}: ${delay} ms within 20% of ${base}`);
        assert.deepEqual([row?.attempts, row?.state, row?.locked_by, row?.locked_until, row?.last_error_code], [attempt, 'pending', null, null, 'TEST_ERR_DOWN']);
        assert.deepEqual(await q.claim(1), [], 'not before its time');
        delays.push(delay);
        clock += delay;
      }
      assert.ok(delays.slice(4).every((d) => d <= 9600), `capped at 8 s (and its jitter): ${delays.join(', ')}`);
    });

    test('dead letters: past the last attempt, with a permanent cause, or when the strategy gives up; kept and never retried', async () => {
      await drainTable();
      const permanent = new Error('refused as given');
      const q = copies({ maxAttempts: 3, permanent: (cause) => cause === permanent });
      const [tired, refused, givenUp] = [nextId(), nextId(), nextId()];
      await q.enqueue(tired);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [job] = await q.claim(1);
        const outcome = await q.fail(job!, { cause: down, message: `attempt ${attempt} failed`, code: 'TEST_ERR_DOWN' });
        assert.equal(outcome?.dead, attempt === 3, `attempt ${attempt}`);
        clock += 1000;
      }
      await q.enqueue(refused);
      assert.deepEqual(await q.fail((await q.claim(1))[0]!, { cause: permanent, message: 'refused', code: null }), { dead: true, attempts: 1 });
      const quitting = copies({ retry: () => false });
      await quitting.enqueue(givenUp);
      assert.deepEqual(await quitting.fail((await quitting.claim(1))[0]!, { cause: down, message: 'gave up' }), { dead: true, attempts: 1 });

      clock += 365 * 24 * 3600_000;
      assert.deepEqual(await q.claim(10), [], 'a dead letter is never claimed again');
      assert.equal(await q.nextDueAt(), null, 'nor waited for');
      const dead = await q.deadLetters(10);
      assert.deepEqual(dead.map((r) => r.job_id).sort(), [tired, refused, givenUp].sort());
      const kept = dead.find((r) => r.job_id === tired);
      assert.deepEqual([kept?.state, kept?.attempts, kept?.last_error, kept?.last_error_code, kept?.locked_by], ['failed', 3, 'attempt 3 failed', 'TEST_ERR_DOWN', null]);
      assert.deepEqual((await q.jobs(10)).map((r) => r.state), ['failed', 'failed', 'failed'], 'listed for admins');
      assert.equal(await q.enqueue(tired), false, 'queuing it again does not revive it');
      await q.remove(refused);
      assert.equal(await q.fail(dead.find((r) => r.job_id === refused)!, { cause: down, message: 'late' }), null, 'a job removed meanwhile: nothing kept');
      assert.equal(await q.get(refused), undefined);
    });

    test('complete: deleted, or kept in the done state; a guard on the owner\'s columns can hold it back', async () => {
      await drainTable();
      const copyQ = copies();
      const gone = nextId();
      await copyQ.enqueue(gone);
      await copyQ.claim(1);
      assert.equal(await copyQ.complete(gone), true);
      assert.equal(await copyQ.get(gone), undefined);

      const q = outbox('crm-done');
      const kept = nextId();
      await q.enqueue(kept, { payload: 'p', pending_changes: 1 });
      const [job] = await q.claim(1);
      assert.equal(job?.pending_changes, 1);
      assert.equal(await q.complete(kept, { pending_changes: 0 }), false, 'changed meanwhile: not done');
      assert.equal((await q.get(kept))?.state, 'pending');
      await t.store.db.withTables<{ test_outbox: OutboxLikeRow }>().updateTable('test_outbox').set({ pending_changes: 0 }).where('job_id', '=', kept).execute();
      assert.equal(await q.complete(kept, { pending_changes: 0 }), true);
      const row = await q.get(kept);
      assert.deepEqual([row?.state, row?.done_at, row?.lease_until, row?.last_error], ['done', new Date(clock).toISOString(), null, null]);
      clock += 3600_000;
      assert.deepEqual(await q.claim(5), [], 'a done job is not claimed');
      assert.deepEqual(await q.jobs(5), [], 'nor listed');
    });
  });
}
