/**
 * The call-logging outbox learns to correct a call it already wrote: `update_pending` counts the
 * amendments (a call corrected by the PBX's CDRs after a gap) not yet written into the CRM's call.
 * 0 when the CRM's call, if there is one, shows what the row's payload says.
 *
 * `up` first creates the CRM tables if they are missing (0005-crm was once an empty placeholder:
 * see its note), so this migration works whatever order the two ran in.
 */
import { sql, type Kysely } from 'kysely';
import { up as crmTables } from './0005-crm.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await crmTables(db);
  await addColumn(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('crm_outbox').dropColumn('update_pending').execute();
}

/**
 * For the CRM code's lazy creation of its tables (`ensureCrmTables`), outside any migration: adds
 * the column when the tables were made by 0005 alone. The probe may fail, so never call this inside
 * a PostgreSQL transaction (a failed statement ends it).
 */
export async function addColumnIfMissing(db: Kysely<unknown>): Promise<void> {
  try {
    await sql`select update_pending from crm_outbox where 1 = 0`.execute(db);
  } catch {
    await addColumn(db);
  }
}

function addColumn(db: Kysely<unknown>): Promise<void> {
  return db.schema
    .alterTable('crm_outbox')
    .addColumn('update_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
