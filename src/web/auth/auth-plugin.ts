/**
 * Who is asking: a browser session (cookie) or a bearer token. Decorates each request with its
 * principal and offers guards for routes. Cookie-authenticated requests that change state must echo
 * the session's CSRF token in `x-csrf-token`; bearer requests need not (no ambient credential).
 */
import fp from 'fastify-plugin';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access, Principal, TokenKind } from './access.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';

export const SESSION_COOKIE = 'crmt_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface AuthPluginOptions {
  access: Access;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      request.principal = match ? await options.access.byToken(match[1]!) : null;
      if (!request.principal) return sendError(reply, 'AUTH_BAD_TOKEN', t(request).t('server.auth.badToken'));
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) request.principal = await options.access.bySession(sessionId);
    if (request.principal?.via === 'session' && UNSAFE.has(request.method) && request.headers['x-csrf-token'] !== request.principal.csrfToken) {
      return sendError(reply, 'AUTH_CSRF', t(request).t('server.auth.csrf'));
    }
  });
}

export const authentication = fp(authPlugin, { name: 'crm-telephony-auth', dependencies: ['@fastify/cookie'] });

/** A person (session or API token) must be signed in. Routing tokens see nothing here. */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.principal?.user) {
    return sendError(reply, 'AUTH_REQUIRED', t(request).t('server.auth.signIn'));
  }
}

export async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.principal?.user) return requireUser(request, reply);
  if (request.principal.user.role !== 'admin') return sendError(reply, 'AUTH_FORBIDDEN', t(request).t('server.auth.adminOnly'));
}

/** The dialplan's endpoints: a routing token (query `token` or bearer) and nothing else. */
export function requireTokenKind(kind: TokenKind) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.principal?.tokenKind !== kind) {
      return sendError(reply, 'AUTH_REQUIRED', t(request).t('server.auth.tokenKind', { kind }));
    }
  };
}
