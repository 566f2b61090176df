/**
 * The call log: one row per call (upserted on every change, never two for one call), who took part,
 * which CRM records it concerns, and the notes people wrote on it.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pbx', 'text', (c) => c.notNull())
    .addColumn('linkedid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('external_number', 'text')
    .addColumn('normalized_number', 'text')
    .addColumn('did', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('disposition', 'text')
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('click_to_call_id', 'text')
    .addColumn('recording', 'text')
    // The whole record as the engine built it: the source of truth for every field not indexed above.
    .addColumn('record_json', 'text', (c) => c.notNull())
    .addColumn('handled_by', 'text')
    .addColumn('handled_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calls_number').on('calls').columns(['normalized_number', 'started_at']).execute();
  await db.schema.createIndex('calls_started').on('calls').column('started_at').execute();
  await db.schema.createIndex('calls_status').on('calls').column('status').execute();
  await db.schema.createIndex('calls_click_to_call').on('calls').column('click_to_call_id').execute();

  await db.schema
    .createTable('call_extensions')
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('extension', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_extensions_pk', ['call_id', 'extension', 'role'])
    .execute();
  await db.schema.createIndex('call_extensions_ext').on('call_extensions').columns(['extension', 'call_id']).execute();

  await db.schema
    .createTable('call_entities')
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_entities_pk', ['call_id', 'record_type', 'record_id'])
    .execute();
  await db.schema.createIndex('call_entities_record').on('call_entities').columns(['record_type', 'record_id']).execute();

  await db.schema
    .createTable('call_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_notes_call').on('call_notes').column('call_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['call_notes', 'call_entities', 'call_extensions', 'calls']) await db.schema.dropTable(t).ifExists().execute();
}
