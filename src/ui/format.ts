/**
 * Words and numbers for people: durations, times, call outcomes, in the reader's language (the
 * translator passed last; English when none is). Pure, so tests pin the wording. The widget uses
 * these too, so that a call reads the same in the console and inside the CRM.
 */
import { browserTranslator as translator, type BrowserTranslator as Translator } from '../i18n/browser.ts';
import { formatClock, formatDaysAgo as daysAgo, formatWhen as when } from '../i18n/format.ts';
import type { CallRecord, CardState } from './types.ts';

const ENGLISH = translator('en');

/** `0:42`, `12:05`, `1:02:03`. Null or negative: an en dash. */
export function formatDuration(seconds: number | null | undefined): string {
  return formatClock(seconds);
}

/** `14:05` today, `yesterday, 14:05`, `3 Mar, 14:05` this year, `3 Mar 2025, 14:05` before. */
export function formatWhen(iso: string | null | undefined, now: Date = new Date(), tr: Translator = ENGLISH): string {
  return when(iso, { locale: tr.locale, now });
}

/** `today`, `yesterday`, `5 days ago`, then a date: for "last call" on a candidate; none: `never`. */
export function formatDaysAgo(iso: string | null | undefined, now: Date = new Date(), tr: Translator = ENGLISH): string {
  return daysAgo(iso, { locale: tr.locale, now }) ?? tr.t('console.when.never');
}

/** The card's state in words, as the person sees it. */
export function cardStateText(state: CardState, direction: 'inbound' | 'outbound' | 'internal', tr: Translator = ENGLISH): string {
  const outbound = direction === 'outbound';
  switch (state) {
    case 'ringing':
      return tr.t(outbound ? 'console.state.ringingYourPhone' : 'console.state.ringing');
    case 'answered':
      return tr.t('console.state.onTheCall');
    case 'answered-elsewhere':
      return tr.t('console.state.answeredElsewhere');
    case 'missed':
      return tr.t(outbound ? 'console.state.notConnected' : 'console.state.missed');
    case 'ended':
      return tr.t('console.state.ended');
  }
}

export function directionText(direction: CallRecord['direction'], tr: Translator = ENGLISH): string {
  return tr.t(direction === 'inbound' ? 'console.direction.inbound' : direction === 'outbound' ? 'console.direction.outbound' : 'console.direction.internal');
}

/** How a logged call ended, in words: `Answered, caller hung up`, `Missed`, `Busy`... */
export function outcomeText(record: Pick<CallRecord, 'disposition' | 'hangupBy' | 'direction' | 'status'>, tr: Translator = ENGLISH): string {
  if (record.status === 'in-progress' || record.disposition === null) return tr.t('console.outcome.inProgress');
  switch (record.disposition) {
    case 'answered':
      if (record.hangupBy === 'agent') return tr.t('console.outcome.answeredWeHungUp');
      if (record.hangupBy === 'caller') return tr.t(record.direction === 'outbound' ? 'console.outcome.answeredCustomerHungUp' : 'console.outcome.answeredCallerHungUp');
      return tr.t('console.outcome.answered');
    case 'missed':
      return tr.t('console.outcome.missed');
    case 'busy':
      return tr.t('console.outcome.busy');
    case 'unavailable':
      return tr.t('console.outcome.unavailable');
    case 'abandoned':
      return tr.t('console.outcome.abandoned');
    case 'failed':
      return tr.t('console.outcome.failed');
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

export type RecordType = 'contact' | 'account' | 'lead';

/** `Contact`, `Account`, `Lead` in the reader's language. */
export function recordTypeLabel(type: RecordType, tr: Translator = ENGLISH): string {
  return tr.t(type === 'contact' ? 'console.recordType.contact' : type === 'account' ? 'console.recordType.account' : 'console.recordType.lead');
}

/** English labels, for code that has no reader's language yet (prefer `recordTypeLabel`). */
export const RECORD_TYPE_LABEL: Record<RecordType, string> = { contact: recordTypeLabel('contact'), account: recordTypeLabel('account'), lead: recordTypeLabel('lead') };

const PHONE_KIND_KEYS = {
  work: 'console.phoneKind.work',
  mobile: 'console.phoneKind.mobile',
  home: 'console.phoneKind.home',
  other: 'console.phoneKind.other',
  fax: 'console.phoneKind.fax',
  office: 'console.phoneKind.office',
  alternate: 'console.phoneKind.alternate',
} as const;

/** A phone's kind (`mobile`, `work`...) in the reader's language; one we do not know, as it came. */
export function phoneKindLabel(kind: string, tr: Translator = ENGLISH): string {
  return Object.hasOwn(PHONE_KIND_KEYS, kind) ? tr.t(PHONE_KIND_KEYS[kind as keyof typeof PHONE_KIND_KEYS]) : kind;
}
