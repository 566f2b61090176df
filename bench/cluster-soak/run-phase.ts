/**
 * One phase of the cluster soak: N service processes (`node src/main.ts`) on one fresh PostgreSQL
 * database and P simulated PBXs (`default`, `branch`...), agents of every PBX streaming from all
 * the instances, the load split over the PBXs, and (for the cluster) the chaos: an instance
 * SIGKILLed every minute (the default PBX's leader every other time) and the PBXs' AMI links cut in
 * turn; then every call each PBX made is looked for in the call log.
 *
 *   simulator "default" (Master.csv) <── truth observer, DialBegin clock (never cut; the clock in observers.ts)
 *        ^
 *        └── link (relay, cut) <──┐
 *   simulator "branch" (Master.csv) <── truth observer, DialBegin clock (never cut; the clock in observers.ts)
 *        ^                        ├── instance 1 .. N (each PBX led by one of them)
 *        └── link (relay, cut) <──┘
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { qualifyRecord } from '../../src/calls/extension-address.ts';
import type { CallRecord } from '../../src/calls/index.ts';
import { Directory } from '../../src/directory/directory.ts';
import type { LoadStats } from '../../src/simulator/ami-simulator.ts';
import { GapLog } from '../../src/store/gap-log.ts';
import { openStore } from '../../src/store/store.ts';
import { Access } from '../../src/web/auth/access.ts';
import { SESSION_COOKIE } from '../../src/web/auth/auth-plugin.ts';
import { freePort } from '../service-bench/machine.ts';
import { planChaos } from '../outage-recovery/chaos.ts';
import { callKind, compareWithTruth, type Comparison } from '../outage-recovery/compare.ts';
import { ServiceProcess } from '../outage-recovery/service-process.ts';
import { callLogProgress, createStore, readServiceStore } from '../outage-recovery/stores.ts';
import { Observers, type ObserverReport } from './observers.ts';
import { mergeComparisons } from './merge.ts';
import { leadersNow, openPbx, serviceEnvFor, split, untilEveryPbxLed, type PbxRig } from './pbxs.ts';

export interface PhaseSpec {
  name: string;
  instances: number;
  /** Simulated PBXs: `default`, then `branch`, `branch3`... */
  pbxs: number;
  durationMs: number;
  /** All PBXs together: each gets its share. */
  callsPerSecond: number;
  /** All PBXs together: each gets its share, extensions 101 up at every PBX. */
  agents: number;
  /** Kill an instance this often (0: never). */
  killEveryMs: number;
  /** Keep the run's folder (the instances' logs, the Master.csv files, the PBX file). */
  keep?: boolean;
  /** Link cuts, over all PBXs (each cut cuts one PBX's link, the PBXs in turn). */
  cuts: number;
  seed: number;
  postgresUrl: string;
  /** The PBXs stamp every event with their own time (manager.conf `timestampevents = yes`). */
  timestampEvents: boolean;
}

export interface PbxPhaseResult {
  id: string;
  callsPerSecond: number;
  agents: number;
  placed: number;
  cuts: number;
  /** The comparison of this PBX's calls alone. */
  comparison: Comparison;
}

export interface PhaseResult {
  name: string;
  instances: number;
  /** Every PBX's load together (seconds: the longest). */
  load: { placed: number; seconds: number };
  /** Every PBX's comparison summed (lost calls and examples merged). */
  comparison: Comparison;
  pbxs: PbxPhaseResult[];
  /**
   * `leaders`: kills of an instance that led at least one PBX; `leads`: the PBX leads those kills
   * took; `takeoverMs`: for each, from the SIGKILL until every PBX was led by a connected instance.
   */
  kills: { total: number; leaders: number; leads: number; takeoverMs: number[] };
  cuts: number;
  /** `slow`: up to 10 calls whose first pop came more than 1 s after their first DialBegin. */
  pops: {
    callsThatRang: number;
    callsWithAPop: number;
    frames: number;
    latencyMs: number[];
    /**
     * Each agent's first ringing frame of a call, by the way it came: from the hub of the instance
     * that led the call's PBX when the load began (`own`), or relayed through PostgreSQL to another
     * instance (`relayed`). Meaningful without kills (the leaders stay where they were).
     */
    byPath: { own: number[]; relayed: number[] };
    reconnects: number;
    slow: { callId: string; kind: string; rang: string; ms: number; frames: string[] }[];
  };
  cpu: { perInstanceSeconds: number[]; totalSeconds: number; perCallMs: number };
  settle: string;
  /** Seconds from the load's start: each outage (a cut's PBX with it), each lost call's end, each gap the service recorded (with its PBX). */
  timeline: {
    outages: { kind: string; pbx?: string; at: number }[];
    lostAt: number[];
    gaps: { pbx: string; from: number; to: number; cause: string; state: string; corrected: number; rebuilt: number; lastError: string | null }[];
  };
  wallSeconds: number;
}

const AGENT_PASSWORD = 'soak-agent-password';

/** Waits until the instance answers `/api/ready`; fails, rather than waits for ever, once it has exited. */
async function untilReady(service: ServiceProcess, url: string, logPath: string, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while ((await fetch(`${url}/api/ready`).catch(() => null))?.status !== 200) {
    if (!service.running) throw new Error(`an instance exited before it was ready (${service.unexpectedExits.at(-1) ?? 'no exit code'}); see ${logPath}`);
    if (performance.now() > deadline) throw new Error(`an instance was not ready within ${maxMs / 1000} s; see ${logPath}`);
    await sleep(100);
  }
}

export async function runPhase(spec: PhaseSpec, progress: (line: string) => void): Promise<PhaseResult> {
  const began = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'crm-cluster-soak-'));
  const store = await createStore('postgres', dir, spec.postgresUrl, `soak_${spec.name}`);
  const pbxs: PbxRig[] = [];
  // What to close, in the reverse order it was opened, whatever fails half-way.
  const closers: (() => Promise<void>)[] = [];
  const services: ServiceProcess[] = [];
  let observers: Observers | null = null;
  try {
    const agentsPerPbx = split(spec.agents, spec.pbxs);
    const ratePerPbx = split(spec.callsPerSecond, spec.pbxs);
    for (let i = 0; i < spec.pbxs; i++) pbxs.push(await openPbx(i, agentsPerPbx[i]!, dir, (close) => closers.push(close)));
    const pbxIds = pbxs.map((p) => p.id);

    // The agents, before any instance starts (openStore migrates the new database). Each PBX's 101
    // is another person: `101` at the default PBX, `101@branch` at the branch.
    const setup = await openStore({ url: store.url });
    const directory = new Directory(setup, { defaultRegion: 'US' });
    const access = new Access(setup, directory);
    const agents: { login: string; cookie: string }[] = [];
    for (const p of pbxs) {
      for (let i = 0; i < p.extensions.length; i++) {
        const login = p.logins[i]!;
        const address = p.qualifier === null ? p.extensions[i]! : `${p.extensions[i]!}@${p.qualifier}`;
        await directory.upsertUser({ login, name: `Agent ${address}`, role: 'agent', password: AGENT_PASSWORD, extensions: [address] });
        agents.push({ login, cookie: `${SESSION_COOKIE}=${(await access.login(login, AGENT_PASSWORD))!.sessionId}` });
      }
    }
    await setup.close();

    const pbxEnv = serviceEnvFor(pbxs, dir);
    const urls: string[] = [];
    const logPaths: string[] = [];
    for (let i = 0; i < spec.instances; i++) {
      const httpPort = await freePort();
      urls.push(`http://127.0.0.1:${httpPort}`);
      logPaths.push(join(dir, `instance-${i + 1}.log`));
      services.push(
        new ServiceProcess({
          httpPort,
          logPath: logPaths[i]!,
          env: {
            ...pbxEnv,
            DATABASE_URL: store.url,
            HTTP_HOST: '127.0.0.1',
            HTTP_PORT: String(httpPort),
            AGI_PORT: '0',
            ADMIN_PASSWORD: 'cluster-soak-admin',
            LOG_LEVEL: 'warn',
          },
        }),
      );
    }
    // The first instance alone until it answers: the first start on a fresh database creates the
    // administrator, and instances doing that at once race on it (one dies on the duplicate login).
    services[0]!.start();
    await untilReady(services[0]!, urls[0]!, logPaths[0]!, 90_000);
    for (const s of services.slice(1)) s.start();
    await untilEveryPbxLed(services, pbxIds, 90_000);
    // Every instance answering before the agents come.
    for (const [i, s] of services.entries()) await untilReady(s, urls[i]!, logPaths[i]!, 90_000);
    // Agents in turn over the instances across PBXs, so that every instance holds some of each PBX's.
    // The agents and the DialBegin clocks in a thread of their own (observers.ts), their streams in
    // turn over the instances across PBXs, so that every instance holds some of each PBX's.
    observers = await Observers.start({
      pbxs: pbxs.map((p) => ({ id: p.id, port: p.simPort, username: p.username, secret: p.secret })),
      agents: agents.map((a, i) => ({ login: a.login, cookie: a.cookie, first: i % urls.length })),
      urls,
    });
    const shares = pbxs.map((p, i) => `${p.id} ${ratePerPbx[i]!}`).join(' + ');
    progress(`[${spec.name}] ${spec.instances} instance(s) up, ${pbxs.length} PBX(s), ${agents.length} agents streaming; load ${spec.callsPerSecond} calls/s (${shares}) for ${spec.durationMs / 1000} s`);

    const cpuBefore = services.map((s) => s.cpuSeconds());
    const cpuSampler = setInterval(() => {
      for (const s of services) s.cpuSeconds();
    }, 100);
    const t0 = performance.now();
    // Outage windows per PBX: a kill touches every PBX's calls, a cut only its own PBX's.
    const windows = new Map<string, { from: number; to: number }[]>(pbxIds.map((id) => [id, []]));
    const outages: { kind: 'cut' | 'kill' | 'leader-kill'; pbx?: string; at: number }[] = [];
    const loadStartedAt = Date.now();
    const leadersAtStart = await leadersNow(services);
    const takeoverMs: number[] = [];
    let kills = 0;
    let leaderKills = 0;
    let leadsKilled = 0;
    const cutsByPbx = pbxs.map(() => 0);
    let cutsTried = 0;
    const loadStats: (LoadStats | null)[] = pbxs.map(() => null);
    // Seeds differ per PBX (the first keeps the phase's, as with one PBX), so the PBXs' calls differ.
    const loadsDone = Promise.all(
      pbxs.map((p, i) =>
        p.sim.startLoad({ callsPerSecond: ratePerPbx[i]!, durationMs: spec.durationMs, seed: spec.seed + 1000 * i, extensions: p.extensions, ...(spec.timestampEvents ? { params: { timestampEvents: true } } : {}) }).then((st) => {
          loadStats[i] = st;
        }),
      ),
    );
    const plan = spec.cuts > 0 ? planChaos({ durationMs: spec.durationMs, cuts: spec.cuts, kills: 0, seed: spec.seed }) : [];
    const killsAt: number[] = [];
    if (spec.killEveryMs > 0) for (let at = spec.killEveryMs / 2; at < spec.durationMs; at += spec.killEveryMs) killsAt.push(at);
    const events = [...plan.map((o) => ({ kind: 'cut' as const, atMs: o.atMs })), ...killsAt.map((atMs) => ({ kind: 'kill' as const, atMs }))].sort((a, b) => a.atMs - b.atMs);
    const calls = (): number => pbxs.reduce((sum, p) => sum + p.truth.records.size, 0);
    const cuts = (): number => cutsByPbx.reduce((a, b) => a + b, 0);
    const ticker = setInterval(() => progress(`[${spec.name}] ${((performance.now() - t0) / 1000).toFixed(0)} s: ${calls()} calls, kills ${kills}, cuts ${cuts()}`), 15_000);
    ticker.unref();
    try {
      for (const e of events) {
        const wait = t0 + e.atMs - performance.now();
        if (wait > 0) await sleep(wait);
        const from = Date.now();
        if (e.kind === 'cut') {
          // The PBXs' links in turn: each cut drops one PBX's session and leaves the others' up.
          const at = cutsTried++ % pbxs.length;
          const pbx = pbxs[at]!;
          if (pbx.link.cut() > 0) cutsByPbx[at]!++;
          outages.push({ kind: 'cut', pbx: pbx.id, at: from });
          await untilEveryPbxLed(services, pbxIds, 30_000);
          windows.get(pbx.id)!.push({ from, to: Date.now() });
          continue;
        }
        // Every other kill takes the default PBX's leader; the others an instance that leads no
        // PBX when there is one (with fewer instances than PBXs' leads spread, one leading another PBX).
        const leaders = await leadersNow(services);
        const leader = leaders.get(pbxIds[0]!) ?? null;
        const leading = new Set(leaders.values());
        const idle = services.map((_, i) => i).filter((i) => !leading.has(i) && services[i]!.running);
        const victim =
          leader !== null && kills % 2 === 0
            ? leader
            : idle.length > 0
              ? idle[Math.floor(kills / 2) % idle.length]!
              : ((leader ?? 0) + 1 + (kills % (services.length - 1 || 1))) % services.length;
        const led = [...leaders].filter(([, i]) => i === victim).length;
        outages.push({ kind: led > 0 ? 'leader-kill' : 'kill', at: from });
        const killedAt = performance.now();
        await services[victim]!.kill();
        kills++;
        if (led > 0) {
          leaderKills++;
          leadsKilled += led;
          await untilEveryPbxLed(services, pbxIds, 30_000);
          takeoverMs.push(performance.now() - killedAt);
        }
        for (const w of windows.values()) w.push({ from, to: Date.now() });
        await sleep(2000);
        services[victim]!.start();
      }
      await loadsDone;
    } finally {
      clearInterval(ticker);
    }
    const loads = loadStats.map((st) => {
      if (st === null) throw new Error('a load did not report');
      return st;
    });
    const placed = loads.reduce((sum, st) => sum + st.callsStarted, 0);
    const cpuAfterLoad = services.map((s) => s.cpuSeconds());
    clearInterval(cpuSampler);
    progress(`[${spec.name}] load over: ${placed} calls (${pbxs.map((p, i) => `${p.id} ${loads[i]!.callsStarted}`).join(', ')}); settling (every PBX's gaps read, its call log still)`);

    // Settle: every PBX led, every gap's CDRs read, no PBX's call log written any more.
    const settleBegan = performance.now();
    await untilEveryPbxLed(services, pbxIds, 60_000);
    const reader = await openStore({ url: store.url });
    const outcome: string[] = [];
    try {
      const gaps = new GapLog(reader);
      const pending = async (): Promise<number> => (await Promise.all(pbxIds.map((id) => gaps.pendingCount(id)))).reduce((a, b) => a + b, 0);
      await sleep(6000);
      while ((await pending()) > 0 && performance.now() - settleBegan < 180_000) await sleep(1000);
      outcome.push((await pending()) === 0 ? 'every gap read' : 'gaps still pending');
      const progressOf = (): Promise<{ rows: number; lastWrite: string | null }[]> => Promise.all(pbxIds.map((id) => callLogProgress(reader, id)));
      let before = await progressOf();
      for (;;) {
        await sleep(2000);
        const now = await progressOf();
        if (now.every((p, i) => p.rows === before[i]!.rows && p.lastWrite === before[i]!.lastWrite)) break;
        before = now;
      }
      outcome.push('call log still');
    } finally {
      await reader.close();
    }
    const seen: ObserverReport = await observers.stop();
    observers = null;
    const streams = seen.streams;
    for (const s of services) await s.stop();

    // Each PBX against its own truth, its extensions qualified as the service stores them (101@branch).
    const rel = (at: number): number => Math.round((at - loadStartedAt) / 100) / 10;
    const perPbx: PbxPhaseResult[] = [];
    const gapLines: PhaseResult['timeline']['gaps'] = [];
    const truths: CallRecord[] = [];
    for (const [i, p] of pbxs.entries()) {
      const logged = await readServiceStore(store.url, p.id);
      const truth = new Map([...p.truth.records].map(([id, r]) => [id, qualifyRecord(r, p.qualifier)]));
      truths.push(...truth.values());
      const comparison = compareWithTruth({ truth, logged: logged.calls, owners: p.truth.owners, outages: windows.get(p.id)!, pbxId: p.id, examplesPerProblem: 3 });
      perPbx.push({ id: p.id, callsPerSecond: ratePerPbx[i]!, agents: agentsPerPbx[i]!, placed: loads[i]!.callsStarted, cuts: cutsByPbx[i]!, comparison });
      for (const g of logged.gaps) gapLines.push({ pbx: p.id, from: rel(g.from), to: rel(g.to), cause: g.cause, state: g.state, corrected: g.corrected, rebuilt: g.rebuilt, lastError: g.lastError });
    }
    const comparison = mergeComparisons(perPbx.map((p) => p.comparison));
    // Where the lost calls fall: seconds from the load's start, beside the outages' moments.
    const lostAt = comparison.lostCalls.map(([, startedAt, endedAt]) => rel(Date.parse(endedAt ?? startedAt ?? '')));

    // Pops: the earliest ringing frame of each call on any agent's stream, against its PBX's first DialBegin.
    const firstRing = new Map<string, number>();
    let frames = 0;
    let reconnects = 0;
    for (const s of streams) {
      frames += s.frames.length;
      reconnects += s.reconnects;
      for (const f of s.frames) if (f.state === 'ringing' && f.at < (firstRing.get(f.callId) ?? Number.POSITIVE_INFINITY)) firstRing.set(f.callId, f.at);
    }
    const dialBegin = new Map(seen.dialBegin);
    const latencyMs: number[] = [];
    const slow: PhaseResult['pops']['slow'] = [];
    let callsThatRang = 0;
    let callsWithAPop = 0;
    for (const r of truths) {
      if (r.direction !== 'inbound' || r.rang.length === 0) continue;
      callsThatRang++;
      const at = firstRing.get(r.id);
      if (at === undefined) continue;
      callsWithAPop++;
      const began = dialBegin.get(r.id);
      if (began === undefined) continue;
      latencyMs.push(at - began);
      if (at - began > 1000 && slow.length < 10) {
        const seen = streams.flatMap((st) => st.frames.filter((f) => f.callId === r.id).map((f) => `${st.login} ${f.state} +${Math.round(f.at - began)} ms`));
        slow.push({ callId: r.id, kind: callKind(r), rang: r.rang.join(','), ms: Math.round(at - began), frames: seen });
      }
    }
    const byPath: PhaseResult['pops']['byPath'] = { own: [], relayed: [] };
    const pbxOfCall = (callId: string): string => callId.slice(0, callId.indexOf(':'));
    for (const s of streams) {
      const counted = new Set<string>();
      for (const f of s.frames) {
        if (f.state !== 'ringing' || counted.has(f.callId)) continue;
        counted.add(f.callId);
        const began = dialBegin.get(f.callId);
        const first = firstRing.get(f.callId);
        // Only the call's first ringing (a ring group, a queue): a phone rung later (a transfer)
        // began ringing after the call's first DialBegin, which is all the clock keeps.
        if (began === undefined || first === undefined || f.at - first > 1000) continue;
        (leadersAtStart.get(pbxOfCall(f.callId)) === f.instance ? byPath.own : byPath.relayed).push(f.at - began);
      }
    }
    const perInstanceSeconds = services.map((_, i) => cpuAfterLoad[i]! - cpuBefore[i]!);
    const totalSeconds = perInstanceSeconds.reduce((a, b) => a + b, 0);
    return {
      name: spec.name,
      instances: spec.instances,
      load: { placed, seconds: Math.max(...loads.map((st) => st.elapsedMs)) / 1000 },
      comparison,
      pbxs: perPbx,
      kills: { total: kills, leaders: leaderKills, leads: leadsKilled, takeoverMs },
      cuts: cuts(),
      pops: { callsThatRang, callsWithAPop, frames, latencyMs, byPath, reconnects, slow },
      cpu: { perInstanceSeconds, totalSeconds, perCallMs: (totalSeconds * 1000) / Math.max(1, placed) },
      settle: `${((performance.now() - settleBegan) / 1000).toFixed(0)} s (${outcome.join(', ')})`,
      timeline: { outages: outages.map((o) => ({ kind: o.kind, ...(o.pbx === undefined ? {} : { pbx: o.pbx }), at: rel(o.at) })), lostAt, gaps: gapLines },
      wallSeconds: (performance.now() - began) / 1000,
    };
  } finally {
    await observers?.close().catch(() => undefined);
    for (const s of services) await s.stop(5000).catch(() => undefined);
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await store.dispose().catch(() => undefined);
    if (spec.keep) progress(`[${spec.name}] files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
