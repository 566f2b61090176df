/**
 * Routing over HTTP for dialplans that use `CURL()`: `GET /api/route?caller=&did=` answers the
 * extension as plain text (empty body and 404 when there is no route; JSON when asked), and
 * `GET /api/callerid?number=` the caller's CRM name. A routing token (query `token` or bearer)
 * authenticates: the dialplan cannot sign in, and the token can see nothing else.
 *
 * Every routed call passes here, so the replies are built without per-request work: the headers of
 * a plain-text answer are made once, and a decision is written as JSON by `routeDecisionJson`
 * (the same bytes `JSON.stringify` gives, without walking the object generically).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access } from '../auth/access.ts';
import type { RouteDecision, RouteInput } from '../../routing/index.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';

export interface RoutingRoutesOptions {
  access: Access;
  router: (input: RouteInput) => Promise<RouteDecision>;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export async function routingRoutes(app: FastifyInstance, options: RoutingRoutesOptions): Promise<void> {
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const query = request.query as { token?: unknown };
    if (!request.principal && typeof query.token === 'string') request.principal = await options.access.byToken(query.token);
    if (request.principal?.tokenKind !== 'routing') {
      return sendError(reply, 'AUTH_REQUIRED', t(request).t('server.routing.tokenNeeded'));
    }
  };
  const wantsJson = (request: FastifyRequest): boolean => {
    if ((request.query as { format?: string }).format === 'json') return true;
    const accept = request.headers.accept;
    return accept !== undefined && accept.includes('application/json');
  };

  app.get('/api/route', { preHandler: guard }, async (request, reply) => {
    const q = request.query as { caller?: string; did?: string; uniqueid?: string; pbx?: string };
    const caller = typeof q.caller === 'string' ? q.caller.slice(0, 100) : '';
    const did = typeof q.did === 'string' ? q.did.slice(0, 100) : '';
    const input: RouteInput = typeof q.uniqueid === 'string' ? { caller, did, uniqueid: q.uniqueid.slice(0, 64) } : { caller, did };
    // Several PBXs: the dialplan's `&pbx=hamburg` says which asks (absent: the default PBX).
    if (typeof q.pbx === 'string' && q.pbx !== '') input.pbx = q.pbx.slice(0, 40);
    const decision = await options.router(input);
    const status = decision.extension ? 200 : 404;
    if (wantsJson(request)) {
      // A string payload with a JSON type is sent as it is: the serializer is this function.
      return reply.code(status).header('x-route-reason', decision.reason).type(JSON_TYPE).send(routeDecisionJson(decision));
    }
    return reply.code(status).header('x-route-reason', decision.reason).type(TEXT).send(decision.extension ?? '');
  });

  app.get('/api/callerid', { preHandler: guard }, async (request, reply) => {
    const q = request.query as { number?: string; pbx?: string };
    const number = typeof q.number === 'string' ? q.number.slice(0, 100) : '';
    const decision = await options.router(typeof q.pbx === 'string' && q.pbx !== '' ? { caller: number, did: '', pbx: q.pbx.slice(0, 40) } : { caller: number, did: '' });
    const name = decision.callerName ?? '';
    if (wantsJson(request)) return { name: decision.callerName, entity: decision.entity };
    return reply.code(name ? 200 : 404).type(TEXT).send(name);
  });
}

/**
 * A decision as JSON, in the key order the router builds it (`extension, reason, skipped, entity,
 * callerName, degraded`): byte for byte what `JSON.stringify(decision)` gives for a RouteDecision.
 * Strings go through `JSON.stringify`, so every quote, backslash and control character is escaped
 * as JSON requires.
 */
export function routeDecisionJson(d: RouteDecision): string {
  let skipped = '';
  for (const s of d.skipped) skipped += `${skipped === '' ? '' : ','}{"rule":${JSON.stringify(s.rule)},"why":${JSON.stringify(s.why)}}`;
  const entity = d.entity ? `{"type":${JSON.stringify(d.entity.type)},"id":${JSON.stringify(d.entity.id)}}` : 'null';
  return (
    `{"extension":${d.extension === null ? 'null' : JSON.stringify(d.extension)},"reason":${JSON.stringify(d.reason)},"skipped":[${skipped}],` +
    `"entity":${entity},"callerName":${d.callerName === null ? 'null' : JSON.stringify(d.callerName)},"degraded":${d.degraded ? 'true' : 'false'}}`
  );
}
