/**
 * The "Phone calls" panel on Contact, Account and Lead detail views: every call with the record,
 * from our call log, with a player for recordings. Placed before the subpanel group tabs (not
 * inside `#subpanel_list`, where SuiteCRM hides every element with an id it does not know), in
 * SuiteCRM's own panel markup so that its theme styles it. The SuiteCRM record is mapped to ours
 * by the service (the synced record with that SuiteCRM id).
 */
import type { CallRecord } from '../calls/record.ts';
import { directionText, formatDuration, formatWhen, outcomeText } from '../ui/format.ts';
import { el } from './dom.ts';
import { ServiceError, type Api } from './http.ts';
import type { WidgetUser } from './session.ts';
import { detailView, isRecordModule, OWN, type RecordType } from './suitecrm-page.ts';

interface LoggedCall {
  record: CallRecord;
}

/** `GET /api/calls/:id/recording`: the call's recording to play, or why there is none. */
interface RecordingInfo {
  recording: { audio: boolean; url: string | null; reason: string | null } | null;
  reason: string | null;
}

export class CallsPanel {
  readonly #api: Api;
  readonly #user: WidgetUser;
  #panel: HTMLElement | null = null;
  #key: string | null = null;
  #ours: { type: RecordType; id: string } | null = null;
  #loading = 0;

  constructor(api: Api, user: WidgetUser) {
    this.#api = api;
    this.#user = user;
  }

  /** Puts the panel on the detail view now shown (once), or forgets it when there is none. */
  sync(doc: Document): void {
    const dv = detailView(doc);
    if (!dv || !isRecordModule(dv.record.module)) {
      this.#panel?.remove();
      this.#panel = null;
      this.#key = null;
      return;
    }
    const key = `${dv.record.module}:${dv.record.id}`;
    if (this.#panel?.isConnected && this.#key === key) return;
    this.#panel?.remove();
    const body = el('div', { class: 'panel-body crmt-calls-body' }, el('p', { class: 'crmt-muted' }, 'Loading calls…'));
    const panel = el(
      'div',
      { class: 'panel panel-default sub-panel crmt-calls', role: 'region', 'aria-label': 'Phone calls', 'data-crmt-record': key, [OWN]: 'panel' },
      el('div', { class: 'panel-heading' }, el('div', { class: 'crmt-calls-title' }, 'Phone calls')),
      body,
    );
    const tabs = doc.getElementById('groupTabs');
    if (tabs?.parentNode) tabs.parentNode.insertBefore(panel, tabs);
    else dv.view.after(panel);
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
      const text =
        err instanceof ServiceError && err.code === 'NOT_FOUND'
          ? 'This record is not in the phone directory yet (it syncs every few seconds).'
          : 'The calls cannot be shown right now: the phone service does not answer.';
      body.replaceChildren(el('p', { class: 'crmt-muted' }, text));
    }
  }

  #who(extension: string | null): string {
    if (extension === null) return '–';
    return this.#user.extensions.includes(extension) ? `You (${extension})` : `ext. ${extension}`;
  }

  #table(calls: LoggedCall[]): HTMLElement {
    if (calls.length === 0) return el('p', { class: 'crmt-muted' }, 'No calls with this record yet.');
    const head = el('tr', {}, ...['When', 'Direction', 'Number', 'Handled by', 'Talk', 'Outcome', 'Recording'].map((h) => el('th', { scope: 'col' }, h)));
    const rows = calls.map(({ record: r }) =>
      el(
        'tr',
        { 'data-call-id': r.id },
        el('td', {}, el('time', { datetime: r.startedAt ?? undefined }, formatWhen(r.startedAt))),
        el('td', {}, directionText(r.direction)),
        el('td', {}, r.externalNumber ?? 'withheld', r.direction === 'inbound' && r.did ? el('span', { class: 'crmt-muted' }, ` · line ${r.did}`) : null),
        el('td', {}, this.#who(r.answeredBy ?? r.callerExtension)),
        el('td', {}, r.disposition === 'answered' ? formatDuration(r.talkSeconds) : `rang ${formatDuration(r.ringSeconds)}`),
        el('td', {}, outcomeText(r)),
        el('td', {}, r.recording ? this.#player(r.id) : '–'),
      ),
    );
    return el('table', { class: 'list view table-responsive crmt-calls-table' }, el('thead', {}, head), el('tbody', {}, ...rows));
  }

  #player(callId: string): HTMLElement {
    const cell = el('span', { class: 'crmt-player' });
    const button = el('button', { type: 'button', class: 'crmt-play', 'aria-label': 'Play the recording' }, 'Play');
    button.addEventListener('click', () => {
      button.disabled = true;
      this.#api.get<RecordingInfo>(`/api/calls/${encodeURIComponent(callId)}/recording`).then(
        (info) => {
          const rec = info.recording;
          if (rec && rec.audio && rec.url?.startsWith('/api/')) {
            const audio = el('audio', { controls: '', preload: 'none', src: this.#api.url(rec.url) });
            cell.replaceChildren(audio);
            void audio.play().catch(() => undefined);
          } else cell.replaceChildren(el('span', { class: 'crmt-muted' }, rec?.reason ?? info.reason ?? 'No recording.'));
        },
        () => cell.replaceChildren(el('span', { class: 'crmt-muted' }, 'The recording cannot be played now.')),
      );
    });
    cell.append(button);
    return cell;
  }
}
