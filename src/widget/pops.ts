/**
 * Screen pops inside SuiteCRM: one card per call, following it from ringing to its end, with the
 * same states as the console (the card's state, and whether it is withdrawn, come from
 * `src/pops/card-state.ts`, as the console's do), in the SuiteCRM user's language. Each candidate opens SuiteCRM's own page of the record (the service
 * tells which SuiteCRM record our record is); a record that exists only in our directory opens in
 * the console. The stack floats in a corner (position: fixed): SuiteCRM's layout never moves.
 */
import type { CallCandidateView, CallMessage, CardState } from '../pops/wire.ts';
import { isTerminal, nextCardStatus, type CardStatus } from '../pops/card-state.ts';
import type { WidgetTranslator } from './i18n.ts';
import { formatDaysAgo } from '../i18n/format.ts';
import { el } from './dom.ts';
import { MODULE_OF_TYPE, OWN, recordPageUrl, type RecordModule, type RecordType } from './suitecrm-page.ts';

/** What the service says about one of our records: where it came from and SuiteCRM's id for it. */
export interface RecordRef {
  type: RecordType;
  id: string;
  source: string;
  externalId: string | null;
}

export interface PopStackOptions {
  /** Looks up the SuiteCRM ids of our records (cached by the caller). */
  resolve(candidates: readonly CallCandidateView[]): Promise<Map<string, RecordRef>>;
  /** The console's address for records SuiteCRM does not have. */
  consoleUrl(type: RecordType, id: string): string;
  /** The widget's language. */
  tr: WidgetTranslator;
  /** SuiteCRM's own page of a record (SuiteCRM 7's by default; the page adapter's). */
  recordUrl?(module: RecordModule, id: string): string;
}

const MAX_CARDS = 4;
/** A withdrawn card (answered elsewhere, missed) says why for this long, then goes. */
const WITHDRAWN_MS = 8000;
/** The person's own card stays this long after its call is over (the widget has no recent strip). */
const OWN_OVER_MS = 60_000;

interface Card {
  element: HTMLElement;
  /** The latest message for the call (candidates, number, detail...). */
  message: CallMessage;
  status: CardStatus;
  refs: Map<string, RecordRef>;
  timer: ReturnType<typeof setTimeout> | null;
}

const key = (c: { type: string; id: string }): string => `${c.type}:${c.id}`;

/** A click-to-call step's words (the PBX's own reason for a failure comes as it is). */
const C2C_KEYS = {
  ringingYourPhone: 'widget.c2c.ringingYourPhone',
  notPlaced: 'widget.c2c.notPlaced',
  calling: 'widget.c2c.calling',
  connected: 'widget.c2c.connected',
} as const;

const STATE_KEYS = {
  ringing: ['widget.pop.state.ringing', 'widget.pop.state.ringingYourPhone'],
  answered: ['widget.pop.state.answered', 'widget.pop.state.answered'],
  'answered-elsewhere': ['widget.pop.state.answeredElsewhere', 'widget.pop.state.answeredElsewhere'],
  missed: ['widget.pop.state.missed', 'widget.pop.state.notConnected'],
  ended: ['widget.pop.state.ended', 'widget.pop.state.ended'],
} as const satisfies Record<CardState, readonly [string, string]>;

/** The card's state in words, as the person sees it: an outbound call rings their own phone first. */
export function cardStateText(tr: WidgetTranslator, state: CardState, direction: CallMessage['direction']): string {
  return tr.t(STATE_KEYS[state][direction === 'outbound' ? 1 : 0]);
}

export class PopStack {
  readonly element: HTMLElement;
  readonly #o: PopStackOptions;
  readonly #cards = new Map<string, Card>();

  constructor(options: PopStackOptions) {
    this.#o = options;
    this.element = el('section', { class: 'crmt-pops', 'aria-label': options.tr.t('widget.pop.region'), 'aria-live': 'polite', [OWN]: 'pops' });
  }

  update(message: CallMessage): void {
    let card = this.#cards.get(message.callId);
    const status = nextCardStatus(card?.status, message);
    // The end of a call we never showed (history replayed after a reconnect): nothing to show.
    if (!card && isTerminal(status.state)) return;
    if (!card) {
      card = { element: el('article', { class: 'crmt-pop' }), message, status, refs: new Map(), timer: null };
      this.#cards.set(message.callId, card);
      this.element.prepend(card.element);
      this.#trim();
    }
    card.message = message;
    card.status = status;
    this.#render(card);
    if (card.timer) clearTimeout(card.timer);
    card.timer = isTerminal(status.state) ? setTimeout(() => this.#remove(message.callId), status.leaving ? WITHDRAWN_MS : OWN_OVER_MS) : null;
    const unresolved = message.candidates.filter((c) => !card.refs.has(key(c)));
    if (unresolved.length > 0) {
      this.#o.resolve(unresolved).then(
        (refs) => {
          const current = this.#cards.get(message.callId);
          if (!current) return;
          for (const [k, v] of refs) current.refs.set(k, v);
          this.#render(current);
        },
        () => undefined,
      );
    }
  }

  /** Cards on screen, for tests and the panel. */
  get size(): number {
    return this.#cards.size;
  }

  #remove(callId: string): void {
    const card = this.#cards.get(callId);
    if (!card) return;
    if (card.timer) clearTimeout(card.timer);
    card.element.remove();
    this.#cards.delete(callId);
  }

  #trim(): void {
    if (this.#cards.size <= MAX_CARDS) return;
    // The oldest card that is over goes first; failing that, the oldest.
    const ids = [...this.#cards.keys()];
    const victim = ids.find((id) => isTerminal(this.#cards.get(id)!.status.state)) ?? ids[0]!;
    this.#remove(victim);
  }

  #render(card: Card): void {
    const { tr } = this.#o;
    const m = card.message;
    const state = card.status.state;
    const first = m.candidates[0];
    const title = first?.name ?? m.externalName ?? tr.t(m.externalNumber ? 'widget.pop.unknownCaller' : 'widget.pop.anonymousCaller');
    const line = [
      tr.t('widget.pop.direction', { direction: m.direction }),
      m.did ? tr.t('widget.call.line', { did: m.did }) : null,
      m.queue && m.queue !== m.did ? tr.t('widget.pop.via', { queue: m.queue }) : null,
      tr.t('widget.call.extension', { extension: m.extension }),
    ]
      .filter(Boolean)
      .join(' · ');
    const over = isTerminal(state);
    const e = card.element;
    e.setAttribute('data-call-id', m.callId);
    e.setAttribute('data-state', state);
    e.className = `crmt-pop crmt-pop--${state}`;
    const closeText = tr.t('widget.pop.close');
    const close = el('button', { type: 'button', class: 'crmt-pop-close', 'aria-label': closeText, title: closeText }, '×');
    close.addEventListener('click', () => this.#remove(m.callId));
    const parts: (Node | null)[] = [
      el('header', { class: 'crmt-pop-head' }, el('span', { class: 'crmt-badge' }, cardStateText(tr, state, m.direction)), over || state === 'answered' ? close : null),
      el('p', { class: 'crmt-pop-line' }, line),
      el('p', { class: 'crmt-pop-title' }, title),
      m.externalName && m.externalName !== title ? el('p', { class: 'crmt-muted' }, tr.t('widget.pop.callerIdName', { name: m.externalName })) : null,
      el('p', { class: 'crmt-pop-number' }, m.externalNumber ? (m.externalNumberFormatted ?? m.externalNumber) : tr.t('widget.pop.noNumber')),
      m.detail ? el('p', { class: 'crmt-pop-detail', role: 'status' }, m.detailCode !== undefined && m.detailCode !== 'failed' ? tr.t(C2C_KEYS[m.detailCode]) : m.detail) : null,
      m.candidates.length > 0
        ? this.#candidates(m.candidates, card.refs)
        : m.externalNumber && m.direction !== 'internal'
          ? el('p', { class: 'crmt-muted' }, tr.t('widget.pop.notInCrm'))
          : null,
    ];
    e.replaceChildren(...parts.filter((p): p is Node => p !== null));
  }

  #candidates(candidates: readonly CallCandidateView[], refs: Map<string, RecordRef>): HTMLElement {
    const { tr } = this.#o;
    const list = el('ul', { class: 'crmt-candidates' });
    for (const c of candidates) {
      const ref = refs.get(key(c));
      const own = (c as CallCandidateView & { externalId?: string | null; source?: string }).externalId;
      const externalId = own ?? (ref && ref.source === 'suitecrm' ? ref.externalId : null);
      const named = { type: c.type, name: c.name };
      let name: HTMLElement;
      if (externalId) {
        name = el('a', { class: 'crmt-candidate-name', href: (this.#o.recordUrl ?? recordPageUrl)(MODULE_OF_TYPE[c.type], externalId), 'aria-label': tr.t('widget.pop.open', named) }, c.name);
      } else if (ref) {
        name = el('a', { class: 'crmt-candidate-name', href: this.#o.consoleUrl(c.type, c.id), target: '_blank', rel: 'noopener noreferrer', 'aria-label': tr.t('widget.pop.openInConsole', named) }, c.name);
      } else {
        name = el('span', { class: 'crmt-candidate-name' }, c.name);
      }
      const lastCall = formatDaysAgo(c.lastCallAt, { locale: tr.locale });
      const facts = [
        c.account ? tr.t('widget.pop.account', { name: c.account }) : null,
        c.owner ? tr.t('widget.pop.owner', { name: c.owner }) : tr.t('widget.pop.ownerNobody'),
        lastCall === null ? tr.t('widget.pop.lastCallNever') : tr.t('widget.pop.lastCall', { when: lastCall }),
      ]
        .filter(Boolean)
        .join(' · ');
      const tag = el('span', { class: `crmt-tag crmt-tag--${c.type}` }, tr.t('widget.call.recordType', { type: c.type }));
      list.append(el('li', { class: 'crmt-candidate' }, tag, ' ', name, el('span', { class: 'crmt-facts' }, facts)));
    }
    const head = tr.t('widget.pop.matches', { count: candidates.length });
    return el('div', { class: 'crmt-pop-candidates' }, el('p', { class: 'crmt-muted' }, head), list);
  }
}
