/**
 * Migration 0014: the reports' columns are filled for calls stored before it (from record_json, on
 * each engine's JSON functions), the call log's writer fills them on every upsert, and down and up
 * replay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ENGINES, openTestStore, type TestStore } from '../../../test/support/engines.ts';
import { loggable } from '../../../test/support/calls.ts';
import { CallLog } from '../call-log.ts';
import { down, up } from './0014-report-columns.ts';

const COLUMNS = ['started_epoch', 'answered_at', 'ring_seconds', 'talk_seconds', 'queue', 'caller_extension'] as const;

for (const engine of ENGINES) {
  describe(`migration 0014 (report columns) on ${engine}`, () => {
    let ts: TestStore;
    let db: Kysely<unknown>;
    before(async () => {
      ts = await openTestStore(engine);
      db = ts.store.db as unknown as Kysely<unknown>;
    });
    after(async () => ts.dispose());

    const row = async (id: string) => {
      const r = await ts.store.db.selectFrom('calls').select(COLUMNS).where('id', '=', id).executeTakeFirstOrThrow();
      return { ...r, started_epoch: r.started_epoch === null ? null : Number(r.started_epoch) };
    };

    test('the writer fills the columns from the record on every upsert', async () => {
      const log = new CallLog(ts.store);
      const call = { ...loggable({ id: 'default:w.1', startedAt: '2026-03-29T00:59:59.900Z', answeredBy: '101', rang: ['101'] }), queue: 'sales', answeredAt: '2026-03-29T01:00:07.000Z', ringSeconds: 7.4, talkSeconds: 65 };
      await log.upsert(call);
      assert.deepEqual(await row('default:w.1'), { started_epoch: Date.UTC(2026, 2, 29, 0, 59, 59) / 1000, answered_at: '2026-03-29T01:00:07.000Z', ring_seconds: 7, talk_seconds: 65, queue: 'sales', caller_extension: null });
      // A record without them (built by hand) writes nulls; a later write with them fills them.
      await log.upsert(loggable({ id: 'default:w.2', direction: 'outbound', callerExtension: '102', startedAt: null }));
      assert.deepEqual(await row('default:w.2'), { started_epoch: null, answered_at: null, ring_seconds: null, talk_seconds: null, queue: null, caller_extension: '102' });
    });

    test('down then up fills the columns of calls already stored from their records', async () => {
      await down(db);
      const record = { id: 'default:old.1', queue: 'support', answeredAt: '2026-11-23T19:57:20.000Z', ringSeconds: 12, talkSeconds: 301, callerExtension: null, startedAt: '2026-11-23T19:57:08.250Z' };
      await sql`insert into calls (id, pbx, linkedid, status, direction, started_at, record_json, updated_at)
        values (${record.id}, 'default', 'old.1', 'ended', 'inbound', ${record.startedAt}, ${JSON.stringify(record)}, '2026-11-23T20:00:00.000Z')`.execute(db);
      const outbound = { id: 'default:old.2', queue: null, answeredAt: null, ringSeconds: 30, talkSeconds: 0, callerExtension: '103', startedAt: '2026-11-23T21:00:00.000Z' };
      await sql`insert into calls (id, pbx, linkedid, status, direction, started_at, record_json, updated_at)
        values (${outbound.id}, 'default', 'old.2', 'ended', 'outbound', ${outbound.startedAt}, ${JSON.stringify(outbound)}, '2026-11-23T21:01:00.000Z')`.execute(db);
      await up(db);
      assert.deepEqual(await row('default:old.1'), { started_epoch: Date.parse('2026-11-23T19:57:08Z') / 1000, answered_at: '2026-11-23T19:57:20.000Z', ring_seconds: 12, talk_seconds: 301, queue: 'support', caller_extension: null });
      assert.deepEqual(await row('default:old.2'), { started_epoch: Date.parse('2026-11-23T21:00:00Z') / 1000, answered_at: null, ring_seconds: 30, talk_seconds: 0, queue: null, caller_extension: '103' });
      // The calls written before (by the writer) came through too.
      assert.equal((await row('default:w.1')).queue, 'sales');
    });
  });
}
