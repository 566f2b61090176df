/**
 * HTTP Range requests (RFC 9110 §14) for one representation of `size` bytes. Pure.
 *
 * Decisions, all allowed by RFC 9110:
 * - No `Range`, or a unit other than `bytes`: the whole file (200). Unknown units MUST be ignored.
 * - A malformed `bytes=` value (not digits, `last < first`, empty, too long): ignored, 200 with the
 *   whole file (§14.2 "MAY ignore or reject"), as Node's `send` does. A player always recovers
 *   from a 200; a 416 for a typo would leave it with nothing.
 * - Syntactically fine but nothing satisfiable (every range starts at or past the end, a suffix of
 *   0 bytes, an empty file): 416 with `Content-Range: bytes *\/size`.
 * - Several ranges: unsatisfiable ones dropped, the rest sorted and merged where they overlap or
 *   touch. One range left: 206. Several left: 200 with the whole file, not multipart/byteranges.
 *   Browsers' media players never ask for several ranges; the only clients that do are download
 *   tools (which are as well served by the whole file) and range-amplification attacks (many
 *   small or overlapping ranges, CVE-2011-3192), which then cost us one plain read.
 */

export type RangeDecision =
  | { kind: 'full'; why: 'no-range' | 'other-unit' | 'malformed' | 'several' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** Longer headers are not a player's: ignored as malformed. */
const MAX_HEADER = 1024;
/** More ranges than this in one header are ignored as malformed (an attack or a broken client). */
const MAX_RANGES = 32;
const SPEC = /^(\d{0,16})-(\d{0,16})$/;

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || header.trim() === '') return { kind: 'full', why: 'no-range' };
  if (header.length > MAX_HEADER) return { kind: 'full', why: 'malformed' };
  const eq = header.indexOf('=');
  if (eq < 0) return { kind: 'full', why: 'malformed' };
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'full', why: 'other-unit' };
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim());
  if (specs.length > MAX_RANGES) return { kind: 'full', why: 'malformed' };
  // RFC 9110 allows empty list elements (`bytes=0-1,,5-6`); at least one real spec is needed.
  const real = specs.filter((s) => s !== '');
  if (real.length === 0) return { kind: 'full', why: 'malformed' };
  const satisfiable: { start: number; end: number }[] = [];
  for (const spec of real) {
    const m = SPEC.exec(spec);
    if (!m) return { kind: 'full', why: 'malformed' };
    const [, first, last] = m as unknown as [string, string, string];
    if (first === '' && last === '') return { kind: 'full', why: 'malformed' };
    if (first === '') {
      // Suffix range: the last N bytes.
      const n = Number(last);
      if (n > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? Infinity : Number(last);
    if (end < start) return { kind: 'full', why: 'malformed' };
    if (start < size) satisfiable.push({ start, end: Math.min(end, size - 1) });
  }
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  satisfiable.sort((a, b) => a.start - b.start);
  const merged = [satisfiable[0]!];
  for (const r of satisfiable.slice(1)) {
    const lastRange = merged[merged.length - 1]!;
    if (r.start <= lastRange.end + 1) lastRange.end = Math.max(lastRange.end, r.end);
    else merged.push({ ...r });
  }
  if (merged.length > 1) return { kind: 'full', why: 'several' };
  return { kind: 'partial', start: merged[0]!.start, end: merged[0]!.end };
}

/**
 * `If-Range` (RFC 9110 §13.1.5): the range applies only when the validator still matches; otherwise
 * the whole, changed file is sent. A strong ETag compares exactly; a date must equal Last-Modified.
 */
export function ifRangeMatches(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) return value === etag;
  return value === lastModified;
}

/** `If-None-Match` for a GET: true when the client's copy is current (answer 304). */
export function noneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  // Weak comparison: W/"x" matches "x".
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
