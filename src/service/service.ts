/**
 * The running service: store, directory, call log, one live session per PBX, the push hub and the
 * web server, wired together. `main.ts` calls `startService` with the configuration.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openStore, type Store } from '../store/store.ts';
import { Directory } from '../directory/directory.ts';
import { CallLog } from '../store/call-log.ts';
import { Access } from '../web/auth/access.ts';
import { CallHub } from '../web/push/call-hub.ts';
import { buildWebServer } from '../web/server.ts';
import { eventsRoute } from '../web/routes/events-route.ts';
import { callsRoutes } from '../web/routes/calls-routes.ts';
import { recordsRoutes } from '../web/routes/records-routes.ts';
import { adminRoutes } from '../web/routes/admin-routes.ts';
import { demoRoutes, type DemoRoutesOptions } from '../web/routes/demo-routes.ts';
import type { PbxHealth } from '../web/routes/health-routes.ts';
import { AmiClient } from '../ami/client.ts';
import type { ReconnectStrategy } from '../ami/reconnect-strategy.ts';
import { logPbxConnection } from './pbx-connection-log.ts';
import { PbxSession, type EffectSink } from './pbx-session.ts';
import { findByPhone } from '../directory/lookup.ts';
import { callLogSink, OriginMemory } from './call-log-sink.ts';
import { placeCall } from './click-to-call.ts';
import { PopSink } from '../pops/pop-sink.ts';
import { createRouter, DeviceStateTracker, gatherFacts, rulesFromConfig, type Router } from '../routing/index.ts';
import { FastAgiServer } from '../agi/server.ts';
import { createRouteHandler } from '../agi/route-script.ts';
import { routingRoutes } from '../web/routes/routing-routes.ts';
import { createCrmRuntime, callLoggerSink, type CrmRuntime } from '../crm/index.ts';
import { Recordings, recordingSettings } from '../recordings/index.ts';
import { recordingsRoutes } from '../web/routes/recordings-routes.ts';
import { uiRoutes, DEFAULT_UI_ROOT } from '../web/routes/ui-routes.ts';
import { widgetRoutes } from '../web/routes/widget-routes.ts';
import type { CdrSource } from '../cdr/pbx-cdr.ts';
import { cdrSourceFromConfig } from './cdr-setup.ts';
import { GapLog } from '../store/gap-log.ts';

export interface PbxTarget {
  id: string;
  host: string;
  port: number;
  username: string;
  secret: string;
  authType: 'plain' | 'md5';
  /** When to try the PBX again; default: the AMI client's (never gives up). Tests pass short delays. */
  reconnect?: ReconnectStrategy;
}

export interface ServiceOptions {
  config: Config;
  log: Logger;
  pbx: PbxTarget;
  /** Demo mode: the "simulate an incoming call" control. */
  demo?: DemoRoutesOptions;
  /**
   * Where the PBX's CDRs are read after a gap (a link cut, a restart); default: from the
   * configuration (CDR_SOURCE...). `source: null` records gaps without filling them.
   */
  cdr?: { source: CdrSource | null; missing?: string | null };
  /** Gap timings (tests pass short ones). */
  gapTimings?: { heartbeatMs?: number; firstReadDelayMs?: number; retryMs?: number };
  /** Extra route plugins (static UI, routing...). */
  routes?: ((app: FastifyInstance) => Promise<void>)[];
  /** Listen on HTTP (false in tests that use inject()). Default true. */
  listen?: boolean;
  /** Overrides AGI_PORT (tests pass 0 for a free port). */
  agiPort?: number;
  /** Folder of the built console; false: API only. Default dist/ui. */
  ui?: { root: string } | false;
}

export interface Service {
  store: Store;
  directory: Directory;
  callLog: CallLog;
  access: Access;
  hub: CallHub;
  app: FastifyInstance;
  session: PbxSession;
  client: AmiClient;
  crm: CrmRuntime;
  recordings: Recordings;
  router: Router;
  deviceStates: DeviceStateTracker;
  /** The FastAGI server's address, or null when AGI_PORT is 0. */
  agi: { host: string; port: number } | null;
  url: string | null;
  stop(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, log } = options;
  const store = await openStore({ url: config.DATABASE_URL });
  const directory = new Directory(store, { defaultRegion: config.DEFAULT_REGION });
  const callLog = new CallLog(store);
  const access = new Access(store, directory);
  const hub = new CallHub();
  const origins = new OriginMemory();
  await ensureAdmin(directory, config, log);

  const pops = new PopSink({ hub, users: directory, defaultRegion: config.DEFAULT_REGION });
  // The pop, the log and the CRM share one lookup per call: the call's context.
  const popsSink: EffectSink = (effect, context) => pops.apply(effect, context);
  popsSink.label = 'pops';
  popsSink.overflow = 'shed-progress';

  // Smart routing: live device states from AMI, the directory, and the call log's last agent.
  const deviceStates = new DeviceStateTracker();
  const rules = rulesFromConfig(config);
  const router = createRouter({
    rules,
    budgetMs: config.ROUTING_BUDGET_MS,
    gather: (input, signal) =>
      gatherFacts({
        directory,
        deviceStates,
        caller: input.caller,
        did: input.did,
        lastAgentDays: rules.lastAgentDays,
        signal,
        lastAgentFor: async (number, since) => {
          if (number.kind !== 'number' || !number.e164) return null;
          const extension = await callLog.lastAgentFor(number.e164, since.toISOString());
          // The log query already applied the window; the exact time is not needed past it.
          return extension ? { extension, at: new Date().toISOString() } : null;
        },
      }),
    onDegraded: (e) => log.warn({ uniqueid: e.input.uniqueid, why: e.why, ms: e.elapsedMs }, 'routing answered without the caller\'s facts (fallback)'),
  });

  // Recordings: located from the engine's effects and the PBX's reports, streamed to those allowed.
  const recordings = new Recordings({ store, settings: recordingSettings(config), log, defaultPbx: options.pbx.id });
  await recordings.start();

  // The CRM: embedded (nothing more to do) or SuiteCRM (directory sync and the call-logging outbox).
  const crm: CrmRuntime = createCrmRuntime(config, { directory, log });

  // The PBX's own record of calls, read after every gap in our view of it.
  const cdr = options.cdr ?? (await cdrSourceFromConfig(config, log));
  const gapLog = new GapLog(store);

  const crmSink: EffectSink = callLoggerSink(crm.callLogger, { log });
  crmSink.label = 'CRM';
  const recordingsSink: EffectSink = (effect) => recordings.sink(effect);
  recordingsSink.label = 'recordings';

  const client = new AmiClient({ id: options.pbx.id, host: options.pbx.host, port: options.pbx.port, username: options.pbx.username, secret: options.pbx.secret, authType: options.pbx.authType, ...(options.pbx.reconnect ? { reconnect: options.pbx.reconnect } : {}) });
  const session = new PbxSession({
    client,
    log,
    engine: {
      pbxId: options.pbx.id,
      defaultRegion: config.DEFAULT_REGION,
      ...(config.INBOUND_CONTEXTS ? { inboundContexts: config.INBOUND_CONTEXTS } : {}),
      trunkEndpoints: config.TRUNK_ENDPOINTS,
    },
    // Each call's matches and click-to-call origin, resolved once and handed with its effects.
    context: { lookup: async (number) => (await findByPhone(directory, number)).candidates, origins },
    sinks: [callLogSink(callLog), crmSink, popsSink, recordingsSink],
    onEvent: (event) => deviceStates.apply(event),
    gaps: { log: gapLog, source: cdr.source, sourceMissing: cdr.missing ?? null, ...options.gapTimings },
  });
  client.on('ready', (info) => {
    log.info({ pbx: info.id, amiVersion: info.version, reconnected: info.reconnected }, 'connected to the PBX');
    void refreshDeviceStates(client, deviceStates);
  });
  // Each retry in the log says why (warn once per cause, then info); never the secret.
  logPbxConnection(client, log);

  const pbxs = (): PbxHealth[] => {
    const { state, problem, nextAttemptAt } = client.status;
    return [{ id: client.id, state, protocolVersion: client.protocolVersion ?? null, lastEventAt: session.lastEventAt, reconnects: session.reconnects, problem, retryingAt: nextAttemptAt, cdr: session.gapStatus() }];
  };

  const secureCookies = config.SECURE_COOKIES === 'auto' ? !isLoopback(config.HTTP_HOST) : config.SECURE_COOKIES === 'true';
  const app = await buildWebServer({
    access,
    logger: log,
    secureCookies,
    corsOrigins: config.CORS_ORIGINS,
    health: {
      demo: options.demo !== undefined,
      pbxs,
      database: async () => {
        await store.ping();
        return true;
      },
    },
    routes: [
      (a) => eventsRoute(a, { hub }),
      (a) =>
        callsRoutes(a, {
          callLog,
          defaultRegion: config.DEFAULT_REGION,
          placeCall: (request) =>
            placeCall(
              {
                channelTemplate: config.C2C_CHANNEL,
                context: config.C2C_CONTEXT,
                ringSeconds: config.C2C_RING_SECONDS,
                numberFormat: config.C2C_NUMBER_FORMAT,
                dialPrefix: config.C2C_DIAL_PREFIX,
                defaultRegion: config.DEFAULT_REGION,
              },
              { client, noteAction: (a2) => session.noteAction(a2), rememberOrigin: (id, origin) => origins.remember(id, origin) },
              request,
            ),
        }),
      (a) => recordsRoutes(a, { directory }),
      (a) => routingRoutes(a, { access, router }),
      (a) => recordingsRoutes(a, { recordings, access }),
      (a) => adminRoutes(a, { directory, pbxs }),
      // The SuiteCRM widget: its script, the sign-in from SuiteCRM's pages, SuiteCRM's ids.
      (a) => widgetRoutes(a, { store, directory, secrets: config.CRM_WIDGET_SECRET, allowedOrigins: config.CORS_ORIGINS }),
      ...(options.demo ? [(a: FastifyInstance) => demoRoutes(a, options.demo!)] : []),
      ...(options.routes ?? []),
      // Last: the console's catch-all serves the page for every path the API does not own.
      ...(options.ui === false ? [] : [(a: FastifyInstance) => uiRoutes(a, { root: (options.ui as { root: string } | undefined)?.root ?? DEFAULT_UI_ROOT })]),
    ],
  });

  let url: string | null = null;
  if (options.listen ?? true) {
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    url = `http://${config.HTTP_HOST.includes(':') ? `[${config.HTTP_HOST}]` : config.HTTP_HOST}:${config.HTTP_PORT}/`;
  }
  let agiServer: FastAgiServer | null = null;
  let agi: { host: string; port: number } | null = null;
  if (config.AGI_PORT !== 0 || options.agiPort === 0) {
    agiServer = new FastAgiServer({
      host: config.AGI_HOST,
      port: options.agiPort ?? config.AGI_PORT,
      handlers: { route: createRouteHandler(router, { setCallerName: config.ROUTING_SET_CALLER_NAME, log }) },
      log,
    });
    agi = await agiServer.listen();
  }
  crm.start();
  // Connecting runs in the background: the console works (and says the PBX is down) meanwhile.
  client.connect().catch(() => undefined);

  return {
    store,
    directory,
    callLog,
    access,
    hub,
    app,
    session,
    client,
    crm,
    recordings,
    router,
    deviceStates,
    agi,
    url,
    stop: async () => {
      await agiServer?.close();
      session.stop();
      await client.close();
      await session.idle();
      await crm.stop();
      await recordings.stop();
      await cdr.source?.close();
      await app.close();
      await store.close();
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

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The first start creates an administrator, with ADMIN_PASSWORD or a generated password printed once. */
async function ensureAdmin(directory: Directory, config: Config, log: Logger): Promise<void> {
  const users = await directory.listUsers();
  if (users.some((u) => u.role === 'admin')) return;
  const password = config.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  await directory.upsertUser({ login: 'admin', name: 'Administrator', role: 'admin', password, extensions: [] });
  if (config.ADMIN_PASSWORD) log.info('created the administrator "admin" with ADMIN_PASSWORD');
  else console.log(`\nCreated the administrator "admin" with the password: ${password}\n(shown once; set ADMIN_PASSWORD to choose it)\n`);
}
