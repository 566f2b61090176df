/**
 * Sign-in from inside SuiteCRM: the page carries a short-lived token that SuiteCRM signed for its
 * signed-in user (our logic hook, `src/crm/suitecrm-package/`), and the widget trades it here for a
 * normal session of the matching directory user. No second password: SuiteCRM vouches for the
 * browser, and the shared secret is what makes its word checkable.
 *
 * The token, `v1.<SuiteCRM user id>.<expiry, Unix seconds>.<signature>`, where the signature is
 * HMAC-SHA256 over `v1.<user id>.<expiry>` keyed with the shared secret, in lower-case hex (what
 * PHP's `hash_hmac('sha256', ...)` prints). The user id is restricted to `[A-Za-z0-9_-]{1,36}`
 * (SuiteCRM ids are at most 36 characters; the hook prints nothing for any other), so the dots
 * split the token unambiguously.
 *
 * Checked in this order, each failure with its own reason (for the log) but the same answer to the
 * browser: its shape, the version, the signature (constant-time, against each configured secret so
 * the secret can be rotated), the expiry (with some clock skew between the SuiteCRM server and
 * us), and a cap on how far ahead the expiry may lie (a hook that signs year-long tokens is refused).
 * A token is good once: a replay of an exchanged token (lifted from a saved page, a proxy log) is
 * refused while it would still be valid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../../store/store.ts';
import type { Directory, User } from '../../directory/directory.ts';
import { openSession, sweepExpiredSessions } from './access.ts';
import type { MessageKey } from '../../i18n/messages/index.ts';
import { translator } from '../../i18n/translator.ts';
import { DEFAULT_LOCALE } from '../../i18n/locales.ts';

export const WIDGET_TOKEN_VERSION = 'v1';
/** How far ahead a token's expiry may lie. The hook signs for 5 minutes. */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 600;
/** Tolerated difference between SuiteCRM's clock and ours. */
export const DEFAULT_CLOCK_SKEW_S = 60;
/** A SuiteCRM user id as the hook will sign it. */
export const WIDGET_USER_ID = /^[A-Za-z0-9_-]{1,36}$/;

const TOKEN = /^(v[0-9]{1,3})\.([A-Za-z0-9_-]{1,36})\.([0-9]{1,12})\.([0-9a-f]{64})$/;

export type TokenFailure = 'malformed' | 'version' | 'signature' | 'expired' | 'too-long-lived';

export type TokenCheck = { ok: true; userId: string; expiresAt: number; signature: string } | { ok: false; reason: TokenFailure };

export interface TokenCheckOptions {
  /** The shared secrets (the first signs; every one verifies). */
  secrets: readonly string[];
  /** Now, in Unix milliseconds. */
  now: number;
  maxLifetimeSeconds?: number;
  clockSkewSeconds?: number;
}

function hmac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload, 'utf8').digest();
}

/** Signs a token as the SuiteCRM hook does (tests, and the package's self-check). */
export function signWidgetToken(secret: string, userId: string, expiresAtSeconds: number): string {
  if (!WIDGET_USER_ID.test(userId)) throw new TypeError(`not a signable SuiteCRM user id: ${JSON.stringify(userId)}`);
  const payload = `${WIDGET_TOKEN_VERSION}.${userId}.${Math.floor(expiresAtSeconds)}`;
  return `${payload}.${hmac(secret, payload).toString('hex')}`;
}

/** Checks a token's shape, version, signature and time. Pure: the clock is an argument. */
export function verifyWidgetToken(token: unknown, options: TokenCheckOptions): TokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, version, userId, exp, signature] = m as unknown as [string, string, string, string, string];
  if (version !== WIDGET_TOKEN_VERSION) return { ok: false, reason: 'version' };
  const given = Buffer.from(signature, 'hex');
  const payload = `${version}.${userId}.${exp}`;
  let good = false;
  // Every secret is tried (no early exit), so the time taken does not tell which one matched.
  for (const secret of options.secrets) if (timingSafeEqual(hmac(secret, payload), given)) good = true;
  if (!good) return { ok: false, reason: 'signature' };
  const nowS = options.now / 1000;
  const expiresAt = Number(exp);
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_S;
  if (expiresAt + skew < nowS) return { ok: false, reason: 'expired' };
  if (expiresAt - nowS > (options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_S) + skew) return { ok: false, reason: 'too-long-lived' };
  return { ok: true, userId, expiresAt, signature };
}

/**
 * Remembers the tokens already exchanged until they expire. Only tokens with a good signature
 * reach it, so nobody without the secret can fill it; the cap is a seatbelt all the same.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #cap: number;

  constructor(cap = 100_000) {
    this.#cap = cap;
  }

  /** True the first time a signature is offered; false for a replay. */
  firstUse(signature: string, expiresAtSeconds: number, nowMs: number, skewSeconds: number): boolean {
    const nowS = nowMs / 1000;
    // Maps iterate in insertion order, and tokens are mostly exchanged as they are made: the
    // stale ones sit at the front.
    for (const [sig, exp] of this.#seen) {
      if (exp + skewSeconds >= nowS && this.#seen.size < this.#cap) break;
      this.#seen.delete(sig);
    }
    if (this.#seen.has(signature)) return false;
    this.#seen.set(signature, expiresAtSeconds);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}

// ---- configuration -------------------------------------------------------------------------

/** Merged into the one configuration schema (`src/config.ts`). */
export const crmSsoConfigSchema = z.object({
  /**
   * The secret SuiteCRM signs the widget's sign-in tokens with: printed by
   * `crm-telephony suitecrm package`, stored in SuiteCRM's config_override.php by the package.
   * Comma-separated to rotate (new,old: both verify). Unset: the widget cannot sign in.
   */
  CRM_WIDGET_SECRET: z
    .string()
    .optional()
    .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0))
    .refine((xs) => xs.every((x) => x.length >= 32), {
      message: 'each secret needs at least 32 characters: use the one "crm-telephony suitecrm package" printed',
    }),
});

// ---- sessions ------------------------------------------------------------------------------

/** Makes a browser session for a user: what `Access.login` does after the password check. */
export interface SessionIssuer {
  create(user: User): Promise<{ sessionId: string; csrfToken: string }>;
}

/**
 * Sessions opened in the store as `Access.login` opens them (`openSession`: the cookie value random,
 * only its sha256 stored, a CSRF token beside it), so `Access.bySession` accepts them. Expired rows
 * are swept now and then: a widget session is made per browser, not per login.
 */
export function storeSessions(store: Store, options: { ttlMs?: number; now?: () => number } = {}): SessionIssuer {
  const ttl = options.ttlMs ?? 12 * 3600_000;
  const now = options.now ?? Date.now;
  let sweptAt = 0;
  return {
    async create(user) {
      const t = now();
      if (t - sweptAt > 600_000) {
        sweptAt = t;
        await sweepExpiredSessions(store, t);
      }
      return openSession(store, user.id, ttl, t);
    },
  };
}

// ---- the exchange --------------------------------------------------------------------------

export interface CrmSsoOptions {
  secrets: readonly string[];
  store: Store;
  directory: Directory;
  /** The directory `source` of the CRM's users. Default `suitecrm`. */
  source?: string;
  /** Default: sessions in the store, 12 hours (as console sessions). */
  sessions?: SessionIssuer;
  maxLifetimeSeconds?: number;
  clockSkewSeconds?: number;
  /** Clock in Unix milliseconds (tests). */
  now?: () => number;
}

export type SsoFailureCode = 'SSO_BAD_TOKEN' | 'SSO_EXPIRED' | 'SSO_REPLAYED' | 'SSO_UNKNOWN_USER';

/** A refusal's `message` is English (logs); `messageKey` says it in the person's language (`web/errors.ts`). */
export type SsoOutcome =
  | { ok: true; user: User; crmUserId: string; sessionId: string; csrfToken: string }
  | { ok: false; status: 401 | 403; code: SsoFailureCode; message: string; messageKey: MessageKey; reason: TokenFailure | 'replayed' | 'unknown-user' | 'inactive-user' };

/** A refusal's words: English for the log, and the key for the person's language. */
function said(messageKey: MessageKey): { message: string; messageKey: MessageKey } {
  return { message: translator(DEFAULT_LOCALE).t(messageKey), messageKey };
}

export class CrmSso {
  readonly #options: CrmSsoOptions;
  readonly #sessions: SessionIssuer;
  readonly #replays = new ReplayGuard();
  readonly #now: () => number;

  constructor(options: CrmSsoOptions) {
    if (options.secrets.length === 0) throw new TypeError('CrmSso needs at least one secret');
    this.#options = options;
    this.#sessions = options.sessions ?? storeSessions(options.store);
    this.#now = options.now ?? Date.now;
  }

  /** The directory user a CRM user id stands for (synced from the CRM), or undefined. */
  userFor(crmUserId: string): Promise<User | undefined> {
    return this.#options.directory.userByExternalId(this.#options.source ?? 'suitecrm', crmUserId);
  }

  /** Verifies a token and, when it is good, opens a session for its user. */
  async exchange(token: unknown): Promise<SsoOutcome> {
    const now = this.#now();
    const skew = this.#options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_S;
    const check = verifyWidgetToken(token, {
      secrets: this.#options.secrets,
      now,
      clockSkewSeconds: skew,
      ...(this.#options.maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds: this.#options.maxLifetimeSeconds } : {}),
    });
    if (!check.ok) {
      return check.reason === 'expired'
        ? { ok: false, status: 401, code: 'SSO_EXPIRED', reason: check.reason, ...said('server.sso.expired') }
        : { ok: false, status: 401, code: 'SSO_BAD_TOKEN', reason: check.reason, ...said('server.sso.badToken') };
    }
    const user = await this.userFor(check.userId);
    if (!user) {
      return { ok: false, status: 403, code: 'SSO_UNKNOWN_USER', reason: 'unknown-user', ...said('server.sso.unknownUser') };
    }
    if (!user.active) {
      return { ok: false, status: 403, code: 'SSO_UNKNOWN_USER', reason: 'inactive-user', ...said('server.sso.inactiveUser') };
    }
    // Consumed only now: a token refused for a user the sync has not brought yet can be retried.
    if (!this.#replays.firstUse(check.signature, check.expiresAt, now, skew)) {
      return { ok: false, status: 401, code: 'SSO_REPLAYED', reason: 'replayed', ...said('server.sso.replayed') };
    }
    const session = await this.#sessions.create(user);
    return { ok: true, user, crmUserId: check.userId, ...session };
  }
}
