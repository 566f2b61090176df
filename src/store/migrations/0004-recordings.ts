/**
 * Call recordings: where each one is (an unguessable id -> call -> location), the durable copy
 * queue, and the listening audit. States and kinds are plain text checked by the code, not CHECK
 * constraints: a new state then needs no table rebuild on SQLite (which cannot alter a CHECK).
 * Sizes are bigint: a long recording can pass 2 GiB. No foreign key to `calls`: the engine may
 * name a recording before the call log has written the call, and the audit must outlive both.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('pbx', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('audio', 'integer')
    .addColumn('no_audio_reason', 'text')
    .addColumn('format', 'text')
    .addColumn('size', 'bigint')
    .addColumn('duration_ms', 'integer')
    .addColumn('playable', 'integer')
    .addColumn('reported_size', 'bigint')
    .addColumn('confirmed_at', 'text')
    .addColumn('stored_location', 'text')
    .addColumn('stored_format', 'text')
    .addColumn('stored_size', 'bigint')
    .addColumn('copied_at', 'text')
    .addColumn('pbx_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed_at', 'text')
    .addColumn('problem', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('recordings_call_file', ['call_id', 'file'])
    .execute();
  await db.schema.createIndex('recordings_pbx_file').on('recordings').columns(['pbx', 'file']).execute();
  await db.schema.createIndex('recordings_state_created').on('recordings').columns(['state', 'created_at']).execute();

  await db.schema
    .createTable('recording_copy_jobs')
    .addColumn('recording_id', 'text', (c) => c.primaryKey().references('recordings.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recording_copy_jobs_due').on('recording_copy_jobs').columns(['state', 'due_at']).execute();

  await db.schema
    .createTable('recording_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('user_login', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recording_audit_recording').on('recording_audit').columns(['recording_id', 'last_at']).execute();
  await db.schema.createIndex('recording_audit_user').on('recording_audit').columns(['user_id', 'last_at']).execute();
  await db.schema.createIndex('recording_audit_last').on('recording_audit').column('last_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['recording_audit', 'recording_copy_jobs', 'recordings']) await db.schema.dropTable(t).ifExists().execute();
}
