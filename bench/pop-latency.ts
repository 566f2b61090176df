/**
 * Pop latency: from the PBX writing a DialBegin to the agent's browser reading the ringing card on
 * its SSE stream, with 500 agents connected and 100 calls ringing at once, on the 1M-contact
 * directory (the card's candidates come from it).
 *
 * Three processes: this one only orchestrates; the service runs alone in one child
 * (service-bench/service-host.ts); the PBX simulator and the 500 browsers share another
 * (pop-latency-world.ts), so both ends of each pop are stamped on one clock. Rounds of 100 calls
 * start either all at once (a burst: ~4,200 AMI events in the same instant) or spread over a second;
 * each round ends when its calls have ended.
 *
 * Run alone with `npx tsx bench/pop-latency.ts`, or with every benchmark by `npm run bench`.
 * Environment (all optional):
 *   BENCH_POP_CONTACTS  directory size. Default 1,000,000 (the routing benchmark's cache file).
 *   BENCH_POP_AGENTS    agents signed in with a stream each. Default 500.
 *   BENCH_POP_CALLS     calls ringing at once per round. Default 100.
 *   BENCH_POP_ROUNDS    rounds per start pattern. Default 10.
 *   BENCH_POP_REGION    the home region. Default RU.
 *   BENCH_POP_WITHOUT_CALL_LOG=1  diagnostic only: the call log's writes become no-ops (the report says so).
 *   BENCH_CACHE_DIR, BENCH_PROFILE_DIR: as for bench/routing.ts.
 * For a quick try: BENCH_POP_CONTACTS=20000 BENCH_POP_ROUNDS=2 npx tsx bench/pop-latency.ts
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CountryCode } from '../src/phone/types.ts';
import { rng, shuffled } from './directory-lookup/callers.ts';
import type { RoundResult, RoundSpec, WorldCall } from './pop-latency-world.ts';
import { markdown, summarizeMode, toJson, type PopCall, type PopMode, type PopReport } from './pop-latency-report.ts';
import { cachedDirectory, copyForRun } from './service-bench/directory-cache.ts';
import { formatMs } from './service-bench/latency.ts';
import { busyShare, loadAverage, machineLine, machineTicks } from './service-bench/machine.ts';
import { ChildLink } from './service-bench/rpc.ts';
import type { HostReady, HostStart, HostUsage, PopStamps } from './service-bench/service-host.ts';

export interface PopLatencyOptions {
  contacts?: number;
  agents?: number;
  callsPerRound?: number;
  rounds?: number;
  region?: CountryCode;
  seed?: number;
  resultsDir?: URL;
}

const RESULTS_DIR = new URL('./results/', import.meta.url);
const HOST = new URL('./service-bench/service-host.ts', import.meta.url);
const WORLD = new URL('./pop-latency-world.ts', import.meta.url);
const GOAL_MS = 25;
const FIRST_EXTENSION = 7000;
const RING_MS = 3000;
const TALK_MS = 1000;
const DID = '5550100';
const GRACE_MS = 5000;
const GAP_MS = 500;
const MODES = [
  { name: 'all at once', spreadMs: 0 },
  { name: 'over 1 s', spreadMs: 1000 },
];

function numberFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (!text) return fallback;
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim().replace(/_/g, ''));
  if (!m) throw new Error(`${name}: "${text}" is not a number.`);
  return Math.round(Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1000 : 1_000_000));
}

const log = (line: string): void => void process.stderr.write(`pop-latency: ${line}\n`);

export async function runPopLatency(options: PopLatencyOptions = {}): Promise<string> {
  const began = performance.now();
  const machine = machineLine();
  const contacts = options.contacts ?? numberFrom('BENCH_POP_CONTACTS', 1_000_000);
  const agentCount = options.agents ?? numberFrom('BENCH_POP_AGENTS', 500);
  const callsPerRound = Math.min(options.callsPerRound ?? numberFrom('BENCH_POP_CALLS', 100), agentCount);
  const rounds = options.rounds ?? numberFrom('BENCH_POP_ROUNDS', 10);
  const region = options.region ?? ((process.env['BENCH_POP_REGION'] ?? 'RU') as CountryCode);
  const seed = options.seed ?? 1;
  const withoutCallLog = process.env['BENCH_POP_WITHOUT_CALL_LOG'] === '1';

  const cached = await cachedDirectory({ contacts, seed, region }, log);
  const runDir = mkdtempSync(join(tmpdir(), 'crm-telephony-bench-pop-'));
  let host: ChildLink | undefined;
  let world: ChildLink | undefined;
  try {
    const copyBegan = performance.now();
    const databasePath = copyForRun(cached.path, runDir);
    const copySeconds = (performance.now() - copyBegan) / 1000;

    world = new ChildLink(WORLD, { name: 'PBX and browsers' });
    const pbx = await world.request<{ host: string; port: number }>('listen', null, 10_000);
    const profileDir = process.env['BENCH_PROFILE_DIR'];
    host = new ChildLink(HOST, { name: 'service', execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    log(`starting the service with ${agentCount} agents`);
    const start: HostStart = {
      databasePath,
      region,
      pbx,
      agents: { count: agentCount, firstExtension: FIRST_EXTENSION },
      callers: { hits: 2000, misses: 2000, seed },
      stampPops: true,
      withoutCallLog,
    };
    const ready = await host.request<HostReady>('start', start, 180_000);
    const streamsBegan = performance.now();
    await world.request('connect', { http: ready.http, agents: ready.agents }, 120_000);
    const streamSeconds = (performance.now() - streamsBegan) / 1000;
    const listening = await host.request<HostUsage>('usage', null, 10_000);
    if (listening.sseListeners < agentCount) throw new Error(`only ${listening.sseListeners} of ${agentCount} streams are subscribed`);
    log(`${agentCount} streams open`);

    const random = rng(seed);
    const callers = ready.callers!;
    const calls: PopCall[] = [];
    const modes: PopMode[] = [];
    for (const { name, spreadMs } of MODES) {
      const mode: PopMode = { name, spreadMs, rounds: 0, service: [], world: [], machineBusy: [], frames: 0, states: {}, misdelivered: 0, events: 0, callLog: { writes: 0, records: 0, totalMs: 0, maxMs: 0 } };
      modes.push(mode);
      for (let r = 1; r <= rounds; r++) {
        const ringing = shuffled(ready.agents, random).slice(0, callsPerRound);
        const known = new Map<string, boolean>();
        const worldCalls: WorldCall[] = ringing.map((a, i) => {
          const hit = i % 2 === 0;
          const pool = hit ? callers.hits : callers.misses;
          const key = `bench ${spreadMs === 0 ? 'burst' : 'spread'} r${r} c${String(i).padStart(3, '0')}`;
          known.set(key, hit);
          return { key, extension: a.extension, number: pool[Math.floor(random() * pool.length)]!.number };
        });
        const spec: RoundSpec = { calls: worldCalls, spreadMs, ringMs: RING_MS, talkMs: TALK_MS, did: DID, seed: seed * 1000 + r, graceMs: GRACE_MS };
        await host.request('mark', null, 10_000);
        const ticks = machineTicks();
        const result = await world.request<RoundResult>('round', spec, spreadMs + RING_MS + TALK_MS + GRACE_MS + 60_000);
        mode.machineBusy.push(busyShare(ticks, machineTicks()));
        const usage = await host.request<HostUsage>('usage', null, 10_000);
        const stamps = await host.request<PopStamps>('takeStamps', null, 10_000);
        mode.rounds++;
        mode.service.push(usage.process);
        mode.world.push(result.world);
        mode.frames += result.frames;
        mode.misdelivered += result.misdelivered;
        mode.events += result.events;
        for (const [state, n] of Object.entries(result.states)) mode.states[state] = (mode.states[state] ?? 0) + n;
        mode.callLog.writes += usage.callLog.writes;
        mode.callLog.records += usage.callLog.records;
        mode.callLog.totalMs += usage.callLog.totalMs;
        mode.callLog.maxMs = Math.max(mode.callLog.maxMs, usage.callLog.maxMs);
        for (const c of worldCalls) {
          calls.push({
            mode: name,
            round: r,
            key: c.key,
            known: known.get(c.key)!,
            sent: result.sent[c.key] ?? null,
            ami: stamps.ami[c.key] ?? null,
            publish: stamps.publish[c.key] ?? null,
            arrived: result.arrived[c.key] ?? null,
          });
        }
        const roundCalls = calls.filter((c) => c.mode === name && c.round === r && c.sent !== null && c.arrived !== null).map((c) => c.arrived! - c.sent!);
        roundCalls.sort((a, b) => a - b);
        log(`${name}, round ${r}: ${roundCalls.length}/${callsPerRound} pops, median ${formatMs(roundCalls[Math.floor(roundCalls.length / 2)])}, worst ${formatMs(roundCalls[roundCalls.length - 1])}`);
        await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      }
    }

    const report: PopReport = {
      contacts,
      region,
      withoutCallLog,
      agents: agentCount,
      callsPerRound,
      ringMs: RING_MS,
      talkMs: TALK_MS,
      goalMs: GOAL_MS,
      machine,
      loadAverageEnd: loadAverage(),
      totalSeconds: (performance.now() - began) / 1000,
      directory: { builtSeconds: cached.built?.seconds ?? null, copySeconds, bytes: statSync(cached.path).size },
      setup: { service: ready.setup.service, agents: ready.setup.agents, streams: streamSeconds },
      modes,
      calls,
    };
    const md = markdown(report);
    const dir = options.resultsDir ?? RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    // A diagnostic run never overwrites the product's figures.
    const base = withoutCallLog ? 'pop-latency.without-call-log' : 'pop-latency';
    writeFileSync(new URL(`${base}.md`, dir), md);
    const summaries = Object.fromEntries(modes.map((m) => [m.name, summarizeMode(report, m.name)]));
    writeFileSync(new URL(`${base}.json`, dir), toJson(report, { generatedAt: new Date().toISOString(), summaries }));
    return md;
  } finally {
    await world?.close();
    await host?.close();
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runPopLatency()
    .then((md) => console.log(md))
    .catch((err: Error) => {
      console.error(err.stack ?? err.message);
      process.exitCode = 1;
    });
}
