/**
 * The console's only door to the service: JSON over fetch with the session cookie, the CSRF token
 * on every state-changing request, and errors carried as the service worded them.
 */
import { CrmTelephonyError, type ErrorCode } from '../errors.ts';
import type { ApiUser, LoggedCall, PbxState, RecordCard, RecordType } from './types.ts';
import type { Locale } from '../i18n/locales.ts';
import { browserTranslator as translator, type BrowserTranslator as Translator } from '../i18n/browser.ts';
import { browserLocale } from './i18n.ts';

/** A failed request: the catalogue's error (its code, typed; its message for people), with the HTTP status. */
export class ApiError extends CrmTelephonyError {
  /** The HTTP status the service answered with; 0 when it did not answer. */
  readonly httpStatus: number;

  constructor(httpStatus: number, code: ErrorCode, message: string) {
    super(code, message, { httpStatus });
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
  }
}

let csrfToken: string | null = null;
// The console's own words (the service words its answers itself, in the same language).
let tr: Translator = translator(browserLocale());

/** Called when the console's language is known or changes. */
export function setApiLanguage(language: Translator): void {
  tr = language;
}
let onSignedOut: (() => void) | null = null;

/** Called after sign-in and on start-up (from GET /api/me): later POSTs echo it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (expired, signed out elsewhere). */
export function onSessionLost(handler: (() => void) | null): void {
  onSignedOut = handler;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', tr.t('console.api.network'));
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login' && path !== '/api/me') onSignedOut?.();
    const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    // A reply not from the service (a proxy's error page) carries no code of ours.
      const code = (typeof err?.code === 'string' ? err.code : res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST') as ErrorCode;
    const message = typeof err?.message === 'string' ? err.message : tr.t('console.api.status', { status: `${res.status} ${res.statusText || ''}`.trim() });
    throw new ApiError(res.status, code, message);
  }
  return data as T;
}

/** Asked once per page load: whether the service runs in demo mode does not change meanwhile. */
let demoProbe: Promise<boolean> | undefined;

/** A page of the call log: `next` asks for the page after it; null when this one is the last. */
export interface CallPage {
  calls: LoggedCall[];
  next: string | null;
}

export interface Session {
  user: ApiUser;
  csrfToken: string | null;
  /** The language the person picked; null: none (the browser's). */
  locale?: Locale | null;
}

export interface PlacedCall {
  clickToCallId: string;
  extension: string;
  dialled: string;
  message: string;
}

export interface EntityRef {
  type: RecordType;
  id: string;
  name?: string;
}

export const api = {
  me: () => request<Session>('GET', '/api/me'),
  login: (login: string, password: string) => request<Session>('POST', '/api/login', { login, password }),
  logout: () => request<{ ok: true }>('POST', '/api/logout', {}),
  setLanguage: (locale: Locale | null) => request<{ locale: Locale | null }>('PUT', '/api/me/language', { locale }),

  myCalls: (limit = 500) => request<CallPage>('GET', `/api/calls?limit=${limit}`),
  /** A record's calls, newest first, a page at a time (`cursor`: the `next` of the page before). */
  callsForRecord: (type: RecordType, id: string, cursor?: string) =>
    request<CallPage>('GET', `/api/calls?entity=${encodeURIComponent(`${type}:${id}`)}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  missedCalls: (includeHandled: boolean) => request<CallPage>('GET', `/api/calls/missed${includeHandled ? '?unhandled=0' : ''}`),
  markHandled: (callId: string) => request<{ ok: true }>('POST', `/api/calls/${encodeURIComponent(callId)}/handled`, {}),
  notes: (callId: string) => request<{ notes: CallNote[] }>('GET', `/api/calls/${encodeURIComponent(callId)}/notes`),
  addNote: (callId: string, text: string) => request<{ id: string; createdAt: string }>('POST', `/api/calls/${encodeURIComponent(callId)}/notes`, { text }),
  placeCall: (number: string, entity?: EntityRef) => request<PlacedCall>('POST', '/api/calls', entity ? { number, entity } : { number }),

  searchRecords: (q: string) => request<{ records: RecordCard[] }>('GET', `/api/records?q=${encodeURIComponent(q)}`),
  record: (type: RecordType, id: string) => request<{ record: RecordCard }>('GET', `/api/records/${type}/${encodeURIComponent(id)}`),
  createRecord: (type: 'contact' | 'lead', input: { firstName: string; lastName: string; company?: string; phone: string }) =>
    request<{ record: RecordCard }>('POST', `/api/records/${type}`, input),

  callRecording: (callId: string) => request<CallRecordingView>('GET', `/api/calls/${encodeURIComponent(callId)}/recording`),

  users: () => request<{ users: AdminUser[] }>('GET', '/api/admin/users'),
  saveUser: (input: AdminUserInput) => request<{ user: AdminUser }>('POST', '/api/admin/users', input),
  pbxs: () => request<{ pbxs: PbxConnection[] }>('GET', '/api/admin/pbx'),
  pbxSetup: () => request<PbxSetup>('GET', '/api/admin/pbx/connections'),
  savePbx: (id: string, input: SavedPbxInput) => request<{ message: string }>('PUT', `/api/admin/pbx/connections/${encodeURIComponent(id)}`, input),
  removePbx: (id: string) => request<{ message: string }>('DELETE', `/api/admin/pbx/connections/${encodeURIComponent(id)}`),

  /** Whether the demo's "simulate an incoming call" exists (the health check says so in demo mode). */
  demoAvailable: (): Promise<boolean> =>
    (demoProbe ??= request<{ demo?: boolean }>('GET', '/api/health').then(
      (h) => h.demo === true,
      () => false,
    )),
  simulateCall: (input: { extension?: string; from?: string; answer: 'here' | 'elsewhere' | 'none' }) =>
    request<{ callId: string; extension: string; from?: string }>('POST', '/api/demo/call', input),
  /** The extensions the demo may ring: every active user's, with whose it is. */
  demoExtensions: () => request<{ extensions: { extension: string; name: string }[] }>('GET', '/api/demo/extensions'),
};

export type { CallRecordingView } from './components/recording-player.tsx';
import type { CallRecordingView } from './components/recording-player.tsx';

export interface CallNote {
  id: string;
  userId: string | null;
  text: string;
  createdAt: string;
}

/** A PBX connection as the admin page shows it: while not connected, what is wrong and when the service tries again. */
export interface PbxConnection extends PbxState {
  /** What people call it; where it is reached (never a user or secret); how its extensions are written (`101`, `101@hamburg`). */
  name?: string;
  address?: string;
  extensionForm?: string;
  /** With several instances on PostgreSQL: this instance's part in the PBX (`leading`, `standby`, `lost`). */
  lead?: string;
  /** The service's sentence for people (what is wrong, what to do), its stable code, and since when. */
  problem: { code: string; message: string; since: string } | null;
  /** When the next attempt is due (ISO 8601), while waiting for it. */
  retryingAt: string | null;
  /** Gaps in the view of the PBX and their filling from its CDRs (absent from older services). */
  cdr?: {
    source: string | null;
    warning: string | null;
    pendingGaps: number;
    lastGap: { from: string; to: string; cause: string; state: string; corrected: number; rebuilt: number; lastError: string | null } | null;
    filled: { gaps: number; corrected: number; rebuilt: number };
  } | null;
}

/** A PBX saved on the PBX page, as the page may see it: never its secret. */
export interface SavedPbx {
  entry: { id: string; name?: string; ami?: { host: string; port?: number; username: string; auth: 'plain' | 'md5'; tls: boolean | { ca?: string; servername?: string; rejectUnauthorized: boolean } }; settings: Record<string, string | number | boolean> };
  updatedAt: string;
  updatedBy: string | null;
  running: boolean;
}

export interface PbxSetup {
  configured: { id: string; name: string }[];
  saved: SavedPbx[];
  canSave: boolean;
  restartNeeded: boolean;
  why?: string;
}

export interface SavedPbxInput {
  name: string;
  ami: { host: string; port?: number; username: string; auth: 'plain' | 'md5'; tls: boolean };
  /** Empty: keep the one kept. */
  secret?: string;
  settings: Record<string, string>;
}

export interface AdminUser extends ApiUser {
  active: boolean;
}

export interface AdminUserInput {
  login: string;
  name: string;
  role: 'admin' | 'agent';
  password?: string;
  extensions: string[];
  active: boolean;
}

/** Text for an unexpected failure: the service's words when it had some. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return tr.t('console.api.unexpected');
}

