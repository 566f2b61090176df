/**
 * The embedded engine: SQLite through better-sqlite3, a file under ./data/ by default.
 * WAL mode lets the HTTP side read while calls are written; foreign keys are off by default in
 * SQLite, so we turn them on.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';

export interface SqliteEngine {
  dialect: SqliteDialect;
  native: Database.Database;
}

export function openSqlite(path: string): SqliteEngine {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const native = new Database(path);
  native.pragma('journal_mode = WAL');
  native.pragma('foreign_keys = ON');
  native.pragma('synchronous = NORMAL');
  native.pragma('busy_timeout = 5000');
  return { dialect: new SqliteDialect({ database: native }), native };
}
