/**
 * The reports' per-day rollup: the days that are over, counted once and kept (per local day of the
 * company's zone, per line, queue and agent, with the time-to-answer histograms, which add up), so
 * that a year's report reads a few tens of thousands of rows instead of two million calls. Today,
 * and any day not rolled up (yet, or any more), is read live with the same grouping, and a day read
 * live that is over is then kept. The answer is the live computation's, to the call.
 *
 * - **Scope**: every call (`*`), or an agent's own calls (the calls their extensions rang, answered
 *   or placed: a call of two of their extensions is counted once, so a scope is the whole set of
 *   their extensions, as JSON). An agent's days are rolled up the first time they ask.
 * - **Zone**: days are the zone's; each zone has its own rollup, a report in another zone builds its own.
 * - **Invalidation**: any write to a call moves its `updated_at` (the call log's upserts, the
 *   extension rows written with them, `called_back_at` set by the missed-calls workflow, CDR
 *   backfills and recoveries: all through the call log or `missed-items.ts`). Before each report,
 *   the calls written since the watermark (less `settleMs`) name the days they fall on; a rolled-up
 *   day built before such a write could have been seen (`built_at <= updated_at + settleMs`) is
 *   dropped, in every scope and zone, and read live (and kept again) when next asked for. No writer
 *   has to know about the rollup.
 * - **Why `settleMs`**: a write is stamped before it commits, by the clock of the instance that
 *   made it. A change is looked for again until `settleMs` after the newest one seen, and a day
 *   counts as built after a change only when built `settleMs` after it: writes that commit later
 *   than that after their stamp, or instances whose clocks are further apart, could be missed.
 */
import type { Store } from '../store/store.ts';
import { addTo, merge } from './percentiles.ts';
import { dateOfDay, offsetSeconds, reportWindow, type ReportWindow } from './periods.ts';
import type { AggregateRow } from './report-model.ts';
import { dailyRangMissed, dailyRows } from './report-sql.ts';
import { advanceWatermark, changedSince, dropStale, readRollup, readWatermark, rollupZones, writeRollup, type DayGroup, type RollupRow } from './rollup-sql.ts';

export interface ReportRollupOptions {
  /** The company's time zone (IANA): the rollup's days are its local days. */
  zone: string;
  /**
   * How long a write to a call may take to commit after its `updated_at` was stamped, plus how far
   * apart the clocks of instances sharing the database may be. Default 5 minutes.
   */
  settleMs?: number;
  /** The wall clock (`calls.updated_at` is written by it); tests inject theirs. */
  clock?: () => number;
}

/** Days computed live, then kept, in parts of at most this many (one transaction each). */
const BUILD_DAYS = 31;

/** The scope of a report: every call, or the calls of a set of extensions. */
export function scopeOf(extensions: readonly string[] | null): string {
  return extensions === null ? '*' : JSON.stringify([...new Set(extensions)].sort());
}

export class ReportRollup {
  readonly #store: Store;
  readonly #zone: string;
  readonly #settleMs: number;
  readonly #clock: () => number;

  constructor(store: Store, options: ReportRollupOptions) {
    this.#store = store;
    this.#zone = options.zone;
    this.#settleMs = options.settleMs ?? 300_000;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * The report's rows for `window` (the same as `aggregateRows` and `rangMissed` answer live):
   * rolled-up days where they are fresh, the rest live; `today` (a local day number) and later
   * days are never kept.
   */
  async read(window: ReportWindow, extensions: readonly string[] | null, today: number): Promise<{ rows: AggregateRow[]; rangMissed: Map<string, number> }> {
    await this.refresh();
    const scope = scopeOf(extensions);
    const lastOver = Math.min(window.toDay, today - 1);
    const stored = lastOver >= window.fromDay ? await readRollup(this.#store, this.#zone, scope, window.fromDay, lastOver) : { days: new Set<number>(), groups: [] };
    const sums = new Sums();
    for (const r of stored.groups) sums.addStored(r);
    for (const [from, to] of missingRuns(window.fromDay, window.toDay, stored.days)) {
      for (const g of await this.#build(from, to, extensions, scope, today)) sums.addGroup(g);
    }
    return sums.result();
  }

  /**
   * Drops the rolled-up days that calls written since the watermark fall on (see the top of the
   * file). Runs before every report; several instances may run it at once.
   */
  async refresh(): Promise<{ dropped: number }> {
    const mark = await readWatermark(this.#store);
    if (mark === undefined) {
      // Nothing was rolled up before the watermark existed: changes from now on are what count.
      await advanceWatermark(this.#store, new Date(this.#clock() - this.#settleMs).toISOString());
      return { dropped: 0 };
    }
    const changes = await changedSince(this.#store, new Date(Date.parse(mark) - this.#settleMs).toISOString());
    if (changes.length === 0) return { dropped: 0 };
    let dropped = 0;
    for (const zone of await rollupZones(this.#store)) {
      const newest = new Map<number, string>();
      for (const { quarter, updatedAt } of changes) {
        // A quarter of an hour lies in one local day in every zone of today (offsets are whole
        // quarters); its first and last second say so, or name both days where one would not.
        for (const sec of [quarter * 900, quarter * 900 + 899]) {
          const day = Math.floor((sec + offsetSeconds(sec * 1000, zone)) / 86_400);
          const seen = newest.get(day);
          if (seen === undefined || seen < updatedAt) newest.set(day, updatedAt);
        }
      }
      const stale = [...newest].sort(([a], [b]) => a - b).map(([day, u]) => ({ day, limit: new Date(Date.parse(u) + this.#settleMs).toISOString() }));
      dropped += await dropStale(this.#store, zone, stale);
    }
    const top = changes.reduce((m, c) => (c.updatedAt > m ? c.updatedAt : m), mark);
    if (top > mark) await advanceWatermark(this.#store, top);
    return { dropped };
  }

  /** Days `from`..`to` read live, and those before `today` kept. */
  async #build(from: number, to: number, extensions: readonly string[] | null, scope: string, today: number): Promise<DayGroup[]> {
    const out: DayGroup[] = [];
    for (let start = from; start <= to; start += BUILD_DAYS) {
      const end = Math.min(to, start + BUILD_DAYS - 1);
      // Stamped before reading: whatever is written after this may be missing from what is read.
      const builtAt = new Date(this.#clock()).toISOString();
      const window = reportWindow(dateOfDay(start), dateOfDay(end), this.#zone);
      const [rows, rang] = await Promise.all([dailyRows(this.#store, window, extensions), dailyRangMissed(this.#store, window, extensions)]);
      const groups = dayGroups(rows, rang);
      const over: number[] = [];
      for (let day = start; day <= Math.min(end, today - 1); day++) over.push(day);
      await writeRollup(
        this.#store,
        this.#zone,
        scope,
        over,
        groups.filter((g) => g.day < today),
        builtAt,
      );
      for (const g of groups) out.push(g);
    }
    return out;
  }
}

/** The runs of days in `[from, to]` missing from `have`, as `[first, last]`. */
function missingRuns(from: number, to: number, have: ReadonlySet<number>): [number, number][] {
  const runs: [number, number][] = [];
  for (let day = from; day <= to; day++) {
    if (have.has(day)) continue;
    const last = runs.at(-1);
    if (last !== undefined && last[1] === day - 1) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}

/** The live daily rows (one per code) summed into one group per day, dimension and key. */
function dayGroups(rows: Awaited<ReturnType<typeof dailyRows>>, rang: Awaited<ReturnType<typeof dailyRangMissed>>): DayGroup[] {
  const groups = new Map<string, DayGroup>();
  const groupOf = (day: number, dim: DayGroup['dim'], key: string | null): DayGroup => {
    const id = `${day}|${dim}|${key === null ? '' : `=${key}`}`;
    let g = groups.get(id);
    if (g === undefined) {
      groups.set(id, (g = { day, dim, key, calls: 0, inbound: 0, outbound: 0, internal: 0, answered: 0, missed: 0, abandoned: 0, talked: 0, talk: 0, cb15: 0, cb60: 0, cbDay: 0, waits: new Map() }));
    }
    return g;
  };
  for (const r of rows) {
    const g = groupOf(r.day, r.dim, r.dim === 'period' ? null : r.key === null ? null : String(r.key));
    g.calls += r.calls;
    g.inbound += r.inbound;
    g.outbound += r.outbound;
    g.internal += r.internal;
    g.answered += r.answered;
    g.missed += r.missed;
    g.abandoned += r.abandoned;
    g.talked += r.talked;
    g.talk += r.talk;
    g.cb15 += r.cb15;
    g.cb60 += r.cb60;
    g.cbDay += r.cbDay;
    if (r.tta !== null) addTo(g.waits, r.tta, r.answered);
  }
  for (const r of rang) groupOf(r.day, 'rang', r.extension).missed += r.missed;
  return [...groups.values()];
}

const COUNTS = ['calls', 'inbound', 'outbound', 'internal', 'answered', 'missed', 'abandoned', 'talked', 'talk', 'cb15', 'cb60', 'cbDay'] as const;

/** Each count's column in `report_rollup` (the same name but for `cb_day`). */
const STORED = { calls: 'calls', inbound: 'inbound', outbound: 'outbound', internal: 'internal', answered: 'answered', missed: 'missed', abandoned: 'abandoned', talked: 'talked', talk: 'talk', cb15: 'cb15', cb60: 'cb60', cbDay: 'cb_day' } as const satisfies Record<(typeof COUNTS)[number], keyof RollupRow>;

/**
 * Days' groups summed as the report folds them: each day on its own (the periods), each line, queue,
 * agent and extension over all the days (a year's 30,000-odd groups become a few hundred rows here,
 * so that the fold does not add them one by one again).
 */
class Sums {
  readonly #rows = new Map<string, AggregateRow>();
  readonly #rang = new Map<string, number>();
  readonly #denseOf = new Map<AggregateRow, number[]>();

  addStored(r: RollupRow): void {
    const row = this.#row(r.dim as DayGroup['dim'], r.dim === 'period' ? Number(r.day) : r.key);
    if (row === null) {
      if (r.key !== null) this.#rang.set(r.key, (this.#rang.get(r.key) ?? 0) + Number(r.missed));
      return;
    }
    for (const c of COUNTS) row[c] += Number(r[STORED[c]]);
    if (r.waits !== null && r.waits.length > 2) {
      const dense = this.#dense(row);
      for (const pairs of JSON.parse(`[${r.waits}]`) as number[][]) {
        for (let i = 0; i < pairs.length; i += 2) dense[pairs[i]!] = (dense[pairs[i]!] ?? 0) + pairs[i + 1]!;
      }
    }
  }

  /**
   * A row's histogram while it is summed: an array by whole second (a year's agents' histograms are
   * a million pairs; adding them into Maps cost 100-150 ms of a 300 ms report). Made a Map at the end.
   */
  #dense(row: AggregateRow): number[] {
    let dense = this.#denseOf.get(row);
    if (dense === undefined) this.#denseOf.set(row, (dense = []));
    return dense;
  }

  addGroup(g: DayGroup): void {
    const row = this.#row(g.dim, g.dim === 'period' ? g.day : g.key);
    if (row === null) {
      if (g.key !== null) this.#rang.set(g.key, (this.#rang.get(g.key) ?? 0) + g.missed);
      return;
    }
    for (const c of COUNTS) row[c] += g[c];
    merge(row.waits!, g.waits);
  }

  /** The report's rows (`foldReport`) and the extensions' missed calls. */
  result(): { rows: AggregateRow[]; rangMissed: Map<string, number> } {
    for (const [row, dense] of this.#denseOf) dense.forEach((count, seconds) => addTo(row.waits!, seconds, count));
    this.#denseOf.clear();
    return { rows: [...this.#rows.values()], rangMissed: this.#rang };
  }

  /** The row a group adds to; null for `rang` (counted apart). */
  #row(dim: DayGroup['dim'], key: string | number | null): AggregateRow | null {
    if (dim === 'rang') return null;
    const id = `${dim}|${key === null ? '' : `=${key}`}`;
    let row = this.#rows.get(id);
    if (row === undefined) {
      this.#rows.set(id, (row = { dim, key, tta: null, calls: 0, inbound: 0, outbound: 0, internal: 0, answered: 0, missed: 0, abandoned: 0, talked: 0, talk: 0, cb15: 0, cb60: 0, cbDay: 0, waits: new Map() }));
    }
    return row;
  }
}
