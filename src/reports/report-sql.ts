/**
 * The reports' SQL: a few grouped reads over `calls` (its reports' columns and `calls_report`
 * index, migration 0014), `call_extensions` and `missed_items`. Read-only; the tables' owners
 * (`store/call-log.ts`, `store/missed-items.ts`) write them. Values are bound, never spliced.
 *
 * One read answers the periods, lines, queues and agents tables: every call in the range is counted
 * once per table, grouped with its time to answer (a histogram; percentiles are taken in
 * `percentiles.ts`). The two engines differ in two places only, kept in `DIALECTS` below:
 * - PostgreSQL groups the four ways in one pass with GROUPING SETS (one index-only scan of the
 *   range); SQLite has no grouping sets and reads the range once per table (UNION ALL);
 * - the callback's time as epoch seconds from its ISO text (`called_back_at` has no epoch column:
 *   it is parsed only on the few missed calls that were called back).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Engine, Store } from '../store/store.ts';
import type { OffsetSegment, ReportWindow } from './periods.ts';
import type { AggregateRow, Dimension } from './report-model.ts';

interface ReportDialect {
  /** Epoch seconds of an ISO 8601 text column. */
  epochOf(column: RawBuilder<unknown>): RawBuilder<unknown>;
  /** The four groupings over the calls `c` (a sub-select), with `aggregates`. */
  grouped(calls: RawBuilder<unknown>, aggregates: RawBuilder<unknown>): RawBuilder<unknown>;
}

/** Each grouping's key column in the sub-select, and its name in the answer. */
const GROUPINGS: readonly { dim: Dimension; column: string }[] = [
  { dim: 'period', column: 'd' },
  { dim: 'line', column: 'did' },
  { dim: 'queue', column: 'queue' },
  { dim: 'agent', column: 'agent' },
];

/** PostgreSQL's grouping() value of each set, in GROUPINGS order (SQLite's arms say the same). */
const GROUPING_BITS = [0b0111, 0b1011, 0b1101, 0b1110] as const;

const DIALECTS: Record<Engine, ReportDialect> = {
  postgres: {
    epochOf: (column) => sql`floor(extract(epoch from cast(${column} as timestamptz)))::bigint`,
    // grouping(d, did, queue, agent): a bit set for each argument NOT grouped in the row's set.
    grouped: (calls, aggregates) => sql`select grouping(d, did, queue, agent) as g, d, did, queue, agent, tta, ${aggregates}
      from ${calls} as c
      group by grouping sets ((d, tta), (did, tta), (queue, tta), (agent, tta))`,
  },
  sqlite: {
    epochOf: (column) => sql`unixepoch(${column})`,
    // Not materialized: four scans of the covering index cost less than writing the range to a temporary table.
    grouped: (calls, aggregates) => sql`with c as not materialized ${calls}
      ${sql.join(
        GROUPINGS.map(
          ({ column }, i) =>
            sql`select ${sql.lit(GROUPING_BITS[i]!)} as g, ${sql.join(GROUPINGS.map((o) => (o.column === column ? sql.ref(o.column) : sql`null`).as(o.column)))}, tta, ${aggregates} from c group by ${sql.ref(column)}, tta`,
        ),
        sql` union all `,
      )}`,
  },
};

/** `(epoch + the offset in force at epoch) / 86400`: the local day number (see periods.ts). */
function localDay(epoch: RawBuilder<unknown>, segments: readonly OffsetSegment[]): RawBuilder<unknown> {
  const later = segments.slice(1).reverse();
  const offset =
    later.length === 0
      ? sql`cast(${segments[0]!.offsetSec} as bigint)`
      : sql`case ${sql.join(
          later.map((s) => sql`when ${epoch} >= cast(${s.startSec} as bigint) then cast(${s.offsetSec} as bigint)`),
          sql` `,
        )} else cast(${segments[0]!.offsetSec} as bigint) end`;
  return sql`(${epoch} + ${offset}) / 86400`;
}

/** Only calls these extensions rang, answered or placed (an agent's own report); null: all calls. */
function scopeFilter(extensions: readonly string[] | null, idColumn: RawBuilder<unknown>): RawBuilder<unknown> {
  if (extensions === null) return sql``;
  return sql`and ${idColumn} in (select call_id from call_extensions where extension in (${sql.join(extensions)}))`;
}

/** The counts per period (local day), line, queue and agent, each with its time-to-answer histogram. */
export async function aggregateRows(store: Store, window: ReportWindow, extensions: readonly string[] | null): Promise<AggregateRow[]> {
  const dialect = DIALECTS[store.engine];
  const missedInbound = sql`direction = 'inbound' and disposition <> 'answered'`;
  const calls = sql`(select
      ${localDay(sql.ref('started_epoch'), window.segments)} as d,
      did, queue, coalesce(answered_by, caller_extension) as agent,
      case when direction = 'inbound' and disposition = 'answered' then ring_seconds end as tta,
      direction, disposition, talk_seconds, started_epoch,
      case when ${missedInbound} and called_back_at is not null then ${dialect.epochOf(sql.ref('called_back_at'))} end as cb
    from calls
    where started_at >= ${window.fromIso} and started_at < ${window.toIso} and status = 'ended' and started_epoch is not null
    ${scopeFilter(extensions, sql.ref('id'))})`;
  const aggregates = sql`count(*) as calls,
      sum(case when direction = 'inbound' then 1 else 0 end) as inbound,
      sum(case when direction = 'outbound' then 1 else 0 end) as outbound,
      sum(case when direction = 'internal' then 1 else 0 end) as internal,
      sum(case when direction = 'inbound' and disposition = 'answered' then 1 else 0 end) as answered,
      sum(case when direction = 'inbound' and disposition = 'abandoned' then 1 else 0 end) as abandoned,
      sum(case when direction = 'inbound' and disposition <> 'answered' and disposition <> 'abandoned' then 1 else 0 end) as missed,
      sum(case when disposition = 'answered' then 1 else 0 end) as talked,
      sum(case when disposition = 'answered' then coalesce(talk_seconds, 0) else 0 end) as talk,
      sum(case when cb - started_epoch <= 900 then 1 else 0 end) as cb15,
      sum(case when cb - started_epoch <= 3600 then 1 else 0 end) as cb60,
      sum(case when ${localDay(sql.ref('cb'), window.segments)} = d then 1 else 0 end) as cbday`;
  const rows = await dialect.grouped(calls, aggregates).$castTo<RawAggregate>().execute(store.db);
  return rows.rows.map(toAggregate);
}

interface RawAggregate {
  g: number | string;
  d: number | string | null;
  did: string | null;
  queue: string | null;
  agent: string | null;
  tta: number | string | null;
  calls: number | string;
  inbound: number | string;
  outbound: number | string;
  internal: number | string;
  answered: number | string;
  missed: number | string;
  abandoned: number | string;
  talked: number | string;
  talk: number | string;
  cb15: number | string;
  cb60: number | string;
  cbday: number | string;
}

// PostgreSQL returns bigint and numeric sums as strings; SQLite returns numbers.
function toAggregate(r: RawAggregate): AggregateRow {
  const i = GROUPING_BITS.indexOf(Number(r.g) as (typeof GROUPING_BITS)[number]);
  const dim = GROUPINGS[i]?.dim;
  if (dim === undefined) throw new Error(`unexpected grouping ${String(r.g)}`);
  const key = dim === 'period' ? (r.d === null ? null : Number(r.d)) : dim === 'line' ? r.did : dim === 'queue' ? r.queue : r.agent;
  return {
    dim,
    key,
    tta: r.tta === null ? null : Number(r.tta),
    calls: Number(r.calls),
    inbound: Number(r.inbound),
    outbound: Number(r.outbound),
    internal: Number(r.internal),
    answered: Number(r.answered),
    missed: Number(r.missed),
    abandoned: Number(r.abandoned),
    talked: Number(r.talked),
    talk: Number(r.talk),
    cb15: Number(r.cb15),
    cb60: Number(r.cb60),
    cbDay: Number(r.cbday),
  };
}

/** Per extension: the range's unanswered inbound calls that rang it. */
export async function rangMissed(store: Store, window: ReportWindow, extensions: readonly string[] | null): Promise<Map<string, number>> {
  const only = extensions === null ? sql`` : sql`and e.extension in (${sql.join(extensions)})`;
  const rows = await sql<{ extension: string; missed: number | string }>`select e.extension as extension, count(*) as missed
    from calls c join call_extensions e on e.call_id = c.id
    where c.started_at >= ${window.fromIso} and c.started_at < ${window.toIso} and c.status = 'ended'
      and c.direction = 'inbound' and c.disposition <> 'answered' and e.role = 'rang' ${only}
    group by e.extension`.execute(store.db);
  return new Map(rows.rows.map((r) => [r.extension, Number(r.missed)]));
}

/**
 * Open missed-call items per age bucket: `since` are the buckets' newest first-missed times, youngest
 * bucket first (`report-model.ts` missedAgeBounds); `ownerId`: only that person's items.
 */
export async function openMissedByAge(store: Store, since: readonly string[], ownerId: string | null): Promise<number[]> {
  const bucket = sql`case ${sql.join(
    since.slice(1).map((s, i) => sql`when first_missed_at > ${s} then ${sql.lit(i)}`),
    sql` `,
  )} else ${sql.lit(since.length - 1)} end`;
  const owner = ownerId === null ? sql`` : sql`and owner_id = ${ownerId}`;
  const rows = await sql<{ b: number | string; n: number | string }>`select ${bucket} as b, count(*) as n from missed_items where status = 'open' ${owner} group by 1`.execute(store.db);
  const out = since.map(() => 0);
  for (const r of rows.rows) out[Number(r.b)] = Number(r.n);
  return out;
}
