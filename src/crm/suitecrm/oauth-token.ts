/**
 * The OAuth2 access token for API v8 (`client_credentials`): fetched once, shared by every request,
 * renewed shortly before its `expires_in` runs out (SuiteCRM: 3600 s, fixed) or when SuiteCRM says
 * 401. Concurrent requests that find no token wait for the same fetch.
 *
 * SuiteCRM's token errors are league/oauth2 bodies. Only their `error` code is used: the message of a
 * failed password grant holds the password (recording 06), so no part of it is ever repeated.
 */
import { CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';
import { parseFirstJson } from './json-body.ts';
import type { Transport } from './transport.ts';

export interface TokenSourceOptions {
  url: string;
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
  #held: Held | null = null;
  #pending: Promise<string> | null = null;
  /** Tokens fetched so far (status page, tests). */
  fetched = 0;

  constructor(options: TokenSourceOptions) {
    this.#o = options;
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
    const url = `${o.url}/Api/access_token`;
    const answer = await o.transport({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret }),
      timeoutMs: o.timeoutMs,
      ...(signal ? { signal } : {}),
    });
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
        `SuiteCRM refused the OAuth2 client${errorCode ? ` (${errorCode})` : ''} (HTTP ${answer.status}). Check SUITECRM_CLIENT_ID and SUITECRM_CLIENT_SECRET: they must be the id and secret of a "Client Credentials" client in SuiteCRM (Admin -> OAuth2 Clients and Tokens).`,
        { status: answer.status, error: errorCode },
      );
    }
    if (answer.status === 404) {
      throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_REJECTED, `There is no SuiteCRM token endpoint at ${url} (HTTP 404). Set SUITECRM_URL to the SuiteCRM site root, the folder that holds Api/.`, { status: 404 });
    }
    if (answer.status >= 500 || answer.status === 429) {
      throw new CrmTelephonyError(
        CrmErrorCodes.CRM_ERR_UNAVAILABLE,
        `SuiteCRM failed to issue an access token (HTTP ${answer.status}${errorCode ? `, ${errorCode}` : ''}). If this persists, check that SuiteCRM's OAuth2 keys (Api/V8/OAuth2/private.key and public.key) exist and the web server can read them.`,
        { status: answer.status, error: errorCode },
      );
    }
    throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, `SuiteCRM's token endpoint answered HTTP ${answer.status} without a token. Is SUITECRM_URL the SuiteCRM site root?`, { status: answer.status });
  }
}
