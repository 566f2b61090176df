/** Sign in and out; who am I. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Access } from '../auth/access.ts';
import { requireUser, SESSION_COOKIE } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import { LOCALES } from '../../i18n/locales.ts';

const loginBody = z.object({ login: z.string().min(1).max(200), password: z.string().min(1).max(1000) });
const languageBody = z.object({ locale: z.enum(LOCALES).nullable() });

export interface SessionRoutesOptions {
  access: Access;
  /** Mark cookies Secure (HTTPS only). On by default; the plain-HTTP demo on localhost turns it off. */
  secureCookies: boolean;
}

export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  app.post('/api/login', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    const body = loginBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.session.loginBody'));
    const session = await options.access.login(body.data.login, body.data.password);
    if (!session) return sendError(reply, 'AUTH_FAILED', t(request).t('server.session.wrongLogin'));
    reply.setCookie(SESSION_COOKIE, session.sessionId, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies });
    return { user: publicUser(session.user), csrfToken: session.csrfToken, locale: await options.access.languages.get(session.user.id) };
  });

  app.post('/api/logout', async (request, reply) => {
    const id = request.cookies[SESSION_COOKIE];
    if (id) await options.access.logout(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', { preHandler: requireUser }, async (request) => ({
    user: publicUser(request.principal!.user!),
    csrfToken: request.principal!.csrfToken ?? null,
    // The language the person picked; null: none yet (the console follows the browser's).
    locale: request.principal!.locale ?? null,
  }));

  /** The person picks the console's language (null: follow the browser's again). */
  app.put('/api/me/language', { preHandler: requireUser }, async (request, reply) => {
    const body = languageBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'BAD_REQUEST', t(request).t('server.session.languageBody', { locales: LOCALES.map((l) => `"${l}"`).join(', ') }));
    await options.access.languages.set(request.principal!.user!.id, body.data.locale);
    return { locale: body.data.locale };
  });
}

export function publicUser(u: { id: string; login: string; name: string; role: string; extensions: string[]; primaryExtension: string | null }) {
  return { id: u.id, login: u.login, name: u.name, role: u.role, extensions: u.extensions, primaryExtension: u.primaryExtension };
}
