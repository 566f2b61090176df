/**
 * The caller lookup in one index probe per key: what a screen pop shows of a record (its name, its
 * account, its responsible user, its last activity, where it came from) is copied onto each of its
 * phone rows, so a lookup reads the matching phone rows and nothing else. The directory's writes
 * keep the copy true (`directory/phone-cards.ts`); the record tables stay the truth.
 *
 * Indexes:
 * - `phones_national_unparsed`, `phones_suffix_unparsed`: the national and suffix keys of phones
 *   with no E.164 key. A caller with an E.164 key matches another phone by those weaker keys only
 *   when that phone has no E.164 key (`collapse`), so the lookup probes these small indexes, not
 *   every phone that ends the same.
 * - `contacts_account`: the contacts of an account, for renaming the account on their phone rows;
 *   it also spares the foreign key's `on delete set null` a scan of all contacts when an account
 *   is deleted.
 */
import { sql, type Kysely } from 'kysely';

/** The copied columns, each as the record tables name it. */
const CARD_COLUMNS = ['first_name', 'last_name', 'name', 'account_id', 'account_name', 'owner_id', 'owner_login', 'owner_name', 'last_activity_at', 'source', 'external_id'] as const;

// Migrations see an untyped database: they describe the schema, they do not depend on it.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of CARD_COLUMNS) await db.schema.alterTable('phones').addColumn(column, 'text').execute();
  await fillCards(db);
  await sql`create index phones_national_unparsed on phones (national_key) where e164_key is null`.execute(db);
  await sql`create index phones_suffix_unparsed on phones (suffix_key) where e164_key is null`.execute(db);
  await db.schema.createIndex('contacts_account').on('contacts').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contacts_account').ifExists().execute();
  await db.schema.dropIndex('phones_suffix_unparsed').ifExists().execute();
  await db.schema.dropIndex('phones_national_unparsed').ifExists().execute();
  for (const column of CARD_COLUMNS) await db.schema.alterTable('phones').dropColumn(column).execute();
}

/**
 * Copies every record's card onto its phone rows (`update ... from`, which SQLite has since 3.33
 * and PostgreSQL always had). Phone rows whose record is gone keep empty cards: the lookup skips
 * them, as it skipped them before.
 */
async function fillCards(db: Kysely<unknown>): Promise<void> {
  await sql`
    update phones set first_name = c.first_name, last_name = c.last_name, account_id = c.account_id, account_name = a.name,
      owner_id = u.id, owner_login = u.login, owner_name = u.name, last_activity_at = c.last_activity_at, source = c.source, external_id = c.external_id
    from contacts c left join accounts a on a.id = c.account_id left join users u on u.id = c.assigned_user_id
    where phones.record_type = 'contact' and phones.record_id = c.id`.execute(db);
  await sql`
    update phones set name = r.name,
      owner_id = u.id, owner_login = u.login, owner_name = u.name, last_activity_at = r.last_activity_at, source = r.source, external_id = r.external_id
    from accounts r left join users u on u.id = r.assigned_user_id
    where phones.record_type = 'account' and phones.record_id = r.id`.execute(db);
  await sql`
    update phones set first_name = l.first_name, last_name = l.last_name, account_name = l.account_name,
      owner_id = u.id, owner_login = u.login, owner_name = u.name, last_activity_at = l.last_activity_at, source = l.source, external_id = l.external_id
    from leads l left join users u on u.id = l.assigned_user_id
    where phones.record_type = 'lead' and phones.record_id = l.id`.execute(db);
}
