/**
 * One phase of the cluster soak: N service processes (`node src/main.ts`) on one fresh PostgreSQL
 * database and one simulated PBX, agents streaming from all of them, the load, and (for the
 * cluster) the chaos: an instance SIGKILLed every minute (the leader every other time) and the
 * leader's AMI link cut; then every call the PBX made is looked for in the call log.
 *
 *   simulator (Master.csv) <── truth observer, DialBegin clock (never cut)
 *        ^
 *        └── link (relay, cut) <── instance 1 .. N (one leads and follows the PBX)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmiClient } from '../../src/ami/client.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { Directory } from '../../src/directory/directory.ts';
import { AmiSimulator, type LoadStats } from '../../src/simulator/ami-simulator.ts';
import { GapLog } from '../../src/store/gap-log.ts';
import { openStore } from '../../src/store/store.ts';
import { Access } from '../../src/web/auth/access.ts';
import { SESSION_COOKIE } from '../../src/web/auth/auth-plugin.ts';
import { freePort } from '../service-bench/machine.ts';
import { planChaos } from '../outage-recovery/chaos.ts';
import { callKind, compareWithTruth, type Comparison } from '../outage-recovery/compare.ts';
import { Link } from '../outage-recovery/link.ts';
import { ServiceProcess } from '../outage-recovery/service-process.ts';
import { callLogProgress, createStore, readServiceStore } from '../outage-recovery/stores.ts';
import { TruthObserver } from '../outage-recovery/truth.ts';
import { AgentStream } from './agents.ts';

export interface PhaseSpec {
  name: string;
  instances: number;
  durationMs: number;
  callsPerSecond: number;
  agents: number;
  /** Kill an instance this often (0: never). */
  killEveryMs: number;
  /** Keep the run's folder (the instances' logs, Master.csv). */
  keep?: boolean;
  cuts: number;
  seed: number;
  postgresUrl: string;
}

export interface PhaseResult {
  name: string;
  instances: number;
  load: { placed: number; seconds: number };
  comparison: Comparison;
  kills: { total: number; leaders: number; takeoverMs: number[] };
  cuts: number;
  /** `slow`: up to 10 calls whose first pop came more than 1 s after their first DialBegin. */
  pops: { callsThatRang: number; callsWithAPop: number; frames: number; latencyMs: number[]; reconnects: number; slow: { callId: string; kind: string; rang: string; ms: number; frames: string[] }[] };
  cpu: { perInstanceSeconds: number[]; totalSeconds: number; perCallMs: number };
  settle: string;
  /** Seconds from the load's start: each outage, each lost call's end, each gap the service recorded. */
  timeline: { outages: { kind: string; at: number }[]; lostAt: number[]; gaps: { from: number; to: number; cause: string; state: string; corrected: number; rebuilt: number; lastError: string | null }[] };
  wallSeconds: number;
}

const PBX_ID = 'default';
const AGENT_PASSWORD = 'soak-agent-password';

interface Health {
  pbxs: { state: string; lead?: string }[];
}

async function healthOf(svc: ServiceProcess): Promise<Health | null> {
  return (await svc.health(1000)) as Health | null;
}

/** The instance that leads the PBX and is connected to it, or null. */
async function leaderOf(services: readonly ServiceProcess[]): Promise<number | null> {
  const healths = await Promise.all(services.map((s) => (s.running ? healthOf(s) : Promise.resolve(null))));
  const i = healths.findIndex((h) => h?.pbxs[0]?.state === 'ready' && (h.pbxs[0].lead === undefined || h.pbxs[0].lead === 'leading'));
  return i >= 0 ? i : null;
}

async function untilLeader(services: readonly ServiceProcess[], maxMs: number): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const i = await leaderOf(services);
    if (i !== null) return i;
    if (performance.now() > deadline) throw new Error(`no instance led the PBX within ${maxMs / 1000} s`);
    await sleep(50);
  }
}

export async function runPhase(spec: PhaseSpec, progress: (line: string) => void): Promise<PhaseResult> {
  const began = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'crm-cluster-soak-'));
  const csvPath = join(dir, 'cdr-csv', 'Master.csv');
  const store = await createStore('postgres', dir, spec.postgresUrl, `soak_${spec.name}`);
  const sim = new AmiSimulator({ port: 0, cdrCsv: { path: csvPath } });
  const services: ServiceProcess[] = [];
  const streams: AgentStream[] = [];
  let link: Link | null = null;
  let truth: TruthObserver | null = null;
  let clock: AmiClient | null = null;
  try {
    // The agents, before any instance starts (openStore migrates the new database).
    const extensions = Array.from({ length: spec.agents }, (_, i) => String(101 + i));
    const setup = await openStore({ url: store.url });
    const directory = new Directory(setup, { defaultRegion: 'US' });
    for (const ext of extensions) await directory.upsertUser({ login: `agent${ext}`, name: `Agent ${ext}`, role: 'agent', password: AGENT_PASSWORD, extensions: [ext] });
    const access = new Access(setup, directory);
    const cookies: string[] = [];
    for (const ext of extensions) cookies.push(`${SESSION_COOKIE}=${(await access.login(`agent${ext}`, AGENT_PASSWORD))!.sessionId}`);
    await setup.close();

    const { port } = await sim.listen();
    link = await Link.open({ host: '127.0.0.1', port });
    truth = new TruthObserver({ host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', pbxId: PBX_ID });
    await truth.start();
    // When the PBX began ringing each call's agent: the pop latency's start.
    const dialBegin = new Map<string, number>();
    clock = new AmiClient({ id: 'clock', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', events: 'on', keepaliveIntervalMs: 0 });
    clock.on('event', (e: AmiMessage) => {
      if (e.event !== 'DialBegin') return;
      const linkedid = e.get('Linkedid') ?? e.get('DestLinkedid');
      if (linkedid !== undefined && !dialBegin.has(linkedid)) dialBegin.set(linkedid, performance.now());
    });
    await clock.connect();

    const urls: string[] = [];
    for (let i = 0; i < spec.instances; i++) {
      const httpPort = await freePort();
      urls.push(`http://127.0.0.1:${httpPort}`);
      services.push(
        new ServiceProcess({
          httpPort,
          logPath: join(dir, `instance-${i + 1}.log`),
          env: {
            AMI_HOST: '127.0.0.1',
            AMI_PORT: String(link.port),
            AMI_USERNAME: 'crm',
            AMI_SECRET: 'crmsecret',
            DATABASE_URL: store.url,
            HTTP_HOST: '127.0.0.1',
            HTTP_PORT: String(httpPort),
            AGI_PORT: '0',
            ADMIN_PASSWORD: 'cluster-soak-admin',
            LOG_LEVEL: 'warn',
            CDR_SOURCE: 'csv',
            CDR_CSV_PATH: csvPath,
            CDR_TIMEZONE: 'UTC',
          },
        }),
      );
    }
    for (const s of services) s.start();
    await untilLeader(services, 90_000);
    // Every instance answering before the agents come.
    for (const url of urls) while ((await fetch(`${url}/api/ready`).catch(() => null))?.status !== 200) await sleep(100);
    for (let i = 0; i < extensions.length; i++) streams.push(new AgentStream(`agent${extensions[i]!}`, cookies[i]!, urls, i % urls.length));
    const openBy = performance.now() + 30_000;
    while (!streams.every((s) => s.connected)) {
      if (performance.now() > openBy) throw new Error(`${streams.filter((s) => !s.connected).length} agents' streams did not open in 30 s`);
      await sleep(50);
    }
    progress(`[${spec.name}] ${spec.instances} instance(s) up, ${streams.length} agents streaming; load ${spec.callsPerSecond} calls/s for ${spec.durationMs / 1000} s`);

    const cpuBefore = services.map((s) => s.cpuSeconds());
    const cpuSampler = setInterval(() => {
      for (const s of services) s.cpuSeconds();
    }, 100);
    const t0 = performance.now();
    const windows: { from: number; to: number }[] = [];
    const outages: { kind: 'cut' | 'kill' | 'leader-kill'; at: number }[] = [];
    const loadStartedAt = Date.now();
    const takeoverMs: number[] = [];
    let kills = 0;
    let leaderKills = 0;
    let cuts = 0;
    let loadStats: LoadStats | null = null;
    const loadDone = sim.startLoad({ callsPerSecond: spec.callsPerSecond, durationMs: spec.durationMs, seed: spec.seed, extensions }).then((st) => (loadStats = st));
    const plan = spec.cuts > 0 ? planChaos({ durationMs: spec.durationMs, cuts: spec.cuts, kills: 0, seed: spec.seed }) : [];
    const killsAt: number[] = [];
    if (spec.killEveryMs > 0) for (let at = spec.killEveryMs / 2; at < spec.durationMs; at += spec.killEveryMs) killsAt.push(at);
    const events = [...plan.map((o) => ({ kind: 'cut' as const, atMs: o.atMs })), ...killsAt.map((atMs) => ({ kind: 'kill' as const, atMs }))].sort((a, b) => a.atMs - b.atMs);
    const ticker = setInterval(() => progress(`[${spec.name}] ${((performance.now() - t0) / 1000).toFixed(0)} s: ${truth?.records.size ?? 0} calls, kills ${kills}, cuts ${cuts}`), 15_000);
    ticker.unref();
    try {
      for (const e of events) {
        const wait = t0 + e.atMs - performance.now();
        if (wait > 0) await sleep(wait);
        const from = Date.now();
        if (e.kind === 'cut') {
          if (link.cut() > 0) cuts++;
          outages.push({ kind: 'cut', at: from });
          await untilLeader(services, 30_000);
          windows.push({ from, to: Date.now() });
          continue;
        }
        // Every other kill takes the leader; the others a standby.
        const leader = await leaderOf(services);
        const victim = leader !== null && kills % 2 === 0 ? leader : (((leader ?? 0) + 1 + (kills % (services.length - 1 || 1))) % services.length);
        const wasLeader = victim === leader;
        outages.push({ kind: wasLeader ? 'leader-kill' : 'kill', at: from });
        const killedAt = performance.now();
        await services[victim]!.kill();
        kills++;
        if (wasLeader) {
          leaderKills++;
          await untilLeader(services, 30_000);
          takeoverMs.push(performance.now() - killedAt);
        }
        windows.push({ from, to: Date.now() });
        await sleep(2000);
        services[victim]!.start();
      }
      await loadDone;
    } finally {
      clearInterval(ticker);
    }
    const load = loadStats as LoadStats | null;
    if (load === null) throw new Error('the load did not report');
    const cpuAfterLoad = services.map((s) => s.cpuSeconds());
    clearInterval(cpuSampler);
    progress(`[${spec.name}] load over: ${load.callsStarted} calls; settling (every gap read, the call log still)`);

    // Settle: a leader, every gap's CDRs read, the call log no longer written.
    const settleBegan = performance.now();
    await untilLeader(services, 60_000);
    const reader = await openStore({ url: store.url });
    const outcome: string[] = [];
    try {
      const gaps = new GapLog(reader);
      await sleep(6000);
      while ((await gaps.pendingCount(PBX_ID)) > 0 && performance.now() - settleBegan < 180_000) await sleep(1000);
      outcome.push((await gaps.pendingCount(PBX_ID)) === 0 ? 'every gap read' : 'gaps still pending');
      let before = await callLogProgress(reader, PBX_ID);
      for (;;) {
        await sleep(2000);
        const now = await callLogProgress(reader, PBX_ID);
        if (now.rows === before.rows && now.lastWrite === before.lastWrite) break;
        before = now;
      }
      outcome.push('call log still');
    } finally {
      await reader.close();
    }
    for (const s of streams) await s.stop();
    for (const s of services) await s.stop();
    const logged = await readServiceStore(store.url, PBX_ID);
    const comparison = compareWithTruth({ truth: truth.records, logged: logged.calls, owners: truth.owners, outages: windows, pbxId: PBX_ID, examplesPerProblem: 3 });
    // Where the lost calls fall: seconds from the load's start, beside the outages' moments.
    const rel = (at: number): number => Math.round((at - loadStartedAt) / 100) / 10;
    const lostAt = comparison.lostCalls.map(([, startedAt, endedAt]) => rel(Date.parse(endedAt ?? startedAt ?? '')));
    const gaps = logged.gaps.map((g) => ({ from: rel(g.from), to: rel(g.to), cause: g.cause, state: g.state, corrected: g.corrected, rebuilt: g.rebuilt, lastError: g.lastError }));

    // Pops: the earliest ringing frame of each call on any agent's stream, against its first DialBegin.
    const firstRing = new Map<string, number>();
    let frames = 0;
    let reconnects = 0;
    for (const s of streams) {
      frames += s.frames.length;
      reconnects += s.reconnects;
      for (const f of s.frames) if (f.state === 'ringing' && f.at < (firstRing.get(f.callId) ?? Number.POSITIVE_INFINITY)) firstRing.set(f.callId, f.at);
    }
    const latencyMs: number[] = [];
    const slow: { callId: string; kind: string; rang: string; ms: number; frames: string[] }[] = [];
    let callsThatRang = 0;
    let callsWithAPop = 0;
    for (const r of truth.records.values()) {
      if (r.direction !== 'inbound' || r.rang.length === 0) continue;
      callsThatRang++;
      const at = firstRing.get(r.id);
      if (at === undefined) continue;
      callsWithAPop++;
      const began = dialBegin.get(r.linkedid);
      if (began === undefined) continue;
      latencyMs.push(at - began);
      if (at - began > 1000 && slow.length < 10) {
        const seen = streams.flatMap((st) => st.frames.filter((f) => f.callId === r.id).map((f) => `${st.login} ${f.state} +${Math.round(f.at - began)} ms`));
        slow.push({ callId: r.id, kind: callKind(r), rang: r.rang.join(','), ms: Math.round(at - began), frames: seen });
      }
    }
    const perInstanceSeconds = services.map((_, i) => cpuAfterLoad[i]! - cpuBefore[i]!);
    const totalSeconds = perInstanceSeconds.reduce((a, b) => a + b, 0);
    return {
      name: spec.name,
      instances: spec.instances,
      load: { placed: load.callsStarted, seconds: load.elapsedMs / 1000 },
      comparison,
      kills: { total: kills, leaders: leaderKills, takeoverMs },
      cuts,
      pops: { callsThatRang, callsWithAPop, frames, latencyMs, reconnects, slow },
      cpu: { perInstanceSeconds, totalSeconds, perCallMs: (totalSeconds * 1000) / Math.max(1, load.callsStarted) },
      settle: `${((performance.now() - settleBegan) / 1000).toFixed(0)} s (${outcome.join(', ')})`,
      timeline: { outages: outages.map((o) => ({ kind: o.kind, at: rel(o.at) })), lostAt, gaps },
      wallSeconds: (performance.now() - began) / 1000,
    };
  } finally {
    for (const s of streams) await s.stop().catch(() => undefined);
    for (const s of services) await s.stop(5000).catch(() => undefined);
    await clock?.close();
    await truth?.stop();
    await link?.close();
    await sim.close();
    await store.dispose().catch(() => undefined);
    if (spec.keep) progress(`[${spec.name}] files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
