/**
 * Sessions and API tokens. Secrets are random 256-bit values handed out once; the store keeps only
 * their sha256 (a plain hash suffices for high-entropy secrets; scrypt is for passwords). This file
 * owns the `sessions` and `api_tokens` tables (migration 0002-access): the only SQL over them;
 * users are read through the directory.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.ts';
import { statement, type Statement } from '../../store/statements.ts';
import type { Directory, User } from '../../directory/directory.ts';
import { hashPassword, verifyPassword } from '../../directory/passwords.ts';
import { isLocale, type Locale } from '../../i18n/locales.ts';
import { UserLanguages } from '../../store/user-languages.ts';

/** `api`: acts as its user; `routing`: the dialplan's routes only; `metrics`: `GET /metrics` only. */
export type TokenKind = 'api' | 'routing' | 'metrics';

export interface Principal {
  /** The person, for sessions and API tokens; null for a routing token (it acts for the dialplan). */
  user: User | null;
  via: 'session' | 'token';
  tokenKind?: TokenKind;
  /** For session principals: the token a state-changing request must echo in `x-csrf-token`. */
  csrfToken?: string;
  /** The language the person picked in the console; null when they never did (their browser's, then). */
  locale?: Locale | null;
}

/** One API or routing token as `crm-telephony tokens list` shows it: never its secret. */
export interface TokenInfo {
  id: string;
  kind: TokenKind;
  name: string;
  /** The login of the user it acts as; null for a routing token. */
  user: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export interface AccessOptions {
  /** How long a browser session lasts without a new login. Default 12 hours (a working day). */
  sessionTtlMs?: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');

export class Access {
  /** The language each person picked. */
  readonly languages: UserLanguages;
  readonly #store: Store;
  readonly #directory: Directory;
  readonly #ttl: number;
  // Every authenticated request reads one of these: prepared once (store/statements.ts). The cast
  // keeps SQLite from preparing the statement again after ANALYZE (a bare ? in a plan does).
  readonly #sessionByHash: Statement<{ user_id: string; csrf_token: string; expires_at: string; locale: string | null }>;
  readonly #tokenByHash: Statement<{ id: string; user_id: string | null; kind: TokenKind; last_used_at: string | null }>;

  constructor(store: Store, directory: Directory, options: AccessOptions = {}) {
    this.#store = store;
    this.#directory = directory;
    this.#ttl = options.sessionTtlMs ?? 12 * 3600_000;
    // The person's language comes with the session (one read per request, not two).
    this.#sessionByHash = statement(
      store,
      'access_session_by_hash',
      'select s.user_id, s.csrf_token, s.expires_at, l.locale from sessions s left join user_languages l on l.user_id = s.user_id where s.id_hash = cast(? as text)',
    );
    this.languages = new UserLanguages(store);
    this.#tokenByHash = statement(store, 'access_token_by_hash', 'select id, user_id, kind, last_used_at from api_tokens where token_hash = cast(? as text) and revoked = 0');
  }

  /** Checks a login and password; returns a new session (its cookie value) or null. */
  async login(login: string, password: string): Promise<{ sessionId: string; csrfToken: string; user: User } | null> {
    const hash = await this.#directory.passwordHashOf(login);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which logins exist.
    const ok = await verifyPassword(password, hash ?? DUMMY_HASH);
    if (!ok || hash === null) return null;
    const user = await this.#directory.userByLogin(login);
    if (!user || !user.active) return null;
    return { ...(await openSession(this.#store, user.id, this.#ttl)), user };
  }

  /**
   * A new password for a user (an administrator who lost theirs, from the command line): the old
   * one stops working and every session the user had is closed. False: no such login.
   */
  async setPassword(login: string, password: string): Promise<boolean> {
    const user = await this.#directory.userByLogin(login);
    if (!user) return false;
    const hash = await hashPassword(password);
    await this.#store.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, updated_at: new Date().toISOString() }).where('id', '=', user.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    });
    return true;
  }

  async logout(sessionId: string): Promise<void> {
    await this.#store.db.deleteFrom('sessions').where('id_hash', '=', sha256(sessionId)).execute();
  }

  async bySession(sessionId: string): Promise<Principal | null> {
    const row = await this.#sessionByHash.get([sha256(sessionId)]);
    if (!row) return null;
    if (row.expires_at < new Date().toISOString()) {
      await this.logout(sessionId);
      return null;
    }
    const user = await this.#directory.userById(row.user_id);
    if (!user || !user.active) return null;
    return { user, via: 'session', csrfToken: row.csrf_token, locale: isLocale(row.locale) ? row.locale : null };
  }

  /** Creates a token; the secret is returned once and never stored. */
  async createToken(kind: TokenKind, name: string, userId: string | null): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = `crmt_${kind}_${secret()}`;
    await this.#store.db
      .insertInto('api_tokens')
      .values({ id, user_id: userId, kind, name, token_hash: sha256(token), created_at: new Date().toISOString(), last_used_at: null, revoked: 0 })
      .execute();
    return { id, token };
  }

  async revokeToken(id: string): Promise<boolean> {
    const res = await this.#store.db.updateTable('api_tokens').set({ revoked: 1 }).where('id', '=', id).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Every token, oldest first, with the login of the user it acts as. */
  async listTokens(): Promise<TokenInfo[]> {
    // One query, the user's login joined in (not one lookup per user).
    const rows = await this.#store.db
      .selectFrom('api_tokens')
      .leftJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.kind', 'api_tokens.name', 'api_tokens.user_id', 'api_tokens.created_at', 'api_tokens.last_used_at', 'api_tokens.revoked', 'users.login'])
      .orderBy('api_tokens.created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      user: r.user_id === null ? null : (r.login ?? null),
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revoked: r.revoked === 1,
    }));
  }

  async byToken(token: string): Promise<Principal | null> {
    if (!/^crmt_(api|routing|metrics)_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    const row = await this.#tokenByHash.get([sha256(token)]);
    if (!row) return null;
    // "Last used" to the minute: a write per routed call would cost a commit on the call path.
    const now = Date.now();
    if (row.last_used_at === null || now - Date.parse(row.last_used_at) > 60_000) {
      await this.#store.db.updateTable('api_tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.id).execute();
    }
    if (row.kind === 'routing' || row.kind === 'metrics') return { user: null, via: 'token', tokenKind: row.kind };
    const user = row.user_id ? await this.#directory.userById(row.user_id) : undefined;
    if (!user || !user.active) return null;
    return { user, via: 'token', tokenKind: 'api', locale: await this.languages.get(user.id) };
  }
}

/**
 * Opens a browser session for a user: the cookie value and its CSRF token are random, only the
 * cookie value's sha256 is stored. `Access.login` (after the password check) and the SuiteCRM
 * sign-in (`crm-sso.ts`) both open sessions here, so `Access.bySession` accepts either.
 */
export async function openSession(store: Store, userId: string, ttlMs: number, now = Date.now()): Promise<{ sessionId: string; csrfToken: string }> {
  const sessionId = secret();
  const csrfToken = secret();
  await store.db
    .insertInto('sessions')
    .values({ id_hash: sha256(sessionId), user_id: userId, csrf_token: csrfToken, created_at: new Date(now).toISOString(), expires_at: new Date(now + ttlMs).toISOString() })
    .execute();
  return { sessionId, csrfToken };
}

/** Deletes the sessions that expired before `now` (an expired one is refused anyway; this keeps the table small). */
export async function sweepExpiredSessions(store: Store, now: number): Promise<void> {
  await store.db.deleteFrom('sessions').where('expires_at', '<', new Date(now).toISOString()).execute();
}

// scrypt hash of a random password nobody knows: the cost of a real check, for unknown logins.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
