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
import { CallHub } from '../web/push/call-hub.ts';
import { Cluster } from '../cluster/cluster.ts';
import { buildWebServer } from '../web/server.ts';
import type { DemoRoutesOptions } from '../web/routes/demo-routes.ts';
import type { PbxHealth } from '../web/routes/health-routes.ts';
import { AmiClient } from '../ami/client.ts';
import type { ReconnectStrategy } from '../ami/reconnect-strategy.ts';
import type { Router, DeviceStateTracker } from '../routing/index.ts';
import type { CrmRuntime } from '../crm/index.ts';
import type { Recordings } from '../recordings/index.ts';
import type { CdrSource } from '../cdr/pbx-cdr.ts';
import { logPbxConnection } from './pbx-connection-log.ts';
import { PbxSession } from './pbx-session.ts';
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
  /**
   * On PostgreSQL: another instance took this one's PBX lead while its link to the database was
   * down; the service has stopped following the PBX. `main.ts` exits, so that the process manager
   * starts it again as a standby.
   */
  onLeadLost?: () => void;
  /** On PostgreSQL: how often a standby tries for the PBX's lead (default 1 s; tests pass less). */
  clusterRetryMs?: number;
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
  const store = await openStore({ url: config.DATABASE_URL });
  const directory = new Directory(store, { defaultRegion: config.DEFAULT_REGION });
  const callLog = new CallLog(store);
  const access = new Access(store, directory);
  await ensureAdmin(directory, config, log);

  // The PBX. Its session is built once the capabilities say which sinks it feeds; they reach it
  // only while running (a click-to-call, health), by then it is there.
  const client = new AmiClient({ id: options.pbx.id, host: options.pbx.host, port: options.pbx.port, username: options.pbx.username, secret: options.pbx.secret, authType: options.pbx.authType, ...(options.pbx.reconnect ? { reconnect: options.pbx.reconnect } : {}) });
  const pbxs = (): PbxHealth[] => {
    const { state, problem, nextAttemptAt } = client.status;
    const lead = cluster?.status.lead;
    return [
      {
        id: client.id,
        state,
        protocolVersion: client.protocolVersion ?? null,
        lastEventAt: session.lastEventAt,
        reconnects: session.reconnects,
        problem,
        retryingAt: nextAttemptAt,
        cdr: session.gapStatus(),
        ...(lead ? { lead } : {}),
      },
    ];
  };
  // Where each click-to-call came from, until its call's context closes.
  const origins = new OriginMemory();

  // What the service does, one capability each (capabilities/): their sinks, routes, start and stop.
  // Several instances on one PostgreSQL: the one holding the PBX's lead follows it and relays its
  // pops to the others (cluster/). SQLite: one instance, always the leader.
  const hub = new CallHub();
  const cluster =
    store.native.engine === 'postgres'
      ? await Cluster.create({
          url: config.DATABASE_URL,
          pool: store.native.pool,
          hub,
          log,
          pbxId: options.pbx.id,
          onLead: () => {
            // The previous leader's open calls are read now, then the PBX says which go on.
            session.wake();
            client.connect().catch(() => undefined);
            for (const c of capabilities) c.startLeading?.();
          },
          onLost: () => {
            session.stop();
            void client.close();
            options.onLeadLost?.();
          },
          ...(options.clusterRetryMs ? { retryMs: options.clusterRetryMs } : {}),
        })
      : null;
  const pops = createPops(config, { directory, hub, ...(cluster ? { publisher: cluster.relay } : {}) });
  const calls = createCalls(config, {
    callLog,
    origins,
    log,
    pbx: { client, noteAction: (action) => session.noteAction(action) },
    ...(cluster ? { cluster: { standby: () => cluster.status.lead === 'standby', forward: (r) => cluster.calls.forward(r), serve: (place) => cluster.calls.serve(place) } } : {}),
  });
  const routing = createRouting(config, {
    directory,
    callLog,
    access,
    client,
    log,
    ...(options.agiPort !== undefined ? { agiPort: options.agiPort } : {}),
    ...(cluster ? { shareDeviceStates: (tracker) => cluster.shareDeviceStates(tracker) } : {}),
  });
  const recordings = createRecordings(config, { store, access, log, pbxId: options.pbx.id });
  const crm = createCrm(config, { store, directory, log });
  const capabilities: Capability[] = [
    calls,
    pops,
    routing,
    recordings,
    crm,
    createDirectoryPages({ directory, pbxs }),
    ...(options.demo ? [createDemoControls(options.demo)] : []),
    ...(options.routes ? [{ name: 'extra routes', routes: options.routes }] : []),
    // Last: the console's catch-all serves the page for every path the API does not own.
    createConsole(options.ui),
  ];

  // The PBX's own record of calls, read after every gap in our view of it.
  const cdr = options.cdr ?? (await cdrSourceFromConfig(config, log));
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
    context: { lookup: async (number, phone) => (await (phone ? findByNormalized(directory, phone) : findByPhone(directory, number))).candidates, origins },
    sinks: sinksOf(capabilities),
    filterEvents: config.AMI_EVENT_FILTER,
    // A standby follows nothing until it leads (cluster/pbx-lead.ts).
    dormant: cluster !== null,
    onEvent: (event) => {
      for (const c of capabilities) c.onPbxEvent?.(event);
    },
    gaps: { log: new GapLog(store), source: cdr.source, sourceMissing: cdr.missing ?? null, ...options.gapTimings },
  });
  client.on('ready', (info) => {
    log.info({ pbx: info.id, amiVersion: info.version, reconnected: info.reconnected }, 'connected to the PBX');
    for (const c of capabilities) c.onPbxReady?.();
  });
  // Each retry in the log says why (warn once per cause, then info); never the secret.
  logPbxConnection(client, log);

  const secureCookies = config.SECURE_COOKIES === 'auto' ? !isLoopback(config.HTTP_HOST) : config.SECURE_COOKIES === 'true';
  const app = await buildWebServer({
    access,
    logger: log,
    secureCookies,
    corsOrigins: config.CORS_ORIGINS,
    health: {
      demo: options.demo !== undefined,
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
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    url = `http://${config.HTTP_HOST.includes(':') ? `[${config.HTTP_HOST}]` : config.HTTP_HOST}:${config.HTTP_PORT}/`;
  }
  for (const c of capabilities) await c.start?.();
  // Connecting runs in the background: the console works (and says the PBX is down) meanwhile.
  // In a cluster, only once this instance holds the PBX's lead.
  if (cluster) await cluster.start();
  else {
    for (const c of capabilities) c.startLeading?.();
    client.connect().catch(() => undefined);
  }

  return {
    store,
    directory,
    callLog,
    access,
    hub,
    app,
    session,
    client,
    crm: crm.crm,
    recordings: recordings.recordings,
    router: routing.router,
    deviceStates: routing.deviceStates,
    agi: routing.agi,
    url,
    cluster,
    stop: async () => {
      session.stop();
      await client.close();
      // A standby takes the PBX over now, not once this instance has finished stopping.
      await cluster?.releaseLead();
      await session.idle();
      for (const c of [...capabilities].reverse()) await c.stop?.();
      await cluster?.stop();
      await cdr.source?.close();
      await app.close();
      await store.close();
    },
  };
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
