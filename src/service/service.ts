/**
 * The running service, wired together: the store, the directory, the call log and access (what
 * every capability reads), one live session per PBX, the web server, and the list of capabilities
 * (`capabilities/`: calls, pops, routing, recordings, the CRM, the console's pages), each giving
 * its sinks, routes, start and stop. `main.ts` calls `startService` with the configuration.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openStore, sqlitePathOf, type Store } from '../store/store.ts';
import { acquireInstanceLock } from '../store/instance-lock.ts';
import { Directory } from '../directory/directory.ts';
import { findByNormalized, findByPhone } from '../directory/lookup.ts';
import { CallLog } from '../store/call-log.ts';
import { GapLog } from '../store/gap-log.ts';
import { Access } from '../web/auth/access.ts';
import { MissedHub } from '../web/push/missed-hub.ts';
import type { MissedWorkflow } from '../missed/workflow.ts';
import type { MissedItems } from '../store/missed-items.ts';
import { createMissed, type MissedPush } from './capabilities/missed.ts';
import { createReports } from './capabilities/reports.ts';
import { CallHub } from '../web/push/call-hub.ts';
import { Cluster } from '../cluster/cluster.ts';
import { buildWebServer } from '../web/server.ts';
import type { DemoRoutesOptions } from '../web/routes/demo-routes.ts';
import type { PbxHealth } from '../web/routes/health-routes.ts';
import { AmiClient } from '../ami/client.ts';
import type { ReconnectStrategy } from '../ami/reconnect-strategy.ts';
import type { DeviceStateTracker } from '../routing/index.ts';
import type { RouteByPbx } from '../routing/pbx-routers.ts';
import type { CdrSourceChoice } from '../cdr/config.ts';
import { savedPbxDefinitions, type AmiTlsSettings, type PbxDefinition } from './pbx-config.ts';
import { PbxConnections } from '../store/pbx-connections.ts';
import { addressingOf, addressOf } from '../calls/extension-address.ts';
import type { CrmRuntime } from '../crm/index.ts';
import type { Recordings } from '../recordings/index.ts';
import type { CdrSource } from '../cdr/pbx-cdr.ts';
import { logPbxConnection } from './pbx-connection-log.ts';
import { PbxSession } from './pbx-session.ts';
import { assertPortsFree, listenError, type PortNeed } from './port-check.ts';
import { ServiceMetrics } from '../metrics/service-metrics.ts';
import { createMetricsCapability } from '../metrics/metrics-capability.ts';
import { OriginMemory } from './call-log-sink.ts';
import { cdrSourceFromConfig } from './cdr-setup.ts';
import { routesOf, sinksOf, type Capability } from './capability.ts';
import { createCalls } from './capabilities/calls.ts';
import { createPops } from './capabilities/pops.ts';
import { createRouting } from './capabilities/routing.ts';
import { createRecordings } from './capabilities/recordings.ts';
import { createCrm } from './capabilities/crm.ts';
import { createConsole, createDemoControls, createDirectoryPages } from './capabilities/console.ts';

export interface PbxTarget {
  id: string;
  /** What people call it (health, the console). Default the id. */
  name?: string;
  host: string;
  port: number;
  username: string;
  secret: string;
  authType: 'plain' | 'md5';
  /** AMI over TLS; null or absent: plain TCP. */
  tls?: AmiTlsSettings | null;
  /** When to try the PBX again; default: the AMI client's (never gives up). Tests pass short delays. */
  reconnect?: ReconnectStrategy;
  /** The configuration as it applies to this PBX (`pbx-config.ts`); default the service's. */
  config?: Config;
  /** Where its extensions live among addresses; default: bare for the first PBX, its id for the others. */
  qualifier?: string | null;
  /** It has a recordings source of its own; default: the first PBX only. */
  ownRecordings?: boolean;
}

export interface ServiceOptions {
  config: Config;
  log: Logger;
  /** The PBX (one PBX); or `pbxs`. */
  pbx?: PbxTarget;
  /** Several PBXs, the default one first (`pbx-config.ts` reads them from the configuration). */
  pbxs?: readonly PbxTarget[];
  /** Also follow the PBXs saved on the PBX page (after these); `main.ts` sets it. Default false. */
  followSaved?: boolean;
  /** Neither configured nor saved PBXs: the PBX to follow, and its demo controls (`main.ts` starts the demo PBX). */
  whenNoPbx?: () => Promise<{ pbx: PbxTarget; demo?: DemoRoutesOptions }>;
  /** Demo mode: the "simulate an incoming call" control. */
  demo?: DemoRoutesOptions;
  /**
   * Where the default PBX's CDRs are read after a gap (a link cut, a restart); default: from the
   * configuration (CDR_SOURCE...). `source: null` records gaps without filling them. Other PBXs'
   * come from their own settings.
   */
  cdr?: { source: CdrSource | null; missing?: string | null };
  /** Gap timings (tests pass short ones). */
  gapTimings?: { heartbeatMs?: number; firstReadDelayMs?: number; retryMs?: number; lateReadMs?: number };
  /** Extra route plugins (static UI, routing...). */
  routes?: ((app: FastifyInstance) => Promise<void>)[];
  /** Listen on HTTP (false in tests that use inject()). Default true. */
  listen?: boolean;
  /** Overrides AGI_PORT (tests pass 0 for a free port). */
  agiPort?: number;
  /** Folder of the built console; false: API only. Default dist/ui. */
  ui?: { root: string } | false;
  /**
   * On PostgreSQL: another instance took this one's PBX lead while its link to the database was
   * down; the service has stopped following the PBX. `main.ts` exits, so that the process manager
   * starts it again as a standby.
   */
  onLeadLost?: () => void;
  /** On PostgreSQL: how often a standby tries for the PBX's lead (default 1 s; tests pass less). */
  clusterRetryMs?: number;
}

/** One PBX of the running service. */
export interface ServicePbx {
  id: string;
  name: string;
  qualifier: string | null;
  client: AmiClient;
  session: PbxSession;
  deviceStates: DeviceStateTracker;
}

export interface Service {
  store: Store;
  directory: Directory;
  callLog: CallLog;
  access: Access;
  hub: CallHub;
  /** Missed-call items: their workflow and rows, and this instance's hub of their changes. */
  missed: { workflow: MissedWorkflow; items: MissedItems; hub: MissedHub };
  app: FastifyInstance;
  /** Every PBX, the default first. */
  pbxs: readonly ServicePbx[];
  /** The default PBX's session, client and device states. */
  session: PbxSession;
  client: AmiClient;
  crm: CrmRuntime;
  recordings: Recordings;
  /** Answers routing for whichever PBX asks. */
  router: RouteByPbx;
  deviceStates: DeviceStateTracker;
  /** On PostgreSQL, this instance's part in the cluster (its lead, the pop relay); null on SQLite. */
  cluster: Cluster | null;
  /** The FastAGI server's address, or null when AGI_PORT is 0. */
  agi: { host: string; port: number } | null;
  url: string | null;
  stop(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<Service> {
  // SQLite serves one instance: a second service on the same file is refused before it touches it.
  const sqlitePath = sqlitePathOf(options.config.DATABASE_URL);
  const lock = sqlitePath === null ? null : acquireInstanceLock(sqlitePath);
  try {
    const service = await startUnlocked(options);
    return lock === null ? service : { ...service, stop: () => service.stop().finally(() => lock.release()) };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startUnlocked(options: ServiceOptions): Promise<Service> {
  const { config, log } = options;
  // Nothing is changed (the first administrator, whose password is shown once) before the ports
  // this start needs are known to be free.
  const httpNeed: PortNeed = { variable: 'HTTP_PORT', hostVariable: 'HTTP_HOST', host: config.HTTP_HOST, port: config.HTTP_PORT, what: 'the web console and API' };
  const agiPort = options.agiPort ?? config.AGI_PORT;
  await assertPortsFree([
    ...(options.listen ?? true ? [httpNeed] : []),
    { variable: 'AGI_PORT', hostVariable: 'AGI_HOST', host: config.AGI_HOST, port: agiPort, what: 'FastAGI (routing for the dialplan)', alternative: 'or 0 to turn FastAGI off' },
  ]);
  const store = await openStore({ url: config.DATABASE_URL });
  const directory = new Directory(store, { defaultRegion: config.DEFAULT_REGION });
  const callLog = new CallLog(store);
  const access = new Access(store, directory);
  await ensureAdmin(directory, config, log);

  const configured = options.pbxs ?? (options.pbx ? [options.pbx] : []);
  const connections = new PbxConnections(store);
  const saved = options.followSaved
    ? savedPbxDefinitions(await connections.entries(), new Set(configured.map((t) => t.id)), { config, env: { CRM_TELEPHONY_SECRET_KEY: config.CRM_TELEPHONY_SECRET_KEY } }, (pbx, message) =>
        log.error({ pbx }, `${message} This PBX is not followed.`),
      ).map(pbxTargetOf)
    : [];
  const targets = [...configured, ...saved];
  let demo = options.demo;
  if (targets.length === 0 && options.whenNoPbx) {
    const fallback = await options.whenNoPbx();
    targets.push(fallback.pbx);
    demo ??= fallback.demo;
  }
  if (targets.length === 0) throw new Error('startService needs a PBX (pbx or pbxs)');
  if (targets.length > 1) log.info({ pbxs: targets.map((t) => t.id), saved: saved.map((t) => t.id) }, `following ${targets.length} PBXs`);
  // Each PBX: its client now; its session once the capabilities say which sinks it feeds. They
  // reach it only while running (a click-to-call, health), by then it is there.
  const units = targets.map((target) => {
    const pbxConfig = target.config ?? config;
    const client = new AmiClient({
      id: target.id,
      host: target.host,
      port: target.port,
      username: target.username,
      secret: target.secret,
      authType: target.authType,
      ...(target.tls ? { tls: target.tls } : {}),
      ...(target.reconnect ? { reconnect: target.reconnect } : {}),
    });
    return {
      target,
      id: target.id,
      name: target.name ?? target.id,
      qualifier: target.qualifier !== undefined ? target.qualifier : addressingOf(target.id, targets[0]!.id).qualifier,
      ownRecordings: target.ownRecordings ?? target === targets[0],
      config: pbxConfig,
      client,
      // Set below, once the sinks are known.
      session: undefined as unknown as PbxSession,
      cdr: undefined as unknown as CdrSourceChoice,
    };
  });
  const first = units[0]!;
  const unitById = new Map(units.map((u) => [u.id, u]));
  const pbxs = (): PbxHealth[] => {
    const leads = cluster?.status.pbxs;
    return units.map((u) => {
      const { state, problem, nextAttemptAt } = u.client.status;
      const lead = leads?.[u.id]?.lead;
      return {
        id: u.id,
        name: u.name,
        address: `${u.target.host}:${u.target.port}${u.target.tls ? ' (TLS)' : ''}`,
        extensionForm: addressOf('101', u.qualifier),
        state,
        protocolVersion: u.client.protocolVersion ?? null,
        lastEventAt: u.session.lastEventAt,
        reconnects: u.session.reconnects,
        problem,
        retryingAt: nextAttemptAt,
        cdr: u.session.gapStatus(),
        ...(lead ? { lead } : {}),
      };
    });
  };
  // Where each click-to-call came from, until its call's context closes.
  const origins = new OriginMemory();
  // For operators (GET /metrics, metrics tokens): counted as things happen, the rest read at each
  // scrape from the parts below.
  const metrics = new ServiceMetrics({
        pbxs,
        sseClients: () => hub.listenerCount,
        outbox: async () => {
          const s = await crm.crm.callLogger.status();
          return { depth: s.pending, oldestSeconds: s.oldestPendingAt === null ? null : Math.max(0, (Date.now() - Date.parse(s.oldestPendingAt)) / 1000) };
        },
        recordingCopies: () => recordings.recordings.copyBacklog(),
        missedItemsOpen: async () => (await missed.items.openCounts('')).all,
        // No mirror (no CRM that plans callbacks): nothing behind, nothing refused.
        missedMirror: async () => (await crm.crm.missedMirror?.counts()) ?? { pending: 0, failed: 0 },
      });

  // What the service does, one capability each (capabilities/): their sinks, routes, start and stop.
  // Several instances on one PostgreSQL: the one holding a PBX's lead follows it and relays its
  // pops to the others (cluster/). SQLite: one instance, always the leader of every PBX.
  const hub = new CallHub();
  const missedHub = new MissedHub();
  const follow = (u: (typeof units)[number]): void => {
    // The previous leader's open calls are read now, then the PBX says which go on.
    u.session.wake();
    u.client.connect().catch(() => undefined);
    // Work done once per deployment goes with the first PBX's lead.
    if (u === first) for (const c of capabilities) c.startLeading?.();
  };
  const cluster =
    store.native.engine === 'postgres'
      ? await Cluster.create({
          url: config.DATABASE_URL,
          pool: store.native.pool,
          hub,
          log,
          pbxIds: units.map((u) => u.id),
          onLead: (pbxId) => follow(unitById.get(pbxId)!),
          onLost: (pbxId) => {
            const u = unitById.get(pbxId)!;
            u.session.stop();
            void u.client.close();
            options.onLeadLost?.();
          },
          ...(options.clusterRetryMs ? { retryMs: options.clusterRetryMs } : {}),
        })
      : null;
  const pops = createPops(config, {
    directory,
    hub,
    missed: missedHub,
    ...(cluster ? { publisher: cluster.relay } : {}),
    delivered: (message, sinceQueuedMs) => {
      metrics.pops.inc({ state: message.state });
      if (sinceQueuedMs !== null && message.state === 'ringing') metrics.popLatency.observe(sinceQueuedMs / 1000);
    },
  });
  const calls = createCalls(config, {
    callLog,
    directory,
    origins,
    log,
    pbxs: units.map((u) => ({ id: u.id, qualifier: u.qualifier, config: u.config, client: u.client, noteAction: (action) => u.session.noteAction(action) })),
    ...(cluster ? { cluster: { standby: (pbxId) => !cluster.leads(pbxId), forward: (r, pbxId) => cluster.calls.forward(r, pbxId), serve: (place) => cluster.calls.serve(place) } } : {}),
  });
  const routing = createRouting(config, {
    directory,
    callLog,
    access,
    pbxs: units.map((u) => ({ id: u.id, host: u.target.host, qualifier: u.qualifier, config: u.config, client: u.client })),
    log,
    ...(options.agiPort !== undefined ? { agiPort: options.agiPort } : {}),
    ...(cluster ? { shareDeviceStates: (pbxId, tracker) => cluster.shareDeviceStates(pbxId, tracker) } : {}),
    answered: (pbxId, reason, ms) => {
      metrics.routingAnswers.inc({ pbx: pbxId, reason });
      metrics.routingLatency.observe({ pbx: pbxId }, ms / 1000);
    },
  });
  const recordings = createRecordings(config, { store, access, log, pbxs: units.map((u) => ({ id: u.id, config: u.config, ownRecordings: u.ownRecordings })) });
  const crm = createCrm(config, { store, directory, log });
  const missed = createMissed(config, {
    store,
    directory,
    callLog,
    log,
    hub: missedHub,
    changed: () => crm.missedItemChanged(),
    pbxs: units.map((u) => ({ id: u.id, qualifier: u.qualifier, config: u.config })),
    ...(cluster ? { cluster: { publish: (push) => cluster.bus.publish('missed', push), onPush: (handler) => cluster.bus.on('missed', (body) => handler(body as MissedPush)) } } : {}),
  });
  const capabilities: Capability[] = [
    calls,
    pops,
    routing,
    recordings,
    crm,
    missed,
    createReports({ store, directory, log, ...(config.REPORTS_TIME_ZONE ? { timeZone: config.REPORTS_TIME_ZONE } : {}) }),
    createDirectoryPages({
      directory,
      pbxs,
      connections: {
        connections,
        secretKey: config.CRM_TELEPHONY_SECRET_KEY,
        configured: configured.map((t) => ({ id: t.id, name: t.name ?? t.id })),
        running: () => units.map((u) => u.id),
        startedAt: Date.now(),
      },
    }),
    createMetricsCapability(metrics),
    ...(demo ? [createDemoControls(demo)] : []),
    ...(options.routes ? [{ name: 'extra routes', routes: options.routes }] : []),
    // Last: the console's catch-all serves the page for every path the API does not own.
    createConsole(options.ui),
  ];

  const sinks = sinksOf(capabilities);
  const gapLog = new GapLog(store);
  for (const u of units) {
    // Each PBX's own record of calls, read after every gap in our view of it.
    u.cdr = u === first && options.cdr ? { source: options.cdr.source, missing: options.cdr.missing ?? null } : await cdrSourceFromConfig(u.config, log);
    u.session = new PbxSession({
      client: u.client,
      log,
      engine: {
        pbxId: u.id,
        defaultRegion: u.config.DEFAULT_REGION,
        ...(u.config.INBOUND_CONTEXTS ? { inboundContexts: u.config.INBOUND_CONTEXTS } : {}),
        trunkEndpoints: u.config.TRUNK_ENDPOINTS,
      },
      qualifier: u.qualifier,
      // Each call's matches and click-to-call origin, resolved once and handed with its effects.
      context: {
        lookup: async (number, phone) => {
          const began = performance.now();
          const found = await (phone ? findByNormalized(directory, phone) : findByPhone(directory, number));
          metrics.lookupLatency.observe((performance.now() - began) / 1000);
          return found.candidates;
        },
        origins,
      },
      sinks,
      filterEvents: u.config.AMI_EVENT_FILTER,
      // A standby follows nothing until it leads (cluster/pbx-lead.ts).
      dormant: cluster !== null,
      onEvent: (event) => {
        for (const c of capabilities) c.onPbxEvent?.(event, u.id);
      },
      gaps: { log: gapLog, source: u.cdr.source, sourceMissing: u.cdr.missing ?? null, lateReadMs: u.config.CDR_LATE_READ_SECONDS * 1000, ...options.gapTimings },
    });
    u.client.on('ready', (info) => {
      log.info({ pbx: info.id, amiVersion: info.version, reconnected: info.reconnected }, 'connected to the PBX');
      for (const c of capabilities) c.onPbxReady?.(u.id);
    });
    // Each retry in the log says why (warn once per cause, then info); never the secret.
    logPbxConnection(u.client, log);
  }

  const secureCookies = config.SECURE_COOKIES === 'auto' ? !isLoopback(config.HTTP_HOST) : config.SECURE_COOKIES === 'true';
  const app = await buildWebServer({
    access,
    logger: log,
    secureCookies,
    corsOrigins: config.CORS_ORIGINS,
    health: {
      demo: demo !== undefined,
      pbxs,
      cluster: () => cluster?.status ?? null,
      database: async () => {
        await store.ping();
        return true;
      },
    },
    routes: routesOf(capabilities),
  });

  let url: string | null = null;
  if (options.listen ?? true) {
    // A port taken since the check above (another start racing this one) is worded the same way.
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT }).catch((err: NodeJS.ErrnoException) => {
      throw listenError(httpNeed, err);
    });
    url = `http://${config.HTTP_HOST.includes(':') ? `[${config.HTTP_HOST}]` : config.HTTP_HOST}:${config.HTTP_PORT}/`;
  }
  for (const c of capabilities) await c.start?.();
  // Connecting runs in the background: the console works (and says the PBX is down) meanwhile.
  // In a cluster, only once this instance holds the PBX's lead.
  if (cluster) await cluster.start();
  else for (const u of units) follow(u);

  return {
    store,
    directory,
    callLog,
    access,
    hub,
    missed: { workflow: missed.workflow, items: missed.items, hub: missedHub },
    app,
    pbxs: units.map((u) => ({ id: u.id, name: u.name, qualifier: u.qualifier, client: u.client, session: u.session, deviceStates: routing.deviceStatesOf.get(u.id)! })),
    session: first.session,
    client: first.client,
    crm: crm.crm,
    recordings: recordings.recordings,
    router: routing.router,
    deviceStates: routing.deviceStates,
    agi: routing.agi,
    url,
    cluster,
    stop: async () => {
      for (const u of units) u.session.stop();
      await Promise.all(units.map((u) => u.client.close()));
      // A standby takes the PBXs over now, not once this instance has finished stopping.
      await cluster?.releaseLead();
      for (const u of units) await u.session.idle();
      for (const c of [...capabilities].reverse()) await c.stop?.();
      await cluster?.stop();
      for (const u of units) await u.cdr.source?.close();
      await app.close();
      await store.close();
    },
  };
}

/** A PBX of the configuration (or saved on the PBX page) as the service follows it. */
export function pbxTargetOf(d: PbxDefinition): PbxTarget {
  return { id: d.id, name: d.name, ...d.ami, config: d.config, qualifier: d.qualifier, ownRecordings: d.ownRecordings };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The first start creates an administrator, with ADMIN_PASSWORD or a generated password printed once. */
async function ensureAdmin(directory: Directory, config: Config, log: Logger): Promise<void> {
  const users = await directory.listUsers();
  if (users.some((u) => u.role === 'admin')) return;
  const password = config.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  try {
    await directory.upsertUser({ login: 'admin', name: 'Administrator', role: 'admin', password, extensions: [] });
  } catch (err) {
    // Instances started together on a new database: another one created it a moment ago.
    if ((await directory.listUsers()).some((u) => u.role === 'admin')) return;
    throw err;
  }
  if (config.ADMIN_PASSWORD) log.info('created the administrator "admin" with ADMIN_PASSWORD');
  else console.log(`\nCreated the administrator "admin" with the password: ${password}\n(shown once; set ADMIN_PASSWORD to choose it)\n`);
}
