/**
 * A report's query string read (pure): `from`, `to` (local dates, both included) and `group`, each
 * checked on its own so that a wrong one is answered with its name, what it takes and what came.
 * Without `to`, today; without `from`, the six days before `to` (a week up to today).
 */
import type { MessageKey } from '../i18n/messages/index.ts';
import type { MessageValues } from '../i18n/translator.ts';
import { dateOfDay, dayNumber, type Grouping } from './periods.ts';

/** The longest range a report covers, in days (a leap year). */
export const MAX_REPORT_DAYS = 366;
const GROUPS: readonly Grouping[] = ['day', 'week', 'month'];

export interface ReportQuery {
  from: string;
  to: string;
  group: Grouping;
}

export interface QueryProblem {
  key: MessageKey;
  values: MessageValues;
}

export function readReportQuery(query: unknown, today: string): { ok: true; query: ReportQuery } | { ok: false; problem: QueryProblem } {
  const given = (query ?? {}) as Record<string, unknown>;
  const text: Partial<Record<'from' | 'to' | 'group', string>> = {};
  for (const name of ['from', 'to', 'group'] as const) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { ok: false, problem: { key: 'server.reports.repeated', values: { name } } };
    text[name] = value;
  }
  const shown = (v: string): string => (v.length > 40 ? `${v.slice(0, 39)}…` : v);
  const days: Partial<Record<'from' | 'to', number>> = {};
  for (const name of ['from', 'to'] as const) {
    const value = text[name];
    if (value === undefined) continue;
    const day = dayNumber(value);
    if (day === null) return { ok: false, problem: { key: 'server.reports.badDate', values: { name, got: shown(value) } } };
    days[name] = day;
  }
  const group = text.group ?? 'day';
  if (!GROUPS.includes(group as Grouping)) return { ok: false, problem: { key: 'server.reports.badGroup', values: { got: shown(group) } } };
  const toDay = days.to ?? dayNumber(today)!;
  const fromDay = days.from ?? toDay - 6;
  const from = dateOfDay(fromDay);
  const to = dateOfDay(toDay);
  if (fromDay > toDay) return { ok: false, problem: { key: 'server.reports.badOrder', values: { from, to } } };
  const length = toDay - fromDay + 1;
  if (length > MAX_REPORT_DAYS) return { ok: false, problem: { key: 'server.reports.tooLong', values: { from, to, days: length, max: MAX_REPORT_DAYS } } };
  return { ok: true, query: { from, to, group: group as Grouping } };
}
