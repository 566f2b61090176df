/** Health for load balancers and admins: PBX connection state, never customer data; no login needed. */
import type { FastifyInstance } from 'fastify';

export interface PbxHealth {
  id: string;
  state: string;
  protocolVersion: string | null;
  lastEventAt: string | null;
  reconnects: number;
}

export interface HealthRoutesOptions {
  pbxs: () => PbxHealth[];
  database: () => Promise<boolean>;
  /** Demo mode (the built-in PBX simulator): the console then offers "simulate an incoming call". */
  demo?: boolean;
}

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/api/health', async (_request, reply) => {
    const pbxs = options.pbxs();
    const database = await options.database().catch(() => false);
    const ok = database && pbxs.every((p) => p.state === 'ready');
    reply.code(ok ? 200 : 503);
    return { ok, database, pbxs, demo: options.demo === true };
  });
}
