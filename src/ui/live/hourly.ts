/** Calls per hour today, answered and missed: the numbers behind the board's small chart. */
import type { CallRecord } from '../types.ts';
import { isMissed } from '../format.ts';

export interface HourBucket {
  hour: number;
  answered: number;
  missed: number;
  /** Outgoing or internal calls that were not answered (not missed by anyone). */
  other: number;
}

/** The working day shown even when no call came: 8:00 to 18:00, widened to include every call. */
const DAY_START = 8;
const DAY_END = 18;

export function callsPerHour(records: readonly Pick<CallRecord, 'startedAt' | 'disposition' | 'direction'>[], now: Date = new Date()): HourBucket[] {
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
    if (!b) counts.set(hour, (b = { hour, answered: 0, missed: 0, other: 0 }));
    if (r.disposition === 'answered') b.answered++;
    else if (isMissed(r)) b.missed++;
    else b.other++;
  }
  const out: HourBucket[] = [];
  for (let h = first; h <= last; h++) out.push(counts.get(h) ?? { hour: h, answered: 0, missed: 0, other: 0 });
  return out;
}
