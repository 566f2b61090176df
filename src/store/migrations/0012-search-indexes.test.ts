/**
 * Migration 0012: the search's digits-anywhere read is served by its index (SQLite's phones_digits;
 * PostgreSQL's trigram indexes when pg_trgm is on the server), down and up again replay, and the
 * search answers the same with or without the indexes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { Directory } from '../../directory/directory.ts';
import { searchRecords } from '../../directory/search.ts';
import { ENGINES, openTestStore, type TestStore } from '../../../test/support/engines.ts';
import { down, up } from './0012-search-indexes.ts';

const DIGITS_ANYWHERE = sql`select record_type, record_id, position from phones where coalesce(e164_key, national_key, suffix_key) like '%98765%'`;

for (const engine of ENGINES) {
  describe(`migration 0012 (search indexes) on ${engine}`, () => {
    let ts: TestStore;
    let db: Kysely<unknown>;
    before(async () => {
      ts = await openTestStore(engine);
      db = ts.store.db as unknown as Kysely<unknown>;
      const directory = new Directory(ts.store, { defaultRegion: 'US' });
      for (let i = 0; i < 50; i++) await directory.upsertContact({ firstName: `P${i}`, lastName: 'Person', phones: [{ kind: 'work', number: `+1 415 ${String(200 + i)} ${String(1000 + i)}` }] });
      await directory.upsertContact({ firstName: 'Rare', lastName: 'Digits', phones: [{ kind: 'work', number: '+1 212 987 6543' }] });
    });
    after(async () => ts.dispose());

    /** The plan's words for the digits-anywhere read, with the planner told to avoid a scan where it can. */
    async function plan(): Promise<string> {
      if (engine === 'sqlite') return (await sql<{ detail: string }>`explain query plan ${DIGITS_ANYWHERE}`.execute(db)).rows.map((r) => r.detail).join(' | ');
      return db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        return (await sql<{ 'QUERY PLAN': string }>`explain ${DIGITS_ANYWHERE}`.execute(trx)).rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    }

    const hasTrigram = async (): Promise<boolean> => (await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'pg_trgm'`.execute(db)).rows[0]!.n > 0;

    test('the digits-anywhere read uses the index; down drops it, up makes it again; the search answers alike', async () => {
      const search = async (): Promise<string[]> => (await searchRecords(new Directory(ts.store, { defaultRegion: 'US' }), '98765')).map((h) => h.name);
      const index = engine === 'sqlite' ? 'phones_digits' : 'phones_digits_trgm';
      const indexed = engine === 'sqlite' || (await hasTrigram());
      if (indexed) assert.match(await plan(), new RegExp(index));
      assert.deepEqual(await search(), ['Rare Digits']);
      await down(db);
      assert.doesNotMatch(await plan(), new RegExp(index));
      assert.deepEqual(await search(), ['Rare Digits'], 'without the index the rows are read');
      await up(db);
      if (indexed) assert.match(await plan(), new RegExp(index));
      assert.deepEqual(await search(), ['Rare Digits']);
    });
  });
}
