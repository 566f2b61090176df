/** The live board: a card per call (several at once), the recent strip and today's picture. */
import type { JSX } from 'preact';
import { useApp } from '../app-context.ts';
import { CallCard } from '../components/call-card.tsx';
import { RecentStrip } from '../components/recent-strip.tsx';
import { CallChart } from '../components/call-chart.tsx';
import { DemoControl } from '../components/demo-control.tsx';
import { NotificationOffer } from '../components/notification-offer.tsx';
import { useT } from '../i18n.ts';

export function BoardPage(): JSX.Element {
  const { user, live } = useApp();
  const tr = useT();
  const { board } = live;
  const dismiss = (callId: string): void => live.dispatch({ type: 'dismiss', callId });
  return (
    <div class="board">
      <NotificationOffer />
      <section class="live" aria-labelledby="live-heading">
        <h2 id="live-heading">{tr.t('console.board.heading')}</h2>
        {board.cards.length === 0 ? (
          <p class="empty">{user.extensions.length > 0 ? tr.t('console.board.emptyWithPhones', { extensions: user.extensions.join(', ') }) : tr.t('console.board.empty')}</p>
        ) : null}
        {/* Cards are announced as they arrive: the list is a polite live region. */}
        <div class="cards" aria-live="polite" aria-relevant="additions">
          {board.cards.map((card) => (
            <CallCard key={card.callId} card={card} onDismiss={dismiss} />
          ))}
        </div>
      </section>
      <RecentStrip recent={board.recent} />
      <div class="board-foot">
        <CallChart reloadKey={live.callsChanged} />
        <DemoControl />
      </div>
    </div>
  );
}
