/**
 * The calendar of a report (pure): a range of the company's local dates, the UTC instants it spans,
 * the local day of any instant across daylight-saving changes, and the folding of local days into
 * weeks (Monday first, ISO 8601) and months.
 *
 * Why days are found by offset segments: the store keeps UTC times. A local day is the UTC instant
 * shifted by the zone's offset at that instant, and the offset changes at a few known instants a
 * year (none in most zones, two in Europe's). So the range is cut into segments of one offset each,
 * and SQL computes `(started_epoch + offset) / 86400` with the segment's offset (a CASE over at most
 * a handful of boundaries): integer arithmetic on every row, exact in zones with half- and
 * quarter-hour offsets too (India, Nepal), which UTC hours folded into days would not be. Weeks
 * and months are then whole local days, folded here.
 */
import { epochToWallTime, wallTimeToEpoch } from '../cdr/local-time.ts';

export type Grouping = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar date `YYYY-MM-DD`; null when it is not a real date. */
export function dayNumber(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (y < 1970 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** The calendar date `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The instant (epoch ms) a local date begins in `zone` (after the gap, where midnight is skipped). */
export function localDayStart(date: string, zone: string): number {
  const ms = wallTimeToEpoch(`${date} 00:00:00`, zone);
  if (ms === null) throw new RangeError(`not a date: ${date}`);
  return ms;
}

/** The zone's offset from UTC at instant `ms`, in whole seconds (east positive). */
export function offsetSeconds(ms: number, zone: string): number {
  const at = Math.floor(ms / 1000) * 1000;
  return Math.round((Date.parse(`${epochToWallTime(at, zone).replace(' ', 'T')}Z`) - at) / 1000);
}

/** From `startSec` (inclusive; null: from the beginning of time) on, local time is UTC + `offsetSec`. */
export interface OffsetSegment {
  startSec: number | null;
  offsetSec: number;
}

/**
 * The offsets in force over `[fromMs, toMs)`: the first segment has no start (it also covers times
 * before the range, such as a callback's), each later one starts at a transition. Found day by day
 * (no zone changes its offset twice within a day; a year: 366 steps, about 2 ms, where hour by hour
 * took 40 ms of every report), each transition then to the second by halving.
 */
export function offsetSegments(fromMs: number, toMs: number, zone: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [{ startSec: null, offsetSec: offsetSeconds(fromMs, zone) }];
  let current = segments[0]!.offsetSec;
  for (let at = fromMs; at < toMs + DAY_MS; at += DAY_MS) {
    const next = Math.min(at + DAY_MS, toMs + DAY_MS);
    const offset = offsetSeconds(next, zone);
    if (offset === current) continue;
    // The first second at the new offset lies in (at, next].
    let lo = Math.floor(at / 1000);
    let hi = Math.floor(next / 1000);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetSeconds(mid * 1000, zone) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ startSec: hi, offsetSec: offset });
    current = offset;
  }
  return segments;
}

/** The local day number of an instant (epoch seconds), by the segments: what the SQL computes. */
export function localDayOf(epochSec: number, segments: readonly OffsetSegment[]): number {
  let offset = segments[0]!.offsetSec;
  for (const s of segments) if (s.startSec === null || epochSec >= s.startSec) offset = s.offsetSec;
  return Math.floor((epochSec + offset) / 86_400);
}

/** One row of the periods table: its key and the local dates it covers inside the range. */
export interface Period {
  /** `2026-11-23` (a day; a week by its Monday), `2026-11` (a month). */
  key: string;
  from: string;
  to: string;
}

/** The key of the period a local day falls in. */
export function periodKey(day: number, group: Grouping): string {
  if (group === 'day') return dateOfDay(day);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  if (group === 'week') return dateOfDay(day - ((day + 3) % 7));
  return dateOfDay(day).slice(0, 7);
}

/** Every period of the range, oldest first, each clipped to the range (a week cut by its start, say). */
export function periodsOf(fromDay: number, toDay: number, group: Grouping): Period[] {
  const out: Period[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    const key = periodKey(day, group);
    const last = out.at(-1);
    if (last !== undefined && last.key === key) last.to = dateOfDay(day);
    else out.push({ key, from: dateOfDay(day), to: dateOfDay(day) });
  }
  return out;
}

/** A report's window: local dates, the UTC instants they span, the offsets in force. */
export interface ReportWindow {
  fromDay: number;
  toDay: number;
  /** The first instant of `from` and the first instant after `to`, as the store writes times (ISO, ms, `Z`). */
  fromIso: string;
  toIso: string;
  segments: OffsetSegment[];
}

export function reportWindow(from: string, to: string, zone: string): ReportWindow {
  const fromDay = dayNumber(from);
  const toDay = dayNumber(to);
  if (fromDay === null || toDay === null || toDay < fromDay) throw new RangeError(`not a range of dates: ${from}..${to}`);
  const fromMs = localDayStart(from, zone);
  const toMs = localDayStart(dateOfDay(toDay + 1), zone);
  return { fromDay, toDay, fromIso: new Date(fromMs).toISOString(), toIso: new Date(toMs).toISOString(), segments: offsetSegments(fromMs, toMs, zone) };
}
