/**
 * Calls logged into SuiteCRM (the fake) through the durable outbox, on SQLite and PostgreSQL: the
 * Call's fields and links, a missed call, idempotence by our call id, SuiteCRM down or slow, an
 * answer lost after the create, a service restart (each call logged exactly once), a refused call.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import { SuiteCrm } from '../../src/crm/suitecrm/suitecrm-crm.ts';
import { EmbeddedCrm } from '../../src/crm/embedded/embedded-crm.ts';
import { createCallLogger, type CallLogger } from '../../src/crm/outbox/call-logger.ts';
import { recordingLinkTemplate, type CallMatch, type LoggableCallRecord } from '../../src/crm/outbox/call-entry.ts';
import { markerLine } from '../../src/crm/suitecrm/call-attributes.ts';
import { CrmErrorCodes, CrmTelephonyError } from '../../src/crm/crm-errors.ts';
import type { CrmPort } from '../../src/crm/crm-port.ts';
import type { FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { IDS, settingsFor, startFake, SUITECRM_VERSIONS } from './support.ts';

let seq = 0;
function call(over: Partial<LoggableCallRecord> = {}): LoggableCallRecord {
  seq++;
  return {
    id: `pbx1:1795464937.${seq}`,
    direction: 'inbound',
    status: 'ended',
    externalNumber: '84951234567',
    normalizedNumber: '+74951234567',
    did: '5550100',
    answeredBy: '101',
    callerExtension: null,
    rang: ['101'],
    disposition: 'answered',
    startedAt: '2026-11-23T20:15:37.000Z',
    answeredAt: '2026-11-23T20:15:49.000Z',
    endedAt: '2026-11-23T20:19:54.000Z',
    ringSeconds: 12,
    talkSeconds: 245,
    recording: '1795464937.17.wav',
    clickToCallId: null,
    ...over,
  };
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const engine of ENGINES) for (const version of SUITECRM_VERSIONS) {
  describe(`call logging into SuiteCRM through the outbox on ${engine}, SuiteCRM ${version}`, () => {
    let t: TestStore;
    let dir: Directory;
    let fake: FakeSuiteCrm;
    let crm: SuiteCrm;
    const loggers: CallLogger[] = [];
    const matchesOf = async (number: string): Promise<CallMatch[]> => (await findByPhone(dir, number)).candidates;
    const logger = (over: Partial<Parameters<typeof createCallLogger>[0]> = {}): CallLogger => {
      const l = createCallLogger({ store: t.store, crm, recordingUrl: recordingLinkTemplate('https://tel.example.com/api/calls/{callId}/recording'), backoff: () => 30, pollMs: 50, ...over });
      loggers.push(l);
      return l;
    };
    const logged = (id: string) => fake.callsMentioning(markerLine(id));
    const posts = (): number => fake.requests.filter((r) => r.method === 'POST' && r.path === '/Api/V8/module').length;

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'RU' });
      fake = await startFake({ version });
      crm = new SuiteCrm(settingsFor(fake, { pageSize: 50, timeoutMs: 300 }), { directory: dir });
      await crm.syncFull();
    });
    after(async () => {
      for (const l of loggers) await l.stop();
      await fake.stop();
      await t.dispose();
    });

    test('an answered call: its fields, the date format, and links to every matched contact and to the agent', async () => {
      const l = logger();
      l.start();
      const c = call();
      assert.equal(await l.enqueue(c, await matchesOf('+74951234567')), true);
      await l.idle(10_000);
      const [row] = logged(c.id);
      assert.ok(row, 'the call is in SuiteCRM');
      const a = row.attrs;
      assert.equal(a['name'], 'Inbound call from +7 495 123 45 67');
      assert.deepEqual([a['direction'], a['status'], a['date_start'], a['duration_hours'], a['duration_minutes']], ['Inbound', 'Held', '2026-11-23 20:15:37', '0', '4']);
      assert.deepEqual([a['parent_type'], a['parent_id'], a['assigned_user_id']], ['Contacts', IDS.C1, IDS.alice]);
      const description = String(a['description']);
      for (const part of ['Talk: 245 s (4 min 5 s)', 'Disposition: answered', 'Line: 5550100', 'Agent: ext 101 (Alice Agent)', `Recording: https://tel.example.com/api/calls/${encodeURIComponent(c.id)}/recording`, markerLine(c.id)]) {
        assert.ok(description.includes(part), `description has "${part}":\n${description}`);
      }
      assert.deepEqual(fake.store.related('Calls', row.id, 'contacts')?.ids, [IDS.C1, IDS.C2]);
      assert.deepEqual(fake.store.related('Calls', row.id, 'users')?.ids, [IDS.alice]);
      // Through the link-name routes only (the generic one writes nothing for users).
      const links = fake.requests.filter((r) => r.path.startsWith(`/Api/V8/module/Calls/${row.id}/relationships`)).map((r) => r.path.split('/').pop());
      assert.deepEqual(links.sort(), ['contacts', 'contacts', 'users']);
      // What a person sees in SuiteCRM: the contact's History lists it; dates read back as ISO with :00.
      const history = await crm.api.call('GET', `/Api/V8/module/Contacts/${IDS.C2}/relationships/calls`);
      const item = (history['data'] as { id: string; attributes: Record<string, string> }[]).find((x) => x.id === row.id);
      assert.equal(item?.attributes['date_start'], '2026-11-23T20:15:00+00:00');
      const status = await l.status();
      assert.deepEqual([status.pending, status.done, status.failed, status.logged], [0, 1, 0, 1]);
    });

    test('a missed call: Not Held, no duration, assigned to the caller\'s responsible user', async () => {
      const l = logger();
      l.start();
      const c = call({ answeredBy: null, disposition: 'missed', talkSeconds: 0, rang: ['102'], normalizedNumber: '+14155552671', externalNumber: '+14155552671', answeredAt: null, recording: null });
      await l.enqueue(c, await matchesOf('+14155552671'));
      await l.idle(10_000);
      const [row] = logged(c.id);
      assert.deepEqual([row?.attrs['name'], row?.attrs['status'], row?.attrs['duration_minutes'], row?.attrs['parent_id'], row?.attrs['assigned_user_id']], ['Missed call from +1 415 555 2671', 'Not Held', '0', IDS.C3, IDS.bob]);
    });

    test('enqueueing the same call twice logs it once', async () => {
      const l = logger();
      const c = call();
      assert.equal(await l.enqueue(c, await matchesOf('+74951234567')), true);
      assert.equal(await l.enqueue(c, await matchesOf('+74951234567')), false);
      l.start();
      await l.idle(10_000);
      assert.equal(logged(c.id).length, 1);
    });

    test('SuiteCRM down: calls wait in the outbox, retried with backoff, then each is logged exactly once', async () => {
      await fake.setDown(true);
      const l = logger();
      l.start();
      const calls = [call(), call(), call(), call(), call()];
      for (const c of calls) await l.enqueue(c, await matchesOf('+74951234567'));
      await until(async () => (await l.status()).lastError !== null, 'a failed attempt');
      const waiting = await l.status();
      assert.equal(waiting.pending, calls.length);
      assert.match(waiting.lastError!, /Could not reach SuiteCRM at http/);
      await until(async () => {
        const rows = await t.store.db.withTables<{ crm_outbox: { call_id: string; attempts: number } }>().selectFrom('crm_outbox').select('attempts').where('call_id', '=', calls[0]!.id).execute();
        return (rows[0]?.attempts ?? 0) >= 2;
      }, 'a second attempt');
      await fake.setDown(false);
      await l.idle(10_000);
      for (const c of calls) assert.equal(logged(c.id).length, 1, c.id);
    });

    test('the create worked but its answer was lost: the retry finds the call instead of writing it again', async () => {
      const l = logger();
      l.start();
      const c = call();
      const before = posts();
      fake.fail('lose-response', { when: (r) => r.method === 'POST' && r.path === '/Api/V8/module' });
      await l.enqueue(c, await matchesOf('+74951234567'));
      await l.idle(10_000);
      assert.equal(logged(c.id).length, 1);
      assert.equal(posts() - before, 1, 'one create only');
      assert.equal(fake.store.related('Calls', logged(c.id)[0]!.id, 'contacts')?.ids.length, 2, 'and its links made');
    });

    test('SuiteCRM slower than our deadline: the timed-out create is found, not repeated', async () => {
      const l = logger();
      l.start();
      const c = call();
      const before = posts();
      fake.fail('slow', { delayMs: 600, when: (r) => r.method === 'POST' && r.path === '/Api/V8/module' });
      await l.enqueue(c, await matchesOf('+74951234567'));
      await l.idle(10_000);
      assert.equal(logged(c.id).length, 1);
      assert.equal(posts() - before, 1);
    });

    test('a failing link (5xx) is retried; the call is not created again', async () => {
      const l = logger();
      l.start();
      const c = call();
      const before = posts();
      fake.fail('status-500', { times: 2, when: (r) => r.path.endsWith('/relationships/users') });
      await l.enqueue(c, await matchesOf('+74951234567'));
      await l.idle(10_000);
      assert.equal(posts() - before, 1);
      assert.deepEqual(fake.store.related('Calls', logged(c.id)[0]!.id, 'users')?.ids, [IDS.alice]);
    });

    test('a restart resumes from the table: calls queued while SuiteCRM was down are each logged once', async () => {
      await fake.setDown(true);
      const first = logger();
      first.start();
      const queued = [call(), call(), call()];
      for (const c of queued) await first.enqueue(c, await matchesOf('+74951234567'));
      await until(async () => (await first.status()).lastError !== null, 'a failed attempt');
      await first.stop();
      await fake.setDown(false);
      const before = posts();
      const second = logger();
      second.start();
      await second.idle(10_000);
      for (const c of queued) assert.equal(logged(c.id).length, 1, c.id);
      assert.equal(posts() - before, queued.length);
    });

    test('a service stopped half-way through a call resumes with what was left: the links, not the create', async () => {
      const first = logger();
      fake.fail('hang', { when: (r) => r.path.endsWith('/relationships/users') });
      first.start();
      const c = call();
      await first.enqueue(c, await matchesOf('+74951234567'));
      await until(() => logged(c.id).length === 1 && fake.requests.some((r) => r.fault === 'hang'), 'the hanging link');
      await first.stop();
      const before = posts();
      const second = logger();
      second.start();
      await second.idle(10_000);
      assert.equal(logged(c.id).length, 1);
      assert.equal(posts() - before, 0, 'not created again');
      assert.deepEqual(fake.store.related('Calls', logged(c.id)[0]!.id, 'users')?.ids, [IDS.alice]);
      assert.equal((await second.status()).pending, 0);
    });

    test('a call the CRM refuses is kept as failed, in words, and not retried', async () => {
      const refusing: CrmPort = {
        name: 'refusing',
        source: 'suitecrm',
        logsCalls: true,
        syncFull: () => crm.syncFull(),
        syncIncremental: () => crm.syncIncremental(),
        recordUrl: () => null,
        createRecord: () => Promise.reject(new Error('no')),
        logCall: () => Promise.reject(new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, 'SuiteCRM refused POST /Api/V8/module (HTTP 400: Property x in Call module is invalid).')),
        updateCall: () => Promise.resolve(),
        linkCall: () => Promise.resolve(),
        unlinkCall: () => Promise.resolve(),
        plansCallbacks: false,
        planCallback: () => Promise.reject(new Error('no')),
        findCallback: () => Promise.resolve(null),
        updateCallback: () => Promise.resolve(),
      };
      const l = logger({ crm: refusing });
      l.start();
      await l.enqueue(call());
      await l.idle(10_000);
      const s = await l.status();
      assert.equal(s.failed, 1);
      assert.match(s.failures[0]!.error!, /Property x in Call module is invalid/);
    });

    test('the embedded CRM logs nothing more: no outbox rows', async () => {
      const l = createCallLogger({ store: t.store, crm: new EmbeddedCrm(dir) });
      assert.equal(await l.enqueue(call()), false);
    });
  });
}
