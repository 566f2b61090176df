/**
 * A missed-call item in words, for its card on the missed-calls page, its card on the live board
 * and its desktop notification: who called, how often and when, why it is the reader's (or whose it
 * is), when it moves on, and how it was closed. Pure (the reader's translator and "now" passed in),
 * so tests pin the wording in every language.
 */
import type { BrowserTranslator as Translator } from '../i18n/browser.ts';
import { formatWhen } from './format.ts';
import type { MissedItemView, OwnerReason } from './missed-api.ts';

/** The caller as people know them: the record's name, else the caller ID name, else the number. */
export function callerTitle(item: Pick<MissedItemView, 'record' | 'callerName' | 'numberFormatted' | 'number'>, tr: Translator): string {
  return item.record?.name || item.callerName || item.numberFormatted || item.number || tr.t('console.card.anonymousCaller');
}

/** `3 missed calls`. */
export function countText(item: Pick<MissedItemView, 'count'>, tr: Translator): string {
  return tr.t('console.missed.count', { count: item.count });
}

/** `Missed 14:05`, or with several calls `First 10:02, last 14:05`. */
export function missedWhenText(item: Pick<MissedItemView, 'count' | 'firstMissedAt' | 'lastMissedAt'>, now: Date, tr: Translator): string {
  if (item.count <= 1) return tr.t('console.missed.missedAt', { when: formatWhen(item.lastMissedAt, now, tr) });
  return tr.t('console.missed.firstLast', { first: formatWhen(item.firstMissedAt, now, tr), last: formatWhen(item.lastMissedAt, now, tr) });
}

const WHY_MINE = {
  responsible: 'console.missed.why.responsible',
  'last-agent': 'console.missed.why.lastAgent',
  line: 'console.missed.why.line',
  fallback: 'console.missed.why.fallback',
  admin: 'console.missed.why.admin',
  reassigned: 'console.missed.why.reassigned',
  nobody: 'console.missed.why.nobody',
} as const satisfies Record<OwnerReason, string>;

const WHY_OTHER = {
  responsible: 'console.missed.whyOther.responsible',
  'last-agent': 'console.missed.whyOther.lastAgent',
  line: 'console.missed.whyOther.line',
  fallback: 'console.missed.whyOther.fallback',
  admin: 'console.missed.whyOther.admin',
  reassigned: 'console.missed.whyOther.reassigned',
} as const satisfies Record<Exclude<OwnerReason, 'nobody'>, string>;

/**
 * Why the item is the reader's (`you last talked to this caller`), or, on an administrator's
 * "Everyone" list, whose it is and why; an item that moved on says so first.
 */
export function ownerText(item: Pick<MissedItemView, 'owner' | 'ownerReason' | 'record' | 'level'>, userId: string, tr: Translator): string[] {
  const lines: string[] = [];
  if (item.level > 0) lines.push(tr.t('console.missed.escalated', { level: item.level }));
  const type = item.record?.type ?? 'other';
  if (item.owner === null || item.ownerReason === 'nobody') lines.push(tr.t(WHY_MINE.nobody));
  else if (item.owner.id === userId) lines.push(tr.t(WHY_MINE[item.ownerReason], { type }));
  else lines.push(tr.t(WHY_OTHER[item.ownerReason], { name: item.owner.name, type }));
  return lines;
}

/** While open: `Snoozed until 15:00`, else `Moves on to the next person at 14:35...`; null when neither. */
export function scheduleText(item: Pick<MissedItemView, 'status' | 'snoozedUntil' | 'escalateAt'>, now: Date, tr: Translator): string | null {
  if (item.status !== 'open') return null;
  if (item.snoozedUntil !== null && Date.parse(item.snoozedUntil) > now.getTime()) return tr.t('console.missed.snoozedUntil', { when: formatWhen(item.snoozedUntil, now, tr) });
  if (item.escalateAt !== null) return tr.t('console.missed.movesOn', { when: formatWhen(item.escalateAt, now, tr) });
  return null;
}

/** How a closed item was closed: `Called back by Alice at 10:42`, `Closed by Carol at 11:20: wrong number`. */
export function closedText(item: Pick<MissedItemView, 'closeReason' | 'closedBy' | 'closedAt' | 'closeNote'>, now: Date, tr: Translator): string | null {
  if (item.closeReason === null) return null;
  const name = item.closedBy?.name ?? tr.t('console.missed.closed.someone');
  const when = formatWhen(item.closedAt, now, tr);
  switch (item.closeReason) {
    case 'callback':
      return tr.t('console.missed.closed.callback', { name, when });
    case 'called-again':
      return tr.t('console.missed.closed.calledAgain', { name, when });
    case 'dismissed':
      return item.closeNote ? tr.t('console.missed.closed.dismissedNote', { name, when, note: item.closeNote }) : tr.t('console.missed.closed.dismissed', { name, when });
  }
}

export type SnoozeChoice = '15' | '60' | 'tomorrow';

/** The service takes a snooze of 1 to 4,320 minutes (three days: a Friday evening's until Monday fits). */
export const MAX_SNOOZE_MINUTES = 4320;

/**
 * Minutes to snooze for a choice: 15, 60, or until 9:00 tomorrow on the reader's clock (the
 * calendar's tomorrow: pressed at 02:00, 31 hours).
 */
export function snoozeMinutes(choice: SnoozeChoice, now: Date): number {
  if (choice !== 'tomorrow') return Number(choice);
  const nine = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  return Math.min(MAX_SNOOZE_MINUTES, Math.max(1, Math.ceil((nine.getTime() - now.getTime()) / 60_000)));
}
