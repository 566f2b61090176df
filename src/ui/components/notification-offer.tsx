/** A polite offer to show desktop notifications; asked only when the person presses the button. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { dismissNotificationOffer, requestNotifications, shouldOfferNotifications } from '../live/notify.ts';
import { useT } from '../i18n.ts';

export function NotificationOffer(): JSX.Element | null {
  const tr = useT();
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
    setAnswer(tr.t(permission === 'granted' ? 'console.notify.on' : 'console.notify.declined'));
  };
  const notNow = (): void => {
    dismissNotificationOffer();
    setShow(false);
  };
  return (
    <aside class="offer" aria-label={tr.t('console.notify.label')}>
      <p>{tr.t('console.notify.offer')}</p>
      <div class="button-row">
        <button type="button" onClick={turnOn}>
          {tr.t('console.notify.turnOn')}
        </button>
        <button type="button" class="secondary" onClick={notNow}>
          {tr.t('console.notify.notNow')}
        </button>
      </div>
    </aside>
  );
}
