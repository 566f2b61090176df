/**
 * PBXs added on the admin's PBX page (issue 14), beside those of the configuration file: each as
 * the file writes one (id, name, AMI connection, per-PBX settings) without its secret, and the AMI
 * secret sealed with CRM_TELEPHONY_SECRET_KEY (`service/secret-box.ts`), never in clear.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pbx_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The PBX as the configuration file writes one, without any secret (JSON).
    .addColumn('definition_json', 'text', (c) => c.notNull())
    // `v1.<iv>.<tag>.<ciphertext>`: the AMI secret, sealed.
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pbx_connections').ifExists().execute();
}
