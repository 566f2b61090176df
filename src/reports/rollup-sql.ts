/**
 * The rollup's own tables (migration 0016): read a scope's rolled-up days, replace days, drop the
 * days a change to a call made stale, and the watermark on `calls.updated_at`. `report-rollup.ts`
 * decides what to read and build; this only reads and writes. Values are bound, never spliced.
 *
 * Several service instances may share one PostgreSQL: a day is written in one transaction that
 * first upserts its `report_rollup_days` row (the primary key makes a second writer of the same
 * day wait for the first to commit), then deletes and inserts its groups; days are taken in
 * ascending order by every writer, so two writers of overlapping days never deadlock. A reader
 * reads the days and their groups in one statement (one snapshot): a day half written or half
 * dropped is never seen.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Engine, Store } from '../store/store.ts';
import type { Histogram } from './percentiles.ts';
import type { AggregateRow } from './report-model.ts';

/** A rolled-up day's group: `period` (the day; no key), `line`, `queue`, `agent` or `rang` (an extension's missed calls in `missed`). */
export interface DayGroup extends Omit<AggregateRow, 'dim' | 'tta' | 'waits'> {
  day: number;
  dim: AggregateRow['dim'] | 'rang';
  key: string | null;
  waits: Histogram;
}

type Num = number | string;
/** A stored group as the driver returns it (PostgreSQL: bigints as text; `waits`: JSON arrays of pairs, comma-separated). */
export interface RollupRow {
  day: Num;
  dim: string | null;
  key: string | null;
  calls: Num;
  inbound: Num;
  outbound: Num;
  internal: Num;
  answered: Num;
  missed: Num;
  abandoned: Num;
  talked: Num;
  talk: Num;
  cb15: Num;
  cb60: Num;
  cb_day: Num;
  waits: string | null;
}

/** The histograms of a group's days joined, comma-separated (each is a JSON array). */
const CONCAT: Record<Engine, RawBuilder<string>> = {
  postgres: sql`string_agg(waits, ',')`,
  sqlite: sql`group_concat(waits, ',')`,
};

/** The scope's rolled-up days in `[fromDay, toDay]`, their own groups, and the other groups' sums and histograms. */
export async function readRollup(store: Store, zone: string, scope: string, fromDay: number, toDay: number): Promise<{ days: Set<number>; groups: RollupRow[] }> {
  // One statement (one snapshot), each part read by its own index: the days (no `dim`); the days'
  // own rows; the lines', queues', agents' and extensions' counts summed over the days here (a
  // year's 40,000 rows are 130); and their histograms, each group's days' joined into one text
  // (`[s,n,...],[s,n,...]`) and added up in `report-rollup.ts`: 22,000 rows of 16 columns cost
  // the driver more than all the rest of the report (250 ms on PostgreSQL). A join of
  // days and groups was planned as a nested loop over a sequential scan while the tables were
  // young (no statistics yet): 5 s for a year.
  const where = sql`zone = ${zone} and scope = ${scope} and day >= ${fromDay} and day <= ${toDay}`;
  const sum = (c: string) => sql`cast(sum(${sql.ref(c)}) as bigint)`;
  const { rows } = await sql<RollupRow>`select day, null as dim, null as key, 0 as calls, 0 as inbound, 0 as outbound, 0 as internal, 0 as answered, 0 as missed, 0 as abandoned, 0 as talked, 0 as talk, 0 as cb15, 0 as cb60, 0 as cb_day, null as waits
      from report_rollup_days where ${where}
    union all
    select day, dim, key, calls, inbound, outbound, internal, answered, missed, abandoned, talked, talk, cb15, cb60, cb_day, waits
      from report_rollup where ${where} and dim = 'period'
    union all
    select 0, dim, key, ${sql.join(['calls', 'inbound', 'outbound', 'internal', 'answered', 'missed', 'abandoned', 'talked', 'talk', 'cb15', 'cb60', 'cb_day'].map(sum))}, null
      from report_rollup where ${where} and dim <> 'period' group by dim, key
    union all
    select 0, dim, key, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ${CONCAT[store.engine]}
      from report_rollup where ${where} and dim in ('line', 'queue', 'agent') and waits <> '[]' group by dim, key`.execute(store.db);
  const days = new Set<number>();
  const groups: RollupRow[] = [];
  for (const r of rows) {
    // A day without calls has its days row and no groups.
    if (r.dim === null) days.add(Number(r.day));
    else groups.push(r);
  }
  return { days, groups };
}

/** Replaces the scope's `days` (ascending) by `groups` (all of those days' groups), built from what the calls held at `builtAt`. */
export async function writeRollup(store: Store, zone: string, scope: string, days: readonly number[], groups: readonly DayGroup[], builtAt: string): Promise<void> {
  if (days.length === 0) return;
  const sorted = [...days].sort((a, b) => a - b);
  await store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('report_rollup_days')
      .values(sorted.map((day) => ({ zone, scope, day, built_at: builtAt })))
      .onConflict((oc) => oc.columns(['zone', 'scope', 'day']).doUpdateSet({ built_at: builtAt }))
      .execute();
    await trx.deleteFrom('report_rollup').where('zone', '=', zone).where('scope', '=', scope).where('day', 'in', sorted).execute();
    // 17 values a row: 500 rows stay far below both engines' limits on bound values.
    for (let i = 0; i < groups.length; i += 500) {
      await trx
        .insertInto('report_rollup')
        .values(
          groups.slice(i, i + 500).map((g) => ({
            zone,
            scope,
            day: g.day,
            dim: g.dim,
            key: g.key,
            calls: g.calls,
            inbound: g.inbound,
            outbound: g.outbound,
            internal: g.internal,
            answered: g.answered,
            missed: g.missed,
            abandoned: g.abandoned,
            talked: g.talked,
            talk: g.talk,
            cb15: g.cb15,
            cb60: g.cb60,
            cb_day: g.cbDay,
            waits: JSON.stringify([...g.waits].flat()),
          })),
        )
        .execute();
    }
  });
}

/** Calls written since `sinceIso`: per quarter of an hour of their start (UTC), the newest write. */
export async function changedSince(store: Store, sinceIso: string): Promise<{ quarter: number; updatedAt: string }[]> {
  const rows = await sql<{ q: number | string; u: string }>`select started_epoch / 900 as q, max(updated_at) as u
    from calls where updated_at > ${sinceIso} and started_epoch is not null group by started_epoch / 900`.execute(store.db);
  return rows.rows.map((r) => ({ quarter: Number(r.q), updatedAt: r.u }));
}

/** The zones rolled up (one, unless the company's zone was changed). */
export async function rollupZones(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('report_rollup_days').select('zone').distinct().execute();
  return rows.map((r) => r.zone);
}

/**
 * Drops, in every scope of `zone`, the days (ascending) built no later than their `limit`: built
 * before a change to one of their calls could have been committed and seen. Returns how many.
 */
export async function dropStale(store: Store, zone: string, stale: readonly { day: number; limit: string }[]): Promise<number> {
  if (stale.length === 0) return 0;
  return store.db.transaction().execute(async (trx) => {
    let dropped = 0;
    for (const { day, limit } of stale) {
      const gone = await trx.deleteFrom('report_rollup_days').where('zone', '=', zone).where('day', '=', day).where('built_at', '<=', limit).returning('scope').execute();
      if (gone.length === 0) continue;
      dropped += gone.length;
      await trx
        .deleteFrom('report_rollup')
        .where('zone', '=', zone)
        .where('day', '=', day)
        .where(
          'scope',
          'in',
          gone.map((g) => g.scope),
        )
        .execute();
    }
    return dropped;
  });
}

const WATERMARK = 'watermark';

export async function readWatermark(store: Store): Promise<string | undefined> {
  return (await store.db.selectFrom('report_rollup_state').select('value').where('name', '=', WATERMARK).executeTakeFirst())?.value;
}

/** Moves the watermark forward to `iso` (never back: another instance may have moved it further). */
export async function advanceWatermark(store: Store, iso: string): Promise<void> {
  await store.db
    .insertInto('report_rollup_state')
    .values({ name: WATERMARK, value: iso })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<string>`case when excluded.value > report_rollup_state.value then excluded.value else report_rollup_state.value end` }))
    .execute();
}
