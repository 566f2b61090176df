/**
 * The HTTP service: Fastify with cookies, CORS for configured origins only, authentication, and
 * the route plugins. Built from its dependencies so that tests use `inject()` on the same app.
 */
import { errorSpec, isCrmTelephonyError } from '../errors.ts';
import { sendError } from './errors.ts';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
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
    // (what to do), never the message, which may name a path or a host.
    if (isCrmTelephonyError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'request failed');
      void sendError(reply, err.code, err.status >= 500 ? errorSpec(err.code).summary : err.message);
      return;
    }
    // Fastify's own (a body that does not parse, a payload too large): the request's fault.
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err }, 'request failed');
      void sendError(reply, 'INTERNAL');
      return;
    }
    void reply.code(status).send({ error: { code: 'BAD_REQUEST', message: err.message } });
  });
  await app.register(healthRoutes, options.health);
  await app.register(sessionRoutes, { access: options.access, secureCookies: options.secureCookies ?? true });
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}
