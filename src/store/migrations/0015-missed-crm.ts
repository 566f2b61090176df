/** Placeholder: filled by the SuiteCRM mirror of missed-call items (issue 17, part 2) in this same change. */
import type { Kysely } from 'kysely';

export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
