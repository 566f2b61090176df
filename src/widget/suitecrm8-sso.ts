/**
 * Who is signed in to SuiteCRM 8, asked of SuiteCRM itself. SuiteCRM 8's page is the same for
 * everyone and is not reloaded at sign-in, so it cannot carry the user's token as SuiteCRM 7's
 * pages do; the package's process handler (src/crm/suitecrm-package/suitecrm8-sources.ts,
 * WidgetTokenProcess) signs one on request. The widget asks it through SuiteCRM's own GraphQL API,
 * same-origin, with the session cookie and the `X-XSRF-TOKEN` header SuiteCRM's API requires
 * (the value of its `XSRF-TOKEN` cookie, as SuiteCRM's Angular app sends it).
 */
import { tokenExpiry } from './config.ts';

export const PROCESS_TYPE = 'crm-telephony-widget-token';

const MUTATION =
  'mutation createProcess($input: createProcessInput!) { createProcess(input: $input) { process { _id status data } clientMutationId } }';

export interface SuiteIdentity {
  user: string;
  token: string;
  /** The language chosen at sign-in (`ru_RU`), or null. */
  language: string | null;
}

/** Why there is no identity: nobody is signed in (or the package is missing), or SuiteCRM did not answer. */
export type IdentityFailure = 'signed-out' | 'unavailable';

function cookie(doc: Document, name: string): string | null {
  for (const part of doc.cookie.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The signed-in SuiteCRM 8 user with a fresh token, or why not. Never throws. */
export async function suiteIdentity(doc: Document, fetchImpl: typeof fetch = fetch): Promise<SuiteIdentity | IdentityFailure> {
  const xsrf = cookie(doc, 'XSRF-TOKEN');
  if (!xsrf) return 'signed-out';
  let res: Response;
  try {
    res = await fetchImpl(new URL('api/graphql', doc.baseURI).href, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-XSRF-TOKEN': xsrf },
      body: JSON.stringify({ operationName: 'createProcess', query: MUTATION, variables: { input: { type: PROCESS_TYPE, options: { client: 'crm-telephony-widget' } } } }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return 'unavailable';
  }
  if (res.status === 401 || res.status === 403) return 'signed-out';
  if (!res.ok) return 'unavailable';
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return 'unavailable';
  }
  const process = (body as { data?: { createProcess?: { process?: { status?: unknown; data?: unknown } } } } | null)?.data?.createProcess?.process;
  const data = process?.status === 'success' ? (process.data as Record<string, unknown> | null | undefined) : null;
  const user = data?.['user'];
  const token = data?.['token'];
  const language = data?.['language'];
  if (typeof user !== 'string' || !/^[A-Za-z0-9_-]{1,36}$/.test(user) || typeof token !== 'string' || tokenExpiry(token) === null || !token.startsWith(`v1.${user}.`)) {
    return 'signed-out';
  }
  return { user, token, language: typeof language === 'string' && language !== '' ? language : null };
}
