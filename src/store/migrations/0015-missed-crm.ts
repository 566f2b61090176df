/**
 * The CRM's copy of each missed-call item (issue 17, part 2): `missed_crm_calls`, one row per item
 * and CRM, saying which version of the item the CRM's planned call shows (`synced_version`, against
 * `missed_items.version`), which call that is, and the job columns the product's job queue
 * (`src/jobs/`) claims and leases it by, so that several service instances on one PostgreSQL write
 * each change once. Typed for Kysely in `src/crm/missed/mirror-tables.ts`.
 *
 * A row is made when an open item is first seen and never for an item that closed before that (a
 * callback nobody needs any more); `settled` marks a row whose item is closed and whose call shows
 * it: the worker never looks at it again, so that its poll reads open items only.
 *
 * `if not exists` throughout: this migration's name was registered while its body was still empty
 * (as 0005-crm's once was), so a store migrated then has it marked done without the table; a later
 * migration can run this `up` again to cover that, whichever ran first.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('missed_crm_calls')
    .ifNotExists()
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('missed_items.id').onDelete('cascade'))
    // pending (work left), done (the CRM shows synced_version), failed (the CRM refused it; kept for a person).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('leased_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_code', 'text')
    // The item's version the CRM's call shows (0: none yet), and the one the latest attempt read.
    .addColumn('synced_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tried_version', 'integer', (c) => c.notNull().defaultTo(0))
    // 1 once a create was sent: its answer may have been lost, so look for the call before creating it again.
    .addColumn('post_started', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('crm_call_id', 'text')
    // JSON array of the links made (`contact:<id>`, `lead:<id>`, `user:<id>`): a user is unlinked when the item moves.
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    // A digest of what the CRM's call shows: a version that changed nothing it shows (a snooze) writes nothing.
    .addColumn('shown', 'text')
    // 1: the item is closed and the CRM shows it closed (or nothing was ever written): never looked at again.
    .addColumn('settled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('missed_crm_calls_pk', ['crm', 'item_id'])
    .execute();
  await db.schema.createIndex('missed_crm_calls_due').ifNotExists().on('missed_crm_calls').columns(['crm', 'state', 'due_at']).execute();
  // The poll's second half: rows not settled (about as many as open items), compared with their item's version.
  await db.schema.createIndex('missed_crm_calls_unsettled').ifNotExists().on('missed_crm_calls').columns(['crm', 'settled', 'item_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('missed_crm_calls').ifExists().execute();
}
