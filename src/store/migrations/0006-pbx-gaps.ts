/**
 * What the service needs to fill the gaps in its view of each PBX from the PBX's own record (CDR):
 * when it last knew the PBX alive (so that a restart knows where its gap began), and each gap still
 * to be read (so that a restart, or a CDR store that was down, does not lose one).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pbx_heartbeats')
    .addColumn('pbx', 'text', (c) => c.primaryKey())
    // The last moment the service heard from the PBX while connected (ISO-8601 UTC).
    .addColumn('alive_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('pbx_gaps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pbx', 'text', (c) => c.notNull())
    // The gap: from the last moment the PBX was heard to the recovery after it (ISO-8601 UTC).
    .addColumn('from_at', 'text', (c) => c.notNull())
    .addColumn('to_at', 'text', (c) => c.notNull())
    // link-cut, restart (of this service), or pbx-restart.
    .addColumn('cause', 'text', (c) => c.notNull())
    // pending, done, or skipped (no CDR source: kept so that admins see what may be missing).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('corrected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rebuilt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .execute();
  await db.schema.createIndex('pbx_gaps_pending').on('pbx_gaps').columns(['pbx', 'state', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['pbx_gaps', 'pbx_heartbeats']) await db.schema.dropTable(t).ifExists().execute();
}
