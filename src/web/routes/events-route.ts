/**
 * `GET /api/events`: server-sent events for the signed-in user: `event: call` messages for calls on
 * their own extensions (or started by them), replayed on reconnect, with heartbeats for proxies;
 * `event: missed` messages for the missed-call items they own (src/missed/README.md).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { CallHub, Delivered } from '../push/call-hub.ts';
import { requireUser } from '../auth/auth-plugin.ts';
import type { MissedHub } from '../push/missed-hub.ts';

export interface EventsRouteOptions {
  hub: CallHub;
  /** Missed-call items (`event: missed`, not replayed: pages re-read the list on (re)connect). */
  missed?: MissedHub;
  /** Comment lines this often keep proxies from closing an idle stream. Default 15 s. */
  heartbeatMs?: number;
}

export async function eventsRoute(app: FastifyInstance, options: EventsRouteOptions): Promise<void> {
  // Streams never end on their own: close them when the server closes, or close() waits forever.
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });
  app.get('/api/events', { preHandler: requireUser }, (request, reply) => {
    const user = request.principal!.user!;
    const header = request.headers['last-event-id'];
    const lastId = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
    reply.hijack();
    const res = reply.raw;
    // Headers the hooks set before the hijack (CORS, for an EventSource on another origin such as
    // the SuiteCRM widget) would be lost with the reply: hand them to the raw response.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to; a buffered pop is a late pop.
      'x-accel-buffering': 'no',
    });
    const write = (d: Delivered): void => {
      res.write(`id: ${d.id}\nevent: call\ndata: ${JSON.stringify(d.message)}\n\n`);
    };
    res.write(`retry: 2000\n: connected as ${user.login}\n\n`);
    const { replay, unsubscribe } = options.hub.subscribe(user.id, write, lastId);
    for (const d of replay) write(d);
    // Administrators can list everyone's items: their stream follows everyone's.
    const unsubscribeMissed = options.missed?.subscribe(user.id, (message) => res.write(`event: missed\ndata: ${JSON.stringify(message)}\n\n`), { everyone: user.role === 'admin' });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    open.add(res);
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      unsubscribeMissed?.();
      open.delete(res);
    };
    request.raw.on('close', stop);
    res.on('error', stop);
  });
}
