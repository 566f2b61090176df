/**
 * Routing over HTTP for dialplans that use `CURL()`: `GET /api/route?caller=&did=` answers the
 * extension as plain text (empty body and 404 when there is no route; JSON when asked), and
 * `GET /api/callerid?number=` the caller's CRM name. A routing token (query `token` or bearer)
 * authenticates: the dialplan cannot sign in, and the token can see nothing else.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access } from '../auth/access.ts';
import type { Router } from '../../routing/index.ts';
import { sendError } from '../errors.ts';

export interface RoutingRoutesOptions {
  access: Access;
  router: Router;
}

export async function routingRoutes(app: FastifyInstance, options: RoutingRoutesOptions): Promise<void> {
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const query = request.query as { token?: unknown };
    if (!request.principal && typeof query.token === 'string') request.principal = await options.access.byToken(query.token);
    if (request.principal?.tokenKind !== 'routing') {
      return sendError(reply, 'AUTH_REQUIRED', 'This endpoint needs a routing token (?token=... or Authorization: Bearer ...). Create one with "crm-telephony tokens create --kind routing".');
    }
  };
  const wantsJson = (request: FastifyRequest): boolean =>
    (request.query as { format?: string }).format === 'json' || (request.headers.accept ?? '').includes('application/json');

  app.get('/api/route', { preHandler: guard }, async (request, reply) => {
    const q = request.query as { caller?: string; did?: string; uniqueid?: string };
    const caller = typeof q.caller === 'string' ? q.caller.slice(0, 100) : '';
    const did = typeof q.did === 'string' ? q.did.slice(0, 100) : '';
    const decision = await options.router({ caller, did, ...(typeof q.uniqueid === 'string' ? { uniqueid: q.uniqueid.slice(0, 64) } : {}) });
    reply.header('x-route-reason', decision.reason);
    if (wantsJson(request)) {
      reply.code(decision.extension ? 200 : 404);
      return decision;
    }
    reply.type('text/plain; charset=utf-8').code(decision.extension ? 200 : 404);
    return decision.extension ?? '';
  });

  app.get('/api/callerid', { preHandler: guard }, async (request, reply) => {
    const q = request.query as { number?: string };
    const number = typeof q.number === 'string' ? q.number.slice(0, 100) : '';
    const decision = await options.router({ caller: number, did: '' });
    const name = decision.callerName ?? '';
    if (wantsJson(request)) return { name: decision.callerName, entity: decision.entity };
    reply.type('text/plain; charset=utf-8').code(name ? 200 : 404);
    return name;
  });
}
