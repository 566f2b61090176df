/**
 * What a report is (the wire shape the console and the CSV read) and how the store's grouped rows
 * fold into it (pure). The store answers with counts per group and per whole second of time to
 * answer (`AggregateRow`); this sums them into the tables and takes percentiles from the
 * histograms, so that days fold into weeks and months, and extensions into people, exactly.
 *
 * Definitions (the README and the page say the same):
 * - inbound calls are answered, abandoned (the caller hung up while waiting), or missed (every other
 *   outcome: nobody answered, busy, unreachable, not connected); the rates are of inbound calls;
 * - time to answer: an answered inbound call's ringing until the answer (a queue call's wait);
 * - talk time: the talk of answered calls, every direction;
 * - called back: a missed or abandoned inbound call whose customer was talked to again
 *   (`calls.called_back_at`: our callback, or their next call answered) within 15 minutes, within an
 *   hour, or on the same local day;
 * - a call's agent: who answered it, else who placed it; an agent's missed calls: unanswered inbound
 *   calls that rang one of their phones.
 */
import { addTo, merge, percentile, type Histogram } from './percentiles.ts';
import { periodKey, periodsOf, type Grouping, type ReportWindow } from './periods.ts';

export interface CallMetrics {
  calls: number;
  inbound: number;
  outbound: number;
  internal: number;
  answered: number;
  missed: number;
  abandoned: number;
  /** Shares of inbound calls, 0 to 1; null without inbound calls. */
  answeredRate: number | null;
  missedRate: number | null;
  abandonedRate: number | null;
  /** Time to answer in seconds (answered inbound calls); null without any. */
  answerP50: number | null;
  answerP90: number | null;
  /** Answered calls of every direction and their talk. */
  talked: number;
  talkSeconds: number;
  talkAverage: number | null;
  /** Missed and abandoned inbound calls whose customer was talked to again within... */
  calledBack15m: number;
  calledBack1h: number;
  calledBackSameDay: number;
}

export interface PeriodRow extends CallMetrics {
  /** `2026-11-23` (day, or the week's Monday) or `2026-11` (month). */
  period: string;
  /** The local dates the row covers inside the range. */
  from: string;
  to: string;
}

export interface LineRow extends CallMetrics {
  /** The number dialled (DID); null: calls that came in on no line (outbound, internal). */
  line: string | null;
}

export interface QueueRow extends CallMetrics {
  queue: string | null;
}

export interface AgentRow {
  /** Null for an extension no user owns (its calls are still counted). */
  userId: string | null;
  name: string;
  extensions: string[];
  answered: number;
  outbound: number;
  /** Unanswered inbound calls that rang one of their phones. */
  missed: number;
  talked: number;
  talkSeconds: number;
  talkAverage: number | null;
  answerP50: number | null;
  answerP90: number | null;
}

export const MISSED_AGES = ['under1h', '1to4h', '4to24h', '1to3d', '3to7d', 'over7d'] as const;
export type MissedAge = (typeof MISSED_AGES)[number];
/** The lower bound of each age, in hours (the first has none). */
export const MISSED_AGE_HOURS: Readonly<Record<MissedAge, number>> = { under1h: 0, '1to4h': 1, '4to24h': 4, '1to3d': 24, '3to7d': 72, over7d: 168 };

export interface MissedAgeRow {
  age: MissedAge;
  open: number;
}

export interface Report {
  from: string;
  to: string;
  group: Grouping;
  timeZone: string;
  /** `all`: every call (admins); `own`: the asking person's calls. */
  scope: 'all' | 'own';
  generatedAt: string;
  totals: CallMetrics;
  periods: PeriodRow[];
  lines: LineRow[];
  agents: AgentRow[];
  queues: QueueRow[];
  /** Open missed-call items now, by how long ago their first call was missed. */
  missedOpen: MissedAgeRow[];
}

/** The tables a report has, as the CSV export names them. */
export const REPORT_TABLES = ['periods', 'lines', 'agents', 'queues', 'missed-open'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

export type Dimension = 'period' | 'line' | 'queue' | 'agent';

/** One row the store returns: counts for a group and one time-to-answer value (null: the rest). */
export interface AggregateRow {
  dim: Dimension;
  /** The local day number (period), the DID, the queue, or the agent's extension. */
  key: string | number | null;
  tta: number | null;
  calls: number;
  inbound: number;
  outbound: number;
  internal: number;
  answered: number;
  missed: number;
  abandoned: number;
  talked: number;
  talk: number;
  cb15: number;
  cb60: number;
  cbDay: number;
  /** The answered calls' times to answer, where the row holds many (a rolled-up day's group); `tta` is then null. */
  waits?: Histogram;
}

/** Sums of a group and its time-to-answer histogram. */
class Tally {
  calls = 0;
  inbound = 0;
  outbound = 0;
  internal = 0;
  answered = 0;
  missed = 0;
  abandoned = 0;
  talked = 0;
  talk = 0;
  cb15 = 0;
  cb60 = 0;
  cbDay = 0;
  readonly waits: Histogram = new Map();

  add(row: AggregateRow): void {
    this.calls += row.calls;
    this.inbound += row.inbound;
    this.outbound += row.outbound;
    this.internal += row.internal;
    this.answered += row.answered;
    this.missed += row.missed;
    this.abandoned += row.abandoned;
    this.talked += row.talked;
    this.talk += row.talk;
    this.cb15 += row.cb15;
    this.cb60 += row.cb60;
    this.cbDay += row.cbDay;
    if (row.waits !== undefined) merge(this.waits, row.waits);
    else if (row.tta !== null) addTo(this.waits, row.tta, row.answered);
  }

  addTally(other: Tally): void {
    for (const k of ['calls', 'inbound', 'outbound', 'internal', 'answered', 'missed', 'abandoned', 'talked', 'talk', 'cb15', 'cb60', 'cbDay'] as const) this[k] += other[k];
    merge(this.waits, other.waits);
  }

  metrics(): CallMetrics {
    const share = (n: number): number | null => (this.inbound === 0 ? null : n / this.inbound);
    return {
      calls: this.calls,
      inbound: this.inbound,
      outbound: this.outbound,
      internal: this.internal,
      answered: this.answered,
      missed: this.missed,
      abandoned: this.abandoned,
      answeredRate: share(this.answered),
      missedRate: share(this.missed),
      abandonedRate: share(this.abandoned),
      answerP50: percentile(this.waits, 0.5),
      answerP90: percentile(this.waits, 0.9),
      talked: this.talked,
      talkSeconds: this.talk,
      talkAverage: this.talked === 0 ? null : Math.round(this.talk / this.talked),
      calledBack15m: this.cb15,
      calledBack1h: this.cb60,
      calledBackSameDay: this.cbDay,
    };
  }
}

/** Who owns which extension (the directory's users). */
export interface ExtensionOwner {
  id: string;
  name: string;
  extensions: readonly string[];
}

export interface FoldInput {
  window: ReportWindow;
  group: Grouping;
  rows: readonly AggregateRow[];
  /** Per extension: unanswered inbound calls that rang it. */
  rangMissed: ReadonlyMap<string, number>;
  owners: readonly ExtensionOwner[];
  /** `own`: only these extensions' agent rows (the asking person's). */
  onlyExtensions: ReadonlySet<string> | null;
}

export type FoldedTables = Pick<Report, 'totals' | 'periods' | 'lines' | 'agents' | 'queues'>;

export function foldReport(input: FoldInput): FoldedTables {
  const { window, group } = input;
  const totals = new Tally();
  const periods = new Map<string, Tally>();
  const lines = new Map<string | null, Tally>();
  const queues = new Map<string | null, Tally>();
  const byExtension = new Map<string, Tally>();
  const tallyOf = <K>(map: Map<K, Tally>, key: K): Tally => {
    let t = map.get(key);
    if (t === undefined) map.set(key, (t = new Tally()));
    return t;
  };
  for (const row of input.rows) {
    switch (row.dim) {
      case 'period': {
        const day = Number(row.key);
        // Every call of the range is in exactly one day: the totals are the days' sum.
        totals.add(row);
        if (day >= window.fromDay && day <= window.toDay) tallyOf(periods, periodKey(day, group)).add(row);
        break;
      }
      case 'line':
        tallyOf(lines, row.key === null ? null : String(row.key)).add(row);
        break;
      case 'queue':
        tallyOf(queues, row.key === null ? null : String(row.key)).add(row);
        break;
      case 'agent':
        if (row.key !== null) tallyOf(byExtension, String(row.key)).add(row);
        break;
    }
  }
  return {
    totals: totals.metrics(),
    periods: periodsOf(window.fromDay, window.toDay, group).map((p) => ({ period: p.key, from: p.from, to: p.to, ...(periods.get(p.key) ?? new Tally()).metrics() })),
    lines: sortedRows(lines).map(([line, t]) => ({ line, ...t.metrics() })),
    queues: sortedRows(queues).map(([queue, t]) => ({ queue, ...t.metrics() })),
    agents: agentRows(byExtension, input),
  };
}

/** Busiest first; the row without a key (no line, no queue) last. */
function sortedRows<K extends string | null>(map: Map<K, Tally>): [K, Tally][] {
  return [...map].sort(([ka, a], [kb, b]) => (ka === null ? 1 : kb === null ? -1 : b.calls - a.calls || String(ka).localeCompare(String(kb))));
}

function agentRows(byExtension: Map<string, Tally>, input: FoldInput): AgentRow[] {
  const owner = new Map<string, ExtensionOwner>();
  for (const o of input.owners) for (const e of o.extensions) owner.set(e, o);
  const people = new Map<string, { userId: string | null; name: string; extensions: string[]; tally: Tally; missed: number }>();
  const person = (extension: string) => {
    const o = owner.get(extension);
    const key = o ? `u:${o.id}` : `e:${extension}`;
    let p = people.get(key);
    if (p === undefined) people.set(key, (p = { userId: o?.id ?? null, name: o?.name ?? extension, extensions: [], tally: new Tally(), missed: 0 }));
    if (!p.extensions.includes(extension)) p.extensions.push(extension);
    return p;
  };
  const mine = (extension: string): boolean => input.onlyExtensions === null || input.onlyExtensions.has(extension);
  for (const [extension, tally] of byExtension) if (mine(extension)) person(extension).tally.addTally(tally);
  for (const [extension, missed] of input.rangMissed) if (mine(extension)) person(extension).missed += missed;
  return [...people.values()]
    .map((p) => {
      const m = p.tally.metrics();
      return {
        userId: p.userId,
        name: p.name,
        extensions: p.extensions.sort(),
        answered: m.answered,
        outbound: m.outbound,
        missed: p.missed,
        talked: m.talked,
        talkSeconds: m.talkSeconds,
        talkAverage: m.talkAverage,
        answerP50: m.answerP50,
        answerP90: m.answerP90,
      };
    })
    .sort((a, b) => b.answered + b.outbound - (a.answered + a.outbound) || a.name.localeCompare(b.name));
}

/** Where each open item's first missed call falls: the age bucket's index. */
export function missedAgeBounds(now: Date): { age: MissedAge; sinceIso: string }[] {
  return MISSED_AGES.map((age) => ({ age, sinceIso: new Date(now.getTime() - MISSED_AGE_HOURS[age] * 3_600_000).toISOString() }));
}

