import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loggable } from '../../test/support/calls.ts';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { CallLog, type LoggableCall } from './call-log.ts';
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
      assert.deepEqual(panel.map((c) => c.record.id), ['default:3.0', 'default:2.0']);
      assert.deepEqual((await log.forExtensions<LoggableCall>(['102'])).map((c) => c.record.id), ['default:2.0']);
      const missed = await log.forExtensions<LoggableCall>(['101'], { missedOnly: true, unhandledOnly: true });
      assert.deepEqual(missed.map((c) => c.record.id), ['default:2.0']);
      const alice = (await dir.upsertUser({ login: 'alice', name: 'A', extensions: ['101'] })).id;
      assert.equal(await log.markHandled('default:2.0', alice), true);
      assert.deepEqual(await log.forExtensions(['101'], { missedOnly: true, unhandledOnly: true }), []);
      assert.equal((await log.missed()).length, 1);
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

    test('notes on a call', async () => {
      await log.addNote('default:1.0', null, 'Wants a quote <b>today</b>');
      assert.deepEqual((await log.notes('default:1.0')).map((n) => n.text), ['Wants a quote <b>today</b>']);
    });
  });
}
