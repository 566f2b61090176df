/**
 * A fake SuiteCRM 7.14.6 for tests and benchmarks: an HTTP server that answers API v8, the OAuth2
 * token endpoint and the legacy REST v4_1 the way the recordings in test/fixtures/suitecrm-api/ show,
 * quirks included (test/crm/fake-suitecrm-replay.test.ts replays all of them against it). It starts
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
import { compact, CT_JSON, v8Ok, type FakeAnswer } from './suitecrm/render.ts';
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
  path: string;
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
}

export class FakeSuiteCrm {
  readonly store: FakeStore;
  readonly oauth: FakeOAuth;
  readonly legacy: FakeLegacy;
  readonly requests: FakeRequestLog[] = [];
  /** Requests answered and bytes of answers sent (benchmarks). */
  answered = 0;
  bytesSent = 0;
  latencyMs: number | ((req: FakeRequest) => number);
  #server: Server | null = null;
  #port = 0;
  #down = false;
  readonly #sockets = new Set<Socket>();
  #faults: Fault[] = [];
  readonly #logRequests: boolean;

  constructor(options: FakeSuiteCrmOptions = {}) {
    this.store = new FakeStore({ now: options.now ?? Date.now, newId: options.newId ?? suiteId, fixture: options.fixture ?? true });
    const clients = new Map(
      Object.entries(
        options.clients ?? {
          [FAKE_CLIENT_ID]: { secret: FAKE_CLIENT_SECRET, grant: 'client_credentials', userId: '1' },
          [FAKE_PASSWORD_CLIENT_ID]: { secret: FAKE_CLIENT_SECRET, grant: 'password' },
        },
      ),
    );
    this.oauth = new FakeOAuth(this.store, clients);
    this.legacy = new FakeLegacy(this.store);
    this.latencyMs = options.latencyMs ?? 0;
    this.#logRequests = options.logRequests ?? true;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
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
    const request: FakeRequest = { method: req.method ?? 'GET', url, path: q === -1 ? url : url.slice(0, q), body: Buffer.concat(chunks).toString('utf8') };
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
    res.writeHead(answer.status, { 'Content-Type': answer.contentType, Date: new Date(this.store.now()).toUTCString() });
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
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
