/**
 * Signing in as the SuiteCRM user the page belongs to. A session cookie from an earlier page is
 * reused when it is this user's (one request); otherwise the page's token is exchanged for one.
 * Whatever happens, the widget runs only once the service confirms that its session is the
 * SuiteCRM user's: never as someone else (another person's session left in this browser).
 */
import type { Api } from './http.ts';
import { ServiceError } from './http.ts';
import type { WidgetConfig } from './config.ts';

export interface WidgetUser {
  id: string;
  name: string;
  extensions: string[];
  primaryExtension: string | null;
}

export interface Session {
  user: WidgetUser;
  csrfToken: string | null;
}

interface SessionAnswer {
  user: WidgetUser;
  csrfToken: string | null;
  crmUserId: string | null;
}

async function current(api: Api): Promise<SessionAnswer | null> {
  try {
    return await api.get<SessionAnswer>('/api/crm/session');
  } catch (err) {
    if (err instanceof ServiceError && err.httpStatus === 401) return null;
    throw err;
  }
}

/**
 * Resolves with this user's session, or rejects with a ServiceError: NETWORK and 5xx are worth
 * retrying; SSO_* and COOKIE_BLOCKED / OTHER_SESSION are not (the page must be reloaded, or
 * something fixed).
 */
export async function signIn(api: Api, config: WidgetConfig): Promise<Session> {
  const before = await current(api);
  if (before && before.crmUserId === config.user) return { user: before.user, csrfToken: before.csrfToken };
  try {
    // A session of someone else must echo its CSRF token, or the service refuses the POST.
    await api.post('/api/crm/sso', { token: config.token }, { csrfToken: before?.csrfToken ?? null });
  } catch (err) {
    // Another tab of this browser exchanged the very same token (same user, same second).
    if (!(err instanceof ServiceError && err.code === 'SSO_REPLAYED')) throw err;
  }
  const after = await current(api);
  if (after === null) {
    throw new ServiceError(401, 'COOKIE_BLOCKED', api.tr.t('widget.session.cookieBlocked'));
  }
  if (after.crmUserId !== config.user) {
    throw new ServiceError(409, 'OTHER_SESSION', api.tr.t('widget.session.otherSession'));
  }
  return { user: after.user, csrfToken: after.csrfToken };
}

/** Worth trying again later (the service is down, restarting or overloaded). */
export function isTransient(err: unknown): boolean {
  return err instanceof ServiceError && (err.httpStatus === 0 || err.httpStatus >= 500 || err.httpStatus === 429 || err.code === 'SSO_UNKNOWN_USER');
}
