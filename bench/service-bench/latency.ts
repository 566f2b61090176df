/**
 * Latency samples and their percentiles (nearest rank), and the one clock the service benchmarks
 * stamp with across processes.
 */

/**
 * Epoch milliseconds with sub-millisecond resolution. Each process adds its monotonic clock to the
 * wall-clock time it started at, so stamps taken by two processes on one machine compare to within
 * a few microseconds (barring a clock step between their starts).
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export interface Latency {
  count: number;
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Timings in milliseconds, stored flat (no object per sample). */
export class Samples {
  #ms: Float64Array;
  #count = 0;

  constructor(capacity = 1024) {
    this.#ms = new Float64Array(Math.max(16, capacity));
  }

  get count(): number {
    return this.#count;
  }

  add(ms: number): void {
    if (this.#count === this.#ms.length) {
      const grown = new Float64Array(this.#ms.length * 2);
      grown.set(this.#ms);
      this.#ms = grown;
    }
    this.#ms[this.#count++] = ms;
  }

  summary(): Latency | null {
    return summarize(this.#ms.subarray(0, this.#count));
  }
}

/** Nearest-rank percentiles of `values` (milliseconds); null when there are none. */
export function summarize(values: ArrayLike<number>): Latency | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  // The smallest value with at least p% of the samples at or below it.
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { count: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}

/** `0.412 ms`, `12.3 ms`, `1.24 s`: three significant digits. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}
