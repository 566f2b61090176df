/**
 * One configuration of the outage benchmark (a store and a CDR source), start to finish:
 *
 *   simulator (writes Master.csv) <── truth observer (never cut)
 *        ^
 *        └── link (relay, cut N times) <── the service: node src/main.ts (SIGKILLed K times)
 *
 * The load runs for the set duration while the outages of the plan happen; then, once the PBX's
 * last call has ended, the service is given time to recover and read the CDRs of every gap, is
 * stopped in order, and its store is compared with the truth.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmiSimulator, type LoadStats } from '../../src/simulator/ami-simulator.ts';
import { GapLog } from '../../src/store/gap-log.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { busyShare, freePort, loadAverage, machineTicks } from '../service-bench/machine.ts';
import { ProcessMeter, type ProcessUsage } from '../service-bench/process-meter.ts';
import { planChaos, type Outage } from './chaos.ts';
import { compareWithTruth, type Comparison } from './compare.ts';
import { Link } from './link.ts';
import { ServiceProcess, type ServiceHealth } from './service-process.ts';
import { StallWatch, type Stall } from './stall-watch.ts';
import { callLogProgress, createStore, readServiceStore, type StoreKind } from './stores.ts';
import { TruthObserver } from './truth.ts';

export type CdrMode = 'csv' | 'none';

export interface ConfigurationSpec {
  store: StoreKind;
  cdr: CdrMode;
}

export interface RunSettings {
  durationMs: number;
  callsPerSecond: number;
  cuts: number;
  kills: number;
  seed: number;
  /** Send Cdr events over AMI too (cdr_manager on). */
  cdrEvents: boolean;
  /**
   * manager.conf `timestampevents = yes`: every event carries the PBX's own time (the call's
   * script's), which the engine prefers to its arrival, so the simulator's own lateness drops out.
   */
  timestampEvents: boolean;
  /** Longest wait, after the load, for the service to read every gap's CDRs. */
  settleMaxMs: number;
  postgresUrl: string;
  /** Keep the run's folder (Master.csv, SQLite file, service log) instead of removing it. */
  keepFiles: boolean;
  examplesPerProblem: number;
}

export interface ConfigurationResult {
  store: StoreKind;
  cdr: CdrMode;
  storeDescription: string;
  load: { placed: number; completed: number; events: number; seconds: number; aborted: boolean };
  outages: {
    cutsPlanned: number;
    /** Cuts that found a connection to cut. */
    cuts: number;
    /** Cuts that waited for the service to be ready first (it was down or reconnecting at the planned moment). */
    cutsDeferred: number;
    kills: number;
    /** Seconds from each cut / kill until health said ready again. */
    downAfterCut: { mean: number; max: number };
    downAfterKill: { mean: number; max: number };
    serviceStarts: number;
    unexpectedExits: string[];
    /** How far behind the PBX the call log was just before each kill, s (what a crash loses unless the CDRs bring it back). */
    callLogBehindAtKills: number[];
    /** Every outage: what, and from it until health said ready (epoch ms). */
    windows: { kind: 'cut' | 'kill'; from: number; to: number }[];
    /**
     * Lost calls by the outage that lost them: each lost call counts against the first outage that
     * was not over yet when it ended (it ended inside it, or before it while the log had not written
     * it yet). Only outages with lost calls; `atSeconds` from the start of the load.
     */
    lostByOutage: { kind: 'cut' | 'kill'; atSeconds: number; lost: number; callLogBehind: number | null }[];
  };
  truth: {
    calls: number;
    events: number;
    open: number;
    engineErrors: number;
    engineErrorExamples: string[];
    observerDisconnects: number;
    /** How late the PBX's events came against the calls' own clock (see TruthObserver.lateness). */
    lateness: { cel: number; lateOver1s: number; maxMs: number };
  };
  /**
   * During the load: this process (the simulator, its Master.csv, the link and the truth), the whole
   * machine's busy share, and the load average at the end. The PBX's timers run late when this
   * process waits for a CPU.
   */
  machine: {
    /** The service's CPU over the load (all its runs), in cores: near 1, its one thread was saturated. */
    serviceCpuCores: number;
    /** How far behind the PBX the call log was at its worst, sampled every 10 s during the load, s. */
    callLogBehindMax: number;
    pbxProcess: ProcessUsage;
    busyShare: number | null;
    loadAverage: number;
    /** Stretches in which the PBX's process ran more than 200 ms late (its events went out late). */
    pbxStalls: { count: number; totalMs: number; maxMs: number; list: Stall[] };
  };
  gaps: { total: number; byCause: Record<string, number>; byState: Record<string, number>; corrected: number; rebuilt: number };
  cdrCsv: { written: number; notRecorded: number; failed: number } | null;
  settle: { seconds: number; outcome: string };
  /** The last health the service gave before it was stopped (its CDR counters count since its last start). */
  healthAtEnd: ServiceHealth['pbxs'][number] | null;
  comparison: Comparison;
  serviceLog: { warnings: number; errors: number; examples: string[]; gapReads: number; lastGapReadAt: string | null; path: string | null };
  wallSeconds: number;
}

const PBX_ID = 'default'; // src/main.ts's id for the AMI_HOST PBX
const USER = 'crm';
const SECRET = 'crmsecret'; // the simulator's defaults

/**
 * Health, sampled every 100 ms all along: `ready` turns false at each outage, and true again at the
 * first sample taken after the outage that says ready, once a sample has said not ready (the AMI
 * client waits at least 500 ms before reconnecting, so one does) or 3 s have passed.
 */
class ReadinessMonitor {
  ready = false;
  last: ServiceHealth | null = null;
  readonly #service: ServiceProcess;
  #stopped = false;
  #epoch = 0;
  #sawDown = false;
  #waiters: { since: number; resolve: (ms: number) => void }[] = [];
  /** Every outage, epoch ms, from its moment until ready again (open while not yet ready). */
  readonly windows: { kind: 'cut' | 'kill'; from: number; to: number }[] = [];
  readonly #loop: Promise<void>;

  constructor(service: ServiceProcess) {
    this.#service = service;
    this.#loop = this.#run();
  }

  /** An outage is about to happen: not ready until health says so again; resolves with the ms it took. */
  outage(kind: 'cut' | 'kill'): Promise<number> {
    this.ready = false;
    this.#epoch++;
    this.#sawDown = false;
    const since = performance.now();
    this.windows.push({ kind, from: Date.now(), to: Number.POSITIVE_INFINITY });
    return new Promise((resolve) => this.#waiters.push({ since, resolve }));
  }

  async untilReady(): Promise<void> {
    while (!this.ready && !this.#stopped) await sleep(50);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    for (const w of this.#waiters.splice(0)) w.resolve(Number.NaN);
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const epoch = this.#epoch;
      this.#service.cpuSeconds(); // a reading every 100 ms: a SIGKILL loses at most that much
      const health = this.#service.running ? await this.#service.health(1000) : null;
      // A sample taken across an outage says nothing about after it.
      if (epoch === this.#epoch) {
        if (health !== null) this.last = health;
        const ready = health?.pbxs[0]?.state === 'ready';
        const now = performance.now();
        if (!ready) {
          this.#sawDown = true;
          this.ready = false;
        } else if (!this.ready && (this.#sawDown || this.#waiters.every((w) => now - w.since > 3000))) {
          this.ready = true;
          for (const w of this.#waiters.splice(0)) w.resolve(now - w.since);
          for (const o of this.windows) if (o.to === Number.POSITIVE_INFINITY) o.to = Date.now();
        }
      }
      await sleep(100);
    }
  }
}

function meanMax(xs: number[]): { mean: number; max: number } {
  if (xs.length === 0) return { mean: Number.NaN, max: Number.NaN };
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length / 1000, max: Math.max(...xs) / 1000 };
}

/**
 * Warnings and errors in the service's pino log (JSON lines), with a few distinct messages. Lines
 * that are not JSON are the process's own prints: main.ts's "is running" banner, or an uncaught
 * error's stack (counted as an error when it says Error).
 */
function summarizeLog(path: string): { warnings: number; errors: number; examples: string[]; gapReads: number; lastGapReadAt: string | null } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { warnings: 0, errors: 0, examples: [], gapReads: 0, lastGapReadAt: null };
  }
  let warnings = 0;
  let errors = 0;
  // Gap reads that filled something in (gap-filler.ts logs them at info), and when the last one was.
  let gapReads = 0;
  let lastGapReadAt: string | null = null;
  const examples = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let level: number;
    let msg = line;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown; time?: number };
      level = entry.level ?? 0;
      if (entry.msg?.startsWith('the PBX\'s CDRs filled in a gap') === true) {
        gapReads++;
        lastGapReadAt = entry.time === undefined ? null : new Date(entry.time).toISOString();
      }
      msg = `${entry.msg ?? ''}${entry.err === undefined ? '' : ` (${typeof entry.err === 'string' ? entry.err : JSON.stringify(entry.err).slice(0, 200)})`}`;
    } catch {
      level = /error/i.test(line) ? 50 : 0;
    }
    if (level >= 50) errors++;
    else if (level >= 40) warnings++;
    else continue;
    if (examples.size < 12) examples.add(`${level >= 50 ? 'error' : 'warn'}: ${msg.slice(0, 300)}`);
  }
  return { warnings, errors, examples: [...examples], gapReads, lastGapReadAt };
}

function lostByOutage(
  windows: readonly { kind: 'cut' | 'kill'; from: number; to: number }[],
  lost: readonly [string, string | null, string | null, string | null][],
  behindAtKills: readonly number[],
  loadStartedAt: number,
): ConfigurationResult['outages']['lostByOutage'] {
  const counts = new Array<number>(windows.length).fill(0);
  for (const [, startedAt, endedAt] of lost) {
    const end = Date.parse(endedAt ?? startedAt ?? '');
    const i = windows.findIndex((w) => w.to >= end - 1000);
    if (i >= 0) counts[i]!++;
  }
  let kill = 0;
  return windows.flatMap((w, i) => {
    const behind = w.kind === 'kill' ? (behindAtKills[kill++] ?? null) : null;
    return counts[i]! > 0 ? [{ kind: w.kind, atSeconds: Math.round((w.from - loadStartedAt) / 1000), lost: counts[i]!, callLogBehind: behind }] : [];
  });
}

export async function runConfiguration(spec: ConfigurationSpec, s: RunSettings, progress: (line: string) => void): Promise<ConfigurationResult> {
  const began = performance.now();
  const label = `${spec.store}/${spec.cdr === 'csv' ? 'CDR csv' : 'no CDR'}`;
  const dir = mkdtempSync(join(tmpdir(), 'crm-outage-bench-'));
  const csvPath = join(dir, 'cdr-csv', 'Master.csv');
  const logPath = join(dir, 'service.log');
  const sim = new AmiSimulator({ port: 0, cdrCsv: { path: csvPath }, cdrEvents: s.cdrEvents });
  let link: Link | null = null;
  let truth: TruthObserver | null = null;
  let service: ServiceProcess | null = null;
  let monitor: ReadinessMonitor | null = null;
  /** The bench's own connection to the service's store (read only). */
  let reader: Store | null = null;
  const store = await createStore(spec.store, dir, s.postgresUrl, `${spec.store}_${spec.cdr}`);
  try {
    const { port } = await sim.listen();
    link = await Link.open({ host: '127.0.0.1', port });
    truth = new TruthObserver({ host: '127.0.0.1', port, username: USER, secret: SECRET, pbxId: PBX_ID });
    await truth.start();
    const httpPort = await freePort();
    service = new ServiceProcess({
      httpPort,
      logPath,
      env: {
        AMI_HOST: '127.0.0.1',
        AMI_PORT: String(link.port),
        AMI_USERNAME: USER,
        AMI_SECRET: SECRET,
        DATABASE_URL: store.url,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        AGI_PORT: '0',
        ADMIN_PASSWORD: 'outage-bench-admin',
        // info: one line per recovery and per gap read (what the CDRs filled in), none per call.
        LOG_LEVEL: 'info',
        CDR_SOURCE: spec.cdr,
        CDR_CSV_PATH: csvPath,
        CDR_TIMEZONE: 'UTC',
      },
    });
    service.start();
    await service.waitReady(90_000);
    monitor = new ReadinessMonitor(service);
    await monitor.untilReady();
    reader = await openStore({ url: store.url }); // after the service migrated it
    progress(`[${label}] service ready; load ${s.callsPerSecond} calls/s for ${s.durationMs / 1000} s, ${s.cuts} link cuts, ${s.kills} kills`);

    // The load and the outages.
    const plan = planChaos({ durationMs: s.durationMs, cuts: s.cuts, kills: s.kills, seed: s.seed });
    const meter = new ProcessMeter();
    const stalls = new StallWatch();
    const ticksBefore = machineTicks();
    const serviceCpuBefore = service.cpuSeconds();
    let callLogBehindMax = 0;
    const t0 = performance.now();
    let loadStats: LoadStats | null = null;
    const loadDone = sim.startLoad({ callsPerSecond: s.callsPerSecond, durationMs: s.durationMs, seed: s.seed, ...(s.timestampEvents ? { params: { timestampEvents: true } } : {}) }).then((st) => {
      loadStats = st;
      return st;
    });
    const downAfterCut: Promise<number>[] = [];
    const downAfterKill: Promise<number>[] = [];
    let cuts = 0;
    let cutsDeferred = 0;
    let kills = 0;
    const callLogBehindAtKills: number[] = [];
    const ticker = setInterval(() => {
      const at = (performance.now() - t0) / 1000;
      const state = service?.running ? (monitor?.last?.pbxs[0]?.state ?? '?') : 'killed';
      void callLogProgress(reader!, PBX_ID)
        .catch(() => null)
        .then((log) => {
          if (log !== null && loadStats === null && log.behindMs > callLogBehindMax) callLogBehindMax = log.behindMs;
          const behind = log === null ? '?' : `${(log.behindMs / 1000).toFixed(1)} s behind`;
          progress(`[${label}] ${at.toFixed(0)} s: ${truth?.records.size ?? 0} calls seen by the truth, ${truth?.events ?? 0} events (PBX stalls > 200 ms: ${stalls.stalls.length}, longest ${(stalls.maxMs / 1000).toFixed(1)} s); cuts ${cuts}/${s.cuts}, kills ${kills}/${s.kills}; service ${state}, call log ${behind}`);
        });
    }, 10_000);
    ticker.unref();
    try {
      for (const outage of plan) {
        const wait = t0 + outage.atMs - performance.now();
        if (wait > 0) await sleep(wait);
        await doOutage(outage);
      }
      await loadDone;
    } finally {
      clearInterval(ticker);
    }
    async function doOutage(outage: Outage): Promise<void> {
      if (!monitor!.ready) {
        if (outage.kind === 'cut') cutsDeferred++;
        await monitor!.untilReady();
      }
      if (outage.kind === 'cut') {
        const down = monitor!.outage('cut');
        if (link!.cut() > 0) {
          cuts++;
          downAfterCut.push(down);
        }
        return;
      }
      const behind = await callLogProgress(reader!, PBX_ID).catch(() => null);
      callLogBehindAtKills.push((behind?.behindMs ?? Number.NaN) / 1000);
      const down = monitor!.outage('kill');
      await service!.kill();
      kills++;
      downAfterKill.push(down);
      progress(`[${label}] ${((performance.now() - t0) / 1000).toFixed(0)} s: service killed (SIGKILL), restarting in ${(outage.restartAfterMs / 1000).toFixed(1)} s`);
      await sleep(outage.restartAfterMs);
      service!.start();
    }
    const pbxProcess = meter.read();
    meter.stop();
    stalls.stop();
    const machine = {
      serviceCpuCores: (service.cpuSeconds() - serviceCpuBefore) / (pbxProcess.wallMs / 1000),
      callLogBehindMax: callLogBehindMax / 1000,
      pbxProcess,
      busyShare: busyShare(ticksBefore, machineTicks()),
      loadAverage: loadAverage(),
      pbxStalls: { count: stalls.stalls.length, totalMs: stalls.stalls.reduce((a, x) => a + x.to - x.from, 0), maxMs: stalls.maxMs, list: stalls.stalls },
    };
    const load = loadStats as LoadStats | null;
    if (load === null) throw new Error('The load did not report.');
    progress(`[${label}] load over: ${load.callsStarted} calls in ${(load.elapsedMs / 1000).toFixed(0)} s; waiting for the service to settle`);

    // Settle: the service up, every gap's CDRs read (without a CDR source: 10 s), and the call log
    // no longer being written (its queue drained), at most settleMaxMs.
    const settleBegan = performance.now();
    const inTime = (): boolean => performance.now() - settleBegan < s.settleMaxMs;
    await monitor.untilReady();
    const outcome: string[] = [];
    if (spec.cdr === 'none') {
      await sleep(10_000);
      outcome.push('no CDR source: 10 s');
    } else {
      const gaps = new GapLog(reader);
      await sleep(6_000); // the first read comes 5 s after a recovery
      let read = false;
      while (!read && inTime()) {
        read = (await gaps.pendingCount(PBX_ID)) === 0 && monitor.last?.pbxs[0]?.cdr?.pendingGaps === 0;
        if (!read) await sleep(1000);
      }
      outcome.push(read ? 'every gap read' : 'gaps still pending');
    }
    let before = await callLogProgress(reader, PBX_ID);
    let still: boolean | null = null;
    while (still !== true && inTime()) {
      await sleep(2000);
      const now = await callLogProgress(reader, PBX_ID);
      still = now.rows === before.rows && now.lastWrite === before.lastWrite;
      before = now;
    }
    outcome.push(still === null ? 'call log not checked' : still ? 'call log written' : 'call log still being written');
    if (!inTime()) outcome.push(`stopped waiting after ${Math.round(s.settleMaxMs / 1000)} s`);
    const settleSeconds = (performance.now() - settleBegan) / 1000;
    progress(`[${label}] settled in ${settleSeconds.toFixed(0)} s (${outcome.join(', ')}); stopping the service and comparing`);
    const healthAtEnd = monitor.last?.pbxs[0] ?? null;
    const windows = monitor.windows;
    await monitor.stop();
    monitor = null;
    await service.stop();

    const [cutDowns, killDowns] = await Promise.all([Promise.all(downAfterCut), Promise.all(downAfterKill)]);
    const logged = await readServiceStore(store.url, PBX_ID);
    const loadStartedAt = Date.now() - (performance.now() - t0);
    const comparison = compareWithTruth({ truth: truth.records, logged: logged.calls, owners: truth.owners, outages: windows, pbxStalledAt: (at) => stalls.covers(at), pbxId: PBX_ID, examplesPerProblem: s.examplesPerProblem });
    const count = (xs: string[]): Record<string, number> => xs.reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {});
    const writer = sim.cdrCsv;
    return {
      store: spec.store,
      cdr: spec.cdr,
      storeDescription: store.description,
      load: { placed: load.callsStarted, completed: load.callsCompleted, events: load.eventsEmitted, seconds: load.elapsedMs / 1000, aborted: load.aborted },
      outages: {
        cutsPlanned: s.cuts,
        cuts,
        cutsDeferred,
        kills,
        downAfterCut: meanMax(cutDowns),
        downAfterKill: meanMax(killDowns),
        serviceStarts: service.starts,
        unexpectedExits: service.unexpectedExits,
        callLogBehindAtKills,
        windows,
        lostByOutage: lostByOutage(windows, comparison.lostCalls, callLogBehindAtKills, loadStartedAt),
      },
      truth: {
        calls: truth.records.size,
        events: truth.events,
        open: truth.openCalls,
        engineErrors: truth.engineErrors.length,
        engineErrorExamples: truth.engineErrors.slice(0, 5),
        observerDisconnects: truth.disconnects,
        lateness: { ...truth.lateness },
      },
      machine,
      gaps: {
        total: logged.gaps.length,
        byCause: count(logged.gaps.map((g) => g.cause)),
        byState: count(logged.gaps.map((g) => g.state)),
        corrected: logged.gaps.reduce((a, g) => a + g.corrected, 0),
        rebuilt: logged.gaps.reduce((a, g) => a + g.rebuilt, 0),
      },
      cdrCsv: writer === undefined ? null : { written: writer.written, notRecorded: writer.notRecorded, failed: writer.failed },
      settle: { seconds: settleSeconds, outcome: outcome.join(', ') },
      healthAtEnd,
      comparison,
      serviceLog: { ...summarizeLog(logPath), path: s.keepFiles ? logPath : null },
      wallSeconds: (performance.now() - began) / 1000,
    };
  } finally {
    await reader?.close();
    await monitor?.stop();
    await service?.stop(5_000);
    await truth?.stop();
    await link?.close();
    await sim.close();
    await store.dispose().catch((err: unknown) => progress(`[${label}] could not drop the benchmark database: ${(err as Error).message}`));
    if (s.keepFiles) progress(`[${label}] files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
