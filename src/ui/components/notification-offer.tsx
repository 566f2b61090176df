/** A polite offer to show desktop notifications; asked only when the person presses the button. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { dismissNotificationOffer, requestNotifications, shouldOfferNotifications } from '../live/notify.ts';

export function NotificationOffer(): JSX.Element | null {
  const [show, setShow] = useState(shouldOfferNotifications);
  const [answer, setAnswer] = useState<string | null>(null);
  if (answer) {
    return (
      <p class="offer muted" role="status">
        {answer}
      </p>
    );
  }
  if (!show) return null;
  const turnOn = async (): Promise<void> => {
    const permission = await requestNotifications();
    setShow(false);
    setAnswer(permission === 'granted' ? 'Notifications are on: a call that rings while this tab is hidden shows on your desktop.' : 'No notifications, then. You can change this in the browser’s site settings.');
  };
  const notNow = (): void => {
    dismissNotificationOffer();
    setShow(false);
  };
  return (
    <aside class="offer" aria-label="Desktop notifications">
      <p>Get a desktop notification when a call rings while this tab is hidden?</p>
      <div class="button-row">
        <button type="button" onClick={turnOn}>
          Turn on notifications
        </button>
        <button type="button" class="secondary" onClick={notNow}>
          Not now
        </button>
      </div>
    </aside>
  );
}
