/**
 * The fake's OAuth2 server (`POST /Api/access_token`, league/oauth2 as SuiteCRM 7.14 runs it) and
 * its bearer check. Clients are bound to one grant; a refresh token works once (rotation); a wrong
 * password is a 500 that echoes the password (recording 06). Tokens look like JWTs (two dots).
 */
import { randomBytes } from 'node:crypto';
import { parseForm } from './php-query.ts';
import { compact, CT_JSON, CT_JSON_UTF8, type FakeAnswer } from './render.ts';
import type { FakeStore } from './store.ts';

export interface FakeClient {
  secret: string;
  grant: 'client_credentials' | 'password';
  /** The user a client_credentials client acts as (SuiteCRM: admin, id "1"). */
  userId?: string;
}

interface Token {
  userId: string;
  expiresAt: number;
  revoked: boolean;
}

const DENIED = 'The resource owner or authorization server denied the request.';

export class FakeOAuth {
  readonly clients: Map<string, FakeClient>;
  readonly #tokens = new Map<string, Token>();
  readonly #refresh = new Map<string, { clientId: string; userId: string; used: boolean }>();
  readonly #store: FakeStore;
  lifetimeSeconds = 3600;
  /** Every token is refused (a server whose keys changed): for "renew once, then fail loudly". */
  refuseAll = false;
  /** Tokens issued so far. */
  issued = 0;

  constructor(store: FakeStore, clients: Map<string, FakeClient>) {
    this.#store = store;
    this.clients = clients;
  }

  tokenEndpoint(contentType: string, body: string): FakeAnswer {
    let p: Record<string, string>;
    try {
      p = contentType.includes('json') ? (JSON.parse(body) as Record<string, string>) : parseForm(body);
    } catch {
      p = {};
    }
    const error = (status: number, fields: Record<string, string>): FakeAnswer => ({ status, contentType: CT_JSON, body: compact(fields) });
    const grant = p['grant_type'];
    if (grant !== 'client_credentials' && grant !== 'password' && grant !== 'refresh_token') {
      return error(400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
        hint: 'Check that all required parameters have been provided',
        message: 'The authorization grant type is not supported by the authorization server.',
      });
    }
    const client = this.clients.get(p['client_id'] ?? '');
    const allowed = client !== undefined && client.secret === p['client_secret'] && (client.grant === grant || (grant === 'refresh_token' && client.grant === 'password'));
    if (!allowed) return error(401, { error: 'invalid_client', error_description: 'Client authentication failed', message: 'Client authentication failed' });
    let userId = client.userId ?? '1';
    let withRefresh = false;
    if (grant === 'password') {
      const login = this.#store.logins.get(p['username'] ?? '');
      if (!login || login.password !== p['password']) {
        // SuiteCRM's own bug, kept: the wrong password is repeated in the message.
        const message = `The password is invalid: ${p['password'] ?? ''}`;
        return error(500, { error: 'unknown_error', error_description: message, message });
      }
      userId = login.id;
      withRefresh = true;
    } else if (grant === 'refresh_token') {
      const held = this.#refresh.get(p['refresh_token'] ?? '');
      if (!held || held.used || held.clientId !== p['client_id']) {
        return error(401, { error: 'invalid_request', error_description: 'The refresh token is invalid.', hint: 'Token has been revoked', message: 'The refresh token is invalid.' });
      }
      held.used = true;
      userId = held.userId;
      withRefresh = true;
    }
    const body2: Record<string, unknown> = { token_type: 'Bearer', expires_in: this.lifetimeSeconds, access_token: this.issue(userId) };
    if (withRefresh) {
      const rt = `def50200${randomBytes(480).toString('hex')}`;
      this.#refresh.set(rt, { clientId: p['client_id']!, userId, used: false });
      body2['refresh_token'] = rt;
    }
    return { status: 200, contentType: CT_JSON_UTF8, body: compact(body2) };
  }

  /** A new access token for `userId`; `expiresInSeconds` may be negative (an expired token). */
  issue(userId: string, expiresInSeconds = this.lifetimeSeconds): string {
    const part = (n: number): string => randomBytes(n).toString('base64url');
    const token = `${part(30)}.${part(300)}.${part(256)}`;
    this.#tokens.set(token, { userId, expiresAt: this.#store.now() + expiresInSeconds * 1000, revoked: false });
    this.issued++;
    return token;
  }

  /** The API user of a request, or its 401 answer. */
  authenticate(authorization: string | undefined): { userId: string } | FakeAnswer {
    const denied = (hint: string): FakeAnswer => ({ status: 401, contentType: CT_JSON, body: compact({ error: 'access_denied', error_description: DENIED, hint, message: DENIED }) });
    const token = /^Bearer (.*)$/.exec(authorization ?? '')?.[1] ?? '';
    if (token.split('.').length !== 3) return denied('The JWT string must have two dots');
    const held = this.#tokens.get(token);
    if (!held || held.expiresAt <= this.#store.now() || this.refuseAll) return denied('Access token could not be verified');
    if (held.revoked) return denied('Access token has been revoked');
    return { userId: held.userId };
  }

  revoke(authorization: string | undefined): void {
    const token = /^Bearer (.*)$/.exec(authorization ?? '')?.[1] ?? '';
    const held = this.#tokens.get(token);
    if (held) held.revoked = true;
  }

  /** Every token issued so far expires now (as an hour passing would do). */
  expireAll(): void {
    for (const t of this.#tokens.values()) t.expiresAt = Math.min(t.expiresAt, this.#store.now());
  }
}
