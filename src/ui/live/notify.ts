/**
 * Desktop notifications for calls that ring while the console's tab is hidden. Only with the
 * person's permission, asked for from a button they press (never on page load), and never in the
 * way: a browser without notifications, or a "no", simply means none are shown.
 */
import type { BrowserTranslator as Translator } from '../../i18n/browser.ts';
import type { CallMessage } from '../types.ts';
import type { MissedMessage } from '../missed-api.ts';
import { callerTitle, countText } from '../missed-text.ts';

const open = new Map<string, Notification>();
const DISMISSED_KEY = 'crmt.notifications.dismissed';

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/** Whether to offer turning notifications on: supported, not yet decided, not waved away. */
export function shouldOfferNotifications(): boolean {
  if (!notificationsSupported() || Notification.permission !== 'default') return false;
  try {
    return localStorage.getItem(DISMISSED_KEY) !== '1';
  } catch {
    return true;
  }
}

export function dismissNotificationOffer(): void {
  try {
    localStorage.setItem(DISMISSED_KEY, '1');
  } catch {
    // Private mode without storage: the offer comes back next time, which is harmless.
  }
}

export async function requestNotifications(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return 'denied';
  return Notification.requestPermission();
}

export function notifyIncoming(message: CallMessage, tr: Translator): void {
  if (!notificationsSupported() || Notification.permission !== 'granted' || !document.hidden || open.has(message.callId)) return;
  const number = message.externalNumberFormatted ?? message.externalNumber ?? '';
  const who = message.candidates[0]?.name ?? message.externalName ?? (number || tr.t('console.card.anonymousCaller'));
  const title = message.direction === 'outbound' ? tr.t('console.notify.yourPhoneRinging') : tr.t('console.notify.incoming', { who });
  const body = [who === number ? null : number, message.candidates[0]?.account, message.did ? tr.t('console.notify.line', { did: message.did }) : null].filter(Boolean).join(' · ');
  try {
    // Notifications show text only; the caller's name cannot become markup here either.
    const n = new Notification(title, { body, tag: message.callId });
    n.onclick = () => {
      window.focus();
      n.close();
    };
    n.onclose = () => open.delete(message.callId);
    open.set(message.callId, n);
  } catch {
    // Some browsers allow notifications only from a service worker: then there are none.
  }
}

export function closeNotification(callId: string): void {
  open.get(callId)?.close();
  open.delete(callId);
}

const MISSED_TITLE = {
  opened: 'console.missed.notify.opened',
  counted: 'console.missed.notify.counted',
  escalated: 'console.missed.notify.escalated',
  reassigned: 'console.missed.notify.reassigned',
} as const;

/**
 * A missed call that just became the person's (opened, moved or reassigned to them, or the
 * customer missed again), while the tab is hidden: the same permission and the same rule as a
 * ringing call. Clicking it opens the console's missed-calls page.
 */
export function notifyMissed(message: MissedMessage & { change: keyof typeof MISSED_TITLE }, tr: Translator, onOpen: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted' || !document.hidden) return;
  const { item } = message;
  const who = callerTitle(item, tr);
  const title = tr.t(MISSED_TITLE[message.change], { who, count: item.count });
  const number = item.numberFormatted || item.number;
  const body = [who === number ? null : number, item.did ? tr.t('console.notify.line', { did: item.did }) : null, countText(item, tr)].filter(Boolean).join(' · ');
  const key = `missed:${item.id}`;
  open.get(key)?.close();
  try {
    const n = new Notification(title, { body, tag: key });
    n.onclick = () => {
      window.focus();
      onOpen();
      n.close();
    };
    n.onclose = () => {
      if (open.get(key) === n) open.delete(key);
    };
    open.set(key, n);
  } catch {
    // Some browsers allow notifications only from a service worker: then there are none.
  }
}

/** The item was dealt with (or moved away): its notification is no longer news. */
export function closeMissedNotification(itemId: string): void {
  closeNotification(`missed:${itemId}`);
}
