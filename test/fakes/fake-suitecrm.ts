/**
 * A fake SuiteCRM 7.14.6 or 8.7.1 for tests and benchmarks: an HTTP server that answers API v8, the
 * OAuth2 token endpoint and the legacy REST v4_1 the way the recordings in test/fixtures/suitecrm-api/
 * (7) and test/fixtures/suitecrm8-api/ (8) show, quirks included (test/crm/fake-suitecrm-replay.test.ts
 * replays all of them against it). SuiteCRM 8 (`version: '8'`) serves the same APIs under `/legacy`,
 * answers SuiteCRM 7's paths with a 404 (JSON or a Slim HTML page, by Accept) and `/` with its
 * Angular shell; the data and module definitions come from either recording set (8.7.1's has no
 * custom fields: `recordings: 'suitecrm8-api'`). Both mark v8 answers cacheable for a month, as
 * SuiteCRM's .htaccess does. It starts
 * with the recorded fixture (3 users, 3 accounts, 5 contacts, 3 leads), can add 100k generated
 * contacts, and takes creates, edits, links and deletes. Latency, failures, an outage and token
 * expiry are injectable; its clock and new ids can be set, so that a replay matches byte for byte.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { generateRecords, type GenerateOptions } from './suitecrm/generate.ts';
import { FakeLegacy } from './suitecrm/legacy.ts';
import { FakeOAuth, type FakeClient } from './suitecrm/oauth.ts';
import { parsePhpQuery } from './suitecrm/php-query.ts';
import { compact, CT_JSON, CT_VND, v8Ok, type FakeAnswer } from './suitecrm/render.ts';
import { recordedText, type RecordingSet } from './suitecrm/modules.ts';
import { FakeStore, suiteId } from './suitecrm/store.ts';
import { currentUser, moduleRoute } from './suitecrm/v8.ts';

export const FAKE_CLIENT_ID = '5a1f0c11-0000-4000-8000-000000000001';
export const FAKE_PASSWORD_CLIENT_ID = '5a1f0c11-0000-4000-8000-000000000002';
export const FAKE_CLIENT_SECRET = 'fake-client-secret';
/** The password of every fixture user (admin, agent101, agent102) unless set otherwise. */
export const FAKE_USER_PASSWORD = 'password';

export interface FakeRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /**
   * The path under the API root, the same on both versions (`/Api/V8/module`, `/service/v4_1/rest.php`):
   * SuiteCRM 8's `/legacy` is taken off. A request outside it (SuiteCRM 8: `/Api/...`) keeps its path.
   */
  path: string;
  /** The path as sent. */
  sitePath: string;
  /** The request's Accept header. */
  accept: string;
  /** Every request header, as Node gives them (lower-case names). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

export interface FakeRequestLog extends FakeRequest {
  status: number | null;
  fault: FaultKind | null;
}

/**
 * status-500 / status-503: an Apache error page, nothing done. reset: the connection is dropped
 * before anything is done. hang: no answer at all (the client's deadline ends it). lose-response: the
 * request is carried out, then the connection dropped (the answer is lost). slow: carried out, and
 * answered after `delayMs`. junk: carried out, and `text` printed after the JSON (as PHP notices are).
 */
export type FaultKind = 'status-500' | 'status-503' | 'reset' | 'hang' | 'lose-response' | 'slow' | 'junk';

interface Fault {
  kind: FaultKind;
  remaining: number;
  when: (req: FakeRequest) => boolean;
  delayMs: number;
  text: string;
}

export interface FakeSuiteCrmOptions {
  /** Load the recorded fixture. Default true. */
  fixture?: boolean;
  /** The server's clock (dates it stamps, token expiry). Default Date.now. */
  now?: () => number;
  /** Ids of new records. Default random SuiteCRM-style ids. */
  newId?: () => string;
  /** Delay before each answer, in ms (or per request). Default 0. */
  latencyMs?: number | ((req: FakeRequest) => number);
  /** OAuth2 clients; default a client_credentials client (FAKE_CLIENT_ID) and a password client. */
  clients?: Record<string, FakeClient>;
  /** Keep each request's log entry (tests). Default true. */
  logRequests?: boolean;
  /** Which SuiteCRM it is: 7 (APIs at the site root) or 8 (under /legacy). Default 7; `setVersion` changes it (an upgrade). */
  version?: '7' | '8';
  /** The data and module definitions: SuiteCRM 7.14.6's recordings (default, with the custom fields) or 8.7.1's. */
  recordings?: RecordingSet;
}

/** SuiteCRM 8 runs its legacy code, and the APIs, under this folder. */
export const SUITECRM8_LEGACY = '/legacy';

export class FakeSuiteCrm {
  readonly store: FakeStore;
  readonly oauth: FakeOAuth;
  readonly legacy: FakeLegacy;
  readonly requests: FakeRequestLog[] = [];
  /** Requests answered and bytes of answers sent (benchmarks). */
  answered = 0;
  bytesSent = 0;
  latencyMs: number | ((req: FakeRequest) => number);
  /** 7 or 8; see `setVersion`. */
  version: '7' | '8';
  #server: Server | null = null;
  #port = 0;
  #down = false;
  readonly #sockets = new Set<Socket>();
  #faults: Fault[] = [];
  readonly #logRequests: boolean;

  constructor(options: FakeSuiteCrmOptions = {}) {
    this.store = new FakeStore({ now: options.now ?? Date.now, newId: options.newId ?? suiteId, fixture: options.fixture ?? true, ...(options.recordings ? { recordings: options.recordings } : {}) });
    this.version = options.version ?? '7';
    const clients = new Map(
      Object.entries(
        options.clients ?? {
          [FAKE_CLIENT_ID]: { secret: FAKE_CLIENT_SECRET, grant: 'client_credentials', userId: '1' },
          [FAKE_PASSWORD_CLIENT_ID]: { secret: FAKE_CLIENT_SECRET, grant: 'password' },
        },
      ),
    );
    this.oauth = new FakeOAuth(this.store, clients);
    this.legacy = new FakeLegacy(this.store, () => (this.version === '8' ? '8.7.1' : '7.14.6'));
    this.latencyMs = options.latencyMs ?? 0;
    this.#logRequests = options.logRequests ?? true;
  }

  /** The site root (what SUITECRM_URL is set to, on either version). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Where the APIs are: the site root on 7, `<site>/legacy` on 8. */
  get apiRoot(): string {
    return this.version === '8' ? `${this.url}${SUITECRM8_LEGACY}` : this.url;
  }

  /** The site becomes another version (an upgrade from 7 to 8): the APIs move, the data stays. */
  setVersion(version: '7' | '8'): void {
    this.version = version;
  }

  async start(port = 0): Promise<string> {
    const server = createServer({ keepAlive: true }, (req, res) => void this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port || this.#port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as { port: number }).port;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** An outage: the port refuses connections (and open ones drop) until `setDown(false)`. */
  async setDown(down: boolean): Promise<void> {
    if (down === this.#down) return;
    this.#down = down;
    if (down) await this.stop();
    else await this.start(this.#port);
  }

  /** The next `times` requests matching `when` meet this fault (default once, any request). */
  fail(kind: FaultKind, options: { times?: number; when?: (req: FakeRequest) => boolean; delayMs?: number; text?: string } = {}): void {
    this.#faults.push({ kind, remaining: options.times ?? 1, when: options.when ?? (() => true), delayMs: options.delayMs ?? 0, text: options.text ?? 'Provide both a User Name and an Email Address.' });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /** Every access token issued so far expires (as an hour passing would). */
  expireTokens(): void {
    this.oauth.expireAll();
  }

  /** A new record, as a person would create it in SuiteCRM; returns its id. */
  add(module: string, attrs: Record<string, unknown>): string {
    return this.store.create(module, attrs).id;
  }

  /** An edit in SuiteCRM (date_modified moves). */
  edit(module: string, id: string, attrs: Record<string, unknown>): void {
    if (!this.store.update(module, id, attrs)) throw new Error(`fake SuiteCRM: no ${module} ${id}`);
  }

  /** A delete in SuiteCRM (soft: v4_1 `deleted: 1` lists it, v8 forgets it). */
  remove(module: string, id: string): void {
    if (!this.store.softDelete(module, id)) throw new Error(`fake SuiteCRM: no ${module} ${id}`);
  }

  generate(options: GenerateOptions): { accounts: string[]; contacts: string[] } {
    return generateRecords(this.store, options);
  }

  /** Calls (not deleted) whose description holds `text`. */
  callsMentioning(text: string): { id: string; attrs: Record<string, unknown> }[] {
    return [...this.store.inIdOrder('Calls')].filter((r) => !r.deleted && String(r.attrs['description'] ?? '').includes(text));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const sitePath = q === -1 ? url : url.slice(0, q);
    const underApi = this.version === '8' && (sitePath === SUITECRM8_LEGACY || sitePath.startsWith(`${SUITECRM8_LEGACY}/`));
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      url,
      path: underApi ? sitePath.slice(SUITECRM8_LEGACY.length) || '/' : sitePath,
      sitePath,
      accept: String(req.headers['accept'] ?? ''),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const log: FakeRequestLog = { ...request, status: null, fault: null };
    if (this.#logRequests) this.requests.push(log);
    const fault = this.#takeFault(request);
    log.fault = fault?.kind ?? null;
    const latency = typeof this.latencyMs === 'function' ? this.latencyMs(request) : this.latencyMs;
    if (latency > 0) await sleep(latency);
    if (fault?.kind === 'reset') return void res.socket?.destroy();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status-500' || fault?.kind === 'status-503') {
      log.status = fault.kind === 'status-500' ? 500 : 503;
      res.writeHead(log.status, { 'Content-Type': 'text/html; charset=iso-8859-1' });
      return void res.end(`<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head><title>${log.status}</title></head><body><h1>Server error</h1></body></html>\n`);
    }
    let answer: FakeAnswer;
    try {
      answer = this.#route(request, req.headers['content-type'] ?? '', req.headers['authorization']);
    } catch (err) {
      answer = { status: 500, contentType: 'text/html', body: `<b>Fatal error</b>: ${(err as Error).message}` };
    }
    if (fault?.kind === 'lose-response') return void res.socket?.destroy();
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    log.status = answer.status;
    this.answered++;
    this.bytesSent += Buffer.byteLength(answer.body);
    const headers: Record<string, string> = { 'Content-Type': answer.contentType, Date: new Date(this.store.now()).toUTCString() };
    if (answer.status < 300 && answer.contentType === CT_VND) {
      // mod_expires in SuiteCRM's .htaccess (`ExpiresDefault "access plus 1 month"`): lists look cacheable for a month.
      headers['Cache-Control'] = 'max-age=2592000';
      headers['Expires'] = new Date(this.store.now() + 2_592_000_000).toUTCString();
    }
    res.writeHead(answer.status, headers);
    res.end(fault?.kind === 'junk' ? answer.body + fault.text : answer.body);
  }

  #takeFault(req: FakeRequest): Fault | null {
    for (const f of this.#faults) {
      if (f.remaining > 0 && f.when(req)) {
        f.remaining--;
        return f;
      }
    }
    return null;
  }

  #route(req: FakeRequest, contentType: string, authorization: string | undefined): FakeAnswer {
    const { method, path } = req;
    if (this.version === '8' && req.sitePath === path) return this.#outsideLegacy(req);
    if (path === '/Api/access_token' && method === 'POST') return this.oauth.tokenEndpoint(contentType, req.body);
    if (path === '/service/v4_1/rest.php' && method === 'POST') return this.legacy.handle(req.body);
    if (path.startsWith('/Api/V8/')) {
      const auth = this.oauth.authenticate(authorization);
      if ('status' in auth) return auth;
      if (path === '/Api/V8/logout' && method === 'POST') {
        this.oauth.revoke(authorization);
        return v8Ok({ meta: { message: 'You have been successfully logged out' }, data: [] });
      }
      if (path === '/Api/V8/current-user' && method === 'GET') return currentUser(this.store, auth.userId);
      if (path === '/Api/V8/module' || path.startsWith('/Api/V8/module/')) {
        const segments = path.slice('/Api/V8/module'.length).split('/').slice(1).map((s) => decodeURIComponent(s));
        return moduleRoute(this.store, { method, segments, query: parsePhpQuery(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : ''), body: req.body, userId: auth.userId });
      }
    }
    return { status: 404, contentType: CT_JSON, body: compact({ message: 'Not Found' }) };
  }

  /**
   * SuiteCRM 8 outside `/legacy`: `GET /` is the Angular app (file 06); anything else, SuiteCRM 7's API
   * paths included, is a 404 whose body follows Accept: JSON to a JSON Accept (files 04, 05), a Slim
   * HTML page otherwise (file 07).
   */
  #outsideLegacy(req: FakeRequest): FakeAnswer {
    if (req.method === 'GET' && req.path === '/') return { status: 200, contentType: 'text/html; charset=UTF-8', body: ANGULAR_SHELL };
    if (/\bjson\b/i.test(req.accept)) return { status: 404, contentType: CT_JSON, body: compact({ message: 'Not found' }) };
    return { status: 404, contentType: 'text/html;charset=UTF-8', body: SLIM_404 };
  }
}

/** SuiteCRM 8 outside `/legacy`: its Symfony app. Only what the recordings show (files 04-07). */
const SLIM_404 = recordedText('suitecrm8-api', '07_sc7_path_api_access_token_404_html.json');
const ANGULAR_SHELL = recordedText('suitecrm8-api', '06_root_angular_app_index.json');

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
