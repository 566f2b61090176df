/**
 * Latency percentiles and match tallies: the arithmetic of the report, kept apart from the timing
 * loops so that it can be read (and checked) on its own.
 */

export interface Latency {
  /** How many timings this summary stands for. */
  count: number;
  /** Microseconds, nearest-rank percentiles. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Collects timings in nanoseconds (from `process.hrtime.bigint()` differences) without boxing each one. */
export class Timings {
  #ns: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#ns = new Float64Array(Math.max(1, capacity));
  }

  get count(): number {
    return this.#count;
  }

  add(ns: bigint): void {
    if (this.#count === this.#ns.length) {
      const grown = new Float64Array(this.#ns.length * 2);
      grown.set(this.#ns);
      this.#ns = grown;
    }
    this.#ns[this.#count++] = Number(ns);
  }

  /** The i-th timing as added, in nanoseconds. */
  at(i: number): number {
    return this.#ns[i]!;
  }

  summary(): Latency | null {
    if (this.#count === 0) return null;
    const sorted = this.#ns.slice(0, this.#count).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    // Nearest rank: the smallest value with at least p% of the timings at or below it.
    const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! / 1000;
    return { count: this.#count, p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[sorted.length - 1]! / 1000, mean: sum / sorted.length / 1000 };
  }
}

/**
 * How well one method finds the records a caller really is: the ground truth is every record with
 * a phone that is the same real number (same E.164 per the generator) as the caller.
 */
export interface MatchTally {
  callers: number;
  /** Records that really match, summed over callers. */
  expected: number;
  /** Of those, how many the method returned. */
  found: number;
  /** Records returned that are not the caller (another number sharing digits). */
  wrong: number;
  /** Callers for whom every real match was returned. */
  callersComplete: number;
  /** Callers for whom at least one wrong record was returned. */
  callersWithWrong: number;
}

export function emptyTally(): MatchTally {
  return { callers: 0, expected: 0, found: 0, wrong: 0, callersComplete: 0, callersWithWrong: 0 };
}

/** Adds one caller's outcome: `truth` and `returned` are record keys (`contact:<id>`). */
export function tallyCaller(tally: MatchTally, truth: ReadonlySet<string>, returned: Iterable<string>): void {
  let found = 0;
  let wrong = 0;
  const seen = new Set<string>();
  for (const key of returned) {
    if (seen.has(key)) continue;
    seen.add(key);
    if (truth.has(key)) found++;
    else wrong++;
  }
  tally.callers++;
  tally.expected += truth.size;
  tally.found += found;
  tally.wrong += wrong;
  if (found === truth.size) tally.callersComplete++;
  if (wrong > 0) tally.callersWithWrong++;
}

export function mergeTally(into: MatchTally, from: MatchTally): void {
  into.callers += from.callers;
  into.expected += from.expected;
  into.found += from.found;
  into.wrong += from.wrong;
  into.callersComplete += from.callersComplete;
  into.callersWithWrong += from.callersWithWrong;
}

/** Share of real matches found, 0..1; null when there was nothing to find. */
export function recall(t: MatchTally): number | null {
  return t.expected === 0 ? null : t.found / t.expected;
}
