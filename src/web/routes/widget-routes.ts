/**
 * The SuiteCRM widget's side of the service:
 *
 *   GET  /widget/widget.js                  the widget (built by `npm run build:widget`); revalidated on every
 *                                           page load, so a new version reaches every SuiteCRM page at once
 *   POST /api/crm/sso                       {token} from SuiteCRM's page -> a session cookie and its CSRF token
 *   GET  /api/crm/session                   who this session is, and which SuiteCRM user that is
 *   GET  /api/crm/record?module=&id=        a SuiteCRM record (module, SuiteCRM id) -> our record
 *   GET  /api/crm/refs?refs=contact:<id>,.. our records -> their SuiteCRM ids (for links in pops)
 *
 * The widget runs on SuiteCRM's origin, so every call here is cross-site: CORS_ORIGINS must name
 * SuiteCRM's origin, and the session cookie is `SameSite=None; Secure; Partitioned` (CHIPS). It is
 * partitioned because browsers block unpartitioned third-party cookies (Chromium does here, as
 * does Safari); a partitioned cookie lives in SuiteCRM's partition of the browser only, which is
 * exactly where the widget needs it, and browsers treat http://localhost and 127.0.0.1 as secure.
 * Bearer tokens were the other way; but EventSource (pops) and <audio> (recordings) cannot send
 * headers, and a token in a URL ends in logs, so the cookie it is.
 *
 * The exchange itself is guarded against login CSRF (another site posting its own token so the
 * victim's widget signs in as the attacker): it must come from an allowed origin, as JSON.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store/store.ts';
import type { Directory } from '../../directory/directory.ts';
import type { RecordType } from '../../directory/record-types.ts';
import { CrmSso } from '../auth/crm-sso.ts';
import { requireUser, SESSION_COOKIE } from '../auth/auth-plugin.ts';
import { publicUser } from './session-routes.ts';
import { sendError, sendFailure } from '../errors.ts';
import { t } from '../request-locale.ts';

/** `dist/widget-bundle` beside `src/` (this file is three folders down, as is its compiled form). */
export const DEFAULT_WIDGET_ROOT = fileURLToPath(new URL('../../../dist/widget-bundle/', import.meta.url));

export interface WidgetRoutesOptions {
  store: Store;
  directory: Directory;
  /** CRM_WIDGET_SECRET; empty: the exchange answers 503 saying what to set. */
  secrets: readonly string[];
  /** CORS_ORIGINS: the SuiteCRM origins a token may be exchanged from. */
  allowedOrigins: readonly string[];
  /** The directory `source` of SuiteCRM's users and records. Default `suitecrm`. */
  source?: string;
  /** Folder of the built widget. Default `dist/widget-bundle`. */
  root?: string;
  /** A ready CrmSso (tests pass one with their own clock). */
  sso?: CrmSso;
}

const MODULE_TYPES: Readonly<Record<string, RecordType>> = { Contacts: 'contact', Accounts: 'account', Leads: 'lead' };
const FILES: Readonly<Record<string, string>> = { 'widget.js': 'application/javascript; charset=utf-8', 'widget.js.map': 'application/json; charset=utf-8' };

const ssoBody = z.object({ token: z.string().max(300) });
const recordQuery = z.object({ module: z.string().max(40), id: z.string().min(1).max(100) });
const ref = z.string().regex(/^(contact|account|lead):[A-Za-z0-9_.:-]{1,100}$/);
const refsQuery = z.object({ refs: z.string().max(4000).transform((s) => s.split(',').filter((x) => x.length > 0)).pipe(z.array(ref).min(1).max(25)) });

export async function widgetRoutes(app: FastifyInstance, options: WidgetRoutesOptions): Promise<void> {
  const root = resolve(options.root ?? DEFAULT_WIDGET_ROOT);
  const source = options.source ?? 'suitecrm';
  const sso = options.sso ?? (options.secrets.length > 0 ? new CrmSso({ secrets: options.secrets, store: options.store, directory: options.directory, source }) : null);
  const allowed = new Set(options.allowedOrigins);
  const directory = options.directory;

  // ---- the script ------------------------------------------------------------------------------

  app.get<{ Params: { file: string } }>('/widget/:file', (request, reply) => {
    const type = Object.hasOwn(FILES, request.params.file) ? FILES[request.params.file] : undefined;
    if (type === undefined) return sendError(reply, 'NOT_FOUND', t(request).t('server.widget.onlyScript'));
    const path = resolve(root, request.params.file);
    // Read per request (a few kB): a widget rebuilt while the service runs is served at once.
    if (!existsSync(path)) {
      if (request.params.file !== 'widget.js') return sendError(reply, 'NOT_FOUND', t(request).t('server.widget.noSuchFile'));
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`// The SuiteCRM widget has not been built (no ${path}). Run "npm run build:widget".\n`);
    }
    const etag = `"${statSync(path).mtimeMs.toString(36)}"`;
    reply
      .header('cache-control', 'no-cache')
      .header('etag', etag)
      .header('x-content-type-options', 'nosniff')
      // Loaded by SuiteCRM's pages, another site: say that is intended (matters under COEP).
      .header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(type).send(readFileSync(path));
  });

  // ---- sign-in ---------------------------------------------------------------------------------

  app.post('/api/crm/sso', { config: { rateLimit: { max: 600, timeWindow: '1 minute' } } }, async (request, reply) => {
    if (!sso) {
      return sendError(reply, 'SSO_NOT_CONFIGURED', t(request).t('server.sso.notConfigured'));
    }
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) {
      request.log.warn({ origin: typeof origin === 'string' ? origin.slice(0, 200) : null }, 'SuiteCRM sign-in from an origin not in CORS_ORIGINS: refused');
      return sendError(reply, 'SSO_ORIGIN', t(request).t('server.sso.origin'));
    }
    const body = ssoBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.sso.body'));
    const outcome = await sso.exchange(body.data.token);
    if (!outcome.ok) {
      // The token itself is never logged: within its minutes it is a credential.
      request.log.warn({ code: outcome.code, reason: outcome.reason }, 'SuiteCRM sign-in refused');
      return sendFailure(reply, outcome);
    }
    reply.setCookie(SESSION_COOKIE, outcome.sessionId, { path: '/', httpOnly: true, secure: true, sameSite: 'none', partitioned: true });
    reply.header('cache-control', 'no-store');
    return { user: publicUser(outcome.user), csrfToken: outcome.csrfToken, crmUserId: outcome.crmUserId };
  });

  app.get('/api/crm/session', { preHandler: requireUser }, async (request, reply) => {
    const principal = request.principal!;
    reply.header('cache-control', 'no-store');
    return {
      user: publicUser(principal.user!),
      csrfToken: principal.csrfToken ?? null,
      crmUserId: await directory.externalUserId(principal.user!.id, source),
    };
  });

  // ---- ids: SuiteCRM's and ours ----------------------------------------------------------------

  app.get('/api/crm/record', { preHandler: requireUser }, async (request: FastifyRequest, reply: FastifyReply) => {
    const q = recordQuery.safeParse(request.query);
    const type = q.success && Object.hasOwn(MODULE_TYPES, q.data.module) ? MODULE_TYPES[q.data.module] : undefined;
    if (!q.success || type === undefined) return sendError(reply, 'BAD_REQUEST', t(request).t('server.widget.recordQuery'));
    const id = await directory.recordIdByExternalId(type, source, q.data.id);
    if (id === undefined) return sendError(reply, 'NOT_FOUND', t(request).t('server.widget.recordNotSynced'));
    return { record: { type, id } };
  });

  app.get('/api/crm/refs', { preHandler: requireUser }, async (request, reply) => {
    const q = refsQuery.safeParse(request.query);
    if (!q.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.widget.refsQuery'));
    const wanted: Record<RecordType, string[]> = { contact: [], account: [], lead: [] };
    for (const r of q.data.refs) {
      const i = r.indexOf(':');
      wanted[r.slice(0, i) as RecordType].push(r.slice(i + 1));
    }
    const refs: { type: RecordType; id: string; source: string; externalId: string | null }[] = [];
    for (const type of ['contact', 'account', 'lead'] as const) {
      if (wanted[type].length === 0) continue;
      for (const origin of await directory.recordOrigins(type, wanted[type])) refs.push({ type, ...origin });
    }
    return { refs };
  });
}
