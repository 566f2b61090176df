/**
 * CRM integration state: where each module's sync got to, and the outbox of calls to write into
 * the CRM. Both live in the store so that a restart resumes (the next sync starts from the cursor,
 * the outbox worker from its table). Text and integer columns only, as everywhere: the same on
 * SQLite and PostgreSQL. Typed for Kysely in `src/crm/crm-tables.ts`.
 *
 * `if not exists` throughout: this migration's name was registered while its body was still empty,
 * so a store migrated then has it marked done without these tables; 0007-crm-outbox-update runs
 * this `up` first to cover that (whichever of the two ran first, the other finds the tables).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('crm_sync_state')
    .ifNotExists()
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('module', 'text', (c) => c.notNull())
    // Newest `date_modified` seen (ISO-8601 UTC; SuiteCRM gives minutes): incremental syncs start before it.
    .addColumn('cursor', 'text')
    // Newest deletion time seen through the legacy API (ISO-8601 UTC, with seconds).
    .addColumn('deleted_cursor', 'text')
    .addColumn('last_full_at', 'text')
    .addColumn('last_sync_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('crm_sync_state_pk', ['crm', 'module'])
    .execute();

  await db.schema
    .createTable('crm_outbox')
    .ifNotExists()
    .addColumn('crm', 'text', (c) => c.notNull())
    // Our call id: one row per call and CRM, so enqueueing twice logs once.
    .addColumn('call_id', 'text', (c) => c.notNull())
    // pending (work left), done, failed (the CRM refused it; kept for a person to see).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // 1 once a create was sent: its answer may have been lost, so look for the call before creating it again.
    .addColumn('post_started', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('crm_call_id', 'text')
    // JSON array of the links already made (`contact:<id>`...).
    .addColumn('links_done', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('last_error', 'text')
    // A worker holds the row until then (several service instances on one PostgreSQL).
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('crm_outbox_pk', ['crm', 'call_id'])
    .execute();
  await db.schema.createIndex('crm_outbox_due').ifNotExists().on('crm_outbox').columns(['crm', 'state', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('crm_outbox').ifExists().execute();
  await db.schema.dropTable('crm_sync_state').ifExists().execute();
}
