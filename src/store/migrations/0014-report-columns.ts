/**
 * The reports' columns on `calls` (issue 17, part 3), copied out of `record_json` so that a report
 * over a year of calls reads a narrow index instead of parsing two million JSON records:
 *
 * - `started_epoch`: `started_at` as whole seconds since 1970 (UTC). The reports group calls by the
 *   company's local day with integer arithmetic on it (`reports/report-sql.ts`): parsing the ISO
 *   text on every row cost more than the rest of the query on PostgreSQL.
 * - `answered_at`, `ring_seconds` (time to answer), `talk_seconds`, `queue`, `caller_extension`:
 *   the record's `answeredAt`, `ringSeconds`, `talkSeconds`, `queue`, `callerExtension`.
 *
 * The call log's writer fills them on every upsert (`call-log-plan.ts`); this migration fills them
 * for the calls already stored, from the record on each engine's own JSON functions.
 *
 * `calls_report` covers every column a report reads, keyed by the start time the reports filter on:
 * PostgreSQL reads it with an index-only scan (its `include` columns are not part of the key, so the
 * index stays a start-time index); SQLite has no `include`, so they are key columns there (the same
 * effect: the table itself is never read). `id` is in it for the agent's own-calls filter (a
 * semi-join on call_extensions by call id).
 *
 * `calls_report_missed` (partial: unanswered incoming calls only, a tenth of the calls) serves the
 * agents' missed calls, which join the calls that rang them to `call_extensions`: a year's read of
 * the calls part went from 565 ms to 60 ms over two million calls (PostgreSQL, a loaded machine).
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

/** The agents' missed calls (`reports/report-sql.ts` rangMissed) filter on exactly this. */
const MISSED = sql`direction = 'inbound' and disposition <> 'answered' and status = 'ended'`;

const COVERED = ['id', 'status', 'direction', 'disposition', 'did', 'queue', 'answered_by', 'caller_extension', 'started_epoch', 'ring_seconds', 'talk_seconds', 'called_back_at'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .alterTable('calls')
    .addColumn('started_epoch', sqlite ? 'integer' : 'bigint')
    .execute();
  for (const [name, type] of [
    ['answered_at', 'text'],
    ['ring_seconds', 'integer'],
    ['talk_seconds', 'integer'],
    ['queue', 'text'],
    ['caller_extension', 'text'],
  ] as const) {
    await db.schema.alterTable('calls').addColumn(name, type).execute();
  }
  if (sqlite) {
    // unixepoch() reads ISO 8601 with its fraction and `Z` (SQLite 3.38+; better-sqlite3 bundles 3.5x).
    await sql`update calls set
        started_epoch = unixepoch(started_at),
        answered_at = json_extract(record_json, '$.answeredAt'),
        ring_seconds = cast(round(json_extract(record_json, '$.ringSeconds')) as integer),
        talk_seconds = cast(round(json_extract(record_json, '$.talkSeconds')) as integer),
        queue = json_extract(record_json, '$.queue'),
        caller_extension = json_extract(record_json, '$.callerExtension')`.execute(db);
    await sql`create index calls_report on calls (started_at, ${sql.join(COVERED.map((c) => sql.id(c)))})`.execute(db);
    await sql`create index calls_report_missed on calls (started_at, id) where ${MISSED}`.execute(db);
    return;
  }
  // One parse of each record per row (the row-valued sub-select), not one per column.
  await sql`update calls set (started_epoch, answered_at, ring_seconds, talk_seconds, queue, caller_extension) = (
      select floor(extract(epoch from cast(started_at as timestamptz)))::bigint,
             j ->> 'answeredAt',
             round((j ->> 'ringSeconds')::numeric)::integer,
             round((j ->> 'talkSeconds')::numeric)::integer,
             j ->> 'queue',
             j ->> 'callerExtension'
      from (select cast(record_json as jsonb) as j) as r)`.execute(db);
  await sql`create index calls_report on calls (started_at) include (${sql.join(COVERED.map((c) => sql.id(c)))})`.execute(db);
  await sql`create index calls_report_missed on calls (started_at) include (id) where ${MISSED}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists calls_report_missed`.execute(db);
  await sql`drop index if exists calls_report`.execute(db);
  for (const name of ['caller_extension', 'queue', 'talk_seconds', 'ring_seconds', 'answered_at', 'started_epoch']) {
    await db.schema.alterTable('calls').dropColumn(name).execute();
  }
}
