/**
 * The reports page's quick ranges (pure): this week, last week, this month, the last 30 days, all
 * counted from today in the company's time zone (the report's `timeZone`), weeks from Monday as
 * the report folds them.
 */
export type PresetName = 'thisWeek' | 'lastWeek' | 'thisMonth' | 'last30';
export const PRESETS: readonly PresetName[] = ['thisWeek', 'lastWeek', 'thisMonth', 'last30'];

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of `now` in `zone` (the browser's own zone when the zone is not known to it). */
export function todayIn(zone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}

const dayOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function presetRange(name: PresetName, today: string): { from: string; to: string } {
  const day = dayOf(today);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  const monday = day - ((day + 3) % 7);
  switch (name) {
    case 'thisWeek':
      return { from: dateOf(monday), to: today };
    case 'lastWeek':
      return { from: dateOf(monday - 7), to: dateOf(monday - 1) };
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'last30':
      return { from: dateOf(day - 29), to: today };
  }
}
