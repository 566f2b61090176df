/** CRM integration state (sync cursors, the call-logging outbox). Filled in by the CRM adapters' work. */
import type { Kysely } from 'kysely';

export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
