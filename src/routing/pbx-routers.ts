/**
 * Routing with several PBXs (issue 14): each PBX has its own router (its device states, its
 * fallback, its extensions), and a request is answered by the router of the PBX that asks. The
 * dialplan names it (`agi://crm/route?pbx=hamburg`, `/api/route?pbx=hamburg`); without a name, a
 * FastAGI request from a PBX's AMI address is that PBX's, and anything else the default PBX's.
 * A PBX id nobody configured gets no route (the dialplan's own fallback) and a warning, never an
 * extension of another office.
 */
import type { RouteDecision, RouteInput } from './types.ts';
import type { Router, RouterStats } from './budget.ts';

export interface PbxRouter {
  id: string;
  /** The PBX's AMI host as configured: a FastAGI request from this address is the PBX's. */
  host: string;
  router: Router;
}

export type RouteByPbx = ((input: RouteInput) => Promise<RouteDecision>) & {
  knows(pbx: string): boolean;
  /** Every PBX's router's counts, added up. */
  readonly stats: RouterStats;
};

export function routeByPbx(routers: readonly PbxRouter[], onUnknown: (pbx: string) => void): RouteByPbx {
  const first = routers[0];
  if (first === undefined) throw new Error('routing needs at least one PBX');
  const byId = new Map(routers.map((r) => [r.id, r.router]));
  const byHost = new Map(routers.map((r) => [r.host, r.router]));
  // One PBX (the usual case): every request is its own, with no look-ups on the way.
  const single = routers.length === 1 ? first.router : null;
  const route = (input: RouteInput): Promise<RouteDecision> => {
    if (input.pbx !== undefined) {
      const router = byId.get(input.pbx);
      if (router === undefined) {
        onUnknown(input.pbx);
        return Promise.resolve(NO_SUCH_PBX);
      }
      return router(input);
    }
    if (single !== null) return single(input);
    const peer = input.peer === undefined ? undefined : input.peer.startsWith('::ffff:') ? input.peer.slice(7) : input.peer;
    return ((peer !== undefined ? byHost.get(peer) : undefined) ?? first.router)(input);
  };
  const sum = (): RouterStats => {
    const total: RouterStats = { decisions: 0, degraded: 0, budgetExceeded: 0, lookupFailed: 0 };
    for (const r of routers) for (const k of Object.keys(total) as (keyof RouterStats)[]) total[k] += r.router.stats[k];
    return total;
  };
  return Object.defineProperties(Object.assign(route, { knows: (pbx: string) => byId.has(pbx) }), { stats: { get: sum, enumerable: true } }) as RouteByPbx;
}

const NO_SUCH_PBX: RouteDecision = Object.freeze({ extension: null, reason: 'no-route', skipped: Object.freeze([]), entity: null, callerName: null, degraded: true }) as RouteDecision;
