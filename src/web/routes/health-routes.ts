/** Health for load balancers and admins: PBX connection state, never customer data; no login needed. */
import type { FastifyInstance } from 'fastify';

export interface PbxHealth {
  id: string;
  /** What people call it (`Main PBX`, `Hamburg office`). */
  name?: string;
  /** Where it is reached: `host:port`, and `TLS` when AMI runs over TLS. Never a user or secret. */
  address?: string;
  /** How its extensions are written in the directory: `101` (the default PBX) or `101@hamburg`. */
  extensionForm?: string;
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
  /**
   * Several instances on PostgreSQL: whether this instance follows the PBX (`leading`), stands by
   * for it (`standby`: another instance follows it) or gave it up to another (`lost`).
   */
  lead?: 'leading' | 'standby' | 'lost';
}

/** This instance in a cluster (PostgreSQL); null alone on SQLite. */
export interface ClusterHealth {
  instance: string;
  linked: boolean;
  lead: string;
  leadingSince: string | null;
  relay: { sent: number; received: number; failed: number };
}

export interface HealthRoutesOptions {
  pbxs: () => PbxHealth[];
  database: () => Promise<boolean>;
  /** Demo mode (the built-in PBX simulator): the console then offers "simulate an incoming call". */
  demo?: boolean;
  cluster?: () => ClusterHealth | null;
}

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/api/health', async (_request, reply) => {
    const pbxs = options.pbxs();
    const database = await options.database().catch(() => false);
    // A standby instance is healthy without a PBX connection: another instance follows the PBX.
    const ok = database && pbxs.every((p) => p.state === 'ready' || p.lead === 'standby');
    const cluster = options.cluster?.() ?? null;
    reply.code(ok ? 200 : 503);
    return { ok, database, pbxs, demo: options.demo === true, ...(cluster ? { cluster } : {}) };
  });
  // For load balancers: can this instance take agents' requests and streams? The database answers
  // and, in a cluster, its link to the others is up (else its agents would miss pops). A PBX that is
  // down is not a reason to send agents elsewhere: every instance sees the same PBX.
  app.get('/api/ready', async (_request, reply) => {
    const database = await options.database().catch(() => false);
    const cluster = options.cluster?.() ?? null;
    const pbxs = options.pbxs();
    const ready = database && (cluster === null || (cluster.linked && pbxs.every((p) => p.lead !== 'lost')));
    reply.code(ready ? 200 : 503);
    return { ready, database, ...(cluster ? { cluster: { instance: cluster.instance, linked: cluster.linked, lead: cluster.lead } } : {}) };
  });
}
