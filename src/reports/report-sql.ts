/**
 * The reports' SQL: a few grouped reads over `calls` (its reports' columns and `calls_report`
 * index, migration 0014), `call_extensions` and `missed_items`. Read-only; the tables' owners
 * (`store/call-log.ts`, `store/missed-items.ts`) write them. Values are bound, never spliced.
 *
 * One read answers the periods, lines, queues and agents tables: the range's calls grouped by
 * local day, and by line, queue and agent together, each group split by the call's kind, callback
 * and time to answer (a histogram; percentiles are taken in `percentiles.ts`). The engines differ
 * in the few places kept in `DIALECTS` below:
 * - PostgreSQL groups both ways in one pass with GROUPING SETS (one index-only scan), in two halves
 *   read concurrently for a long range; SQLite has no grouping sets and reads the range once per
 *   grouping (UNION ALL);
 * - the callback's time as epoch seconds from its ISO text (`called_back_at` has no epoch column:
 *   it is parsed only on the missed calls that were called back);
 * - how a sub-select is kept from being merged into the query around it.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Engine, Store } from '../store/store.ts';
import type { OffsetSegment, ReportWindow } from './periods.ts';
import type { AggregateRow } from './report-model.ts';

interface ReportDialect {
  /**
   * Ends a sub-select the planner must not merge into the query around it: merged, each figure's
   * expression is copied into every place that uses it (PostgreSQL evaluated the callback's parse
   * ten times per call, and sorted on the copies).
   */
  fence: RawBuilder<unknown>;
  /** Epoch seconds of an ISO 8601 text column. */
  epochOf(column: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * The range cut in parts read at once, each on a connection of its own: PostgreSQL cannot run a
   * GROUPING SETS aggregation in parallel workers, so two halves of a long range read concurrently
   * use both of a small server's cores (the parts' counts and histograms add up exactly). SQLite
   * has one connection: one part.
   */
  parts(window: ReportWindow): ReportWindow[];
  /** Runs a grouped read (PostgreSQL: with the memory to hash its groups rather than sort and spill them). */
  run<R>(store: Store, query: RawBuilder<R>): Promise<R[]>;
  /** The two groupings over the calls `c` (a sub-select), with `aggregates`. */
  grouped(calls: RawBuilder<unknown>, aggregates: RawBuilder<unknown>): RawBuilder<unknown>;
  /** The rollup's groupings: each of the day, line, queue and agent within each local day. */
  daily(calls: RawBuilder<unknown>, aggregates: RawBuilder<unknown>): RawBuilder<unknown>;
}

/**
 * Two groupings: by local day (the periods), and by line, queue and agent together (the lines,
 * queues and agents tables are folded from it in TypeScript). The second has a few thousand groups
 * where it could have a million (lines × queues × agents is small: a call's line and queue mostly
 * decide its agents), and each grouping set costs a hash lookup per call: two sets instead of four
 * took the read of 200,000 calls from 360 to 310 ms of PostgreSQL's CPU.
 */
/** PostgreSQL's grouping(d, did, queue, agent) of each set: a bit for each column NOT grouped (SQLite's arms say the same). */
const BY_DAY = 0b0111;
const BY_LINE_QUEUE_AGENT = 0b1000;
/** The daily sets' grouping(did, queue, agent). */
const DAILY_PERIOD = 0b111;
const DAILY_LINE = 0b011;
const DAILY_QUEUE = 0b101;
const DAILY_AGENT = 0b110;

const DIALECTS: Record<Engine, ReportDialect> = {
  postgres: {
    // OFFSET 0: PostgreSQL never pulls up a sub-select that has one.
    fence: sql`offset 0`,
    parts: (window) => {
      const from = Date.parse(window.fromIso);
      const to = Date.parse(window.toIso);
      // A week is read at once; a month and more in two halves.
      if (to - from < 14 * 86_400_000) return [window];
      const middle = new Date(from + Math.floor((to - from) / 2)).toISOString();
      return [
        { ...window, toIso: middle },
        { ...window, fromIso: middle },
      ];
    },
    // The planner guesses many more groups than there are (it multiplies each key's distinct
    // values); with the default 4 MB it sorts a year's calls on disk instead of hashing them.
    run: (store, query) =>
      store.db.transaction().execute(async (trx) => {
        await sql`set local work_mem = '64MB'`.execute(trx);
        return (await query.execute(trx)).rows;
      }),
    epochOf: (column) => sql`floor(extract(epoch from cast(${column} as timestamptz)))::bigint`,
    // grouping(d, did, queue, agent): a bit set for each argument NOT grouped in the row's set.
    grouped: (calls, aggregates) => sql`select grouping(d, did, queue, agent) as g, d, did, queue, agent, code, ${aggregates}
      from ${calls} as c
      group by grouping sets ((d, code), (did, queue, agent, code))`,
    // grouping(did, queue, agent): as above, per day.
    daily: (calls, aggregates) => sql`select grouping(did, queue, agent) as g, d, did, queue, agent, code, ${aggregates}
      from ${calls} as c
      group by grouping sets ((d, code), (d, did, code), (d, queue, code), (d, agent, code))`,
  },
  sqlite: {
    // SQLite does not flatten a sub-select with a LIMIT into an aggregate query (LIMIT -1: none).
    fence: sql`limit -1`,
    parts: (window) => [window],
    run: async (store, query) => (await query.execute(store.db)).rows,
    epochOf: (column) => sql`unixepoch(${column})`,
    // Not materialized: four scans of the covering index cost less than writing the range to a temporary table.
    grouped: (calls, aggregates) => sql`with c as not materialized ${calls}
      select ${sql.lit(BY_DAY)} as g, d, null as did, null as queue, null as agent, code, ${aggregates} from c group by d, code
      union all
      select ${sql.lit(BY_LINE_QUEUE_AGENT)}, null, did, queue, agent, code, ${aggregates} from c group by did, queue, agent, code`,
    daily: (calls, aggregates) => sql`with c as not materialized ${calls}
      select ${sql.lit(DAILY_PERIOD)} as g, d, null as did, null as queue, null as agent, code, ${aggregates} from c group by d, code
      union all
      select ${sql.lit(DAILY_LINE)}, d, did, null, null, code, ${aggregates} from c group by d, did, code
      union all
      select ${sql.lit(DAILY_QUEUE)}, d, null, queue, null, code, ${aggregates} from c group by d, queue, code
      union all
      select ${sql.lit(DAILY_AGENT)}, d, null, null, agent, code, ${aggregates} from c group by d, agent, code`,
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

/**
 * Only calls these extensions rang, answered or placed (an agent's own report); null: all calls.
 * A long range as a semi-join (the planner hashes the extensions' `call_extensions` rows once); a
 * short one (today, read live beside the rollup) looks each call up by its key instead: hashing a
 * busy agent's year of rows (370,000) to keep a day's 300 calls took 200 ms, the lookups 10.
 */
function scopeFilter(store: Store, window: ReportWindow, extensions: readonly string[] | null, idColumn: RawBuilder<unknown>): RawBuilder<unknown> {
  if (extensions === null) return sql``;
  if (Date.parse(window.toIso) - Date.parse(window.fromIso) >= 14 * 86_400_000) return sql`and ${idColumn} in (select call_id from call_extensions where extension in (${sql.join(extensions)}))`;
  // The fence keeps it a lookup per call (PostgreSQL would turn a plain EXISTS into the same hash join).
  return sql`and exists (select 1 from call_extensions e where e.call_id = ${idColumn} and e.extension in (${sql.join(extensions)}) ${DIALECTS[store.engine].fence})`;
}

/** The counts per period (local day), line, queue and agent, each with its time-to-answer histogram. */
export async function aggregateRows(store: Store, window: ReportWindow, extensions: readonly string[] | null): Promise<AggregateRow[]> {
  const dialect = DIALECTS[store.engine];
  const parts = await Promise.all(dialect.parts(window).map((part) => dialect.run(store, aggregateQuery(store, part, extensions))));
  return parts.flat().flatMap(toAggregates);
}

/**
 * Each call's kind, as a small number in the grouping key rather than a dozen conditional sums:
 * with four grouping sets every aggregate runs four times per call, so the read keeps to two
 * (`count(*)`, the talk's sum) and lets the key say what the call was. With the other changes
 * here, a year's report over two million calls went from 15.6 s to 3.5-4.2 s on PostgreSQL (the same
 * loaded machine, `bench/reports.ts`).
 */
const KIND = {
  inboundAnswered: 0,
  inboundMissed: 1,
  inboundAbandoned: 2,
  outboundAnswered: 3,
  outboundOther: 4,
  internalAnswered: 5,
  internalOther: 6,
} as const;

/** `cb` bits of a missed or abandoned incoming call called back: within 15 minutes, within the hour, the same local day. */
const CALLED_BACK_15M = 1;
const CALLED_BACK_1H = 2;
const CALLED_BACK_SAME_DAY = 4;

/**
 * A call's kind (0-6), callback bits (0-7) and time to answer (answered incoming calls; -1: none)
 * packed into one integer, `((tta + 1) * 8 + cb) * 8 + kind`: one integer column in each grouping
 * key instead of three took the read of two million calls from 2.8-3.0 s to 2.4-2.6 s of
 * PostgreSQL's CPU.
 */
function unpack(code: number): { kind: number; cb: number; tta: number | null } {
  const tta = Math.floor(code / 64) - 1;
  return { kind: code % 8, cb: Math.floor(code / 8) % 8, tta: tta < 0 ? null : tta };
}

/** The grouped read itself (the benchmark explains it). */
export function aggregateQuery(store: Store, window: ReportWindow, extensions: readonly string[] | null): RawBuilder<RawAggregate> {
  return DIALECTS[store.engine].grouped(callFigures(store, window, extensions), sql`count(*) as n, sum(talk) as talk`).$castTo<RawAggregate>();
}

/** Each call of the range (of these extensions) as `d, did, queue, agent, code, talk`: computed once per call, not once per grouping set. */
function callFigures(store: Store, window: ReportWindow, extensions: readonly string[] | null): RawBuilder<unknown> {
  const dialect = DIALECTS[store.engine];
  const k = KIND;
  return sql`(select d, did, queue, agent,
        ((coalesce(case when k = ${sql.lit(k.inboundAnswered)} then ring_seconds end, -1) + 1) * 8
          + case when cb is null then 0 else
            (case when cb - started_epoch <= 900 then ${sql.lit(CALLED_BACK_15M)} else 0 end)
            + (case when cb - started_epoch <= 3600 then ${sql.lit(CALLED_BACK_1H)} else 0 end)
            + (case when ${localDay(sql.ref('cb'), window.segments)} = d then ${sql.lit(CALLED_BACK_SAME_DAY)} else 0 end) end) * 8 + k as code,
        talk
      from (select
          ${localDay(sql.ref('started_epoch'), window.segments)} as d,
          did, queue, coalesce(answered_by, caller_extension) as agent, ring_seconds, started_epoch,
          case direction
            when 'inbound' then (case disposition when 'answered' then ${sql.lit(k.inboundAnswered)} when 'abandoned' then ${sql.lit(k.inboundAbandoned)} else ${sql.lit(k.inboundMissed)} end)
            when 'outbound' then (case disposition when 'answered' then ${sql.lit(k.outboundAnswered)} else ${sql.lit(k.outboundOther)} end)
            else (case disposition when 'answered' then ${sql.lit(k.internalAnswered)} else ${sql.lit(k.internalOther)} end) end as k,
          case when disposition = 'answered' then coalesce(talk_seconds, 0) else 0 end as talk,
          case when direction = 'inbound' and disposition <> 'answered' and called_back_at is not null then ${dialect.epochOf(sql.ref('called_back_at'))} end as cb
        from calls
        where started_at >= ${window.fromIso} and started_at < ${window.toIso} and status = 'ended' and started_epoch is not null
        ${scopeFilter(store, window, extensions, sql.ref('calls.id'))} ${dialect.fence}) as raw ${dialect.fence})`;
}

export interface RawAggregate {
  g: number | string;
  d: number | string | null;
  did: string | null;
  queue: string | null;
  agent: string | null;
  code: number | string;
  n: number | string;
  talk: number | string;
}

/** The counts of `n` calls of one packed code (`tta`: their time to answer, null: none) and their talk. */
export type Figures = Omit<AggregateRow, 'dim' | 'key' | 'waits'>;

// PostgreSQL returns bigint and numeric sums as strings; SQLite returns numbers.
function figuresOf(code: number | string, count: number | string, talk: number | string): Figures {
  const n = Number(count);
  const { kind, cb, tta } = unpack(Number(code));
  const when = (yes: boolean): number => (yes ? n : 0);
  return {
    tta,
    calls: n,
    inbound: when(kind <= KIND.inboundAbandoned),
    outbound: when(kind === KIND.outboundAnswered || kind === KIND.outboundOther),
    internal: when(kind === KIND.internalAnswered || kind === KIND.internalOther),
    answered: when(kind === KIND.inboundAnswered),
    missed: when(kind === KIND.inboundMissed),
    abandoned: when(kind === KIND.inboundAbandoned),
    talked: when(kind === KIND.inboundAnswered || kind === KIND.outboundAnswered || kind === KIND.internalAnswered),
    talk: Number(talk),
    cb15: when((cb & CALLED_BACK_15M) !== 0),
    cb60: when((cb & CALLED_BACK_1H) !== 0),
    cbDay: when((cb & CALLED_BACK_SAME_DAY) !== 0),
  };
}

function toAggregates(r: RawAggregate): AggregateRow[] {
  const figures = figuresOf(r.code, r.n, r.talk);
  const g = Number(r.g);
  if (g === BY_DAY) return [{ dim: 'period', key: r.d === null ? null : Number(r.d), ...figures }];
  if (g === BY_LINE_QUEUE_AGENT) {
    return [
      { dim: 'line', key: r.did, ...figures },
      { dim: 'queue', key: r.queue, ...figures },
      { dim: 'agent', key: r.agent, ...figures },
    ];
  }
  throw new Error(`unexpected grouping ${String(r.g)}`);
}

/** A day's group (`dim`, `key`) of calls of one packed code: the rollup's unit (`report-rollup.ts`). */
export interface DailyRow extends AggregateRow {
  day: number;
}

/**
 * The range's calls counted per local day and, within each day, per line, queue and agent: what
 * the rollup keeps of a day (and how days not rolled up, today's, are read live). Four groupings
 * instead of the report's two: by line, queue and agent together, a day's groups would be as many
 * as its calls (the time to answer is in the key).
 */
export async function dailyRows(store: Store, window: ReportWindow, extensions: readonly string[] | null): Promise<DailyRow[]> {
  const dialect = DIALECTS[store.engine];
  const query = (part: ReportWindow) => dialect.daily(callFigures(store, part, extensions), sql`count(*) as n, sum(talk) as talk`).$castTo<RawAggregate>();
  const parts = await Promise.all(dialect.parts(window).map((part) => dialect.run(store, query(part))));
  return parts.flat().map((r) => {
    const g = Number(r.g);
    const dim = g === DAILY_PERIOD ? 'period' : g === DAILY_LINE ? 'line' : g === DAILY_QUEUE ? 'queue' : g === DAILY_AGENT ? 'agent' : null;
    if (dim === null) throw new Error(`unexpected grouping ${String(r.g)}`);
    const day = Number(r.d);
    const key = dim === 'period' ? day : dim === 'line' ? r.did : dim === 'queue' ? r.queue : r.agent;
    return { day, dim, key, ...figuresOf(r.code, r.n, r.talk) };
  });
}

/** Per local day and extension: the unanswered inbound calls that rang it (`rangMissed`, day by day). */
export async function dailyRangMissed(store: Store, window: ReportWindow, extensions: readonly string[] | null): Promise<{ day: number; extension: string; missed: number }[]> {
  const only = extensions === null ? sql`` : sql`and e.extension in (${sql.join(extensions)})`;
  const rows = await sql<{ d: number | string; extension: string; missed: number | string }>`select ${localDay(sql.ref('c.started_epoch'), window.segments)} as d, e.extension as extension, count(*) as missed
    from calls c join call_extensions e on e.call_id = c.id
    where c.started_at >= ${window.fromIso} and c.started_at < ${window.toIso} and c.status = 'ended'
      and c.direction = 'inbound' and c.disposition <> 'answered' and e.role = 'rang' ${only}
    group by 1, 2`.execute(store.db);
  return rows.rows.map((r) => ({ day: Number(r.d), extension: r.extension, missed: Number(r.missed) }));
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
