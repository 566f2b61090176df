/**
 * The "Phone calls" panel on Contact, Account and Lead detail views: every call with the record,
 * from our call log, with a player for recordings. Placed before the subpanel group tabs (not
 * inside `#subpanel_list`, where SuiteCRM hides every element with an id it does not know), in
 * SuiteCRM's own panel markup so that its theme styles it. The SuiteCRM record is mapped to ours
 * by the service (the synced record with that SuiteCRM id).
 */
import type { CallRecord } from '../calls/record.ts';
import type { WidgetKey, WidgetTranslator } from './i18n.ts';
import { formatClock, formatWhen } from '../i18n/format.ts';
import { el } from './dom.ts';
import { ServiceError, type Api } from './http.ts';
import type { WidgetUser } from './session.ts';
import { isRecordModule, OWN, SUITECRM7_PAGE, type RecordType, type SuitePage } from './suitecrm-page.ts';

/** One row of `GET /api/calls`: the record, and its number as people read it (national at home, international otherwise). */
export interface LoggedCall {
  record: CallRecord;
  externalNumberFormatted?: string | null;
}

/** The number a row shows: the service's formatted one when it gives one, else the number as the PBX gave it. */
export function numberShown(call: LoggedCall, tr: WidgetTranslator): string {
  return call.externalNumberFormatted || call.record.externalNumber || tr.t('widget.panel.withheld');
}

/** How a logged call ended, in words: `Answered, caller hung up`, `Missed (no answer)`, `Busy`... */
export function outcomeText(tr: WidgetTranslator, record: Pick<CallRecord, 'disposition' | 'hangupBy' | 'direction' | 'status'>): string {
  if (record.status === 'in-progress' || record.disposition === null) return tr.t('widget.panel.outcome.inProgress');
  let key: WidgetKey;
  switch (record.disposition) {
    case 'answered':
      key =
        record.hangupBy === 'agent'
          ? 'widget.panel.outcome.answeredWeHungUp'
          : record.hangupBy === 'caller'
            ? record.direction === 'outbound'
              ? 'widget.panel.outcome.answeredCustomerHungUp'
              : 'widget.panel.outcome.answeredCallerHungUp'
            : 'widget.panel.outcome.answered';
      break;
    case 'missed':
      key = 'widget.panel.outcome.missed';
      break;
    case 'busy':
      key = 'widget.panel.outcome.busy';
      break;
    case 'unavailable':
      key = 'widget.panel.outcome.unavailable';
      break;
    case 'abandoned':
      key = 'widget.panel.outcome.abandoned';
      break;
    case 'failed':
      key = 'widget.panel.outcome.failed';
      break;
  }
  return tr.t(key);
}

const COLUMNS = ['when', 'direction', 'number', 'handledBy', 'talk', 'outcome', 'recording'] as const;

/** `GET /api/calls/:id/recording`: the call's recording to play, or why there is none. */
interface RecordingInfo {
  recording: { audio: boolean; url: string | null; reason: string | null } | null;
  reason: string | null;
}

export class CallsPanel {
  readonly #api: Api;
  readonly #user: WidgetUser;
  readonly #tr: WidgetTranslator;
  #panel: HTMLElement | null = null;
  #key: string | null = null;
  #ours: { type: RecordType; id: string } | null = null;
  #loading = 0;
  readonly #page: SuitePage;

  constructor(api: Api, user: WidgetUser, page: SuitePage = SUITECRM7_PAGE) {
    this.#api = api;
    this.#user = user;
    this.#tr = api.tr;
    this.#page = page;
  }

  /** Puts the panel on the detail view now shown (once), or forgets it when there is none. */
  sync(doc: Document): void {
    const dv = this.#page.detailView(doc);
    if (!dv || !isRecordModule(dv.record.module)) {
      this.#panel?.remove();
      this.#panel = null;
      this.#key = null;
      return;
    }
    const key = `${dv.record.module}:${dv.record.id}`;
    if (this.#panel?.isConnected && this.#key === key) return;
    this.#panel?.remove();
    const tr = this.#tr;
    const body = el('div', { class: 'panel-body crmt-calls-body' }, el('p', { class: 'crmt-muted' }, tr.t('widget.panel.loading')));
    const title = tr.t('widget.panel.title');
    const panel = el(
      'div',
      { class: this.#page.panelClass, role: 'region', 'aria-label': title, 'data-crmt-record': key, [OWN]: 'panel' },
      el('div', { class: 'panel-heading' }, el('div', { class: 'crmt-calls-title' }, title)),
      body,
    );
    if (!this.#page.placePanel(panel, dv.view, doc)) return;
    this.#panel = panel;
    if (this.#key !== key) this.#ours = null;
    this.#key = key;
    void this.#load(dv.record.module, dv.record.id, body);
  }

  /** Loads the calls again (one of the person's calls just ended). */
  refresh(): void {
    const panel = this.#panel;
    const body = panel?.querySelector<HTMLElement>('.crmt-calls-body');
    const [module, id] = (this.#key ?? ':').split(/:(.*)/s) as [string, string];
    if (panel?.isConnected && body && module && id) void this.#load(module, id, body);
  }

  async #load(module: string, id: string, body: HTMLElement): Promise<void> {
    const attempt = ++this.#loading;
    try {
      if (!this.#ours) {
        const found = await this.#api.get<{ record: { type: RecordType; id: string } }>(`/api/crm/record?module=${encodeURIComponent(module)}&id=${encodeURIComponent(id)}`);
        this.#ours = found.record;
      }
      const { calls } = await this.#api.get<{ calls: LoggedCall[] }>(`/api/calls?entity=${encodeURIComponent(`${this.#ours.type}:${this.#ours.id}`)}&limit=50`);
      if (attempt === this.#loading) body.replaceChildren(this.#table(calls));
    } catch (err) {
      if (attempt !== this.#loading) return;
      const text = this.#tr.t(err instanceof ServiceError && err.code === 'NOT_FOUND' ? 'widget.panel.notInDirectory' : 'widget.panel.unavailable');
      body.replaceChildren(el('p', { class: 'crmt-muted' }, text));
    }
  }

  #who(extension: string | null): string {
    if (extension === null) return '–';
    return this.#tr.t(this.#user.extensions.includes(extension) ? 'widget.panel.you' : 'widget.call.extension', { extension });
  }

  #table(calls: LoggedCall[]): HTMLElement {
    const tr = this.#tr;
    if (calls.length === 0) return el('p', { class: 'crmt-muted' }, tr.t('widget.panel.empty'));
    const head = el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col' }, tr.t(`widget.panel.column.${c}`))));
    const rows = calls.map((call) => {
      const r = call.record;
      return el(
        'tr',
        { 'data-call-id': r.id },
        el('td', {}, el('time', { datetime: r.startedAt ?? undefined }, formatWhen(r.startedAt, { locale: tr.locale }))),
        el('td', {}, tr.t('widget.panel.direction', { direction: r.direction })),
        el('td', {}, numberShown(call, tr), r.direction === 'inbound' && r.did ? el('span', { class: 'crmt-muted' }, ` · ${tr.t('widget.call.line', { did: r.did })}`) : null),
        el('td', {}, this.#who(r.answeredBy ?? r.callerExtension)),
        el('td', {}, r.disposition === 'answered' ? formatClock(r.talkSeconds) : tr.t('widget.panel.rang', { duration: formatClock(r.ringSeconds) })),
        el('td', {}, outcomeText(tr, r)),
        el('td', {}, r.recording ? this.#player(r.id) : '–'),
      );
    });
    return el('table', { class: 'list view table-responsive crmt-calls-table' }, el('thead', {}, head), el('tbody', {}, ...rows));
  }

  #player(callId: string): HTMLElement {
    const cell = el('span', { class: 'crmt-player' });
    const tr = this.#tr;
    const button = el('button', { type: 'button', class: 'crmt-play', 'aria-label': tr.t('widget.panel.playLabel') }, tr.t('widget.panel.play'));
    button.addEventListener('click', () => {
      button.disabled = true;
      this.#api.get<RecordingInfo>(`/api/calls/${encodeURIComponent(callId)}/recording`).then(
        (info) => {
          const rec = info.recording;
          if (rec && rec.audio && rec.url?.startsWith('/api/')) {
            const audio = el('audio', { controls: '', preload: 'none', src: this.#api.url(rec.url) });
            cell.replaceChildren(audio);
            void audio.play().catch(() => undefined);
          } else cell.replaceChildren(el('span', { class: 'crmt-muted' }, rec?.reason ?? info.reason ?? tr.t('widget.panel.noRecording')));
        },
        () => cell.replaceChildren(el('span', { class: 'crmt-muted' }, tr.t('widget.panel.playFailed'))),
      );
    });
    cell.append(button);
    return cell;
  }
}
