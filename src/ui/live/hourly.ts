/** Calls per hour today, answered and missed: the numbers behind the board's small chart. */
import type { CallRecord } from '../types.ts';
import { isMissed } from '../format.ts';

export interface HourBucket {
  hour: number;
  /** Answered by you (or, for your own outgoing calls, by the person you called). */
  answered: number;
  missed: number;
  /** Rang you, and a colleague took it: not yours to count as answered, nor missed. */
  elsewhere: number;
  /** Outgoing or internal calls that were not answered (not missed by anyone). */
  other: number;
}

/** The working day shown even when no call came: 8:00 to 18:00, widened to include every call. */
const DAY_START = 8;
const DAY_END = 18;

type ChartRecord = Pick<CallRecord, 'startedAt' | 'disposition' | 'direction'> & Partial<Pick<CallRecord, 'answeredBy' | 'callerExtension'>>;

/**
 * `mine`: the person's extensions. A call counts as answered for them when one of them answered it,
 * or placed it (an outgoing call the customer answered); one a colleague took is `elsewhere`.
 * Without `mine`, every answered call counts as answered.
 */
export function callsPerHour(records: readonly ChartRecord[], now: Date = new Date(), mine?: readonly string[]): HourBucket[] {
  const counts = new Map<number, HourBucket>();
  let first = DAY_START;
  let last = DAY_END - 1;
  for (const r of records) {
    if (!r.startedAt) continue;
    const d = new Date(r.startedAt);
    if (d.getFullYear() !== now.getFullYear() || d.getMonth() !== now.getMonth() || d.getDate() !== now.getDate()) continue;
    const hour = d.getHours();
    first = Math.min(first, hour);
    last = Math.max(last, hour);
    let b = counts.get(hour);
    if (!b) counts.set(hour, (b = { hour, answered: 0, missed: 0, elsewhere: 0, other: 0 }));
    if (r.disposition === 'answered') {
      if (mine === undefined || answeredByMe(r, mine)) b.answered++;
      else b.elsewhere++;
    } else if (isMissed(r)) b.missed++;
    else b.other++;
  }
  const out: HourBucket[] = [];
  for (let h = first; h <= last; h++) out.push(counts.get(h) ?? { hour: h, answered: 0, missed: 0, elsewhere: 0, other: 0 });
  return out;
}

function answeredByMe(r: ChartRecord, mine: readonly string[]): boolean {
  if (r.answeredBy != null && mine.includes(r.answeredBy)) return true;
  return r.direction !== 'inbound' && r.callerExtension != null && mine.includes(r.callerExtension);
}
