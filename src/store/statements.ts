/**
 * Hot statements, prepared once: for the few queries on a per-call path (the caller lookup, the
 * call log's writes, the extension's owner, the routing facts), where building the query through
 * Kysely and preparing it again costs more than running it. SQLite prepares each statement once per
 * store (better-sqlite3 keeps it); PostgreSQL gets a named prepared statement, which node-postgres
 * prepares once per pooled connection and then only binds.
 *
 * The SQL is written once with `?` placeholders and must mean the same on both engines (the
 * store's columns are text and integers, as everywhere). Values are always bound, never spliced.
 */
import type { Store } from './store.ts';

export type SqlValue = string | number | bigint | null;

export interface Statement<R> {
  /** Every row. */
  all(params?: readonly SqlValue[]): Promise<R[]>;
  /** The first row, or undefined. */
  get(params?: readonly SqlValue[]): Promise<R | undefined>;
  /** For writes: how many rows changed. */
  run(params?: readonly SqlValue[]): Promise<number>;
}

/** Statement names in use, each with its SQL: one name may never mean two statements. */
const registered = new Map<string, string>();

/**
 * `name`: a stable, unique name (PostgreSQL prepares by name); `text`: the SQL with `?` placeholders.
 * Call once (at module or object creation), not per query.
 */
export function statement<R>(store: Store, name: string, text: string): Statement<R> {
  const known = registered.get(name);
  if (known !== undefined && known !== text) throw new Error(`Prepared statement "${name}" is already defined with other SQL.`);
  registered.set(name, text);
  const native = store.native;
  if (native.engine === 'sqlite') {
    const prepared = native.db.prepare(text);
    const reader = prepared.reader;
    return {
      all: async (params = []) => (reader ? (prepared.all(...params) as R[]) : (prepared.run(...params), [])),
      get: async (params = []) => (reader ? (prepared.get(...params) as R | undefined) : (prepared.run(...params), undefined)),
      run: async (params = []) => prepared.run(...params).changes,
    };
  }
  const pool = native.pool;
  const pgText = numberPlaceholders(text);
  const query = (params: readonly SqlValue[]) => pool.query({ name, text: pgText, values: params as SqlValue[] });
  return {
    all: async (params = []) => (await query(params)).rows as R[],
    get: async (params = []) => (await query(params)).rows[0] as R | undefined,
    run: async (params = []) => (await query(params)).rowCount ?? 0,
  };
}

/** `?` placeholders as PostgreSQL's `$1, $2...`, leaving quoted strings alone. */
export function numberPlaceholders(text: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}
