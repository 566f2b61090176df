/** Words and numbers for people: durations, times, call outcomes. Pure, so tests pin the wording. */
import type { CallRecord, CardState } from './types.ts';

/** `0:42`, `12:05`, `1:02:03`. Null or negative: an en dash. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** `14:05` today, `Yesterday 14:05`, `3 Mar 14:05` this year, `3 Mar 2025 14:05` before. */
export function formatWhen(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  if (sameDay(d, now)) return time.format(d);
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (sameDay(d, yesterday)) return `Yesterday ${time.format(d)}`;
  return `${d.getFullYear() === now.getFullYear() ? dayMonth.format(d) : fullDate.format(d)} ${time.format(d)}`;
}

/** `today`, `yesterday`, `5 days ago`, then a date: for "last call" on a candidate. */
export function formatDaysAgo(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'never';
  const startOf = (x: Date): number => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(d)) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return d.getFullYear() === now.getFullYear() ? dayMonth.format(d) : fullDate.format(d);
}

/** The card's state in words, as the person sees it. */
export function cardStateText(state: CardState, direction: 'inbound' | 'outbound' | 'internal'): string {
  const outbound = direction === 'outbound';
  switch (state) {
    case 'ringing':
      return outbound ? 'Ringing your phone' : 'Ringing';
    case 'answered':
      return 'On the call';
    case 'answered-elsewhere':
      return 'Answered by a colleague';
    case 'missed':
      return outbound ? 'Not connected' : 'Missed';
    case 'ended':
      return 'Call ended';
  }
}

export function directionText(direction: CallRecord['direction']): string {
  return direction === 'inbound' ? 'Incoming' : direction === 'outbound' ? 'Outgoing' : 'Internal';
}

/** How a logged call ended, in words: `Answered, caller hung up`, `Missed`, `Busy`... */
export function outcomeText(record: Pick<CallRecord, 'disposition' | 'hangupBy' | 'direction' | 'status'>): string {
  if (record.status === 'in-progress' || record.disposition === null) return 'In progress';
  switch (record.disposition) {
    case 'answered': {
      const who = record.hangupBy === 'agent' ? 'we hung up' : record.hangupBy === 'caller' ? (record.direction === 'outbound' ? 'customer hung up' : 'caller hung up') : '';
      return who ? `Answered, ${who}` : 'Answered';
    }
    case 'missed':
      return 'Missed (no answer)';
    case 'busy':
      return 'Busy';
    case 'unavailable':
      return 'Phone unavailable';
    case 'abandoned':
      return 'Caller hung up before an answer';
    case 'failed':
      return 'Not connected';
  }
}

/** Missed in the chart's sense: an incoming call nobody took. */
export function isMissed(record: Pick<CallRecord, 'disposition' | 'direction'>): boolean {
  return record.direction === 'inbound' && record.disposition !== null && record.disposition !== 'answered' && record.disposition !== 'failed';
}

/** Splits a caller ID name into first and last name, to prefill "create a contact". */
export function splitName(name: string | null | undefined): { firstName: string; lastName: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return { firstName: '', lastName: '' };
  if (parts.length === 1) return { firstName: '', lastName: parts[0]! };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1]! };
}

export const RECORD_TYPE_LABEL: Record<'contact' | 'account' | 'lead', string> = { contact: 'Contact', account: 'Account', lead: 'Lead' };
