/**
 * The service under test, alone in its own process (forked by bench/routing.ts and
 * bench/pop-latency.ts), so that no load generator, simulator or benchmark bookkeeping shares its
 * event loop. It runs `startService` exactly as `main.ts` does, on a copy of the cached directory,
 * then does the setup a benchmark asks for (a routing token, agents with extensions and signed-in
 * sessions, callers drawn from the directory) and reports what it did while being measured.
 *
 * Observing, not changing: for the pop benchmark it stamps when each bench call's DialBegin reached
 * the service's AMI client (one more 'event' listener, after the session's own) and when its
 * ringing card was handed to the push hub (a wrapper around `hub.publish` that calls the original),
 * so that the pop's latency can be split into transport, engine and push.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { CountryCode } from '../../src/phone/types.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { SESSION_COOKIE } from '../../src/web/auth/auth-plugin.ts';
import type { CallMessage } from '../../src/pops/wire.ts';
import type { RouterStats } from '../../src/routing/budget.ts';
import { drawCallers, type CallerPools } from './callers.ts';
import { epochMs } from './latency.ts';
import { freePort } from './machine.ts';
import { ProcessMeter, type ProcessUsage } from './process-meter.ts';
import { serve } from './rpc.ts';

export interface HostStart {
  /** The run's copy of the directory (a SQLite file). */
  databasePath: string;
  region: CountryCode;
  /** More configuration (environment variable names, as in the README). */
  env?: Record<string, string>;
  /** The PBX to connect to; without it an idle simulator in this process stands in (routing needs no calls). */
  pbx?: { host: string; port: number };
  routingToken?: boolean;
  /** Agents `bench-agent-<i>` with extensions from `firstExtension`, each signed in (a cookie session). */
  agents?: { count: number; firstExtension: number };
  callers?: { hits: number; misses: number; seed: number };
  /** Stamp bench calls (caller name starting `bench `) on arrival and on publish. */
  stampPops?: boolean;
  /**
   * Diagnostic only, never for the reported figures: the call log's writes become no-ops, to see
   * how much of a pop's time is spent waiting behind them.
   */
  withoutCallLog?: boolean;
}

export interface BenchAgent {
  login: string;
  extension: string;
  /** The `Cookie:` header value of the agent's session. */
  cookie: string;
}

export interface HostReady {
  http: { host: string; port: number };
  agi: { host: string; port: number } | null;
  routingToken: string | null;
  agents: BenchAgent[];
  callers: CallerPools | null;
  /** Seconds: starting the service, creating and signing in the agents, drawing callers. */
  setup: { service: number; agents: number; callers: number };
}

export interface HostUsage {
  process: ProcessUsage;
  router: RouterStats;
  sseListeners: number;
  /** Call-log writes since the last mark: see CallLogMeter. */
  callLog: CallLogMeter;
}

export interface PopStamps {
  /** Caller name -> when its DialBegin reached the service's AMI client (epoch ms). */
  ami: Record<string, number>;
  /** Caller name -> when its ringing card was handed to the push hub. */
  publish: Record<string, number>;
}

const AMI_USER = { username: 'crm', secret: 'crmsecret' };
const BENCH_PASSWORD = 'bench-agent-password';

let service: Service | undefined;
let idlePbx: AmiSimulator | undefined;
const meter = new ProcessMeter();
let stamps: PopStamps = { ami: {}, publish: {} };
/**
 * The call log's writes: `writes` calls of `CallLog.upsertMany` or `upsert` (one transaction each;
 * an `upsert` that goes through `upsertMany` counts once), the `records` they carried, and the wall
 * time inside them (their own work plus whatever else ran on the event loop meanwhile).
 */
export interface CallLogMeter {
  writes: number;
  records: number;
  totalMs: number;
  maxMs: number;
}

const noWrites = (): CallLogMeter => ({ writes: 0, records: 0, totalMs: 0, maxMs: 0 });
let callLog = noWrites();

/**
 * A password hash in the product's own format with a cheap scrypt cost (N=1024 instead of 16384).
 * verifyPassword honours the cost stored in the hash, so 500 sign-ins through `access.login` take
 * about a second instead of half a minute of scrypt; the session they create is the real one.
 */
function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

async function waitReady(s: Service, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (s.client.state !== 'ready') {
    if (performance.now() > until) throw new Error(`the service did not connect to the PBX within ${ms / 1000} s (state ${s.client.state})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // The session rebuilds calls in progress right after connecting (CoreShowChannels, Status); let it finish.
  await new Promise((r) => setTimeout(r, 300));
}

async function createAgents(s: Service, count: number, firstExtension: number): Promise<BenchAgent[]> {
  const agents: BenchAgent[] = [];
  for (let i = 0; i < count; i++) {
    const login = `bench-agent-${String(i).padStart(3, '0')}`;
    const extension = String(firstExtension + i);
    await s.directory.upsertUser({ login, name: `Bench Agent ${i}`, role: 'agent', extensions: [extension] });
    agents.push({ login, extension, cookie: '' });
  }
  await s.store.db.updateTable('users').set({ password_hash: cheapPasswordHash(BENCH_PASSWORD) }).where('login', 'like', 'bench-agent-%').execute();
  for (const agent of agents) {
    const session = await s.access.login(agent.login, BENCH_PASSWORD);
    if (!session) throw new Error(`could not sign in ${agent.login}`);
    agent.cookie = `${SESSION_COOKIE}=${session.sessionId}`;
  }
  return agents;
}

/**
 * Times each call-log write: wrappers on the instance that call the originals (the call-log sink
 * looks the method up on the instance at each batch). Both write methods are wrapped, `upsertMany`
 * (what the sink calls) and `upsert` (one call); an `upsertMany` that an `upsert` makes as it starts
 * is part of that write, not a second one. `off` (the diagnostic) makes both no-ops.
 */
function meterCallLog(s: Service, off: boolean): void {
  const log = s.callLog;
  const upsertMany = log.upsertMany.bind(log);
  const upsert = log.upsert.bind(log);
  // True only while the original `upsert` runs its synchronous start (where it calls `upsertMany`).
  let insideUpsert = false;
  const timed = async (records: number, write: () => Promise<void>): Promise<void> => {
    const began = performance.now();
    try {
      if (!off) await write();
    } finally {
      const ms = performance.now() - began;
      callLog.writes++;
      callLog.records += records;
      callLog.totalMs += ms;
      callLog.maxMs = Math.max(callLog.maxMs, ms);
    }
  };
  log.upsertMany = (...args: Parameters<typeof upsertMany>) => (insideUpsert ? upsertMany(...args) : timed(args[0].length, () => upsertMany(...args)));
  log.upsert = (...args: Parameters<typeof upsert>) =>
    timed(1, () => {
      insideUpsert = true;
      try {
        return upsert(...args);
      } finally {
        insideUpsert = false;
      }
    });
}

function stampPops(s: Service): void {
  s.client.on('event', (event) => {
    if (event.get('Event') !== 'DialBegin') return;
    const name = event.get('CallerIDName');
    if (name?.startsWith('bench ')) stamps.ami[name] ??= epochMs();
  });
  const hub = s.hub;
  const publish = hub.publish.bind(hub);
  hub.publish = (userId: string, message: CallMessage) => {
    if (message.state === 'ringing' && message.externalName?.startsWith('bench ')) stamps.publish[message.externalName] ??= epochMs();
    return publish(userId, message);
  };
}

async function start(options: HostStart): Promise<HostReady> {
  if (service) throw new Error('already started');
  const began = performance.now();
  let pbx = options.pbx;
  if (!pbx) {
    idlePbx = new AmiSimulator({ ...AMI_USER });
    pbx = await idlePbx.listen();
  }
  const httpPort = await freePort();
  const config = loadConfig({
    DATABASE_URL: options.databasePath,
    DEFAULT_REGION: options.region,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    AGI_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'bench-admin-password',
    ...options.env,
  });
  const s = await startService({
    config,
    log: createLogger('silent'),
    pbx: { id: 'bench', host: pbx.host, port: pbx.port, ...AMI_USER, authType: 'plain' },
    listen: true,
    agiPort: 0,
  });
  service = s;
  meterCallLog(s, options.withoutCallLog ?? false);
  if (options.stampPops) stampPops(s);
  await waitReady(s, 15_000);
  const serviceSeconds = (performance.now() - began) / 1000;

  const t1 = performance.now();
  const routingToken = options.routingToken ? (await s.access.createToken('routing', 'bench', null)).token : null;
  const agents = options.agents ? await createAgents(s, options.agents.count, options.agents.firstExtension) : [];
  const t2 = performance.now();
  const callers = options.callers ? await drawCallers(s.directory, options.callers) : null;
  const t3 = performance.now();
  meter.reset();
  callLog = noWrites();
  return {
    http: { host: '127.0.0.1', port: httpPort },
    agi: s.agi,
    routingToken,
    agents,
    callers,
    setup: { service: serviceSeconds, agents: (t2 - t1) / 1000, callers: (t3 - t2) / 1000 },
  };
}

function usage(): HostUsage {
  if (!service) throw new Error('not started');
  return { process: meter.read(), router: service.router.stats, sseListeners: service.hub.listenerCount, callLog: { ...callLog } };
}

serve(
  {
    start: (options: HostStart) => start(options),
    mark: () => {
      meter.reset();
      callLog = noWrites();
      return null;
    },
    usage: () => usage(),
    takeStamps: () => {
      const taken = stamps;
      stamps = { ami: {}, publish: {} };
      return taken;
    },
  },
  async () => {
    meter.stop();
    await service?.stop();
    await idlePbx?.close();
  },
);
