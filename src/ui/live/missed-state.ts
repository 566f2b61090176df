/**
 * Missed-call items on the live board, as a pure reducer: `event: missed` messages in, the cards
 * that tell a person "this one is yours now" out.
 *
 * A card appears when an item becomes the person's open item (opened, moved to them by an
 * escalation or a reassignment) and when the customer tries again and is missed again (counted):
 * each is news they should act on. It goes when the item stops being theirs to act on now (closed,
 * snoozed, moved to someone else) or when they dismiss it. The list page and the navigation's
 * count read the service instead, so a lost message costs a card, never a wrong list.
 */
import type { MissedChange, MissedItemView, MissedMessage } from '../missed-api.ts';

export interface MissedAlert {
  item: MissedItemView;
  /** Why it is shown: the change that made it the person's. */
  change: Extract<MissedChange, 'opened' | 'counted' | 'escalated' | 'reassigned'>;
}

export interface MissedAlerts {
  alerts: MissedAlert[];
}

export type MissedAlertAction =
  | { type: 'message'; message: MissedMessage; userId: string }
  /** The person waved the card away (the item stays on the missed-calls page). */
  | { type: 'dismiss'; id: string };

export const noMissedAlerts: MissedAlerts = { alerts: [] };

/** Cards kept at most; the page lists every item. */
export const MAX_MISSED_ALERTS = 5;

const NEWS = new Set<MissedChange>(['opened', 'counted', 'escalated', 'reassigned']);

/** Whether a message is news for this person: one of their open items just became theirs or was missed again. */
export function isNewsFor(message: MissedMessage, userId: string): message is MissedMessage & { change: MissedAlert['change'] } {
  return NEWS.has(message.change) && message.item.status === 'open' && message.item.owner?.id === userId;
}

export function missedAlertsReducer(state: MissedAlerts, action: MissedAlertAction): MissedAlerts {
  switch (action.type) {
    case 'dismiss': {
      const alerts = state.alerts.filter((a) => a.item.id !== action.id);
      return alerts.length === state.alerts.length ? state : { alerts };
    }
    case 'message': {
      const { message, userId } = action;
      const others = state.alerts.filter((a) => a.item.id !== message.item.id);
      if (isNewsFor(message, userId)) return { alerts: [{ item: message.item, change: message.change }, ...others].slice(0, MAX_MISSED_ALERTS) };
      // Anything else about an item on the board (closed, snoozed, moved away) takes its card off.
      return others.length === state.alerts.length ? state : { alerts: others };
    }
  }
}
