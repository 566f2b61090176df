/**
 * The HTTP service: Fastify with cookies, CORS for configured origins only, authentication, and
 * the route plugins. Built from its dependencies so that tests use `inject()` on the same app.
 */
import { isCrmTelephonyError } from '../errors.ts';
import { sendError } from './errors.ts';
import { t } from './request-locale.ts';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Access } from './auth/access.ts';
import { authentication } from './auth/auth-plugin.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { healthRoutes, type HealthRoutesOptions } from './routes/health-routes.ts';
import type { Logger } from '../logger.ts';

export interface WebServerOptions {
  access: Access;
  health: HealthRoutesOptions;
  /** Origins allowed to call the API from a browser (the SuiteCRM host, say). Default none. */
  corsOrigins?: string[];
  secureCookies?: boolean;
  logger?: Logger;
  /** More route plugins (calls, events, directory, routing...), registered after authentication. */
  routes?: ((app: FastifyInstance) => Promise<void>)[];
}

export async function buildWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default instance type.
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    // Per-request lines would log query strings (routing tokens) and drown the call events.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  });
  await app.register(cookie);
  await app.register(cors, { origin: options.corsOrigins && options.corsOrigins.length > 0 ? options.corsOrigins : false, credentials: true });
  await app.register(rateLimit, { global: false });
  await app.register(authentication, { access: options.access });
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, request, reply) => {
    // One of ours: its catalogue entry decides the status; a server-side failure shows its summary
    // (what to do, in the person's language), never the message, which may name a path or a host.
    if (isCrmTelephonyError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'request failed');
      void sendError(reply, err.code, err.status >= 500 ? undefined : err.message);
      return;
    }
    // Fastify's own (a body that does not parse, a payload too large): the request's fault.
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err }, 'request failed');
      void sendError(reply, 'INTERNAL');
      return;
    }
    void reply.code(status).send({ error: { code: 'BAD_REQUEST', message: requestFault(request, reply, err) } });
  });
  await app.register(healthRoutes, options.health);
  await app.register(sessionRoutes, { access: options.access, secureCookies: options.secureCookies ?? true });
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}

/** Why Fastify (or the rate limit) refused a request, in the person's language; its own words when we have none. */
function requestFault(request: FastifyRequest, reply: FastifyReply, err: { statusCode?: number; code?: string; message: string }): string {
  const words = t(request);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return words.t('server.request.tooLarge');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return words.t('server.request.badJson');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return words.t('server.request.emptyJson');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return words.t('server.request.badType', { type: String(request.headers['content-type'] ?? '').slice(0, 100) });
  }
  if (err.statusCode === 429) {
    // @fastify/rate-limit sets Retry-After (seconds) before it throws.
    const seconds = Number(reply.getHeader('retry-after'));
    return words.t('server.request.tooMany', { seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 60 });
  }
  return err.message;
}
