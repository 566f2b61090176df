/**
 * The reports' per-day rollup (issue 17, part 3; `reports/report-rollup.ts` keeps it): a year's
 * report read two million calls (3.5-4.2 s on PostgreSQL); from the rollup it reads a few tens of
 * thousands of rows, and only today's calls (and any day not rolled up yet) live.
 *
 * - `report_rollup_days`: which local days are rolled up, per time zone (`zone`, an IANA name: a day
 *   is the company's day, another zone has other days) and per `scope` (`*`: every call; an agent's
 *   own report: the JSON list of their extensions), and when each was built (`built_at`, ISO UTC).
 *   Its primary key is what serializes two instances building the same day (the builder upserts
 *   this row first, then replaces the day's rows, in one transaction).
 * - `report_rollup`: per day and per `dim` (`period`: the day itself; `line`, `queue`, `agent`:
 *   keyed by the DID, the queue, the agent's extension; `rang`: an extension's unanswered incoming
 *   calls) the counts a report sums, and `waits`, the time-to-answer histogram as JSON pairs
 *   `[seconds, calls, ...]`: histograms add up, so percentiles stay exact.
 * - `report_rollup_state`: the watermark on `calls.updated_at` up to which changes to calls have
 *   been checked against the rollup (a call written after its day was rolled up invalidates it).
 * - `calls_updated` on `calls (updated_at)`: the calls written since the watermark, and the days
 *   they fall on.
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

const COUNTS = ['calls', 'inbound', 'outbound', 'internal', 'answered', 'missed', 'abandoned', 'talked', 'talk', 'cb15', 'cb60', 'cb_day'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('report_rollup_days')
    .ifNotExists()
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('built_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_rollup_days_pk', ['zone', 'scope', 'day'])
    .execute();
  let rollup = db.schema
    .createTable('report_rollup')
    .ifNotExists()
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('key', 'text');
  // A day's talk of one group fits an integer (5,000 calls of an hour each: 18 million seconds); bigint all the same on PostgreSQL.
  for (const c of COUNTS) rollup = rollup.addColumn(c, sqlite ? 'integer' : 'bigint', (col) => col.notNull());
  await rollup.addColumn('waits', 'text', (c) => c.notNull()).execute();
  await sql`create index if not exists report_rollup_day on report_rollup (zone, scope, day)`.execute(db);
  await db.schema
    .createTable('report_rollup_state')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // `updated_at` alone: the few rows written since the watermark are read from the table for their
  // start (with `started_epoch` in the index, SQLite could no longer drop that column: 0014's down).
  await sql`create index if not exists calls_updated on calls (updated_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists calls_updated`.execute(db);
  for (const t of ['report_rollup_state', 'report_rollup', 'report_rollup_days']) await db.schema.dropTable(t).ifExists().execute();
}
