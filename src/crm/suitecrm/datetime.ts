/**
 * SuiteCRM's two date formats. Writes and filters take `YYYY-MM-DD HH:MM:SS` in UTC: an ISO-8601
 * string is stored as NULL and still answered 201 (recording 71), and a filter value goes to SQL
 * as it is (an offset is ignored, recording 57). Reads give ISO-8601 with an offset and the
 * seconds set to :00 (the API user's `H:i` display format); the legacy v4_1 API gives the database
 * value, with seconds.
 */

/** `2026-11-23 20:15:37`: what SuiteCRM accepts in writes and filters (UTC). */
export function toSuiteDateTime(at: number | Date | string): string {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time: ${String(at)}`);
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Milliseconds since the epoch of a SuiteCRM date: ISO with an offset (v8), `Z`, or the database
 * format without one (v4_1, UTC). NaN for an empty value (SuiteCRM sends "" for NULL) or garbage.
 */
export function parseSuiteDateTime(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const m = ISO.exec(text.trim());
  if (m === null) return Number.NaN;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] === undefined ? 0 : +m[6]);
  const zone = m[7];
  if (zone === undefined || zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return utc - sign * offsetMin * 60_000;
}

/** ISO-8601 UTC of a SuiteCRM date, or null when it has none. */
export function suiteDateToIso(text: unknown): string | null {
  const ms = parseSuiteDateTime(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
