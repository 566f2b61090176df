/**
 * Several PBXs' comparisons as one (pure). Each PBX is compared with its own truth (its own call
 * ids, its own channels' owners, its extensions qualified as the service stores them); the soak's
 * table shows the sums, and the per-PBX comparisons stay in the JSON.
 */
import { emptyComparison, type Comparison } from '../outage-recovery/compare.ts';

type CountKey = { [K in keyof Comparison]: Comparison[K] extends number ? K : never }[keyof Comparison];

/** Every plain count of a Comparison: a Record, so that a count added to Comparison fails to compile here until it is summed too. */
const COUNTS: Record<CountKey, true> = {
  placed: true,
  logged: true,
  lost: true,
  duplicated: true,
  duplicatedOfACall: true,
  duplicatedOfNothing: true,
  leftOpen: true,
  wrongOutcome: true,
  wrongTalk: true,
  wrongDirection: true,
  callsWithProblems: true,
  stillEndedWhileDisconnected: true,
  recovered: true,
  truthOpen: true,
  problemsUntouchedByOutages: true,
  touchedByOutages: true,
};

function addCounts<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const key of Object.keys(from) as K[]) into[key] = (into[key] ?? 0) + (from[key] ?? 0);
}

function addNested<P extends string, K extends string>(into: Partial<Record<P, Partial<Record<K, number>>>>, from: Partial<Record<P, Partial<Record<K, number>>>>): void {
  for (const key of Object.keys(from) as P[]) addCounts((into[key] ??= {}), from[key] ?? {});
}

export function mergeComparisons(parts: readonly Comparison[]): Comparison {
  const out = emptyComparison();

  for (const c of parts) {
    for (const key of Object.keys(COUNTS) as CountKey[]) out[key] += c[key];
    out.fromCdr.corrected += c.fromCdr.corrected;
    out.fromCdr.rebuilt += c.fromCdr.rebuilt;
    addCounts(out.duringPbxStalls, c.duringPbxStalls);
    addNested(out.byProvenance, c.byProvenance);
    addNested(out.byKind, c.byKind);
    // Call ids carry their PBX (`branch:1700000000.12`), so merged lists still say whose call it was.
    out.lostCalls.push(...c.lostCalls);
    out.examples.push(...c.examples);
  }
  return out;
}
