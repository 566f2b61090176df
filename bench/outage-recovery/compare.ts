/**
 * The service's call log against the truth (pure). Per call of the truth:
 *   - lost: no logged record under its id;
 *   - left open: logged `in-progress`, ended in the truth;
 *   - wrong outcome: `disposition` or `answeredBy` differ;
 *   - wrong talk: `talkSeconds` more than 1 s apart (one of them null and not the other counts);
 *   - wrong direction.
 * A logged record under an id the truth does not have is a duplicate: of the truth call one of whose
 * channels' Uniqueid is its Linkedid when there is one (the call split in two), else of nothing.
 * Outcome and talk are not judged on a record left open (its outcome is not known yet).
 */
import type { CallRecord } from '../../src/calls/index.ts';

export const PROBLEMS = ['lost', 'duplicated', 'left-open', 'wrong-outcome', 'wrong-talk', 'wrong-direction'] as const;
export type Problem = (typeof PROBLEMS)[number];

/** Where the logged record's content came from, to tell the engine's owner which path went wrong. */
export type Provenance = 'events' | 'recovered' | 'cdr-corrected' | 'cdr-rebuilt' | 'ended-while-disconnected' | 'none';

export interface Example {
  problem: Problem;
  /** The call's life overlapped an outage. */
  touchedByOutage: boolean;
  /** The call was answered, transferred or ended while the PBX's process was stalled. */
  pbxStalled: boolean;
  /** `field: truth ≠ logged` for each field that differs. */
  differences: string[];
  provenance: Provenance;
  truth: CallRecord | null;
  logged: CallRecord | null;
  /** Duplicates: the call's other logged record(s), under the truth's id. */
  alsoLogged?: CallRecord[];
}

export interface Comparison {
  /** Calls in the truth (the load's calls as the uncut engine saw them). */
  placed: number;
  /** Truth calls with a logged record under their id. */
  logged: number;
  lost: number;
  /** Logged records under an id the truth does not have (traced to a truth call, or to none). */
  duplicated: number;
  duplicatedOfACall: number;
  duplicatedOfNothing: number;
  leftOpen: number;
  wrongOutcome: number;
  wrongTalk: number;
  wrongDirection: number;
  /** Calls with at least one problem: truth calls (a duplicate counts against the call it copies) and duplicates of nothing. */
  callsWithProblems: number;
  /** Logged records the CDRs settled. */
  fromCdr: { corrected: number; rebuilt: number };
  /** Logged records still flagged as ended while disconnected (the CDR never told how they ended). */
  stillEndedWhileDisconnected: number;
  recovered: number;
  /** Truth calls not ended (the truth engine's own loose end; should be 0 after the load). */
  truthOpen: number;
  /** Of `callsWithProblems`, the truth calls no outage touched (the service got every event of them). */
  problemsUntouchedByOutages: number;
  /** Truth calls whose life overlapped an outage. */
  touchedByOutages: number;
  /** Problem -> how many of them were calls answered, transferred or ended while the PBX's process was stalled. */
  duringPbxStalls: Partial<Record<Problem, number>>;
  /** Problem -> provenance -> count. */
  byProvenance: Partial<Record<Problem, Partial<Record<Provenance, number>>>>;
  /** Problem -> "kind of call / provenance" (see `callKind`) -> count: which paths go wrong most. */
  byKind: Partial<Record<Problem, Record<string, number>>>;
  /**
   * Lost calls, `[id, startedAt, endedAt, disposition]` in the truth: when they happened tells which
   * outage lost them. All of them here; the results file keeps the first 300 (see `lostByOutage`).
   */
  lostCalls: [string, string | null, string | null, string | null][];
  /** Up to `examplesPerProblem` of each problem and provenance (and one more of a call caught in a PBX stall). */
  examples: Example[];
}

export interface CompareInput {
  truth: ReadonlyMap<string, CallRecord>;
  logged: readonly CallRecord[];
  /** Uniqueid -> Linkedid of every channel the truth saw. */
  owners: ReadonlyMap<string, string>;
  /**
   * The outages, epoch ms, from the cut or kill until the service was ready again. A call whose
   * life (in the truth) overlaps one, give or take a second, was touched by it; a wrong record of
   * a call no outage touched is not an outage's doing.
   */
  outages?: readonly { from: number; to: number }[];
  /**
   * Whether the PBX's own process was stalled at an instant (epoch ms): its events then went out
   * late, and a CDR's times differ from the events' by the stall (see stall-watch.ts).
   */
  pbxStalledAt?: (at: number) => boolean;
  pbxId: string;
  examplesPerProblem?: number;
  /** Wrong talk is a difference of more than this many seconds. Default 1. */
  talkToleranceSeconds?: number;
}

export function provenanceOf(record: CallRecord | null): Provenance {
  if (record === null) return 'none';
  if (record.fromCdr === 'rebuilt') return 'cdr-rebuilt';
  if (record.fromCdr === 'corrected') return 'cdr-corrected';
  if (record.endedWhileDisconnected) return 'ended-while-disconnected';
  if (record.recovered) return 'recovered';
  return 'events';
}

/** A comparison of no calls: every count zero, every list empty. */
export function emptyComparison(): Comparison {
  return {
    placed: 0,
    logged: 0,
    lost: 0,
    duplicated: 0,
    duplicatedOfACall: 0,
    duplicatedOfNothing: 0,
    leftOpen: 0,
    wrongOutcome: 0,
    wrongTalk: 0,
    wrongDirection: 0,
    callsWithProblems: 0,
    fromCdr: { corrected: 0, rebuilt: 0 },
    stillEndedWhileDisconnected: 0,
    recovered: 0,
    truthOpen: 0,
    problemsUntouchedByOutages: 0,
    touchedByOutages: 0,
    duringPbxStalls: {},
    byProvenance: {},
    byKind: {},
    lostCalls: [],
    examples: [],
  };
}

export function compareWithTruth(input: CompareInput): Comparison {
  const perProblem = input.examplesPerProblem ?? 5;
  const tolerance = input.talkToleranceSeconds ?? 1;
  const byId = new Map<string, CallRecord>();
  for (const r of input.logged) byId.set(r.id, r);
  const c: Comparison = { ...emptyComparison(), placed: input.truth.size };

  const shown = new Map<string, number>();
  const bad = new Set<string>();
  const outages = input.outages ?? [];
  const touched = (r: CallRecord | null): boolean => {
    if (r === null) return false;
    const from = Date.parse(r.startedAt ?? '') - 1000;
    const to = Date.parse(r.endedAt ?? '') + 1000;
    if (!Number.isFinite(from)) return true;
    return outages.some((o) => o.from <= (Number.isFinite(to) ? to : Infinity) && o.to >= from);
  };
  const stalled = (r: CallRecord | null): boolean => {
    const at = input.pbxStalledAt;
    if (r === null || at === undefined) return false;
    const instants = [r.answeredAt, r.endedAt, ...r.transfers.map((t) => t.at)].map((x) => Date.parse(x ?? ''));
    return instants.some((x) => Number.isFinite(x) && at(x));
  };
  const note = (problem: Problem, truth: CallRecord | null, logged: CallRecord | null, extra: Partial<Example> = {}): void => {
    const pbxStalled = stalled(truth);
    if (pbxStalled) c.duringPbxStalls[problem] = (c.duringPbxStalls[problem] ?? 0) + 1;
    const id = truth?.id ?? `extra:${logged?.id ?? '?'}`;
    const touchedByOutage = touched(truth ?? logged);
    if (!bad.has(id) && !touchedByOutage) c.problemsUntouchedByOutages++;
    bad.add(id);
    const provenance = provenanceOf(logged);
    const counts = (c.byProvenance[problem] ??= {});
    counts[provenance] = (counts[provenance] ?? 0) + 1;
    const kinds = (c.byKind[problem] ??= {});
    const kindKey = `${callKind(truth ?? logged)} / ${provenance}`;
    kinds[kindKey] = (kinds[kindKey] ?? 0) + 1;
    // Examples per problem, kind of call and kind of logged record, so that each path that went wrong shows;
    // of those a PBX stall may explain, one.
    const key = `${problem} ${kindKey}${pbxStalled ? ' stalled' : ''}`;
    const n = shown.get(key) ?? 0;
    if (n >= (pbxStalled ? 1 : perProblem)) return;
    shown.set(key, n + 1);
    c.examples.push({ problem, touchedByOutage, pbxStalled, differences: differences(truth, logged), provenance, truth, logged, ...extra });
  };

  for (const r of input.logged) {
    if (r.fromCdr === 'corrected') c.fromCdr.corrected++;
    else if (r.fromCdr === 'rebuilt') c.fromCdr.rebuilt++;
    if (r.endedWhileDisconnected) c.stillEndedWhileDisconnected++;
    if (r.recovered) c.recovered++;
  }

  for (const [id, truth] of input.truth) {
    if (truth.status !== 'ended') c.truthOpen++;
    if (touched(truth)) c.touchedByOutages++;
    const logged = byId.get(id) ?? null;
    if (logged === null) {
      c.lost++;
      c.lostCalls.push([id, truth.startedAt, truth.endedAt, truth.disposition]);
      note('lost', truth, null);
      continue;
    }
    c.logged++;
    if (logged.status !== 'ended' && truth.status === 'ended') {
      c.leftOpen++;
      note('left-open', truth, logged);
    } else if (truth.status === 'ended') {
      if (logged.disposition !== truth.disposition || logged.answeredBy !== truth.answeredBy) {
        c.wrongOutcome++;
        note('wrong-outcome', truth, logged);
      }
      if (!talkAgrees(truth.talkSeconds, logged.talkSeconds, tolerance)) {
        c.wrongTalk++;
        note('wrong-talk', truth, logged);
      }
    }
    if (logged.direction !== truth.direction) {
      c.wrongDirection++;
      note('wrong-direction', truth, logged);
    }
  }

  for (const r of input.logged) {
    if (input.truth.has(r.id)) continue;
    c.duplicated++;
    const ownerLinkedid = input.owners.get(r.linkedid);
    const owner = ownerLinkedid === undefined ? undefined : input.truth.get(`${input.pbxId}:${ownerLinkedid}`);
    if (owner !== undefined) {
      c.duplicatedOfACall++;
      const also = byId.get(owner.id);
      note('duplicated', owner, r, also === undefined ? {} : { alsoLogged: [also] });
    } else {
      c.duplicatedOfNothing++;
      note('duplicated', null, r);
    }
  }
  c.callsWithProblems = bad.size;
  return c;
}

function talkAgrees(truth: number | null, logged: number | null, tolerance: number): boolean {
  if (truth === null || logged === null) return truth === logged;
  return Math.abs(truth - logged) <= tolerance;
}

const COMPARED: (keyof CallRecord)[] = [
  'status',
  'direction',
  'disposition',
  'answeredBy',
  'talkSeconds',
  'ringSeconds',
  'externalNumber',
  'did',
  'queue',
  'callerExtension',
  'startedAt',
  'answeredAt',
  'endedAt',
  'hangupBy',
];

/** The fields that differ, `field: truth ≠ logged`, for the examples. */
/** A call's kind, as the truth tells it: direction, queue, transfers, originated. */
export function callKind(r: CallRecord | null): string {
  if (r === null) return '?';
  const parts: string[] = [r.direction];
  if (r.queue !== null) parts.push('queue');
  if (r.transfers.length > 0) parts.push(`${r.transfers.map((t) => t.kind).join('+')} transfer`);
  if (r.clickToCallId !== null || r.originate !== null) parts.push('originated');
  parts.push(r.disposition ?? 'open');
  return parts.join(', ');
}

export function differences(truth: CallRecord | null, logged: CallRecord | null): string[] {
  if (truth === null || logged === null) return [];
  const out: string[] = [];
  for (const key of COMPARED) {
    const a = JSON.stringify(truth[key]);
    const b = JSON.stringify(logged[key]);
    if (a !== b) out.push(`${key}: ${a} ≠ ${b}`);
  }
  return out;
}
