/** Health for load balancers and admins: PBX connection state, never customer data; no login needed. */
import type { FastifyInstance } from 'fastify';

export interface PbxHealth {
  id: string;
  /** The AMI client's state: `ready`, `connecting`, `waiting-to-reconnect`, ... */
  state: string;
  protocolVersion: string | null;
  lastEventAt: string | null;
  reconnects: number;
  /**
   * What is wrong while not ready, in words for an admin (a catalogue code, a sentence that says
   * what to do, since when); null when connected. Never holds a secret.
   */
  problem: { code: string; message: string; since: string } | null;
  /** When the next attempt to reach the PBX is due (ISO 8601), while waiting for it. */
  retryingAt: string | null;
  /**
   * Gaps in the service's view of the PBX (link cuts, restarts) and their filling from the PBX's
   * CDRs: the source in words, or a warning that calls inside gaps can be lost and how to turn it on.
   */
  cdr?: {
    source: string | null;
    warning: string | null;
    pendingGaps: number;
    lastGap: { from: string; to: string; cause: string; state: string; corrected: number; rebuilt: number; lastError: string | null } | null;
    filled: { gaps: number; corrected: number; rebuilt: number };
  } | null;
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
