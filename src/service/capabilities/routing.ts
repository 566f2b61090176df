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
import { createRouter, DeviceStateTracker, gatherFacts, rulesFromConfig, type LastAgentFact, type Router, type RoutingConfig } from '../../routing/index.ts';
import type { NormalizedPhone } from '../../phone/types.ts';
import { FastAgiServer } from '../../agi/server.ts';
import { createRouteHandler } from '../../agi/route-script.ts';
import { routingRoutes } from '../../web/routes/routing-routes.ts';
import type { Capability } from '../capability.ts';

type RoutingCapabilityConfig = RoutingConfig & Pick<Config, 'ROUTING_BUDGET_MS' | 'ROUTING_SET_CALLER_NAME' | 'AGI_HOST' | 'AGI_PORT'>;

export interface RoutingDeps {
  directory: Directory;
  callLog: CallLog;
  access: Access;
  /** The PBX whose device states routing follows. */
  client: AmiClient;
  log: Log;
  /** Overrides AGI_PORT (tests pass 0 for a free port). */
  agiPort?: number;
  /**
   * Several instances (`cluster/`): told of each change the PBX's events made and of each reload
   * from its lists, so that instances that do not follow the PBX know the device states too.
   */
  shareDeviceStates?: (tracker: DeviceStateTracker) => { changed(event: AmiMessage): void; reloaded(): void };
}

export interface RoutingCapability extends Capability {
  router: Router;
  deviceStates: DeviceStateTracker;
  /** The FastAGI server's address once started; null when AGI_PORT is 0. */
  readonly agi: { host: string; port: number } | null;
}

export function createRouting(config: RoutingCapabilityConfig, deps: RoutingDeps): RoutingCapability {
  const { directory, callLog, log } = deps;
  const deviceStates = new DeviceStateTracker();
  const share = deps.shareDeviceStates?.(deviceStates);
  const rules = rulesFromConfig(config);
  // Made once, not per answer (under tsx every named closure also costs a defineProperty).
  const lastAgentFor = async (number: NormalizedPhone, since: Date): Promise<LastAgentFact | null> => {
    if (number.kind !== 'number' || !number.e164) return null;
    const extension = await callLog.lastAgentFor(number.e164, since.toISOString());
    // The log query already applied the window; the exact time is not needed past it.
    return extension ? { extension, at: new Date().toISOString() } : null;
  };
  const router = createRouter({
    rules,
    budgetMs: config.ROUTING_BUDGET_MS,
    gather: (input, stop) =>
      gatherFacts({ directory, deviceStates, caller: input.caller, did: input.did, lastAgentDays: rules.lastAgentDays, signal: stop, lastAgentFor }),
    onDegraded: (e) => log.warn({ uniqueid: e.input.uniqueid, why: e.why, ms: e.elapsedMs }, "routing answered without the caller's facts (fallback)"),
  });

  let server: FastAgiServer | null = null;
  let agi: { host: string; port: number } | null = null;
  return {
    name: 'routing',
    router,
    deviceStates,
    get agi() {
      return agi;
    },
    routes: [(app) => routingRoutes(app, { access: deps.access, router })],
    onPbxEvent: (event: AmiMessage) => {
      if (deviceStates.apply(event)) share?.changed(event);
    },
    onPbxReady: () => void refreshDeviceStates(deps.client, deviceStates).then(() => share?.reloaded()),
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
