/**
 * Exact percentiles from histograms (pure). The store returns, per group, how many answered calls
 * waited each whole number of seconds (`GROUP BY ring_seconds`): a few dozen rows per group, the same
 * on both engines (SQLite has no percentile function; PostgreSQL's `percentile_disc` would need one
 * sort per group and could not be merged). Histograms add up, so a week's percentile is exact from
 * its days' histograms, and a person's from their extensions'.
 */

/** Seconds → how many calls. */
export type Histogram = Map<number, number>;

export function addTo(into: Histogram, value: number, count: number): void {
  if (count > 0) into.set(value, (into.get(value) ?? 0) + count);
}

export function merge(into: Histogram, from: Histogram): void {
  for (const [value, count] of from) addTo(into, value, count);
}

/**
 * The nearest-rank percentile: the smallest value at least `p` of the calls did not exceed (a value
 * that really occurred, as people expect of "90% were answered within 12 s"); null with no calls.
 */
export function percentile(h: Histogram, p: number): number | null {
  let total = 0;
  for (const count of h.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const value of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(value)!;
    if (seen >= rank) return value;
  }
  return null;
}
