/**
 * Smart routing: live device states from the PBX's events, the router over the directory and the
 * call log's last agent, its HTTP route (for the dialplan's `CURL()`) and the FastAGI server.
 */
import type { Config } from '../../config.ts';
import type { Log } from '../../logger.ts';
import type { AmiClient } from '../../ami/client.ts';
import type { AmiMessage } from '../../ami/message.ts';
import type { Directory } from '../../directory/directory.ts';
import type { CallLog } from '../../store/call-log.ts';
import type { Access } from '../../web/auth/access.ts';
import { createRouter, DeviceStateTracker, gatherFacts, rulesFromConfig, type LastAgentFact, type RouteDecision, type RouteInput, type RoutingConfig } from '../../routing/index.ts';
import { routeByPbx, type RouteByPbx } from '../../routing/pbx-routers.ts';
import { localExtension } from '../../calls/extension-address.ts';
import type { PbxDeviceStates } from '../../cluster/device-state-share.ts';
import type { NormalizedPhone } from '../../phone/types.ts';
import { FastAgiServer } from '../../agi/server.ts';
import { createRouteHandler } from '../../agi/route-script.ts';
import { routingRoutes } from '../../web/routes/routing-routes.ts';
import type { Capability } from '../capability.ts';

type RoutingCapabilityConfig = Pick<Config, 'ROUTING_BUDGET_MS' | 'ROUTING_SET_CALLER_NAME' | 'AGI_HOST' | 'AGI_PORT'>;

/** One PBX as routing sees it. */
export interface RoutingPbx {
  id: string;
  /** Its AMI host: a FastAGI request from this address is this PBX's. */
  host: string;
  /** Where its extensions live among addresses (null: the default PBX). */
  qualifier: string | null;
  /** The routing settings as they apply to this PBX (its fallback, its DID defaults). */
  config: RoutingConfig;
  /** The PBX whose device states routing follows. */
  client: AmiClient;
}

export interface RoutingDeps {
  directory: Directory;
  callLog: CallLog;
  access: Access;
  /** Every PBX, the default first. */
  pbxs: readonly RoutingPbx[];
  log: Log;
  /** Overrides AGI_PORT (tests pass 0 for a free port). */
  agiPort?: number;
  /**
   * Several instances (`cluster/`): told of each change a PBX's events made and of each reload
   * from its lists, so that instances that do not follow that PBX know its device states too.
   */
  shareDeviceStates?: (pbxId: string, tracker: DeviceStateTracker) => PbxDeviceStates;
  /** Each answer a PBX's router gave, with how long it took (for the metrics). */
  answered?: (pbxId: string, reason: RouteDecision['reason'], ms: number) => void;
}

export interface RoutingCapability extends Capability {
  /** Answers for whichever PBX asks (`RouteInput.pbx`, or the request's address). */
  router: RouteByPbx;
  /** Each PBX's device states, by PBX id. */
  deviceStatesOf: ReadonlyMap<string, DeviceStateTracker>;
  /** The default PBX's device states. */
  deviceStates: DeviceStateTracker;
  /** The FastAGI server's address once started; null when AGI_PORT is 0. */
  readonly agi: { host: string; port: number } | null;
}

export function createRouting(config: RoutingCapabilityConfig, deps: RoutingDeps): RoutingCapability {
  const { directory, callLog, log } = deps;
  const units = deps.pbxs.map((pbx) => {
    const deviceStates = new DeviceStateTracker();
    const share = deps.shareDeviceStates?.(pbx.id, deviceStates);
    const rules = rulesFromConfig(pbx.config);
    const qualifier = pbx.qualifier;
    // Made once, not per answer (under tsx every named closure also costs a defineProperty).
    const lastAgentFor = async (number: NormalizedPhone, since: Date): Promise<LastAgentFact | null> => {
      if (number.kind !== 'number' || !number.e164) return null;
      const address = await callLog.lastAgentFor(number.e164, since.toISOString());
      // The last agent may have taken the call at another office: not an extension this PBX can dial.
      const extension = address === null ? null : localExtension(address, qualifier);
      // The log query already applied the window; the exact time is not needed past it.
      return extension ? { extension, at: new Date().toISOString() } : null;
    };
    const router = createRouter({
      rules,
      budgetMs: config.ROUTING_BUDGET_MS,
      gather: (input, stop) =>
        gatherFacts({ directory, deviceStates, caller: input.caller, did: input.did, lastAgentDays: rules.lastAgentDays, signal: stop, lastAgentFor, qualifier }),
      onDegraded: (e) => log.warn({ pbx: pbx.id, uniqueid: e.input.uniqueid, why: e.why, ms: e.elapsedMs }, "routing answered without the caller's facts (fallback)"),
    });
    const answered = deps.answered;
    if (answered === undefined) return { pbx, deviceStates, share, router };
    const observed = Object.defineProperty(
      async (input: RouteInput): Promise<RouteDecision> => {
        const began = performance.now();
        const decision = await router(input);
        answered(pbx.id, decision.reason, performance.now() - began);
        return decision;
      },
      'stats',
      { get: () => router.stats, enumerable: true },
    ) as typeof router;
    return { pbx, deviceStates, share, router: observed };
  });
  const warned = new Set<string>();
  const router = routeByPbx(
    units.map((u) => ({ id: u.pbx.id, host: u.pbx.host, router: u.router })),
    (pbx) => {
      if (warned.has(pbx) || warned.size > 100) return;
      warned.add(pbx);
      log.warn({ pbx, known: units.map((u) => u.pbx.id) }, 'the dialplan asked for a route for a PBX this service does not know: no route given. Fix the pbx= of its AGI or CURL line, or add that PBX to CRM_TELEPHONY_CONFIG');
    },
  );
  const byId = new Map(units.map((u) => [u.pbx.id, u]));

  let server: FastAgiServer | null = null;
  let agi: { host: string; port: number } | null = null;
  return {
    name: 'routing',
    router,
    deviceStatesOf: new Map(units.map((u) => [u.pbx.id, u.deviceStates])),
    deviceStates: units[0]!.deviceStates,
    get agi() {
      return agi;
    },
    routes: [(app) => routingRoutes(app, { access: deps.access, router })],
    onPbxEvent: (event: AmiMessage, pbxId: string) => {
      const unit = byId.get(pbxId);
      if (unit && unit.deviceStates.apply(event)) unit.share?.changed(event);
    },
    onPbxReady: (pbxId: string) => {
      const unit = byId.get(pbxId);
      if (unit) void refreshDeviceStates(unit.pbx.client, unit.deviceStates).then(() => unit.share?.reloaded());
    },
    start: async () => {
      if (config.AGI_PORT === 0 && deps.agiPort !== 0) return;
      server = new FastAgiServer({
        host: config.AGI_HOST,
        port: deps.agiPort ?? config.AGI_PORT,
        handlers: { route: createRouteHandler(router, { setCallerName: config.ROUTING_SET_CALLER_NAME, log }) },
        log,
      });
      agi = await server.listen();
    },
    stop: async () => {
      await server?.close();
    },
  };
}

/** After a (re)connect the device states are stale: start over from the PBX's own lists. */
async function refreshDeviceStates(client: AmiClient, tracker: DeviceStateTracker): Promise<void> {
  tracker.clear();
  for (const action of ['DeviceStateList', 'ExtensionStateList']) {
    const res = await client.action(action, {}, { allowError: true, timeoutMs: 5000 }).catch(() => null);
    for (const event of res?.events ?? []) tracker.apply(event);
  }
}
