/**
 * Cluster soak (issue 14): several service processes on one PostgreSQL following several simulated
 * PBXs (default two: `default` and `branch`, each with its own agents behind the same extension
 * numbers), at 100 calls/s in all, an instance SIGKILLed every minute (the default PBX's leader
 * every other time) and the PBXs' AMI links cut 100 times in 10 minutes (scaled to the run, the
 * PBXs in turn), agents streaming pops from every instance. Then every call each PBX made is
 * looked for in the call log (lost, duplicated, left open, wrong), and the pop latency (the PBX's
 * first DialBegin to the first ringing frame on any agent's stream) and the CPU per call are set
 * beside one instance alone under the same load and PBXs. See bench/README.md, "cluster-soak".
 *
 * Run alone: `npx tsx bench/cluster-soak.ts [--seconds N] [--alone-seconds N] [--rate N] [--instances N] [--pbxs N] [--no-timestamp-events]`.
 * `npm run bench` runs a short version (60 s of cluster, 30 s alone).
 * Environment: BENCH_SOAK_SECONDS (600), BENCH_SOAK_ALONE_SECONDS (60), BENCH_SOAK_RATE (100, all
 * PBXs together), BENCH_SOAK_INSTANCES (3), BENCH_SOAK_PBXS (2), BENCH_SOAK_AGENTS (30, all PBXs
 * together), BENCH_SOAK_KILL_EVERY_SECONDS (60), BENCH_SOAK_KEEP (1: keep the last run's folder),
 * BENCH_DATABASE_URL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineLine, loadAverage, table } from './service-bench/machine.ts';
import { runPhase, type PbxPhaseResult, type PhaseResult } from './cluster-soak/run-phase.ts';

export interface SoakOptions {
  seconds?: number;
  aloneSeconds?: number;
  callsPerSecond?: number;
  instances?: number;
  /** Simulated PBXs (the load and the agents split over them). */
  pbxs?: number;
  agents?: number;
  /** Events carry the PBX's time (`timestampevents = yes`, as the README recommends); default on. */
  timestampEvents?: boolean;
  resultsDir?: URL;
}

const RESULTS_DIR = new URL('./results/', import.meta.url);

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (x: number): string => (Number.isNaN(x) ? '–' : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const n = (x: number): string => x.toLocaleString('en-US');

export async function runClusterSoak(options: SoakOptions = {}): Promise<string> {
  const began = performance.now();
  const env = process.env;
  const seconds = options.seconds ?? Number(env['BENCH_SOAK_SECONDS'] ?? 600);
  const aloneSeconds = options.aloneSeconds ?? Number(env['BENCH_SOAK_ALONE_SECONDS'] ?? 60);
  const rate = options.callsPerSecond ?? Number(env['BENCH_SOAK_RATE'] ?? 100);
  const instances = options.instances ?? Number(env['BENCH_SOAK_INSTANCES'] ?? 3);
  const pbxCount = options.pbxs ?? Number(env['BENCH_SOAK_PBXS'] ?? 2);
  const agents = options.agents ?? Number(env['BENCH_SOAK_AGENTS'] ?? 30);
  // Each PBX's load rings its own agents, and ring groups, queues and transfers need two of them.
  if (!(Number.isInteger(pbxCount) && pbxCount >= 1)) throw new Error(`--pbxs must be a whole number of at least 1, got ${pbxCount}`);
  if (agents < 2 * pbxCount) throw new Error(`${agents} agents are too few for ${pbxCount} PBXs: each PBX needs at least two`);
  const postgresUrl = env['BENCH_DATABASE_URL'] ?? env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const progress = (line: string): void => void process.stderr.write(`[cluster-soak] ${line}\n`);
  const machine = machineLine();
  const timestampEvents = options.timestampEvents ?? env['BENCH_SOAK_TIMESTAMP_EVENTS'] !== '0';
  const common = { callsPerSecond: rate, pbxs: pbxCount, agents, seed: 1, postgresUrl, timestampEvents };
  // The CPU and steady-state pop figures come from the same load without outages, alone and as a
  // cluster; the soak itself (kills and cuts) gives the correctness, the takeovers and the pops
  // across outages.
  const alone = await runPhase({ ...common, name: 'alone', instances: 1, durationMs: aloneSeconds * 1000, killEveryMs: 0, cuts: 0 }, progress);
  const calm = await runPhase({ ...common, name: 'calm', instances, durationMs: aloneSeconds * 1000, killEveryMs: 0, cuts: 0 }, progress);
  const killEveryMs = Number(env['BENCH_SOAK_KILL_EVERY_SECONDS'] ?? 60) * 1000;
  const cluster = await runPhase({ ...common, name: 'cluster', instances, durationMs: seconds * 1000, killEveryMs, cuts: Math.max(1, Math.round((100 * seconds) / 600)), keep: env['BENCH_SOAK_KEEP'] === '1' }, progress);

  const row = (r: PhaseResult): string[] => {
    const c = r.comparison;
    const wrong = c.wrongOutcome + c.wrongTalk + c.wrongDirection;
    return [
      r.kills.total + r.cuts === 0 ? `${r.instances === 1 ? 'one instance alone' : `${r.instances} instances`}, no outages` : `${r.instances} instances, ${r.kills.total} kills (${r.kills.leaders} leaders), ${r.cuts} link cuts`,
      `${r.load.seconds.toFixed(0)} s`,
      n(r.load.placed),
      n(c.logged),
      n(c.lost),
      n(c.duplicated),
      n(c.leftOpen),
      `${n(wrong)} (${c.wrongOutcome} / ${c.wrongTalk} / ${c.wrongDirection})`,
      `${n(r.pops.callsWithAPop)} / ${n(r.pops.callsThatRang)}`,
      ms(percentile(r.pops.latencyMs, 50)),
      ms(percentile(r.pops.latencyMs, 99)),
      `${r.cpu.perCallMs.toFixed(2)} ms`,
    ];
  };
  const pbxWords = pbxCount === 1 ? 'one simulated PBX' : `${pbxCount} simulated PBXs`;
  const setup = cluster.pbxs.map((p) => `${p.id} (${p.callsPerSecond} calls/s, ${p.agents} agents)`).join(', ');
  // The cluster run per PBX: whether one PBX fared worse than another (its link cut, its leader killed).
  const perPbx = (p: PbxPhaseResult): string => {
    const pc = p.comparison;
    return `${p.id}: ${n(p.placed)} placed, ${n(pc.logged)} logged, ${n(pc.lost)} lost, ${n(pc.duplicated)} duplicated, ${n(pc.leftOpen)} left open, ${n(pc.wrongOutcome + pc.wrongTalk + pc.wrongDirection)} wrong, ${p.cuts} link cuts`;
  };
  const ratio = calm.cpu.perCallMs / alone.cpu.perCallMs;
  const p99 = percentile(calm.pops.latencyMs, 99);
  const p99Outages = percentile(cluster.pops.latencyMs, 99);
  const c = cluster.comparison;
  const clean = c.lost === 0 && c.duplicated === 0 && c.leftOpen === 0 && c.wrongOutcome + c.wrongTalk + c.wrongDirection === 0;
  const takeovers = cluster.kills.takeoverMs;
  const md = [
    `## Cluster soak: several instances on one PostgreSQL and ${pbxWords}, instances killed and links cut under load`,
    '',
    `${instances} service processes (\`node src/main.ts\`) on one fresh PostgreSQL database, following ${pbxWords}: ${setup}. Each PBX is its own simulator with its own CDRs in its own Master.csv (each PBX's CDR source), its own AMI login and its own link to the instances; ${pbxCount === 1 ? 'it is the default PBX (`AMI_*`)' : 'the first is the default PBX (`AMI_*`, extensions written `101`), the others come from a `CRM_TELEPHONY_CONFIG` file (extensions written `101@branch`): the same extension numbers at every PBX are different agents'}. ${rate} calls/s in all (the simulator's contact-centre mix, each PBX its own seed and its own agents' extensions), ${agents} agents each holding an SSE stream, spread over the instances (a broken stream comes back on the next instance with its Last-Event-ID). ${pbxCount === 1 ? 'One instance leads the PBX' : 'Each PBX has a leader of its own (one instance may lead several)'}; every ${killEveryMs / 1000} s an instance is SIGKILLed and started again 2 s later, the default PBX's leader every other time, else an instance leading no PBX when there is one; ${pbxCount === 1 ? `the PBX's AMI link is cut ${cluster.cuts} times` : `the PBXs' AMI links are cut ${cluster.cuts} times, one PBX's link at a time, in turn (${cluster.pbxs.map((p) => `${p.id} ${p.cuts}`).join(', ')})`}. The same load and PBXs on one instance alone is the baseline. Each PBX's calls are compared with its own truth (an uncut AMI session on its simulator), the counts below are their sums.`,
    `Machine: ${machine}; ${loadAverage().toFixed(2)} at the end. Whole benchmark: ${((performance.now() - began) / 60_000).toFixed(1)} min. ${timestampEvents ? "Events carry the PBX's time (manager.conf `timestampevents = yes`, as the README recommends), so the service, the truth and the CDRs time a call by one clock." : "Events without `Timestamp:` (Asterisk's default): the service and the truth time events by their arrival, the CDRs by the call's script, so a PBX process that falls behind makes CDR-corrected talk times differ from the truth's."}`,
    '',
    '### Goals',
    '',
    `- nothing lost, duplicated, left open or wrong: ${clean ? '**met**' : '**missed**'} (lost ${c.lost}, duplicated ${c.duplicated}, left open ${c.leftOpen}, wrong ${c.wrongOutcome + c.wrongTalk + c.wrongDirection}).`,
    `- pop p99 <= 25 ms across instances (agents on every instance, no outage): ${ms(p99)}: ${p99 <= 25 ? '**met**' : '**missed**'}; through the kills and cuts: ${ms(p99Outages)} (a call that rings while no instance follows the PBX pops when the new leader has recovered it).`,
    `- the cluster's CPU per call <= 1.2 x one instance's (same load, no outages; every instance's CPU counted): ${ratio.toFixed(2)} x: ${ratio <= 1.2 ? '**met**' : '**missed**'}.`,
    `- pops in the calm cluster by the way they came (each agent's first ringing frame of a call): from the leader's own hub p50 ${ms(percentile(calm.pops.byPath.own, 50))} / p99 ${ms(percentile(calm.pops.byPath.own, 99))} (${n(calm.pops.byPath.own.length)}); relayed through PostgreSQL to the other instances p50 ${ms(percentile(calm.pops.byPath.relayed, 50))} / p99 ${ms(percentile(calm.pops.byPath.relayed, 99))} (${n(calm.pops.byPath.relayed.length)}); one instance alone p50 ${ms(percentile(alone.pops.byPath.own, 50))} / p99 ${ms(percentile(alone.pops.byPath.own, 99))}.`,
    `- takeover after a leader's SIGKILL (until every PBX is led by an instance connected to it): ${takeovers.length === 0 ? 'no leader killed' : `p50 ${ms(percentile(takeovers, 50))}, max ${ms(Math.max(...takeovers))} over ${takeovers.length}`} (issue: within 5 s)${cluster.kills.leads > cluster.kills.leaders ? `; ${cluster.kills.leads} PBX leads taken by ${cluster.kills.leaders} kills` : ''}.`,
    '',
    table(['run', 'load', 'placed', 'logged', 'lost', 'duplicated', 'left open', 'wrong (outcome / talk / direction)', 'inbound calls with a pop / that rang an agent', 'pop p50', 'pop p99', 'CPU per call (all instances)'], [row(alone), row(calm), row(cluster)]),
    '',
    `Per PBX (${cluster.pbxs.length}): ${cluster.pbxs.map(perPbx).join('; ')}.`,
    '',
    `CPU per instance over the load (s): alone ${alone.cpu.perInstanceSeconds.map((x) => x.toFixed(1)).join(', ')}; cluster without outages ${calm.cpu.perInstanceSeconds.map((x) => x.toFixed(1)).join(', ')}; with outages ${cluster.cpu.perInstanceSeconds.map((x) => x.toFixed(1)).join(', ')} (a killed instance's last 100 ms are not counted; recoveries and CDR corrections add to it).${timestampEvents ? '' : " Wrong talk is the known difference between a CDR-corrected record and the events' arrival times (issue 11's outage-recovery benchmark shows the same on one instance), not the cluster's doing."} Streams reconnected ${cluster.pops.reconnects} times. Settled: alone ${alone.settle}; cluster ${cluster.settle}. Records the CDRs corrected / rebuilt in the cluster run: ${c.fromCdr.corrected} / ${c.fromCdr.rebuilt}.`,
    '',
  ].join('\n');
  const dir = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('cluster-soak.md', dir), md);
  const strip = (r: PhaseResult) => ({ ...r, comparison: { ...r.comparison, lostCalls: r.comparison.lostCalls.slice(0, 300) }, pops: { ...r.pops, latencyMs: undefined, byPath: undefined, p50: percentile(r.pops.latencyMs, 50), p90: percentile(r.pops.latencyMs, 90), p99: percentile(r.pops.latencyMs, 99), max: Math.max(...r.pops.latencyMs) } });
  writeFileSync(new URL('cluster-soak.json', dir), `${JSON.stringify({ machine, alone: strip(alone), calm: strip(calm), cluster: strip(cluster) }, null, 2)}\n`);
  return md;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { seconds: { type: 'string' }, 'alone-seconds': { type: 'string' }, rate: { type: 'string' }, instances: { type: 'string' }, pbxs: { type: 'string' }, 'no-timestamp-events': { type: 'boolean' } } });
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const md = await runClusterSoak({
    ...(values.seconds ? { seconds: num(values.seconds)! } : {}),
    ...(values['alone-seconds'] ? { aloneSeconds: num(values['alone-seconds'])! } : {}),
    ...(values.rate ? { callsPerSecond: num(values.rate)! } : {}),
    ...(values.instances ? { instances: num(values.instances)! } : {}),
    ...(values.pbxs ? { pbxs: num(values.pbxs)! } : {}),
    ...(values['no-timestamp-events'] ? { timestampEvents: false } : {}),
  });
  process.stdout.write(md);
}
