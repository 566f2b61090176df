/**
 * A call logged with what the service saw, then corrected by the PBX's CDRs after a gap (the engine's
 * `call-updated` of an ended call): SuiteCRM (the fake) ends up with one Call showing the correction,
 * on SQLite and PostgreSQL. Corrected before the create, during it, after it; across a restart; with
 * SuiteCRM down or refusing; and a correction that changes nothing the CRM shows sends nothing.
 */
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import { SuiteCrm } from '../../src/crm/suitecrm/suitecrm-crm.ts';
import { EmbeddedCrm } from '../../src/crm/embedded/embedded-crm.ts';
import { createCallLogger, type CallLogger } from '../../src/crm/outbox/call-logger.ts';
import { callLoggerSink } from '../../src/crm/outbox/call-logger-sink.ts';
import { recordingLinkTemplate, type CallMatch, type LoggableCallRecord } from '../../src/crm/outbox/call-entry.ts';
import { markerLine } from '../../src/crm/suitecrm/call-attributes.ts';
import { CrmErrorCodes, CrmTelephonyError } from '../../src/crm/crm-errors.ts';
import { crmDb } from '../../src/crm/crm-tables.ts';
import type { CrmPort } from '../../src/crm/crm-port.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import type { FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { IDS, settingsFor, startFake, SUITECRM_VERSIONS } from './support.ts';

const CALLER = '+14155552671';
let seq = 0;

/** As first logged: the call ended inside a link cut and looked missed (C3's caller; C3 is Bob's). */
function missed(): LoggableCallRecord {
  seq++;
  return {
    id: `pbx1:1795470000.${seq}`,
    direction: 'inbound',
    status: 'ended',
    externalNumber: CALLER,
    normalizedNumber: CALLER,
    did: '5550100',
    answeredBy: null,
    callerExtension: null,
    rang: ['101'],
    disposition: 'missed',
    startedAt: '2026-11-23T20:15:37.000Z',
    answeredAt: null,
    endedAt: '2026-11-23T20:20:06.000Z',
    ringSeconds: 12,
    talkSeconds: 0,
    recording: null,
    clickToCallId: null,
  };
}

/** As the CDRs tell it: Alice (ext 101) answered and talked 4 min 5 s. */
function corrected(first: LoggableCallRecord): LoggableCallRecord {
  return { ...first, answeredBy: '101', disposition: 'answered', answeredAt: '2026-11-23T20:15:49.000Z', talkSeconds: 245, recording: '1795470000.1.wav' };
}

/** The engine's record around the fields the CRM uses (the sink takes whole records). */
function engineRecord(r: LoggableCallRecord, over: Partial<CallRecord> = {}): CallRecord {
  return { pbx: 'pbx1', linkedid: r.id.slice(5), externalName: null, queue: null, unreachable: [], transfers: [], endedWhileDisconnected: false, fromCdr: null, ...r, ...over } as unknown as CallRecord;
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The SuiteCRM port with some of its methods replaced. */
function around(crm: SuiteCrm, over: Partial<Pick<CrmPort, 'logCall' | 'updateCall'>>): CrmPort {
  return {
    name: crm.name,
    source: crm.source,
    logsCalls: true,
    syncFull: (o) => crm.syncFull(o),
    syncIncremental: (o) => crm.syncIncremental(o),
    recordUrl: (ref) => crm.recordUrl(ref),
    createRecord: (input) => crm.createRecord(input),
    logCall: (entry, options) => crm.logCall(entry, options),
    updateCall: (id, entry, options) => crm.updateCall(id, entry, options),
    linkCall: (id, target, options) => crm.linkCall(id, target, options),
    unlinkCall: (id, target, options) => crm.unlinkCall(id, target, options),
    plansCallbacks: crm.plansCallbacks,
    planCallback: (state, options) => crm.planCallback(state, options),
    findCallback: (state, options) => crm.findCallback(state, options),
    updateCallback: (id, state, options) => crm.updateCallback(id, state, options),
    ...over,
  };
}

for (const engine of ENGINES) for (const version of SUITECRM_VERSIONS) {
  describe(`calls corrected after they were logged, into SuiteCRM on ${engine}, SuiteCRM ${version}`, () => {
    let t: TestStore;
    let dir: Directory;
    let fake: FakeSuiteCrm;
    let crm: SuiteCrm;
    const loggers: CallLogger[] = [];
    const matchesOf = async (number: string | null): Promise<CallMatch[]> => (number ? (await findByPhone(dir, number)).candidates : []);
    const logger = (over: Partial<Parameters<typeof createCallLogger>[0]> = {}): CallLogger => {
      const l = createCallLogger({ store: t.store, crm, recordingUrl: recordingLinkTemplate('https://tel.example.com/api/calls/{callId}/recording'), backoff: () => 30, pollMs: 50, ...over });
      loggers.push(l);
      return l;
    };
    const logged = (id: string) => fake.callsMentioning(markerLine(id));
    const creates = (): number => fake.requests.filter((r) => r.method === 'POST' && r.path === '/Api/V8/module').length;
    const updatesOf = (crmCallId: string): number => fake.requests.filter((r) => r.method === 'PATCH' && r.path === '/Api/V8/module' && r.body.includes(crmCallId)).length;
    const row = (callId: string) => crmDb(t.store).selectFrom('crm_outbox').selectAll().where('call_id', '=', callId).executeTakeFirstOrThrow();
    const lookups = () => matchesOf(CALLER);

    /** What a person sees for the corrected call: Held, 4 minutes, Alice's, the exact start kept. */
    const assertCorrected = (id: string): string => {
      const calls = logged(id);
      assert.equal(calls.length, 1, 'one Call in SuiteCRM');
      const a = calls[0]!.attrs;
      assert.deepEqual(
        [a['name'], a['status'], a['duration_hours'], a['duration_minutes'], a['assigned_user_id'], a['parent_id'], a['date_start'], a['date_end']],
        ['Inbound call from +1 415 555 2671', 'Held', '0', '4', IDS.alice, IDS.C3, '2026-11-23 20:15:37', '2026-11-23 20:19:37'],
      );
      const description = String(a['description']);
      for (const part of ['Disposition: answered', 'Talk: 245 s (4 min 5 s)', 'Agent: ext 101 (Alice Agent)', 'Recording: https://tel.example.com/']) assert.ok(description.includes(part), `description has "${part}":\n${description}`);
      assert.ok(!description.includes('missed'), description);
      return calls[0]!.id;
    };

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'RU' });
      fake = await startFake({ version });
      crm = new SuiteCrm(settingsFor(fake, { pageSize: 50, timeoutMs: 300 }), { directory: dir });
      await crm.syncFull();
    });
    // Each test's workers stop with it: one left running would take the next test's rows.
    afterEach(async () => {
      for (const l of loggers.splice(0)) await l.stop();
    });
    after(async () => {
      await fake.stop();
      await t.dispose();
    });

    test('logged as missed, corrected to answered through the sink: the same Call updated (Held, duration, Alice), none created', async () => {
      const l = logger();
      const sink = callLoggerSink(l, { matchesFor: (_id, n) => matchesOf(n) });
      l.start();
      const first = missed();
      await sink({ type: 'call-ended', callId: first.id, record: engineRecord(first, { endedWhileDisconnected: true }) });
      await l.idle(10_000);
      const [before] = logged(first.id);
      assert.deepEqual([before?.attrs['name'], before?.attrs['status'], before?.attrs['assigned_user_id']], ['Missed call from +1 415 555 2671', 'Not Held', IDS.bob]);
      const createsBefore = creates();

      // A call still going on is not the outbox's business.
      const other = missed();
      await sink({ type: 'call-updated', callId: other.id, record: engineRecord(other, { status: 'in-progress', endedAt: null, disposition: null }) });
      await sink({ type: 'call-updated', callId: first.id, record: engineRecord(corrected(first), { fromCdr: 'corrected' }) });
      await l.idle(10_000);

      assert.equal(assertCorrected(first.id), before!.id);
      assert.equal(creates(), createsBefore, 'no second Call');
      assert.equal(updatesOf(before!.id), 1);
      assert.ok(fake.store.related('Calls', before!.id, 'users')?.ids.includes(IDS.alice), 'linked to the agent who answered');
      assert.equal(logged(other.id).length, 0);
      assert.equal((await crmDb(t.store).selectFrom('crm_outbox').select('call_id').where('call_id', '=', other.id).execute()).length, 0);
      const s = await l.status();
      assert.deepEqual([s.pending, s.failed, s.corrected], [0, 0, 1]);
      assert.equal((await row(first.id)).update_pending, 0);
    });

    test('a correction that changes nothing SuiteCRM shows sends nothing', async () => {
      const l = logger();
      l.start();
      const first = corrected(missed());
      await l.enqueue(first, await lookups());
      await l.idle(10_000);
      const stored = await row(first.id);
      const requests = fake.requests.length;
      assert.equal(await l.amend(first, lookups), 'unchanged');
      // The answer time is not in the CRM's Call; nor is a talk that rounds to the same second.
      assert.equal(await l.amend({ ...first, answeredAt: '2026-11-23T20:15:50.000Z', talkSeconds: 245.2 }, lookups), 'unchanged');
      await new Promise((r) => setTimeout(r, 150));
      await l.idle(10_000);
      assert.equal(fake.requests.length, requests, 'no request to SuiteCRM');
      assert.deepEqual(await row(first.id), stored, 'the row untouched');
    });

    test('corrected before its create was sent: created once, as corrected, and never updated', async () => {
      const l = logger();
      const first = missed();
      const createsBefore = creates();
      await l.enqueue(first, await lookups());
      assert.equal(await l.amend(corrected(first), lookups), 'amended');
      assert.equal(creates(), createsBefore, 'nothing sent before the worker starts');
      l.start();
      await l.idle(10_000);
      const id = assertCorrected(first.id);
      assert.equal(creates() - createsBefore, 1);
      assert.equal(updatesOf(id), 0);
    });

    test('a correction of a call not queued yet queues it', async () => {
      const l = logger();
      const first = corrected(missed());
      assert.equal(await l.amend(first, lookups), 'queued');
      l.start();
      await l.idle(10_000);
      assertCorrected(first.id);
    });

    test('corrected while its create is in flight: the create ends, then that Call is updated', async () => {
      let entered!: () => void;
      const inFlight = new Promise<void>((r) => (entered = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const l = logger({
        crm: around(crm, {
          logCall: async (entry, options) => {
            entered();
            await gate;
            return crm.logCall(entry, options);
          },
        }),
      });
      l.start();
      const first = missed();
      await l.enqueue(first, await lookups());
      await inFlight;
      assert.equal((await row(first.id)).post_started, 1);
      assert.equal(await l.amend(corrected(first), lookups), 'amended');
      const createsBefore = creates();
      release();
      await l.idle(10_000);
      const id = assertCorrected(first.id);
      assert.equal(creates() - createsBefore, 1, 'one create');
      assert.equal(updatesOf(id), 1, 'then one update');
    });

    test('the create worked, its answer was lost, and the call was corrected meanwhile: the Call found is updated', async () => {
      const l = logger({
        crm: around(crm, {
          logCall: async (entry, options) => {
            const done = await crm.logCall(entry, options);
            if (!options.mayExist) {
              await l.amend(corrected(first), lookups);
              throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_TIMEOUT, 'SuiteCRM did not answer in time.');
            }
            return done;
          },
        }),
      });
      const first = missed();
      const createsBefore = creates();
      await l.enqueue(first, await lookups());
      l.start();
      await l.idle(10_000);
      const id = assertCorrected(first.id);
      assert.equal(creates() - createsBefore, 1, 'found, not created again');
      assert.equal(updatesOf(id), 1);
    });

    test('a restart while the update hangs: the next process updates the Call and creates nothing', async () => {
      const first = missed();
      const one = logger();
      one.start();
      await one.enqueue(first, await lookups());
      await one.idle(10_000);
      const id = logged(first.id)[0]!.id;
      fake.fail('hang', { when: (r) => r.method === 'PATCH' });
      assert.equal(await one.amend(corrected(first), lookups), 'amended');
      await until(() => fake.requests.some((r) => r.method === 'PATCH' && r.fault === 'hang' && r.body.includes(id)), 'the hanging update');
      await one.stop();
      assert.equal((await row(first.id)).state, 'pending');
      const createsBefore = creates();
      const two = logger();
      two.start();
      await two.idle(10_000);
      assertCorrected(first.id);
      assert.equal(creates(), createsBefore);
      assert.deepEqual([(await row(first.id)).state, (await row(first.id)).update_pending], ['done', 0]);
    });

    test('SuiteCRM down during the update: retried with backoff until it is back, the correction kept', async () => {
      const l = logger();
      l.start();
      const first = missed();
      await l.enqueue(first, await lookups());
      await l.idle(10_000);
      const createsBefore = creates();
      await fake.setDown(true);
      try {
        assert.equal(await l.amend(corrected(first), lookups), 'amended');
        await until(async () => (await row(first.id)).attempts >= 2, 'two failed updates');
        const s = await l.status();
        assert.equal(s.pending, 1);
        assert.match(s.lastError!, /as first logged; writing its correction failed: Could not reach SuiteCRM/);
        assert.equal(logged(first.id)[0]?.attrs['status'], 'Not Held', 'the first version meanwhile');
      } finally {
        await fake.setDown(false);
      }
      await l.idle(10_000);
      assertCorrected(first.id);
      assert.equal(creates(), createsBefore);
    });

    test('a correction SuiteCRM refuses is kept as failed, in words, and not retried', async () => {
      let updates = 0;
      const l = logger({
        crm: around(crm, {
          updateCall: () => {
            updates++;
            return Promise.reject(new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, 'SuiteCRM refused PATCH /Api/V8/module (HTTP 400: Property x in Call module is invalid).'));
          },
        }),
      });
      l.start();
      const first = missed();
      await l.enqueue(first, await lookups());
      await l.idle(10_000);
      assert.equal(await l.amend(corrected(first), lookups), 'amended');
      await l.idle(10_000);
      await new Promise((r) => setTimeout(r, 150));
      const s = await l.status();
      assert.equal(updates, 1);
      assert.equal(s.failures.find((f) => f.callId === first.id)?.error, 'The call is in the CRM as first logged; writing its correction failed: SuiteCRM refused PATCH /Api/V8/module (HTTP 400: Property x in Call module is invalid).');
      assert.equal((await row(first.id)).state, 'failed');
    });

    test('the embedded CRM has nothing to correct', async () => {
      const l = createCallLogger({ store: t.store, crm: new EmbeddedCrm(dir) });
      assert.equal(await l.amend(corrected(missed()), lookups), 'ignored');
    });
  });
}
