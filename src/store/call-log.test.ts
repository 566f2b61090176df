import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loggable } from '../../test/support/calls.ts';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { CallLog, decodeCallCursor, type LoggableCall } from './call-log.ts';
import { Directory } from '../directory/directory.ts';


const call = (over: Partial<LoggableCall> & { id: string }): LoggableCall => loggable({ answeredBy: '101', rang: ['101'], ...over });

for (const engine of ENGINES) {
  describe(`call log on ${engine}`, () => {
    let t: TestStore;
    let log: CallLog;
    let dir: Directory;
    before(async () => {
      t = await openTestStore(engine);
      log = new CallLog(t.store);
      dir = new Directory(t.store, { defaultRegion: 'US' });
    });
    after(() => t.dispose());

    test('upserting the same call many times keeps one row, the latest', async () => {
      await log.upsert(call({ id: 'default:1.0', status: 'in-progress', disposition: null, endedAt: null, answeredBy: null }));
      await log.upsert(call({ id: 'default:1.0' }));
      await log.upsert(call({ id: 'default:1.0', recording: 'a.wav' }));
      const rows = await t.store.db.selectFrom('calls').select('id').where('id', '=', 'default:1.0').execute();
      assert.equal(rows.length, 1);
      assert.equal((await log.get<LoggableCall>('default:1.0'))?.record.recording, 'a.wav');
      assert.deepEqual(await log.openCalls('default'), []);
    });

    test('a record\'s phone calls: by link and by any of its numbers; extensions and missed lists', async () => {
      const contact = (await dir.upsertContact({ firstName: 'John', lastName: 'C', phones: [{ kind: 'mobile', number: '(555) 123-0002' }] })).id;
      await log.upsert(call({ id: 'default:2.0', normalizedNumber: '+15551230002', externalNumber: '+15551230002', disposition: 'missed', answeredBy: null, rang: ['101', '102'], startedAt: '2026-11-23T20:00:00.000Z' }));
      await log.upsert(call({ id: 'default:3.0', normalizedNumber: '+15559876543', direction: 'outbound', callerExtension: '101', rang: [], startedAt: '2026-11-23T21:00:00.000Z' }), [{ type: 'contact', id: contact, link: 'origin' }]);
      const panel = await log.forRecord<LoggableCall>('contact', contact);
      assert.deepEqual(panel.calls.map((c) => c.record.id), ['default:3.0', 'default:2.0']);
      assert.equal(panel.next, null, 'a page that is not full has no next');
      assert.deepEqual((await log.forExtensions<LoggableCall>(['102'])).calls.map((c) => c.record.id), ['default:2.0']);
      const missed = await log.forExtensions<LoggableCall>(['101'], { missedOnly: true, unhandledOnly: true });
      assert.deepEqual(missed.calls.map((c) => c.record.id), ['default:2.0']);
      const alice = (await dir.upsertUser({ login: 'alice', name: 'A', extensions: ['101'] })).id;
      assert.equal(await log.markHandled('default:2.0', alice), true);
      assert.deepEqual((await log.forExtensions(['101'], { missedOnly: true, unhandledOnly: true })).calls, []);
      assert.equal((await log.missed()).calls.length, 1);
    });

    test('paging by cursor: calls that started in the same instant are neither skipped nor repeated at a page boundary', async () => {
      // Seven calls from one number: three share 10:00:00, two share 09:00:00 (ids out of insertion
      // order), one has no start time. Pages of two cut through both ties.
      const number = '+15557770001';
      const at = (id: string, startedAt: string | null) => call({ id, startedAt, normalizedNumber: number, externalNumber: number, rang: ['301'] });
      await log.upsertMany([
        { call: at('default:p.b', '2026-11-24T10:00:00.000Z') },
        { call: at('default:p.a', '2026-11-24T10:00:00.000Z') },
        { call: at('default:p.c', '2026-11-24T10:00:00.000Z') },
        { call: at('default:p.e', '2026-11-24T09:00:00.000Z') },
        { call: at('default:p.d', '2026-11-24T09:00:00.000Z') },
        { call: at('default:p.f', '2026-11-24T11:00:00.000Z') },
        { call: at('default:p.z', null) },
      ]);
      const expected = ['default:p.f', 'default:p.c', 'default:p.b', 'default:p.a', 'default:p.e', 'default:p.d', 'default:p.z'];
      for (const list of [
        (after?: string) => log.forNumber<LoggableCall>(number, { limit: 2, ...(after ? { after } : {}) }),
        (after?: string) => log.forExtensions<LoggableCall>(['301'], { limit: 2, ...(after ? { after } : {}) }),
      ]) {
        const seen: string[][] = [];
        let next: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await list(next);
          seen.push(page.calls.map((c) => c.record.id));
          if (page.next === null) break;
          next = page.next;
        }
        assert.deepEqual(seen.flat(), expected, `every call once, newest first, the null start last: ${JSON.stringify(seen)}`);
        assert.deepEqual(seen.map((p) => p.length), [2, 2, 2, 1]);
      }
      // A full last page still gives a cursor; the page after it is empty and has none.
      const six = await log.forNumber<LoggableCall>(number, { limit: 6 });
      assert.ok(six.next !== null);
      const rest = await log.forNumber<LoggableCall>(number, { limit: 6, after: six.next });
      assert.deepEqual(rest.calls.map((c) => c.record.id), ['default:p.z']);
      assert.equal(rest.next, null);
      // `before` (by time) still works for callers that page by time.
      const before = await log.forNumber<LoggableCall>(number, { before: '2026-11-24T10:00:00.000Z' });
      assert.deepEqual(before.calls.map((c) => c.record.id), ['default:p.e', 'default:p.d']);
    });

    test('last agent for a number within a window', async () => {
      assert.equal(await log.lastAgentFor('+15551230001', '2026-11-01T00:00:00.000Z'), '101');
      assert.equal(await log.lastAgentFor('+15551230001', '2026-11-24T00:00:00.000Z'), null);
      assert.equal(await log.lastAgentFor('+19999999999', '2000-01-01T00:00:00.000Z'), null);
    });

    test('extensions and links are written only when they change; a restarted log writes them whole', async () => {
      const id = 'default:10.0';
      const open = { id, status: 'in-progress' as const, disposition: null, endedAt: null, answeredBy: null };
      const link = { type: 'contact' as const, id: 'contact-10', link: 'matched' as const };
      const extensions = async () =>
        (await t.store.db.selectFrom('call_extensions').select(['extension', 'role']).where('call_id', '=', id).orderBy('extension').orderBy('role').execute()).map((r) => `${r.extension} ${r.role}`);
      const links = async () => (await t.store.db.selectFrom('call_entities').select(['record_id', 'link']).where('call_id', '=', id).execute()).map((r) => `${r.record_id} ${r.link}`);
      await log.upsert(call({ ...open, rang: ['101'] }), [link]);
      assert.deepEqual(await extensions(), ['101 rang']);
      assert.deepEqual(await links(), ['contact-10 matched']);
      // Rows taken away behind the log's back stay away while the record's extensions and links
      // are those written before: the proof that they are not written again.
      await t.store.db.deleteFrom('call_extensions').where('call_id', '=', id).execute();
      await t.store.db.deleteFrom('call_entities').where('call_id', '=', id).execute();
      await log.upsert(call({ ...open, rang: ['101'], recording: 'r10.wav' }), [link]);
      assert.deepEqual(await extensions(), []);
      assert.deepEqual(await links(), []);
      assert.equal((await log.get<LoggableCall>(id))?.record.recording, 'r10.wav', 'the row itself is written every time');
      await log.upsert(call({ ...open, rang: ['101', '102'], answeredBy: '102' }));
      assert.deepEqual(await extensions(), ['102 answered', '102 rang'], 'only what changed');
      // A new process (a restart) knows nothing it wrote: the call's extensions are written whole.
      const restarted = new CallLog(t.store);
      await restarted.upsert(call({ id, rang: ['101', '102'], answeredBy: '102' }), [link]);
      assert.deepEqual(await extensions(), ['101 rang', '102 answered', '102 rang']);
      assert.deepEqual(await links(), ['contact-10 matched']);
      assert.equal((await log.get<LoggableCall>(id))?.record.status, 'ended');
    });

    test('a batch that fails is rolled back whole, and its calls are written whole the next time', async () => {
      const id = 'default:11.0';
      const extensions = async () => (await t.store.db.selectFrom('call_extensions').select('extension').where('call_id', '=', id).orderBy('extension').execute()).map((r) => r.extension);
      await log.upsert(call({ id, status: 'in-progress', answeredBy: null, rang: ['201'] }));
      const broken = { ...call({ id: 'default:12.0' }), pbx: null as unknown as string };
      await assert.rejects(log.upsertMany([{ call: call({ id, answeredBy: null, rang: ['201', '202'], recording: 'r11.wav' }) }, { call: broken }]));
      assert.equal(await log.has('default:12.0'), false);
      assert.equal((await log.get<LoggableCall>(id))?.record.recording, null, 'the whole batch was rolled back');
      assert.deepEqual(await extensions(), ['201']);
      await log.upsertMany([{ call: call({ id, answeredBy: null, rang: ['201', '202'] }) }]);
      assert.deepEqual(await extensions(), ['201', '202']);
    });

    test('a cursor that is not ours is refused, not read', async () => {
      for (const bad of ['', 'abc', '!!!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,"x"]').toString('base64url'), 'A'.repeat(500)]) {
        assert.equal(decodeCallCursor(bad), null, bad);
      }
      await assert.rejects(log.forNumber('+15557770001', { after: 'abc' }), TypeError);
    });

    test('notes on a call', async () => {
      await log.addNote('default:1.0', null, 'Wants a quote <b>today</b>');
      assert.deepEqual((await log.notes('default:1.0')).map((n) => n.text), ['Wants a quote <b>today</b>']);
    });
  });
}
