import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { migrateToLatest } from './migrate.ts';
import type { Store } from './store.ts';

/** Every table of ours, whoever queries it: the migrations alone create them. */
const TABLES = [
  'accounts',
  'api_tokens',
  'call_entities',
  'call_extensions',
  'call_notes',
  'calls',
  'contacts',
  'crm_outbox',
  'crm_sync_state',
  'extensions',
  'leads',
  'missed_crm_calls',
  'missed_item_calls',
  'missed_items',
  'pbx_connections',
  'pbx_gaps',
  'pbx_heartbeats',
  'phones',
  'recording_audit',
  'recording_copy_jobs',
  'recordings',
  'report_rollup',
  'report_rollup_days',
  'report_rollup_state',
  'sessions',
  'user_languages',
  'users',
];

/** The PostgreSQL schema the test store lives in (each suite has its own); undefined on SQLite. */
async function schemaOf(store: Store): Promise<string | undefined> {
  if (store.engine === 'sqlite') return undefined;
  const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(store.db);
  return rows[0]?.name;
}

async function tablesOf(store: Store): Promise<string[]> {
  let names: string[];
  if (store.engine === 'sqlite') {
    names = (await store.db.introspection.getTables()).filter((t) => !t.isView).map((t) => t.name);
  } else {
    // Only this suite's schema: Kysely's introspection reads every schema's tables and fails when
    // another suite drops its schema at that moment.
    const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(store.db);
    names = rows.map((r) => r.name);
  }
  return names.filter((name) => !name.startsWith('kysely_')).sort();
}

for (const engine of ENGINES) {
  describe(`migrations on ${engine}`, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(engine);
    });
    after(() => t.dispose());

    test('a new store has every table, the CRM ones included', async () => {
      assert.deepEqual(await tablesOf(t.store), TABLES);
    });

    test('a store migrated while 0005-crm had an empty body gets the CRM tables from 0007-crm-outbox-update', async () => {
      const db = t.store.db as unknown as Kysely<unknown>;
      // The state such a store was left in: 0005 marked done, no CRM tables, 0007 not run yet.
      await sql`drop table crm_outbox`.execute(db);
      await sql`drop table crm_sync_state`.execute(db);
      await sql`delete from kysely_migration where name = '0007-crm-outbox-update'`.execute(db);
      assert.deepEqual(await migrateToLatest(db, await schemaOf(t.store)), ['0007-crm-outbox-update']);
      assert.deepEqual(await tablesOf(t.store), TABLES);
      await sql`insert into crm_sync_state (crm, module, updated_at) values ('suitecrm', 'Contacts', '2026-12-06T12:00:00.000Z')`.execute(db);
      await sql`insert into crm_outbox (crm, call_id, state, payload, next_attempt_at, created_at, updated_at) values ('suitecrm', 'p1:1', 'pending', '{}', '', '', '')`.execute(db);
      const { rows } = await sql<{ update_pending: number; links_done: string }>`select update_pending, links_done from crm_outbox`.execute(db);
      assert.deepEqual(rows.map((r) => [Number(r.update_pending), r.links_done]), [[0, '[]']]);
    });
  });
}
