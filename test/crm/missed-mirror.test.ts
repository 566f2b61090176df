/**
 * Missed-call items mirrored into SuiteCRM (the fake) as planned Calls, on SQLite and PostgreSQL:
 * an open item is one Planned Call assigned to its owner, linked to the caller's contact and to the
 * owner (their Activities and calendar); counted again or moved, the same Call is rewritten; closed,
 * it is Held or Not Held. Never twice: a lost answer on the create, two instances on one database.
 * The items are written straight into `missed_items`, as the missed-items code writes them.
 */
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ENGINES, openTestStore, TEST_DATABASE_URL, type TestStore } from '../support/engines.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { MissedItemsTable } from '../../src/store/schema.ts';
import { Directory } from '../../src/directory/directory.ts';
import { SuiteCrm } from '../../src/crm/suitecrm/suitecrm-crm.ts';
import { createMissedMirror, type MissedMirror } from '../../src/crm/missed/mirror-worker.ts';
import { callbackMarkerLine } from '../../src/crm/suitecrm/callback-attributes.ts';
import { createCrmRuntime } from '../../src/crm/index.ts';
import { suitecrmConfigSchema } from '../../src/crm/config.ts';
import { CrmErrorCodes, CrmTelephonyError } from '../../src/crm/crm-errors.ts';
import type { CrmPort } from '../../src/crm/crm-port.ts';
import type { FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from '../fakes/fake-suitecrm.ts';
import { IDS, memoryLog, settingsFor, startFake, SUITECRM_VERSIONS } from './support.ts';

const ALICE = `suitecrm:${IDS.alice}`;
const BOB = `suitecrm:${IDS.bob}`;

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An open item of Ivan Petrov (C1), owned by Alice, as the missed-items code writes one. */
async function openItem(store: Store, over: Partial<MissedItemsTable> = {}): Promise<string> {
  const id = randomUUID();
  const now = '2026-12-07T10:40:05.000Z';
  await store.db
    .insertInto('missed_items')
    .values({
      id,
      pbx: 'default',
      // Each item its own number: one open item per number.
      number: `+7495${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      external_number: null,
      caller_name: 'Ivan Petrov',
      record_type: 'contact',
      record_id: `suitecrm:${IDS.C1}`,
      did: '5550100',
      status: 'open',
      owner_id: ALICE,
      owner_reason: 'responsible',
      level: 0,
      miss_count: 1,
      first_call_id: `pbx1:${id}.1`,
      last_call_id: `pbx1:${id}.1`,
      first_missed_at: now,
      last_missed_at: now,
      escalate_at: null,
      snoozed_until: null,
      closed_at: null,
      closed_by: null,
      close_reason: null,
      close_note: null,
      closed_call_id: null,
      version: 1,
      created_at: now,
      updated_at: now,
      ...over,
    })
    .execute();
  return id;
}

/** A change the CRM's copy shows: the version grows, as the missed-items code does it. */
async function change(store: Store, id: string, set: Partial<MissedItemsTable>): Promise<void> {
  await store.db
    .updateTable('missed_items')
    .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: new Date().toISOString() }))
    .where('id', '=', id)
    .execute();
}

for (const engine of ENGINES) for (const version of SUITECRM_VERSIONS) {
  describe(`missed-call items as planned Calls in SuiteCRM on ${engine}, SuiteCRM ${version}`, () => {
    let t: TestStore;
    let dir: Directory;
    let fake: FakeSuiteCrm;
    let crm: SuiteCrm;
    const mirrors: MissedMirror[] = [];
    const mirror = (over: Partial<Parameters<typeof createMissedMirror>[0]> = {}): MissedMirror => {
      const m = createMissedMirror({ store: t.store, crm, pollMs: 50, backoff: () => 30, ...over });
      mirrors.push(m);
      return m;
    };
    const callsOf = (itemId: string) => fake.callsMentioning(callbackMarkerLine(itemId));
    const creates = (): number => fake.requests.filter((r) => r.method === 'POST' && r.path === '/Api/V8/module').length;
    const linked = (callId: string, link: string): string[] => fake.store.related('Calls', callId, link)?.ids ?? [];

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'RU' });
      fake = await startFake({ version });
      crm = new SuiteCrm(settingsFor(fake, { pageSize: 50 }), { directory: dir });
      await crm.syncFull();
    });
    // Each test's workers stop with it: a worker left running would take the next test's items.
    afterEach(async () => {
      for (const m of mirrors.splice(0)) await m.stop();
      fake.clearFaults();
    });
    after(async () => {
      await fake.stop();
      await t.dispose();
    });

    test('an open item: one Planned Call for its owner, linked to the contact and to the owner (Activities, calendar)', async () => {
      const m = mirror();
      m.start();
      const id = await openItem(t.store);
      m.wake();
      await m.idle(10_000);
      const [call, ...more] = callsOf(id);
      assert.ok(call, 'the planned call is in SuiteCRM');
      assert.equal(more.length, 0);
      const a = call.attrs;
      assert.deepEqual(
        [a['name'], a['status'], a['direction'], a['date_start'], a['duration_minutes'], a['assigned_user_id'], a['parent_type'], a['parent_id']],
        ['Call back Ivan Petrov (missed 1 call)', 'Planned', 'Outbound', '2026-12-07 10:40:05', '15', IDS.alice, 'Contacts', IDS.C1],
      );
      assert.match(String(a['description']), /^Owner: Alice Agent \(responsible for the caller\)$/m);
      assert.deepEqual(linked(call.id, 'contacts'), [IDS.C1]);
      assert.deepEqual(linked(call.id, 'users'), [IDS.alice]);
      // What SuiteCRM's pages read: the contact's calls (its Activities) and Alice's (calls_users: her calendar).
      const ofContact = await crm.api.call('GET', `/Api/V8/module/Contacts/${IDS.C1}/relationships/calls`);
      assert.ok((ofContact['data'] as { id: string }[]).some((x) => x.id === call.id));
      const ofAlice = await crm.api.call('GET', `/Api/V8/module/Users/${IDS.alice}/relationships/calls`);
      assert.ok((ofAlice['data'] as { id: string }[]).some((x) => x.id === call.id));
      const s = await m.status();
      assert.deepEqual([s.pending, s.failed, s.written], [0, 0, 1]);
    });

    test('counted again, snoozed (nothing written), moved to another owner, closed by a callback: the same Call each time, then Held', async () => {
      const m = mirror();
      m.start();
      const id = await openItem(t.store);
      await m.idle(10_000);
      const callId = callsOf(id)[0]!.id;
      const before = creates();

      await change(t.store, id, { miss_count: 2, last_missed_at: '2026-12-07T10:52:00.000Z' });
      m.wake();
      await m.idle(10_000);
      let a = fake.store.get('Calls', callId)!.attrs;
      assert.deepEqual([a['name'], a['date_start'], a['status']], ['Call back Ivan Petrov (missed 2 calls)', '2026-12-07 10:52:00', 'Planned']);

      // A snooze grows the version (the missed-items code's compare-and-set) but shows nothing new here.
      const patches = fake.requests.filter((r) => r.method === 'PATCH').length;
      await change(t.store, id, { snoozed_until: '2026-12-07T11:30:00.000Z' });
      m.wake();
      await m.idle(10_000);
      assert.equal(fake.requests.filter((r) => r.method === 'PATCH').length, patches, 'a snooze writes nothing');

      await change(t.store, id, { owner_id: BOB, owner_reason: 'reassigned' });
      m.wake();
      await m.idle(10_000);
      a = fake.store.get('Calls', callId)!.attrs;
      assert.equal(a['assigned_user_id'], IDS.bob);
      assert.deepEqual(linked(callId, 'users'), [IDS.bob], 'off Alice\'s calendar, on Bob\'s');

      await change(t.store, id, { status: 'closed', close_reason: 'callback', closed_by: BOB, closed_at: '2026-12-07T11:02:00.000Z', closed_call_id: 'pbx1:x.9' });
      m.wake();
      await m.idle(10_000);
      a = fake.store.get('Calls', callId)!.attrs;
      assert.deepEqual([a['status'], a['duration_minutes']], ['Held', '0']);
      assert.match(String(a['description']), /^Called back by Bob Agent at 2026-12-07 11:02 UTC/m);
      assert.equal(creates(), before, 'never a second Call');
      assert.equal(callsOf(id).length, 1);
      // Settled: never read again, however often the poll runs.
      const settledPatches = fake.requests.filter((r) => r.method === 'PATCH').length;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(fake.requests.filter((r) => r.method === 'PATCH').length, settledPatches);
    });

    test('dismissed with a note: Not Held, the note in the description', async () => {
      const m = mirror();
      m.start();
      const id = await openItem(t.store);
      await m.idle(10_000);
      await change(t.store, id, { status: 'closed', close_reason: 'dismissed', closed_by: ALICE, closed_at: '2026-12-07T11:10:00.000Z', close_note: 'A wrong number' });
      m.wake();
      await m.idle(10_000);
      const a = callsOf(id)[0]!.attrs;
      assert.equal(a['status'], 'Not Held');
      assert.match(String(a['description']), /^Closed without a call by Alice Agent at 2026-12-07 11:10 UTC\.\nNote: A wrong number$/m);
    });

    test('the answer to the create is lost: the next attempt finds the Call by its marker, one Call in the end', async () => {
      const m = mirror();
      m.start();
      fake.fail('lose-response', { when: (r) => r.method === 'POST' && r.path === '/Api/V8/module' });
      const before = creates();
      const id = await openItem(t.store);
      m.wake();
      await m.idle(10_000);
      assert.equal(callsOf(id).length, 1);
      assert.equal(creates() - before, 1, 'created once');
      assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === '/Api/V8/module/Calls' && decodeURIComponent(r.url).includes(callbackMarkerLine(id))), 'searched by the marker');
      assert.deepEqual(linked(callsOf(id)[0]!.id, 'users'), [IDS.alice]);
    });

    test('two instances on one database (each its own connections and SuiteCRM client): one Call per item', async () => {
      let other: Store = t.store;
      if (engine === 'postgres') {
        const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(t.store.db)).rows[0]!.s;
        other = await openStore({ url: TEST_DATABASE_URL, schema });
      }
      try {
        const crm2 = new SuiteCrm(settingsFor(fake, { pageSize: 50 }), { directory: new Directory(other, { defaultRegion: 'RU' }) });
        // Slow answers widen the window in which both instances see the same items.
        fake.latencyMs = 15;
        const before = creates();
        const ids = await Promise.all([1, 2, 3, 4, 5, 6].map(() => openItem(t.store)));
        const a = mirror({ instanceId: 'instance-a' });
        const b = mirror({ store: other, crm: crm2, instanceId: 'instance-b' });
        a.start();
        b.start();
        await until(() => ids.every((id) => callsOf(id).length > 0), 'every item in SuiteCRM');
        await Promise.all([a.idle(10_000), b.idle(10_000)]);
        for (const id of ids) assert.equal(callsOf(id).length, 1, `item ${id}: one Call`);
        assert.equal(creates() - before, ids.length);
        // And a change made after both started is written once too.
        await change(t.store, ids[0]!, { miss_count: 3 });
        a.wake();
        b.wake();
        await until(() => String(callsOf(ids[0]!)[0]!.attrs['name']).includes('3 calls'), 'the count in SuiteCRM');
        assert.equal(callsOf(ids[0]!).length, 1);
      } finally {
        fake.latencyMs = 0;
        for (const m of mirrors.splice(0)) await m.stop();
        if (other !== t.store) await other.close();
      }
    });

    test('SuiteCRM down: the item waits and is written once it is back; nothing lost, no secret logged', async () => {
      const log = memoryLog();
      const m = mirror({ log });
      m.start();
      await fake.setDown(true);
      const id = await openItem(t.store);
      m.wake();
      await until(async () => (await m.status()).lastError !== null, 'a failure noted');
      assert.equal((await m.status()).failed, 0, 'an outage is retried, not refused');
      await fake.setDown(false);
      await m.idle(10_000);
      assert.equal(callsOf(id).length, 1);
      assert.ok(log.lines.some((l) => l.level === 'warn' && /will try again/.test(l.msg ?? '')));
      assert.ok(!JSON.stringify(log.lines).includes(FAKE_CLIENT_SECRET));
    });

    test('refused by the CRM: kept as failed with the reason; tried again when the item changes', async () => {
      let refuse = true;
      const refusing: CrmPort = {
        name: crm.name,
        source: crm.source,
        logsCalls: true,
        plansCallbacks: true,
        syncFull: (o) => crm.syncFull(o),
        syncIncremental: (o) => crm.syncIncremental(o),
        recordUrl: (ref) => crm.recordUrl(ref),
        createRecord: (input) => crm.createRecord(input),
        logCall: (entry, o) => crm.logCall(entry, o),
        updateCall: (callId, entry, o) => crm.updateCall(callId, entry, o),
        linkCall: (callId, target, o) => crm.linkCall(callId, target, o),
        unlinkCall: (callId, target, o) => crm.unlinkCall(callId, target, o),
        findCallback: (state, o) => crm.findCallback(state, o),
        updateCallback: (callId, state, o) => crm.updateCallback(callId, state, o),
        planCallback: (state, o) =>
          refuse ? Promise.reject(new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, 'SuiteCRM refused POST /Api/V8/module (HTTP 400: Property x in Call module is invalid).')) : crm.planCallback(state, o),
      };
      const m = mirror({ crm: refusing });
      m.start();
      const id = await openItem(t.store);
      m.wake();
      await until(async () => (await m.status()).failures.some((f) => f.itemId === id), 'the refusal kept');
      const s = await m.status();
      assert.match(s.failures.find((f) => f.itemId === id)!.error!, /Property x in Call module is invalid/);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(callsOf(id).length, 0, 'not retried while the item is unchanged');
      refuse = false;
      await change(t.store, id, { miss_count: 2 });
      m.wake();
      await m.idle(10_000);
      assert.equal(callsOf(id).length, 1);
      assert.equal((await m.status()).failures.some((f) => f.itemId === id), false);
    });

    test('an owner SuiteCRM does not know: assigned to the API user, the owner named in the description', async () => {
      const local = await dir.upsertUser({ login: `carol-${engine}`, name: 'Carol Local' });
      const m = mirror();
      m.start();
      const id = await openItem(t.store, { owner_id: local.id, owner_reason: 'line' });
      m.wake();
      await m.idle(10_000);
      const call = callsOf(id)[0]!;
      assert.equal(call.attrs['assigned_user_id'], IDS.admin, 'the OAuth2 client acts as admin');
      assert.match(String(call.attrs['description']), /^Owner: Carol Local, who is not a user of this CRM/m);
      assert.deepEqual(linked(call.id, 'users'), []);
    });

    test('an item closed before the mirror saw it: no Call at all', async () => {
      const id = await openItem(t.store, { status: 'closed', close_reason: 'called-again', closed_at: '2026-12-07T10:41:00.000Z' });
      const m = mirror();
      m.start();
      await m.idle(10_000);
      assert.equal(callsOf(id).length, 0);
    });

    test('the runtime runs the mirror only with SuiteCRM, MISSED_CRM_CALLS on and calls logged', () => {
      const base = { ...suitecrmConfigSchema.parse({ SUITECRM_URL: fake.url, SUITECRM_CLIENT_ID: FAKE_CLIENT_ID, SUITECRM_CLIENT_SECRET: FAKE_CLIENT_SECRET }), DEFAULT_REGION: 'RU' as const };
      assert.notEqual(createCrmRuntime(base, { directory: dir }).missedMirror, null);
      assert.equal(createCrmRuntime({ ...base, MISSED_CRM_CALLS: false }, { directory: dir }).missedMirror, null);
      assert.equal(createCrmRuntime({ ...base, SUITECRM_LOG_CALLS: false }, { directory: dir }).missedMirror, null);
      assert.equal(createCrmRuntime({ ...suitecrmConfigSchema.parse({}), DEFAULT_REGION: 'RU' }, { directory: dir }).missedMirror, null, 'the embedded CRM: the console is the place');
    });
  });
}
