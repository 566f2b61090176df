/**
 * The crm-telephony widget in SuiteCRM's pages: screen pops, click-to-call beside phone numbers,
 * and a "Phone calls" panel on contacts, accounts and leads. Loaded by the package's logic hook
 * (src/crm/suitecrm-package/) once the page has loaded, with the SuiteCRM user's id and a signed
 * token; it signs in to our service with them and works from then on. It speaks the SuiteCRM user's
 * language (`widgetLocale`: what the hook and the page say, then the browser's).
 *
 * First rule: SuiteCRM's page works exactly as before whatever happens to us. Until the sign-in
 * succeeds the widget changes nothing on the page; every failure after that stays inside the
 * widget (no uncaught errors, no rejected promises left over); what it adds floats above the page
 * or sits in SuiteCRM's own cells, so nothing of SuiteCRM's moves; and when the service goes away
 * it retries quietly, with at most a small notice in a corner.
 */
import type { CallCandidateView, CallMessage } from '../pops/wire.ts';
import { widgetTranslator, type WidgetTranslator } from './i18n.ts';
import { readConfig, widgetLocale, type WidgetConfig } from './config.ts';
import { el, safely } from './dom.ts';
import { Api, ServiceError } from './http.ts';
import { isTransient, signIn, type Session } from './session.ts';
import { CallStream } from './stream.ts';
import { PopStack, type RecordRef } from './pops.ts';
import { PhoneButtons } from './phone-buttons.ts';
import { CallsPanel } from './calls-panel.ts';
import { Notice } from './notice.ts';
import { WIDGET_CSS } from './styles.ts';
import { isTerminal } from '../pops/card-state.ts';
import { isRecordModule, OWN, SUITECRM7_PAGE, TYPE_OF_MODULE, type RecordType, type SuitePage, type SuiteRecord } from './suitecrm-page.ts';
import { SUITECRM8_PAGE } from './suitecrm8-page.ts';
import { suiteIdentity } from './suitecrm8-sso.ts';

const GUARD = 'crmTelephonyWidget';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function ours(node: Node): boolean {
  const e = node instanceof Element ? node : node.parentElement;
  return e !== null && e.closest(`[${OWN}]`) !== null;
}

class Widget {
  #config: WidgetConfig;
  readonly #page: SuitePage;
  readonly #tr: WidgetTranslator;
  /** The notice's text while it says the service is offline (it goes when the service is back). */
  readonly #offline: string;
  readonly #api: Api;
  readonly #notice: Notice;
  #stream: CallStream | null = null;
  #buttons: PhoneButtons | null = null;
  #panel: CallsPanel | null = null;
  #observer: MutationObserver | null = null;
  #scanTimer: ReturnType<typeof setTimeout> | null = null;
  #offlineTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #refs = new Map<string, RecordRef>();
  readonly #ourRecords = new Map<string, { type: RecordType; id: string } | null>();
  #pops: PopStack | null = null;
  #style: HTMLStyleElement | null = null;
  readonly #onHash = (): void => this.#hashChanged();
  #identityTimer: ReturnType<typeof setInterval> | null = null;
  #left = false;
  /** SuiteCRM 8: the person signed out of SuiteCRM (or another signed in) without a page load. */
  readonly #onLeft: (() => void) | undefined;

  constructor(config: WidgetConfig, tr: WidgetTranslator, onLeft?: () => void) {
    this.#config = config;
    this.#onLeft = onLeft;
    this.#page = config.suitecrm === 8 ? SUITECRM8_PAGE : SUITECRM7_PAGE;
    this.#tr = tr;
    this.#offline = tr.t('widget.notice.offline');
    this.#api = new Api(config.service, tr);
    this.#notice = new Notice(tr);
  }

  async start(): Promise<void> {
    const session = await this.#signIn();
    if (!session) return;
    this.#api.csrfToken = session.csrfToken;
    this.#api.onSignedOut = () => this.#signedOut();
    this.#mount(session);
  }

  async #signIn(): Promise<Session | null> {
    let pause = 2000;
    let unknown = 0;
    let tries = 0;
    for (;;) {
      try {
        // SuiteCRM 8 signs a token on request: a fresh one for every try (a retry after the
        // service was down for minutes must not bring an expired one).
        if (this.#config.suitecrm === 8 && tries++ > 0) this.#config = await identify(this.#config);
        const session = await signIn(this.#api, this.#config);
        if (this.#notice.text === this.#offline) this.#notice.hide();
        return session;
      } catch (err) {
        // A user the sync has not brought yet is a matter of seconds; one it never brings (a
        // SuiteCRM user with no phone) is not worth more than a few tries.
        if (err instanceof ServiceError && err.code === 'SSO_UNKNOWN_USER' && ++unknown > 3) return null;
        if (!isTransient(err)) {
          // Not signed in, and retrying will not help: say why once, quietly, and stay out of the way.
          const code = err instanceof ServiceError ? err.code : '';
          if (code === 'OTHER_SESSION' || code === 'COOKIE_BLOCKED' || code === 'SSO_EXPIRED' || code === 'SSO_REPLAYED') this.#attach(this.#notice.element);
          if (code === 'SSO_EXPIRED' || code === 'SSO_REPLAYED') this.#notice.show(this.#tr.t('widget.notice.reloadToSignIn'));
          else if (code === 'OTHER_SESSION' || code === 'COOKIE_BLOCKED') this.#notice.show(this.#tr.t('widget.notice.off', { reason: (err as ServiceError).message }));
          return null;
        }
        if (err instanceof ServiceError && err.httpStatus === 0) {
          this.#attach(this.#notice.element);
          this.#notice.show(this.#offline);
        }
        await sleep(pause * (0.75 + Math.random() * 0.5));
        pause = Math.min(pause * 2, 60_000);
      }
    }
  }

  #attach(node: Node): void {
    if (!node.isConnected) document.body.append(node);
  }

  #mount(session: Session): void {
    const style = el('style', { [OWN]: 'style' });
    style.textContent = WIDGET_CSS;
    document.head.append(style);
    this.#style = style;
    const pops = new PopStack({
      resolve: (candidates) => this.#resolveRefs(candidates),
      consoleUrl: (type, id) => `${this.#config.service}/records/${type}/${encodeURIComponent(id)}`,
      tr: this.#tr,
      recordUrl: (module, id) => this.#page.recordPageUrl(module, id),
    });
    this.#pops = pops;
    this.#attach(pops.element);
    this.#attach(this.#notice.element);

    this.#buttons = new PhoneButtons({ extension: session.user.primaryExtension, tr: this.#tr, page: this.#page, onCall: (number, cell, button) => void this.#call(number, cell, button) });
    this.#buttons.listen(document);
    this.#panel = new CallsPanel(this.#api, session.user, this.#page);
    // SuiteCRM 8 routes by the hash: a new record may reuse the same view (the observer sees its fields change too).
    window.addEventListener('hashchange', this.#onHash);
    if (this.#config.suitecrm === 8) {
      // A sign-out goes to the sign-in route (handled at once); a session that ended elsewhere
      // (timed out, another tab) is found by asking SuiteCRM now and then.
      this.#identityTimer = setInterval(() => void this.#checkIdentity(), IDENTITY_CHECK_MS);
    }
    this.#scan();

    this.#observer = new MutationObserver((records) => {
      // Our own insertions (a button, the panel) need no new scan.
      const theirs = records.some((r) => !ours(r.target) && ([...r.addedNodes].some((n) => !ours(n)) || [...r.removedNodes].some((n) => !(n instanceof Element && n.hasAttribute(OWN)))));
      if (theirs) this.#scheduleScan();
    });
    this.#observer.observe(document.body, { childList: true, subtree: true });

    this.#stream = new CallStream({
      url: this.#api.url('/api/events'),
      onMessage: (m: CallMessage) =>
        safely(() => {
          pops.update(m);
          if (isTerminal(m.state)) setTimeout(() => safely(() => this.#panel?.refresh()), 1000);
        }),
      onState: (state) => {
        if (state === 'live') {
          if (this.#offlineTimer) clearTimeout(this.#offlineTimer);
          this.#offlineTimer = null;
          if (this.#notice.text === this.#offline) this.#notice.hide();
        } else if (state === 'down' && !this.#offlineTimer) {
          this.#offlineTimer = setTimeout(() => this.#notice.show(this.#offline), 10_000);
        }
      },
      stillSignedIn: async () => {
        try {
          const s = await this.#api.get<{ crmUserId: string | null }>('/api/crm/session');
          return s.crmUserId === this.#config.user;
        } catch (err) {
          if (err instanceof ServiceError && err.httpStatus === 401) return false;
          throw err;
        }
      },
    });
    this.#stream.start();
  }

  #hashChanged(): void {
    if (this.#config.suitecrm === 8 && isSignInRoute(location.hash)) {
      // SuiteCRM 8 signs out without a page load: nothing of this person may stay on the page.
      void this.#leave();
      return;
    }
    this.#scheduleScan();
  }

  /** SuiteCRM 8: still the same person signed in? If not, leave (the next person starts afresh). */
  async #checkIdentity(): Promise<void> {
    if (this.#left) return;
    const found = await suiteIdentity(document);
    if (found === 'unavailable' || (typeof found === 'object' && found.user === this.#config.user)) return;
    await this.#leave();
  }

  /**
   * Takes everything of this person off the page (stream, pops, buttons, panel, notice), ends their
   * session with our service, and hands over to whoever signs in next.
   */
  async #leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    safely(() => {
      window.removeEventListener('hashchange', this.#onHash);
      if (this.#identityTimer) clearInterval(this.#identityTimer);
      if (this.#scanTimer) clearTimeout(this.#scanTimer);
      if (this.#offlineTimer) clearTimeout(this.#offlineTimer);
      this.#stream?.stop();
      this.#observer?.disconnect();
      this.#buttons?.unlisten(document);
      this.#buttons?.clear(document.body);
      document.querySelector('.crmt-calls')?.remove();
      this.#pops?.element.remove();
      this.#notice.element.remove();
      this.#style?.remove();
    });
    try {
      await this.#api.post('/api/logout', {});
    } catch {
      // The service down or the session gone already: nothing of it is on the page any more.
    }
    this.#onLeft?.();
  }

  #scheduleScan(): void {
    if (this.#scanTimer) return;
    this.#scanTimer = setTimeout(() => {
      this.#scanTimer = null;
      this.#scan();
    }, 40);
  }

  #scan(): void {
    safely(() => this.#buttons?.scan(document.body));
    safely(() => this.#panel?.sync(document));
  }

  async #resolveRefs(candidates: readonly CallCandidateView[]): Promise<Map<string, RecordRef>> {
    const wanted = candidates.map((c) => `${c.type}:${c.id}`).filter((k) => !this.#refs.has(k));
    if (wanted.length > 0) {
      const { refs } = await this.#api.get<{ refs: RecordRef[] }>(`/api/crm/refs?refs=${encodeURIComponent(wanted.slice(0, 25).join(','))}`);
      for (const r of refs) this.#refs.set(`${r.type}:${r.id}`, r);
    }
    const out = new Map<string, RecordRef>();
    for (const c of candidates) {
      const r = this.#refs.get(`${c.type}:${c.id}`);
      if (r) out.set(`${c.type}:${c.id}`, r);
    }
    return out;
  }

  /** Our record for a SuiteCRM record (cached; null when the directory does not have it). */
  async #ourRecord(record: SuiteRecord): Promise<{ type: RecordType; id: string } | null> {
    if (!isRecordModule(record.module)) return null;
    const key = `${record.module}:${record.id}`;
    if (this.#ourRecords.has(key)) return this.#ourRecords.get(key)!;
    try {
      const found = await this.#api.get<{ record: { type: RecordType; id: string } }>(`/api/crm/record?module=${encodeURIComponent(record.module)}&id=${encodeURIComponent(record.id)}`);
      this.#ourRecords.set(key, found.record);
      return found.record;
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'NOT_FOUND') this.#ourRecords.set(key, null);
      return null;
    }
  }

  async #call(number: string, cell: HTMLElement, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const record = this.#page.recordOfCell(cell, document);
      const mine = record ? await this.#ourRecord(record) : null;
      const name = record ? this.#page.recordName(cell, record, document) : null;
      const entity = mine && record && TYPE_OF_MODULE[record.module as keyof typeof TYPE_OF_MODULE] === mine.type ? { ...mine, ...(name ? { name } : {}) } : undefined;
      const placed = await this.#api.post<{ message: string }>('/api/calls', entity ? { number, entity } : { number });
      this.#notice.show(placed.message, 8000);
    } catch (err) {
      this.#notice.show(err instanceof ServiceError ? err.message : this.#tr.t('widget.notice.callFailed'), 10_000);
    } finally {
      button.disabled = false;
    }
  }

  #signedOut(): void {
    safely(() => {
      this.#stream?.stop();
      this.#observer?.disconnect();
      this.#buttons?.unlisten(document);
      this.#buttons?.clear(document.body);
      document.querySelector('.crmt-calls')?.remove();
      this.#notice.show(this.#tr.t('widget.notice.signedOut'));
    });
  }
}

/**
 * SuiteCRM 8: the signed-in user, language and a fresh token, from SuiteCRM's API. Until someone
 * is signed in (the sign-in page, `#/Login`) it waits for the app to move to another route (a
 * sign-in does not reload the page) or a minute; when SuiteCRM does not answer, it retries later.
 */
async function identify(config: WidgetConfig): Promise<WidgetConfig> {
  let pause = 5000;
  for (;;) {
    const route = location.hash;
    const found = await suiteIdentity(document);
    if (typeof found === 'object') return { ...config, user: found.user, token: found.token, language: found.language ?? config.language };
    if (found === 'signed-out') {
      // The app may have moved on (a sign-in) while SuiteCRM answered: then ask again at once.
      if (location.hash === route) await routeChangeOr(60_000);
    } else {
      await sleep(pause * (0.75 + Math.random() * 0.5));
      pause = Math.min(pause * 2, 60_000);
    }
  }
}

/** How often a SuiteCRM 8 page asks SuiteCRM who is signed in, once the widget runs. */
const IDENTITY_CHECK_MS = 5 * 60_000;

/** SuiteCRM 8's sign-in route (`#/Login`, also after a sign-out or an expired session). */
function isSignInRoute(hash: string): boolean {
  return /^#\/login\b/i.test(hash);
}

function routeChangeOr(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      window.removeEventListener('hashchange', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener('hashchange', done);
  });
}

function boot(): void {
  const w = window as unknown as Record<string, unknown>;
  if (w[GUARD]) return;
  const config = readConfig(document);
  if (!config) return;
  w[GUARD] = true;
  const start = (): void =>
    safely(() => {
      if (config.suitecrm === 8) {
        // The language comes with the identity; SuiteCRM 8's <html lang> is always "en". When the
        // person signs out (no page load), the widget leaves and waits for whoever signs in next.
        const run = (): void => {
          identify(config)
            .then((known) => new Widget(known, widgetTranslator(widgetLocale(known, null, navigator)), run).start())
            .catch(() => undefined);
        };
        run();
        return;
      }
      new Widget(config, widgetTranslator(widgetLocale(config, document, navigator))).start().catch(() => undefined);
    });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}

safely(boot);
