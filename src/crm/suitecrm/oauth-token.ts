/**
 * The OAuth2 access token for API v8 (`client_credentials`): fetched once, shared by every request,
 * renewed shortly before its `expires_in` runs out (SuiteCRM: 3600 s, fixed) or when SuiteCRM says
 * 401. Concurrent requests that find no token wait for the same fetch.
 *
 * SuiteCRM's token errors are league/oauth2 bodies. Only their `error` code is used: the message of a
 * failed password grant holds the password (recording 06), so no part of it is ever repeated.
 */
import { CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';
import { ApiLocator, type SuiteCrmApiRoot } from './api-locator.ts';
import { parseFirstJson } from './json-body.ts';
import type { HttpAnswer, Transport } from './transport.ts';

export interface TokenSourceOptions {
  /** SUITECRM_URL (a SuiteCRM 7 or 8 site root): where the API is, is found out (`api-locator.ts`). */
  url: string;
  /** Shares where the API was found with the other clients of the same SuiteCRM; default one of its own. */
  locator?: ApiLocator;
  clientId: string;
  clientSecret: string;
  transport: Transport;
  timeoutMs: number;
  /** Clock for the expiry; default Date.now. */
  now?: () => number;
  /** Renew this long before the token expires. Default 60 s. */
  marginMs?: number;
}

interface Held {
  token: string;
  expiresAt: number;
}

export class TokenSource {
  readonly #o: TokenSourceOptions;
  /** Where the API is (API v8 and v4_1 ask it too). */
  readonly locator: ApiLocator;
  #held: Held | null = null;
  #pending: Promise<string> | null = null;
  /** Tokens fetched so far (status page, tests). */
  fetched = 0;

  constructor(options: TokenSourceOptions) {
    this.#o = options;
    this.locator = options.locator ?? new ApiLocator({ url: options.url, transport: options.transport, timeoutMs: options.timeoutMs });
  }

  /** A token that was valid a moment ago. */
  async get(signal?: AbortSignal): Promise<string> {
    const now = (this.#o.now ?? Date.now)();
    if (this.#held !== null && now < this.#held.expiresAt - (this.#o.marginMs ?? 60_000)) return this.#held.token;
    this.#pending ??= this.#fetch(signal).finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** SuiteCRM refused `token` (401): forget it, so the next `get` fetches another. */
  invalidate(token: string): void {
    if (this.#held?.token === token) this.#held = null;
  }

  async #fetch(signal?: AbortSignal): Promise<string> {
    const o = this.#o;
    let api = await this.locator.locate(signal);
    let answer = await this.#ask(api, signal);
    if (answer.status === 404) {
      // The token endpoint is gone from where it was found: the site moved or was upgraded (7 -> 8).
      const moved = await this.locator.relocate(api, signal);
      if (moved !== null) {
        api = moved;
        answer = await this.#ask(api, signal);
      }
    }
    const url = `${api.root}/Api/access_token`;
    let body: Record<string, unknown> = {};
    try {
      const v = parseFirstJson(answer.text).value;
      if (v !== null && typeof v === 'object') body = v as Record<string, unknown>;
    } catch {
      // judged by the status below
    }
    const errorCode = typeof body['error'] === 'string' && /^[a-z_]{1,40}$/.test(body['error']) ? body['error'] : null;
    if (answer.status === 200 && typeof body['access_token'] === 'string' && body['access_token'] !== '') {
      const expiresIn = typeof body['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : 3600;
      this.#held = { token: body['access_token'], expiresAt: (o.now ?? Date.now)() + expiresIn * 1000 };
      this.fetched++;
      return this.#held.token;
    }
    if (answer.status === 401 || answer.status === 400 || errorCode === 'invalid_client' || errorCode === 'unsupported_grant_type') {
      throw new CrmTelephonyError(
        CrmErrorCodes.CRM_ERR_AUTH,
        `SuiteCRM ${api.version} refused the OAuth2 client${errorCode ? ` (${errorCode})` : ''} (HTTP ${answer.status}). Check SUITECRM_CLIENT_ID and SUITECRM_CLIENT_SECRET: they must be the id and secret of a "Client Credentials" client in SuiteCRM (${api.version === '8' ? 'Administration -> OAuth2 Clients and Tokens -> New Client Credentials Client' : 'Admin -> OAuth2 Clients and Tokens'}).`,
        { status: answer.status, error: errorCode },
      );
    }
    if (answer.status === 404) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `There is no SuiteCRM token endpoint at ${url} (HTTP 404) any more, and none elsewhere under SUITECRM_URL. Set SUITECRM_URL to the SuiteCRM site root (the address you open SuiteCRM at).`, { status: 404 });
    }
    if (answer.status >= 500 || answer.status === 429) {
      throw new CrmTelephonyError(
        CrmErrorCodes.CRM_ERR_UNAVAILABLE,
        `SuiteCRM failed to issue an access token (HTTP ${answer.status}${errorCode ? `, ${errorCode}` : ''}). If this persists, check that SuiteCRM's OAuth2 keys (${api.version === '8' ? 'public/legacy/Api/V8/OAuth2/' : 'Api/V8/OAuth2/'}private.key and public.key) exist and the web server can read them.`,
        { status: answer.status, error: errorCode },
      );
    }
    throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM's token endpoint answered HTTP ${answer.status} without a token. Is SUITECRM_URL the SuiteCRM site root?`, { status: answer.status });
  }

  #ask(api: SuiteCrmApiRoot, signal?: AbortSignal): Promise<HttpAnswer> {
    const o = this.#o;
    return o.transport({
      method: 'POST',
      url: `${api.root}/Api/access_token`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret }),
      timeoutMs: o.timeoutMs,
      ...(signal ? { signal } : {}),
    });
  }
}
