/**
 * Opens the store: SQLite (embedded default) or PostgreSQL when DATABASE_URL says so, and brings its
 * schema up to date. Everything engine-specific stays in `dialects/`.
 */
import { Kysely, sql, type Dialect } from 'kysely';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { DatabaseSchema } from './schema.ts';
import { openSqlite } from './dialects/sqlite.ts';
import { openPostgres } from './dialects/postgres.ts';
import { migrateToLatest } from './migrate.ts';

export type Engine = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** `postgres://...`, `sqlite:path`, a plain file path, or `:memory:`. Default `./data/crm-telephony.sqlite`. */
  url?: string;
  /** PostgreSQL only: the schema to live in (created if missing). */
  schema?: string;
}

/** The driver under Kysely, for the few hot paths that run a precompiled statement directly. */
export type NativeHandle = { engine: 'sqlite'; db: Database.Database } | { engine: 'postgres'; pool: pg.Pool };

export interface Store {
  readonly engine: Engine;
  readonly db: Kysely<DatabaseSchema>;
  readonly native: NativeHandle;
  /** Resolves once the database answers a trivial statement; rejects with the driver's error (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = './data/crm-telephony.sqlite';

/** The SQLite file a store URL names, or null when it names PostgreSQL. */
export function sqlitePathOf(url: string = DEFAULT_SQLITE_PATH): string | null {
  return /^postgres(ql)?:\/\//i.test(url) ? null : url.replace(/^sqlite:(\/\/)?/i, '');
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const url = options.url ?? DEFAULT_SQLITE_PATH;
  let engine: Engine;
  let dialect: Dialect;
  let native: NativeHandle;
  if (/^postgres(ql)?:\/\//i.test(url)) {
    engine = 'postgres';
    if (options.schema) await ensureSchema(url, options.schema);
    const pgEngine = openPostgres(url, options.schema);
    dialect = pgEngine.dialect;
    native = { engine, pool: pgEngine.pool };
  } else {
    engine = 'sqlite';
    const sqlite = openSqlite(sqlitePathOf(url)!);
    dialect = sqlite.dialect;
    native = { engine, db: sqlite.native };
  }
  const db = new Kysely<DatabaseSchema>({ dialect });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, engine === 'postgres' ? options.schema : undefined);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    engine,
    db,
    native,
    // No table: the question is whether the database answers, not what it holds.
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const { pool } = openPostgres(url);
  try {
    // The name was checked to be a plain identifier by openPostgres' rules before reaching SQL.
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}".`);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await pool.end();
  }
}
