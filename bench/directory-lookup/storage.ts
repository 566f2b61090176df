/**
 * The engine-specific steps between the load and the lookups: letting the store settle as it would
 * on a server some time after an import, and measuring how much room the directory takes.
 */
import { existsSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.ts';

export async function storageOf(store: Store, sqlitePath: string): Promise<{ bytes: number; what: string }> {
  const native = store.native;
  if (native.engine === 'sqlite') {
    // Fold the write-ahead log into the file so the size is the settled one.
    native.db.pragma('wal_checkpoint(TRUNCATE)');
    const wal = `${sqlitePath}-wal`;
    const bytes = statSync(sqlitePath).size + (existsSync(wal) ? statSync(wal).size : 0);
    return { bytes, what: 'SQLite file (+WAL, after checkpoint)' };
  }
  const { rows } = await sql<{ bytes: string }>`
    select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r'`.execute(store.db);
  return { bytes: Number(rows[0]?.bytes ?? 0), what: 'PostgreSQL tables + indexes + TOAST of the schema' };
}

/**
 * PostgreSQL: VACUUM the directory's tables now, so autovacuum (which a big import sets off) does
 * not run in the middle of the timed lookups; a server answering calls hours after an import has
 * long done it. SQLite has no such background work: its WAL is checkpointed in `storageOf`.
 */
export async function settle(store: Store): Promise<void> {
  if (store.native.engine !== 'postgres') return;
  await sql`vacuum phones, contacts, accounts, leads, users`.execute(store.db);
}
