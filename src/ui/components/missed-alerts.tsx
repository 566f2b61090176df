/**
 * The live board's "missed calls for you": a card for each item that just became the person's
 * (a new missed call, the customer missed again, an item moved or reassigned to them), with Call
 * back at hand. Dismissing a card leaves the item on the missed-calls page; acting on the item
 * anywhere takes the card away (missed-state.ts).
 */
import type { JSX } from 'preact';
import { useApp } from '../app-context.ts';
import { useT } from '../i18n.ts';
import { formatWhen } from '../format.ts';
import type { MissedAlert } from '../live/missed-state.ts';
import { callerTitle, countText, ownerText } from '../missed-text.ts';
import { Link } from '../router.tsx';
import { CallBackButton, MissedCaller, missedDomId } from './missed-parts.tsx';

const BADGE = {
  opened: 'console.missed.alert.opened',
  counted: 'console.missed.alert.counted',
  escalated: 'console.missed.alert.escalated',
  reassigned: 'console.missed.alert.reassigned',
} as const;

export function MissedAlerts(): JSX.Element {
  const { live } = useApp();
  const tr = useT();
  const { alerts } = live.missed;
  return (
    <section class={`missed-alerts${alerts.length === 0 ? ' missed-alerts--empty' : ''}`} aria-labelledby={alerts.length > 0 ? 'missed-alerts-heading' : undefined}>
      {alerts.length > 0 ? <h2 id="missed-alerts-heading">{tr.t('console.missed.alerts.heading')}</h2> : null}
      {/* Always there, so that a new card is announced (a polite live region). */}
      <div class="cards" aria-live="polite" aria-relevant="additions">
        {alerts.map((alert) => (
          <MissedAlertCard key={alert.item.id} alert={alert} onDismiss={live.missed.dismiss} />
        ))}
      </div>
    </section>
  );
}

function MissedAlertCard({ alert, onDismiss }: { alert: MissedAlert; onDismiss: (id: string) => void }): JSX.Element {
  const { user } = useApp();
  const tr = useT();
  const { item } = alert;
  const headingId = missedDomId('missed-alert', item.id);
  const who = callerTitle(item, tr);
  const line = [countText(item, tr), item.did ? tr.t('console.card.line', { did: item.did }) : null, item.record || item.callerName ? item.numberFormatted || item.number : null].filter(Boolean).join(' · ');
  return (
    <article class="card card--missed-item" aria-labelledby={headingId} data-item-id={item.id} data-change={alert.change}>
      <header class="card-head">
        <span class="badge badge--missed">{tr.t(BADGE[alert.change])}</span>
        <time class="card-time" dateTime={item.lastMissedAt}>
          {formatWhen(item.lastMissedAt, undefined, tr)}
        </time>
        <button type="button" class="link" onClick={() => onDismiss(item.id)} aria-label={tr.t('console.missed.alert.dismissWho', { who })} title={tr.t('console.missed.alert.dismiss')}>
          ×
        </button>
      </header>
      <MissedCaller item={item} id={headingId} />
      <p class="card-line">{line}</p>
      {ownerText(item, user.id, tr).map((text) => (
        <p key={text} class="missed-why">
          {text}
        </p>
      ))}
      <div class="button-row">
        <CallBackButton item={item} />
        <Link href="/missed">{tr.t('console.missed.alert.all')}</Link>
      </div>
    </article>
  );
}
