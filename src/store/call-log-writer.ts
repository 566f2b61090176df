/**
 * The call log's writes: a batch of planned statements (call-log-plan.ts) in one transaction, each
 * statement prepared once. Through Kysely one write of a call (row, extensions, links) cost 160-350
 * µs on SQLite, most of it query building and preparing again; prepared, 30-55 µs (measured on a
 * shared 2-core machine, one transaction per write).
 *
 * Why not `statements.ts`: a transaction needs the driver itself. On SQLite, better-sqlite3's
 * transaction is a synchronous function over its prepared statements (an async wrapper would turn a
 * failing statement into a rejected promise, and nothing would roll back); on PostgreSQL, one client
 * of the pool must run BEGIN, the statements and COMMIT. The SQL is the same text for both engines,
 * with `?` placeholders numbered for PostgreSQL as `statements.ts` does.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { Store } from './store.ts';
import { numberPlaceholders, type SqlValue } from './statements.ts';
import type { WriteOp, WriteStatement } from './call-log-plan.ts';

/** Columns in the order of `callRowParams` (call-log-plan.ts); `handled_*` are left alone (null on insert). */
export const CALL_COLUMNS = [
  'id',
  'pbx',
  'linkedid',
  'status',
  'direction',
  'external_number',
  'normalized_number',
  'did',
  'answered_by',
  'disposition',
  'started_at',
  'ended_at',
  'click_to_call_id',
  'recording',
  'record_json',
  'updated_at',
  // The reports' columns (migration 0014).
  'started_epoch',
  'answered_at',
  'ring_seconds',
  'talk_seconds',
  'queue',
  'caller_extension',
] as const;

const SQL: Record<WriteStatement, string> = {
  upsertCall:
    `insert into calls (${CALL_COLUMNS.join(', ')}) values (${CALL_COLUMNS.map(() => '?').join(', ')}) ` +
    `on conflict (id) do update set ${CALL_COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`,
  deleteExtensions: 'delete from call_extensions where call_id = ?',
  deleteExtension: 'delete from call_extensions where call_id = ? and extension = ? and role = ?',
  // "Do nothing": the memory of what was written is this process's; a row already there is no error.
  insertExtension: 'insert into call_extensions (call_id, extension, role) values (?, ?, ?) on conflict do nothing',
  // CRM links are only ever added; the first link of a record to a call stays (matched or origin).
  insertLink: 'insert into call_entities (call_id, record_type, record_id, link) values (?, ?, ?, ?) on conflict do nothing',
};

/** PostgreSQL prepares by name, per connection: these names are the call log's own. */
const PG_NAMES: Record<WriteStatement, string> = {
  upsertCall: 'call_log_upsert_call',
  deleteExtensions: 'call_log_delete_extensions',
  deleteExtension: 'call_log_delete_extension',
  insertExtension: 'call_log_insert_extension',
  insertLink: 'call_log_insert_link',
};

export type BatchRunner = (ops: readonly WriteOp[]) => Promise<void>;

/** One transaction per batch on the store's engine; statements prepared on first use. */
export function batchRunner(store: Store): BatchRunner {
  const native = store.native;
  return native.engine === 'sqlite' ? sqliteRunner(native.db) : postgresRunner(native.pool);
}

function sqliteRunner(db: Database.Database): BatchRunner {
  let run: ((ops: readonly WriteOp[]) => void) | null = null;
  const prepare = (): ((ops: readonly WriteOp[]) => void) => {
    const prepared = {} as Record<WriteStatement, Database.Statement>;
    for (const name of Object.keys(SQL) as WriteStatement[]) prepared[name] = db.prepare(SQL[name]);
    return db.transaction((ops: readonly WriteOp[]) => {
      for (const op of ops) prepared[op.statement].run(...op.params);
    });
  };
  return async (ops) => {
    // Kysely shares this connection, and its transactions await between statements: one open now
    // would take our writes in (better-sqlite3 nests them as a savepoint) and could roll them back
    // with its own. Ours is synchronous, so it only has to start outside theirs.
    for (let wait = 1; db.inTransaction; wait = Math.min(wait * 2, 50)) await new Promise((resolve) => setTimeout(resolve, wait));
    run ??= prepare();
    run(ops);
  };
}

function postgresRunner(pool: pg.Pool): BatchRunner {
  const texts = {} as Record<WriteStatement, string>;
  for (const name of Object.keys(SQL) as WriteStatement[]) texts[name] = numberPlaceholders(SQL[name]);
  const query = (runner: pg.Pool | pg.PoolClient, op: WriteOp) => runner.query({ name: PG_NAMES[op.statement], text: texts[op.statement], values: op.params as SqlValue[] });
  return async (ops) => {
    // One statement is atomic alone: BEGIN and COMMIT would only add two round trips (a call
    // whose row alone changed, the usual batch between a call's start and its end).
    if (ops.length === 1) {
      await query(pool, ops[0]!);
      return;
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // node-postgres prepares each name once per connection, then only binds and executes.
      for (const op of ops) await query(client, op);
      await client.query('COMMIT');
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is broken: the pool must not hand it out again.
        client.release(rollbackErr as Error);
        throw err;
      }
      client.release();
      throw err;
    }
    client.release();
  };
}
