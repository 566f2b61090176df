/** Calls that left the board: withdrawn (answered elsewhere, missed) or closed, newest first. */
import type { JSX } from 'preact';
import type { RecentCall } from '../live/board-state.ts';
import { cardStateText, formatWhen } from '../format.ts';
import { useT } from '../i18n.ts';
import { Link, recordPath } from '../router.tsx';
import { PhoneButton } from './phone-button.tsx';

export function RecentStrip({ recent }: { recent: RecentCall[] }): JSX.Element | null {
  const tr = useT();
  if (recent.length === 0) return null;
  return (
    <section class="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading">{tr.t('console.recent.heading')}</h2>
      <ol class="recent-list">
        {recent.map((r) => {
          const m = r.message;
          const first = m.candidates[0];
          const who = first?.name ?? m.externalName ?? tr.t(m.externalNumber ? 'console.card.unknownCaller' : 'console.card.anonymousCaller');
          return (
            <li key={r.callId} class={`recent-item recent-item--${r.state}`} data-call-id={r.callId}>
              <span class={`badge badge--${r.state}`}>{cardStateText(r.state, m.direction, tr)}</span>
              {first ? <Link href={recordPath(first.type, first.id)}>{who}</Link> : <span class="recent-who">{who}</span>}
              {m.externalNumber ? <PhoneButton number={m.externalNumber} display={m.externalNumberFormatted} {...(first ? { entity: { type: first.type, id: first.id, name: first.name } } : {})} /> : null}
              <time dateTime={r.at}>{formatWhen(r.at, undefined, tr)}</time>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
