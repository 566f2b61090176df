/**
 * The call-logging outbox learns to correct a call it already wrote: `update_pending` counts the
 * amendments (a call corrected by the PBX's CDRs after a gap) not yet written into the CRM's call.
 * 0 when the CRM's call, if there is one, shows what the row's payload says.
 *
 * `up` first creates the CRM tables if they are missing (0005-crm was once an empty placeholder:
 * see its note), so this migration works whatever order the two ran in.
 */
import type { Kysely } from 'kysely';
import { up as crmTables } from './0005-crm.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await crmTables(db);
  await addColumn(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('crm_outbox').dropColumn('update_pending').execute();
}

function addColumn(db: Kysely<unknown>): Promise<void> {
  return db.schema
    .alterTable('crm_outbox')
    .addColumn('update_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
