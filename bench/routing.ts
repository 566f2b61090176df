/**
 * Smart routing under load: the full FastAGI dialogue and `GET /api/route`, each at 1, 50 and 500
 * callers at once (closed loop) and at fixed arrival rates (open loop), against a 1M-contact
 * directory on the embedded SQLite store; callers in the directory and not, side by side.
 *
 * Three processes: this one only orchestrates; the service runs alone in one child
 * (service-bench/service-host.ts: `startService` as main.ts runs it, on a copy of the cached
 * directory); the load generator in another (routing-load.ts). The directory is built once into a
 * cache file (service-bench/directory-cache.ts) and copied for each run.
 *
 * Run alone with `npx tsx bench/routing.ts`, or with every benchmark by `npm run bench`.
 * Environment (all optional):
 *   BENCH_ROUTING_CONTACTS     directory size. Default 1,000,000 (built once, ~5-6 min, then cached).
 *   BENCH_ROUTING_CONCURRENCY  closed-loop callers at once, comma-separated. Default 1,50,500.
 *   BENCH_ROUTING_RATES        open-loop arrivals per second. Default 500,1000,2000.
 *   BENCH_ROUTING_SECONDS      measured seconds per phase (after 1 s of warm-up). Default 5.
 *   BENCH_ROUTING_PROTOCOLS    agi, http or both (default both).
 *   BENCH_ROUTING_REGION       the PBX's and CRM's home region. Default RU.
 *   BENCH_CACHE_DIR            where cached directories live. Default <tmpdir>/crm-telephony-bench-cache.
 *   BENCH_PROFILE_DIR          when set, the service process writes a V8 CPU profile there.
 * For a quick try: BENCH_ROUTING_CONTACTS=20000 BENCH_ROUTING_SECONDS=2 npx tsx bench/routing.ts
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CountryCode } from '../src/phone/types.ts';
import type { LoadSetup, PhaseResult, PhaseSpec, Protocol } from './routing-load.ts';
import { markdown, type MeasuredPhase, type RoutingReport } from './routing-report.ts';
import { cachedDirectory, copyForRun } from './service-bench/directory-cache.ts';
import { busyShare, loadAverage, machineLine, machineTicks } from './service-bench/machine.ts';
import { ChildLink } from './service-bench/rpc.ts';
import type { HostReady, HostStart, HostUsage } from './service-bench/service-host.ts';

export interface RoutingOptions {
  contacts?: number;
  concurrency?: number[];
  rates?: number[];
  measureMs?: number;
  warmupMs?: number;
  region?: CountryCode;
  seed?: number;
  /** Default BENCH_ROUTING_PROTOCOLS, else both. */
  protocols?: Protocol[];
  /** Where the Markdown and JSON results go. Default bench/results/. */
  resultsDir?: URL;
}

const RESULTS_DIR = new URL('./results/', import.meta.url);
const HOST = new URL('./service-bench/service-host.ts', import.meta.url);
const LOAD = new URL('./routing-load.ts', import.meta.url);
const GOAL_MS = 2;
const DID = '5550400';
const REQUEST_TIMEOUT_MS = 5000;
/** Callers drawn per kind: enough that the timed requests range over the whole directory. */
const POOL = 5000;

function numbers(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (!text) return fallback;
  return text.split(',').map((s) => {
    const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim().replace(/_/g, ''));
    if (!m) throw new Error(`${name}: "${s}" is not a number; write e.g. 1,50,500 or 1M.`);
    return Math.round(Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1000 : 1_000_000));
  });
}

function parseProtocols(text: string): Protocol[] {
  return text.split(',').map((s) => {
    const p = s.trim().toLowerCase();
    if (p !== 'agi' && p !== 'http') throw new Error(`BENCH_ROUTING_PROTOCOLS: "${s}" is not a protocol; use agi, http or both.`);
    return p;
  });
}

const log = (line: string): void => void process.stderr.write(`routing: ${line}\n`);

export async function runRouting(options: RoutingOptions = {}): Promise<string> {
  const began = performance.now();
  const machine = machineLine();
  const contacts = options.contacts ?? numbers('BENCH_ROUTING_CONTACTS', [1_000_000])[0]!;
  const concurrency = options.concurrency ?? numbers('BENCH_ROUTING_CONCURRENCY', [1, 50, 500]);
  const rates = options.rates ?? numbers('BENCH_ROUTING_RATES', [500, 1000, 2000]);
  const measureMs = options.measureMs ?? numbers('BENCH_ROUTING_SECONDS', [5])[0]! * 1000;
  const warmupMs = options.warmupMs ?? 1000;
  const region = options.region ?? ((process.env['BENCH_ROUTING_REGION'] ?? 'RU') as CountryCode);
  const seed = options.seed ?? 1;
  const protocols = options.protocols ?? parseProtocols(process.env['BENCH_ROUTING_PROTOCOLS'] ?? 'agi,http');

  const cached = await cachedDirectory({ contacts, seed, region }, log);
  const runDir = mkdtempSync(join(tmpdir(), 'crm-telephony-bench-routing-'));
  let host: ChildLink | undefined;
  let load: ChildLink | undefined;
  try {
    const copyBegan = performance.now();
    const databasePath = copyForRun(cached.path, runDir);
    const copySeconds = (performance.now() - copyBegan) / 1000;
    const profileDir = process.env['BENCH_PROFILE_DIR'];
    host = new ChildLink(HOST, { name: 'service', execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    log('starting the service');
    const start: HostStart = { databasePath, region, routingToken: true, callers: { hits: POOL, misses: POOL, seed } };
    const ready = await host.request<HostReady>('start', start, 120_000);
    const callers = ready.callers!;
    load = new ChildLink(LOAD, { name: 'load generator' });
    const setup: LoadSetup = {
      agi: ready.agi!,
      http: ready.http,
      token: ready.routingToken!,
      hits: callers.hits.map((c) => c.number),
      misses: callers.misses.map((c) => c.number),
      did: DID,
      seed,
    };
    await load.request('configure', setup, 10_000);

    // Protocols take turns at each level, so that a disturbance falls on both alike.
    const specs: PhaseSpec[] = [];
    const base = { warmupMs, measureMs, timeoutMs: REQUEST_TIMEOUT_MS };
    for (const n of concurrency) for (const protocol of protocols) specs.push({ protocol, mode: 'closed', concurrency: n, maxInFlight: n, ...base });
    for (const rate of rates) for (const protocol of protocols) specs.push({ protocol, mode: 'open', rate, maxInFlight: protocol === 'agi' ? 2000 : 1000, ...base });

    const phases: MeasuredPhase[] = [];
    const failures: RoutingReport['failures'] = [];
    for (const spec of specs) {
      const label = `${spec.protocol} ${spec.mode} ${spec.mode === 'closed' ? `${spec.concurrency} at once` : `${spec.rate}/s`}`;
      try {
        const before = await host.request<HostUsage>('usage', null, 10_000);
        await host.request('mark', null, 10_000);
        const ticks = machineTicks();
        const result = await load.request<PhaseResult>('run', spec, spec.warmupMs + spec.measureMs + spec.timeoutMs + 60_000);
        const machineBusy = busyShare(ticks, machineTicks());
        const after = await host.request<HostUsage>('usage', null, 10_000);
        const router = {
          decisions: after.router.decisions - before.router.decisions,
          degraded: after.router.degraded - before.router.degraded,
          budgetExceeded: after.router.budgetExceeded - before.router.budgetExceeded,
          lookupFailed: after.router.lookupFailed - before.router.lookupFailed,
        };
        phases.push({ load: result, service: after.process, router, machineBusy });
        log(`${label}: ${Math.round(result.throughput)}/s, p50 ${result.all?.p50.toFixed(2)} ms, p99 ${result.all?.p99.toFixed(2)} ms, errors ${JSON.stringify(result.errors)}`);
      } catch (err) {
        failures.push({ spec, reason: (err as Error).message });
        log(`${label} FAILED: ${(err as Error).message}`);
      }
    }

    const report: RoutingReport = {
      contacts,
      region,
      seed,
      goalMs: GOAL_MS,
      machine,
      loadAverageEnd: loadAverage(),
      totalSeconds: (performance.now() - began) / 1000,
      directory: { path: cached.path, builtSeconds: cached.built?.seconds ?? null, copySeconds, bytes: statSync(cached.path).size },
      setup: { service: ready.setup.service, callers: ready.setup.callers },
      callers: { hits: callers.hits.length, misses: callers.misses.length, hitsWithOwner: callers.hitsWithOwner },
      phases,
      failures,
    };
    const md = markdown(report);
    const dir = options.resultsDir ?? RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('routing.md', dir), md);
    writeFileSync(new URL('routing.json', dir), `${JSON.stringify({ generatedAt: new Date().toISOString(), ...report }, null, 2)}\n`);
    if (phases.length === 0) throw new Error(`every phase failed; first: ${failures[0]?.reason.split('\n')[0]}`);
    return md;
  } finally {
    await load?.close();
    await host?.close();
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runRouting()
    .then((md) => console.log(md))
    .catch((err: Error) => {
      console.error(err.stack ?? err.message);
      process.exitCode = 1;
    });
}
