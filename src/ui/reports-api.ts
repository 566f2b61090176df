/**
 * The console's reads of the reports API (issue 17, part 3): the report as JSON and the address of
 * each table's CSV. Its own module so that the reports have one home in the console; it keeps
 * `api.ts`'s rules (the session cookie, failures as `ApiError` in the service's words).
 */
import { ApiError } from './api.ts';
import type { ErrorCode } from '../errors.ts';
import type { Report, ReportTable } from '../reports/report-model.ts';
import type { Grouping } from '../reports/periods.ts';

/** The service's own report type (a type-only import: nothing of the server is bundled). */
export type { Report, ReportTable, Grouping };

export interface ReportAsk {
  from?: string;
  to?: string;
  group: Grouping;
}

function query(ask: ReportAsk): string {
  const q = new URLSearchParams();
  if (ask.from) q.set('from', ask.from);
  if (ask.to) q.set('to', ask.to);
  q.set('group', ask.group);
  return q.toString();
}

export async function fetchReport(ask: ReportAsk, signal?: AbortSignal): Promise<Report> {
  let res: Response;
  try {
    res = await fetch(`/api/reports?${query(ask)}`, { headers: { accept: 'application/json' }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', '');
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = (typeof e?.code === 'string' ? e.code : res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST') as ErrorCode;
    throw new ApiError(res.status, code, typeof e?.message === 'string' ? e.message : '');
  }
  return data as Report;
}

/** Where a table's CSV is (an ordinary link: the browser downloads it with the session cookie). */
export function csvUrl(table: ReportTable, ask: Pick<Report, 'from' | 'to' | 'group'>): string {
  return `/api/reports/${table}.csv?${query(ask)}`;
}
