/**
 * A third kind of token: `metrics`, which reads `GET /metrics` and nothing else (issue 15). The
 * token table's check on `kind` grows to take it. PostgreSQL changes the check in place; SQLite
 * cannot change a check, so the table is built again with it and its rows copied over.
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

const KINDS_NOW = sql`kind in ('api', 'routing', 'metrics')`;
const KINDS_BEFORE = sql`kind in ('api', 'routing')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await setKinds(db, KINDS_NOW);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from api_tokens where kind = 'metrics'`.execute(db);
  await setKinds(db, KINDS_BEFORE);
}

async function setKinds(db: Kysely<unknown>, kinds: ReturnType<typeof sql>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    // The name PostgreSQL gave the column's check in 0002.
    await sql`alter table api_tokens drop constraint api_tokens_kind_check`.execute(db);
    await sql`alter table api_tokens add constraint api_tokens_kind_check check (${kinds})`.execute(db);
    return;
  }
  await db.schema
    .createTable('api_tokens_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(kinds))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into api_tokens_next (id, user_id, kind, name, token_hash, created_at, last_used_at, revoked) select id, user_id, kind, name, token_hash, created_at, last_used_at, revoked from api_tokens`.execute(db);
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.alterTable('api_tokens_next').renameTo('api_tokens').execute();
}
