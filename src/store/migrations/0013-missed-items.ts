/**
 * The callback workflow (issue 17): one open item per caller's number that nobody took, owned by one
 * person until someone talks to that number again.
 *
 * `missed_items`: one row per episode of a number going unanswered; a second missed call from the
 * same number while the item is open counts on it (`miss_count`), it does not open another. At most
 * one open item per number (a partial unique index on both engines), so that two instances writing
 * the same number's missed calls at once still end with one item.
 *
 * `missed_item_calls`: which calls were counted on which item, keyed by the call: counting is
 * idempotent (a call's record is written many times, and by any instance of a cluster).
 *
 * `calls.called_back_at`: when the customer of a missed inbound call was next talked to (our
 * callback, or their own call answered): the reports' "called back within" reads it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('missed_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pbx', 'text', (c) => c.notNull())
    // E.164 when the number normalized, else the number as the PBX presented it.
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('external_number', 'text')
    .addColumn('caller_name', 'text')
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('did', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('owner_reason', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('miss_count', 'integer', (c) => c.notNull())
    .addColumn('first_call_id', 'text', (c) => c.notNull())
    .addColumn('last_call_id', 'text', (c) => c.notNull())
    .addColumn('first_missed_at', 'text', (c) => c.notNull())
    .addColumn('last_missed_at', 'text', (c) => c.notNull())
    .addColumn('escalate_at', 'text')
    .addColumn('snoozed_until', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('close_reason', 'text')
    .addColumn('close_note', 'text')
    .addColumn('closed_call_id', 'text')
    // Grows at every change the CRM's copy shows (owner, count, closing): its mirror catches up to it.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`create unique index missed_items_open_number on missed_items (number) where status = 'open'`.execute(db);
  await db.schema.createIndex('missed_items_owner').on('missed_items').columns(['owner_id', 'status', 'last_missed_at']).execute();
  await db.schema.createIndex('missed_items_due').on('missed_items').columns(['status', 'escalate_at']).execute();
  await db.schema.createIndex('missed_items_last').on('missed_items').columns(['status', 'last_missed_at']).execute();

  await db.schema
    .createTable('missed_item_calls')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('missed_items.id').onDelete('cascade'))
    .addColumn('missed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('missed_item_calls_item').on('missed_item_calls').columns(['item_id', 'missed_at']).execute();

  await db.schema.alterTable('calls').addColumn('called_back_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('called_back_at').execute();
  await db.schema.dropTable('missed_item_calls').ifExists().execute();
  await db.schema.dropTable('missed_items').ifExists().execute();
}
