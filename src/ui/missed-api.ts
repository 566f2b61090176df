/**
 * The console's calls to the missed-call items API (issue 17, `src/missed/README.md`): the lists,
 * the count for the navigation, and the owner's actions (snooze, reassign, close). Its own module so
 * that the callback workflow has one home in the console. It keeps `api.ts`'s rules: JSON, the
 * session cookie, the CSRF token on every POST, failures as `ApiError` in the service's words.
 */
import { api, ApiError, errorText } from './api.ts';
import type { BrowserTranslator as Translator } from '../i18n/browser.ts';
import type { ErrorCode } from '../errors.ts';
import type { MissedItemView } from '../missed/view.ts';
import type { MissedChange } from '../missed/workflow.ts';

export type { MissedChange };
export type OwnerReason = MissedItemView['ownerReason'];

/**
 * One missed-call item as the service shows it: the service's own definition (a type-only import,
 * nothing of the server is bundled), so the two cannot drift.
 */
export type { MissedItemView };

/** `event: missed` on `/api/events`. */
export interface MissedMessage {
  change: MissedChange;
  item: MissedItemView;
}

export interface Assignee {
  id: string;
  name: string;
  extensions: string[];
}

export type MissedScope = 'mine' | 'all';
export type MissedStatus = 'open' | 'closed';

// api.ts holds the session's CSRF token privately; the service gives it with GET /api/me too. It
// is asked once, and again when the service refuses it (another person signed in in this tab).
let csrf: Promise<string | null> | undefined;
const csrfToken = (): Promise<string | null> => (csrf ??= api.me().then((s) => s.csrfToken, () => null));

async function send<T>(method: 'GET' | 'POST', path: string, body: unknown, token: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['x-csrf-token'] = token;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', '');
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    // A reply not from the service (a proxy's error page) carries no code of ours and no words:
    // missedErrorText() says it in the console's language.
    const code = (typeof err?.code === 'string' ? err.code : res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST') as ErrorCode;
    throw new ApiError(res.status, code, typeof err?.message === 'string' ? err.message : '');
  }
  return data as T;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  if (method === 'GET') return send<T>(method, path, body, null);
  try {
    return await send<T>(method, path, body, await csrfToken());
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'AUTH_CSRF') throw err;
    csrf = undefined;
    return send<T>(method, path, body, await csrfToken());
  }
}

/** A failure in words: the service's own, else the console's (no connection, a proxy's answer). */
export function missedErrorText(err: unknown, tr: Translator): string {
  if (err instanceof ApiError && err.message === '') {
    return err.httpStatus === 0 ? tr.t('console.api.network') : tr.t('console.api.status', { status: String(err.httpStatus) });
  }
  return errorText(err);
}

const item = (id: string, action: string): string => `/api/missed-items/${encodeURIComponent(id)}/${action}`;

export const missedApi = {
  list: (scope: MissedScope, status: MissedStatus, limit = 100) => request<{ items: MissedItemView[] }>('GET', `/api/missed-items?scope=${scope}&status=${status}&limit=${limit}`),
  count: () => request<{ mine: number; all: number | null }>('GET', '/api/missed-items/count'),
  snooze: (id: string, minutes: number) => request<{ item: MissedItemView }>('POST', item(id, 'snooze'), { minutes }),
  reassign: (id: string, userId: string) => request<{ item: MissedItemView }>('POST', item(id, 'reassign'), { userId }),
  close: (id: string, note?: string) => request<{ item: MissedItemView }>('POST', item(id, 'close'), note ? { note } : {}),
  assignees: () => request<{ users: Assignee[] }>('GET', '/api/missed-items/assignees'),
};
