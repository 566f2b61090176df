/**
 * The screen pop: one card per call, following it from ringing to its end. Everything on it that
 * came from the PBX or the CRM (caller names above all) is rendered as text by Preact, never as
 * markup.
 */
import type { JSX } from 'preact';
import type { Card } from '../live/board-state.ts';
import type { CallCandidate } from '../types.ts';
import { cardStateText, formatDaysAgo, formatWhen, recordTypeLabel } from '../format.ts';
import { useT } from '../i18n.ts';
import { Link, recordPath } from '../router.tsx';
import { PhoneButton } from './phone-button.tsx';
import { CreateRecord } from './create-record.tsx';
import { NoteBox } from './note-box.tsx';

/** A click-to-call step's words (the PBX's own reason for a failure comes as it is). */
const C2C_KEYS = {
  ringingYourPhone: 'console.c2c.ringingYourPhone',
  notPlaced: 'console.c2c.notPlaced',
  calling: 'console.c2c.calling',
  connected: 'console.c2c.connected',
} as const;

export interface CallCardProps {
  card: Card;
  onDismiss: (callId: string) => void;
}

export function CallCard({ card, onDismiss }: CallCardProps): JSX.Element {
  const tr = useT();
  const m = card.message;
  const first = m.candidates[0];
  const title = first?.name ?? m.externalName ?? tr.t(m.externalNumber ? 'console.card.unknownCaller' : 'console.card.anonymousCaller');
  const headingId = `call-${cssId(card.callId)}-title`;
  const ended = card.state === 'ended' || card.state === 'missed' || card.state === 'answered-elsewhere';
  const line = [
    tr.t(m.direction === 'outbound' ? 'console.card.yourCall' : m.direction === 'internal' ? 'console.card.internalCall' : 'console.card.incomingCall'),
    m.did ? tr.t('console.card.line', { did: m.did }) : null,
    // A ring group is often named after its DID: say it once.
    m.queue && m.queue !== m.did ? tr.t('console.card.via', { queue: m.queue }) : null,
    tr.t('console.card.extension', { extension: m.extension }),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <article class={`card card--${card.state}${card.leaving ? ' card--leaving' : ''}`} aria-labelledby={headingId} data-call-id={card.callId} data-state={card.state}>
      <header class="card-head">
        <span class={`badge badge--${card.state}`}>{cardStateText(card.state, m.direction, tr)}</span>
        <time class="card-time" dateTime={card.since}>
          {formatWhen(card.since, undefined, tr)}
        </time>
      </header>
      <p class="card-line">{line}</p>
      <h3 id={headingId} class="card-title">
        {title}
      </h3>
      {m.externalName && m.externalName !== title ? <p class="muted">{tr.t('console.card.callerIdName', { name: m.externalName })}</p> : null}
      <div class="card-number">
        {m.externalNumber ? (
          <PhoneButton number={m.externalNumber} display={m.externalNumberFormatted} {...(first ? { entity: { type: first.type, id: first.id, name: first.name } } : {})} />
        ) : (
          <span class="muted">{tr.t('console.card.noNumber')}</span>
        )}
      </div>
      {m.detail ? (
        <p class="card-detail" role="status">
          {m.detailCode !== undefined && m.detailCode !== 'failed' ? tr.t(C2C_KEYS[m.detailCode]) : m.detail}
        </p>
      ) : null}
      {m.candidates.length > 0 ? (
        <Candidates candidates={m.candidates} />
      ) : m.externalNumber && m.direction !== 'internal' ? (
        <div class="card-unknown">
          <p>{tr.t('console.card.notInCrm')}</p>
          <CreateRecord phone={m.externalNumber} callerName={m.externalName} />
        </div>
      ) : null}
      <NoteBox callId={card.callId} />
      {ended && !card.leaving ? (
        <div class="card-actions">
          <button type="button" class="secondary" onClick={() => onDismiss(card.callId)}>
            {tr.t('console.card.close')}
          </button>
        </div>
      ) : null}
    </article>
  );
}

function Candidates({ candidates }: { candidates: CallCandidate[] }): JSX.Element {
  const tr = useT();
  return (
    <div class="candidates">
      <p class="candidates-head">{candidates.length === 1 ? tr.t('console.card.inCrm') : tr.t('console.card.possibleMatches', { count: candidates.length })}</p>
      <ul>
        {candidates.map((c) => (
          <li key={`${c.type}:${c.id}`} class="candidate">
            <span class={`tag tag--${c.type}`}>{recordTypeLabel(c.type, tr)}</span>{' '}
            <Link href={recordPath(c.type, c.id)} class="candidate-name" aria-label={tr.t('console.card.openRecord', { type: recordTypeLabel(c.type, tr).toLowerCase(), name: c.name })}>
              {c.name}
            </Link>
            <dl class="facts">
              {c.account ? (
                <div>
                  <dt>{tr.t('console.card.account')}</dt>
                  <dd>{c.account}</dd>
                </div>
              ) : null}
              <div>
                <dt>{tr.t('console.card.owner')}</dt>
                <dd>{c.owner ?? tr.t('console.card.nobody')}</dd>
              </div>
              <div>
                <dt>{tr.t('console.card.lastCall')}</dt>
                <dd>{formatDaysAgo(c.lastCallAt, undefined, tr)}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Call ids (`pbx1:1795463874.7`) made safe for an element id. */
function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
