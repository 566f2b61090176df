/**
 * The widget's only door to the service: JSON over fetch, cross-origin with the session cookie,
 * the CSRF token on every state-changing request, a deadline on every request, and the service's
 * errors carried as it worded them. A service that is down or slow is an error like any other,
 * never an exception left to SuiteCRM's page.
 */
import { CrmTelephonyError, type ErrorCode } from '../errors.ts';
import type { WidgetTranslator } from './i18n.ts';

/** A failed request: the catalogue's error (its code, typed; its message for people), with the HTTP status. */
export class ServiceError extends CrmTelephonyError {
  /** The HTTP status the service answered with; 0 when it did not answer. */
  readonly httpStatus: number;

  constructor(httpStatus: number, code: ErrorCode, message: string) {
    super(code, message, { httpStatus });
    this.name = 'ServiceError';
    this.httpStatus = httpStatus;
  }
}

export class Api {
  readonly base: string;
  /** The widget's language: its own words, and the service's (sent as Accept-Language). */
  readonly tr: WidgetTranslator;
  /** Set after sign-in; sent as x-csrf-token with every POST. */
  csrfToken: string | null = null;
  /** Called when the service says the session is gone (401 on an authenticated route). */
  onSignedOut: (() => void) | null = null;

  constructor(base: string, tr: WidgetTranslator) {
    this.base = base;
    this.tr = tr;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  get<T>(path: string): Promise<T> {
    return this.#request<T>('GET', path);
  }

  post<T>(path: string, body: unknown, options: { csrfToken?: string | null } = {}): Promise<T> {
    return this.#request<T>('POST', path, body, options.csrfToken);
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown, csrf?: string | null): Promise<T> {
    // Accept-Language: the service words its answers (errors, "Ringing your phone") in the SuiteCRM
    // user's language rather than the browser's. A bare tag is CORS-safelisted: no preflight.
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': this.tr.locale };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = csrf === undefined ? this.csrfToken : csrf;
    if (method === 'POST' && token) headers['x-csrf-token'] = token;
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        mode: 'cors',
        credentials: 'include',
        cache: 'no-store',
        signal: AbortSignal.timeout(10_000),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ServiceError(0, 'NETWORK', this.tr.t('widget.service.noAnswer'));
    }
    let data: unknown;
    try {
      const text = await res.text();
      data = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      // A reply not from the service (a proxy's error page) carries no code of ours.
      const code = (typeof err?.code === 'string' ? err.code : res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST') as ErrorCode;
      const message = typeof err?.message === 'string' ? err.message : this.tr.t('widget.service.status', { status: String(res.status) });
      if (res.status === 401 && code === 'AUTH_REQUIRED') this.onSignedOut?.();
      throw new ServiceError(res.status, code, message);
    }
    return data as T;
  }
}
