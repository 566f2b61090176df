/**
 * The PBX's wall-clock times (`2026-12-06 12:18:31`, as `cdr_csv` and the CDR tables write them with
 * `usegmtime = no`) to epoch ms and back, in an IANA time zone, on the built-in Intl API. Pure.
 *
 * A wall-clock time is not always one instant: when clocks go forward (Europe/Berlin, last Sunday of
 * March, 02:00 → 03:00) the hour between never happens, and when they go back (last Sunday of
 * October, 03:00 → 02:00) it happens twice. Asterisk writes what `localtime` said, so a gap time
 * cannot appear in its files; a hand-edited or migrated one is read as the moment the clock showed
 * it would be had it kept going (02:30 → 01:30 UTC, i.e. 03:30 summer time). A doubled time is read
 * as its first occurrence. This is what Temporal calls `disambiguation: 'compatible'`, and what
 * PostgreSQL's `AT TIME ZONE` does with the same input.
 */

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Cached offsets per zone are dropped past this many hours (a year of hours is 8760). */
const CACHE_MAX = 20_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: the offset (ms) valid for a whole wall-clock hour, keyed by the hour's UTC-read ms. */
const hourOffsets = new Map<string, Map<number, number>>();

/** True when `zone` is an IANA time zone name this Node.js knows (`Europe/Berlin`, `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '' || zone !== zone.trim()) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** This machine's own zone, as Node.js resolves it (TZ, then /etc/localtime); `UTC` when unknown. */
export function hostTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/**
 * Epoch ms of `text` (`YYYY-MM-DD HH:MM:SS`, a `T` also accepted) read as a wall-clock time in
 * `zone`; null when the text is not such a time (bad shape, month 13, 31 February, before 1900). Throws a
 * RangeError for an unknown zone (check it once with `isValidTimeZone`).
 */
export function wallTimeToEpoch(text: string, zone: string): number | null {
  const m = WALL_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const hourKey = asUtc - (mi * 60 + s) * 1000;
  let cache = hourOffsets.get(zone);
  if (!cache) {
    cache = new Map();
    hourOffsets.set(zone, cache);
  }
  const cached = cache.get(hourKey);
  if (cached !== undefined) return asUtc - cached;
  // A whole hour shares one offset unless a transition falls inside it: then each time on its own.
  const first = resolve(hourKey, zone);
  const last = resolve(hourKey + HOUR_MS - 1000, zone);
  if (last - first === HOUR_MS - 1000) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(hourKey, hourKey - first);
    return asUtc - (hourKey - first);
  }
  return resolve(asUtc, zone);
}

/**
 * `YYYY-MM-DD HH:MM:SS` of the instant `ms` on a wall clock in `zone` (what the PBX would have
 * written then; sub-second parts are dropped). For SQL WHERE clauses on local-time columns.
 */
export function epochToWallTime(ms: number, zone: string): string {
  const p = wallParts(Math.floor(ms / 1000) * 1000, zone);
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

/** The instant of the wall time `asUtc` (that wall time's numbers read as if UTC) in `zone`. */
function resolve(asUtc: number, zone: string): number {
  // At most one transition lies within a day of any time in every zone in use: the offsets a day
  // before and a day after are the only two candidates.
  const before = offsetAt(asUtc - DAY_MS, zone);
  const after = offsetAt(asUtc + DAY_MS, zone);
  const early = asUtc - before;
  const late = asUtc - after;
  const earlyFits = early + offsetAt(early, zone) === asUtc;
  const lateFits = late + offsetAt(late, zone) === asUtc;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  // In a gap: the offset from before the transition carries the clock past it.
  return early;
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = wallParts(whole, zone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - whole;
}

function wallParts(ms: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const out = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  for (const part of formatterFor(zone).formatToParts(ms)) {
    switch (part.type) {
      case 'year':
        out.y = Number(part.value);
        break;
      case 'month':
        out.mo = Number(part.value);
        break;
      case 'day':
        out.d = Number(part.value);
        break;
      case 'hour':
        out.h = Number(part.value);
        break;
      case 'minute':
        out.mi = Number(part.value);
        break;
      case 'second':
        out.s = Number(part.value);
        break;
      default:
        break;
    }
  }
  return out;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // en-US with h23 and numeric parts: stable digits whatever the machine's locale.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
