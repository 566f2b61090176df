/** The routing benchmark's Markdown report, from its raw results (see bench/routing.ts). */
import type { RouterStats } from '../src/routing/budget.ts';
import type { PhaseResult, PhaseSpec, Protocol } from './routing-load.ts';
import { formatMs } from './service-bench/latency.ts';
import { table } from './service-bench/machine.ts';
import type { ProcessUsage } from './service-bench/process-meter.ts';

export interface MeasuredPhase {
  load: PhaseResult;
  /** The service's process during the phase (warm-up included). */
  service: ProcessUsage;
  /** Router counters during the phase (warm-up included). */
  router: RouterStats;
  /** The whole machine's busy share during the phase (all processes), or null off Linux. */
  machineBusy: number | null;
}

/** The service's CPU time per routing decision, in ms: what one answer costs, however busy the machine. */
export function cpuPerAnswer(m: MeasuredPhase): number | null {
  return m.router.decisions === 0 ? null : (m.service.cpuCores * m.service.wallMs) / m.router.decisions;
}

function busy(m: MeasuredPhase): string {
  return m.machineBusy === null ? '–' : `${Math.round(m.machineBusy * 100)}%`;
}

function waited(m: MeasuredPhase): string {
  return m.service.cpuWaitShare === null ? '–' : `${Math.round(m.service.cpuWaitShare * 100)}%`;
}

export interface RoutingReport {
  contacts: number;
  region: string;
  seed: number;
  goalMs: number;
  machine: string;
  loadAverageEnd: number;
  totalSeconds: number;
  directory: { path: string; builtSeconds: number | null; copySeconds: number; bytes: number };
  setup: { service: number; callers: number };
  callers: { hits: number; misses: number; hitsWithOwner: number };
  phases: MeasuredPhase[];
  failures: { spec: PhaseSpec; reason: string }[];
}

const NAME: Record<Protocol, string> = { agi: 'FastAGI', http: 'HTTP' };
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number, of: number): string => (of === 0 ? '–' : `${((n / of) * 100).toFixed(n === of || n === 0 ? 0 : 1)}%`);

function errors(p: PhaseResult): string {
  const parts = Object.entries(p.errors).map(([k, v]) => `${int(v)} ${k}`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

function degraded(m: MeasuredPhase): string {
  return m.router.degraded === 0 ? '0' : `${int(m.router.degraded)} (${int(m.router.budgetExceeded)} over budget)`;
}

function closedRows(phases: MeasuredPhase[]): string[][] {
  return phases
    .filter((m) => m.load.spec.mode === 'closed')
    .map((m) => {
      const { load: p, service } = m;
      const n = p.spec.concurrency ?? 1;
      return [
        NAME[p.spec.protocol],
        int(n),
        int(p.throughput),
        formatMs(p.all?.p50),
        formatMs(p.all?.p99),
        formatMs(p.all?.max),
        formatMs(p.hit?.p50),
        formatMs(p.hit?.p99),
        formatMs(p.miss?.p50),
        formatMs(p.miss?.p99),
        // Little's law: callers always waiting = throughput x mean time in the system.
        `${formatMs(p.all?.mean)} / ${p.throughput > 0 ? formatMs((n / p.throughput) * 1000) : '–'}`,
        errors(p),
        degraded(m),
        formatMs(cpuPerAnswer(m)),
        service.cpuCores.toFixed(2),
        formatMs(service.loopDelayP99),
        p.client.cpuCores.toFixed(2),
        waited(m),
        busy(m),
      ];
    });
}

function openRows(phases: MeasuredPhase[]): string[][] {
  return phases
    .filter((m) => m.load.spec.mode === 'open')
    .map((m) => {
      const { load: p, service } = m;
      return [
        NAME[p.spec.protocol],
        int(p.spec.rate ?? 0),
        int(p.throughput),
        formatMs(p.all?.p50),
        formatMs(p.all?.p90),
        formatMs(p.all?.p99),
        formatMs(p.all?.max),
        formatMs(p.hit?.p99),
        formatMs(p.miss?.p99),
        p.notSent === 0 ? '0' : int(p.notSent),
        errors(p),
        degraded(m),
        formatMs(cpuPerAnswer(m)),
        service.cpuCores.toFixed(2),
        formatMs(service.loopDelayP99),
        p.client.cpuCores.toFixed(2),
        waited(m),
        busy(m),
      ];
    });
}

function reasonRows(phases: MeasuredPhase[]): string[][] {
  const rows: string[][] = [];
  for (const protocol of ['agi', 'http'] as const) {
    for (const kind of ['hit', 'miss'] as const) {
      const sum: Record<string, number> = {};
      let total = 0;
      for (const m of phases) {
        if (m.load.spec.protocol !== protocol) continue;
        for (const [reason, n] of Object.entries(m.load.reasons[kind])) {
          sum[reason] = (sum[reason] ?? 0) + n;
          total += n;
        }
      }
      const text = Object.entries(sum)
        .sort((a, b) => b[1] - a[1])
        .map(([reason, n]) => `${reason} ${pct(n, total)}`)
        .join(', ');
      rows.push([NAME[protocol], kind === 'hit' ? 'in the directory' : 'not in the directory', int(total), text || '–']);
    }
  }
  return rows;
}

function goals(r: RoutingReport): string[] {
  const lines: string[] = [];
  const closed500 = r.phases.filter((m) => m.load.spec.mode === 'closed' && m.load.spec.concurrency === Math.max(...r.phases.filter((x) => x.load.spec.mode === 'closed').map((x) => x.load.spec.concurrency ?? 0)));
  for (const m of closed500) {
    const p = m.load;
    const n = p.spec.concurrency ?? 0;
    const p99 = p.all?.p99 ?? Number.POSITIVE_INFINITY;
    lines.push(
      `- ${NAME[p.spec.protocol]}, ${int(n)} callers at once (closed loop): p99 ${formatMs(p99)} at ${int(p.throughput)} answers/s: **${p99 <= r.goalMs ? 'met' : 'missed'}**. ` +
        `To hold ${int(n)} callers at once to ${r.goalMs} ms each, the service would have to answer ${int((n / r.goalMs) * 1000)} requests/s (Little's law: N = X × R).`,
    );
  }
  for (const protocol of ['agi', 'http'] as const) {
    const costs = r.phases.filter((m) => m.load.spec.protocol === protocol).map(cpuPerAnswer).filter((c): c is number => c !== null).sort((a, b) => a - b);
    const median = costs[Math.floor(costs.length / 2)];
    if (median !== undefined) {
      lines.push(
        `- ${NAME[protocol]}: one answer costs the service ${formatMs(median)} of CPU (median over the phases), so one core it had to itself would answer at most ~${int(1000 / median)} per second; ` +
          'beyond that rate (or when other processes take its core) requests queue and every percentile grows.',
      );
    }
  }
  for (const protocol of ['agi', 'http'] as const) {
    const open = r.phases.filter((m) => m.load.spec.mode === 'open' && m.load.spec.protocol === protocol).sort((a, b) => (a.load.spec.rate ?? 0) - (b.load.spec.rate ?? 0));
    if (open.length === 0) continue;
    const within = open.filter((m) => (m.load.all?.p99 ?? Number.POSITIVE_INFINITY) <= r.goalMs && m.load.notSent === 0 && Object.keys(m.load.errors).length === 0);
    const best = within[within.length - 1];
    lines.push(
      `- ${NAME[protocol]}, open loop: ${best ? `p99 <= ${r.goalMs} ms up to **${int(best.load.spec.rate ?? 0)} arrivals/s** (p99 ${formatMs(best.load.all?.p99)})` : `p99 above ${r.goalMs} ms at every rate tried`}; ` +
        open.map((m) => `${int(m.load.spec.rate ?? 0)}/s: p99 ${formatMs(m.load.all?.p99)}`).join(', ') +
        '.',
    );
  }
  return lines;
}

export function markdown(r: RoutingReport): string {
  const built = r.directory.builtSeconds === null ? 'reused from the cache' : `built in ${(r.directory.builtSeconds / 60).toFixed(1)} min and cached`;
  const out: string[] = [
    '## Routing: FastAGI and HTTP',
    '',
    `The full FastAGI dialogue and \`GET /api/route\` against a ${int(r.contacts)}-contact demo directory (SQLite, region ${r.region}, seed ${r.seed}; ` +
      `${(r.directory.bytes / 1048576).toFixed(0)} MB, ${built}), the service in its own process and the load generator in another. ` +
      `Callers: half in the directory (${int(r.callers.hits)} drawn, ${pct(r.callers.hitsWithOwner, r.callers.hits)} with a responsible user), half valid numbers nobody has (${int(r.callers.misses)}), ` +
      'presented as Asterisk would (`+E.164`, national with trunk prefix, country code without `+`). How it is measured: bench/README.md.',
    `Machine: ${r.machine}; ${r.loadAverageEnd.toFixed(2)} at the end. Whole benchmark: ${(r.totalSeconds / 60).toFixed(1)} min ` +
      `(${r.directory.builtSeconds === null ? 'copying the directory' : `building the directory ${(r.directory.builtSeconds / 60).toFixed(1)} min, copying it`} ${r.directory.copySeconds.toFixed(0)} s, starting the service ${r.setup.service.toFixed(1)} s, drawing callers ${r.setup.callers.toFixed(1)} s).`,
    '',
    '### Goal: p99 <= 2 ms at 500 concurrent',
    '',
    ...goals(r),
    '',
    'A closed loop of N callers keeps N requests in the service at every moment, so its mean latency is N divided by throughput whatever the code does: it measures capacity. ' +
      'A PBX does not wait for one answer before sending the next call: calls arrive at their own rate, which is what the open loop measures (latency counted from when each request was due). ' +
      'For scale, 500 calls in progress at an average of 3 minutes each bring about 3 new calls per second.',
    '',
    '"Service waited for a CPU" is the share of the phase its event-loop thread was ready to run but another process had the CPU (Linux run-queue delay); ' +
      'when it is more than a few percent, the latencies measure the machine, not the service. "Service CPU per answer" does not depend on that: it is what one answer costs.',
    '',
    '### Closed loop: N callers, each asks again as soon as it is answered',
    '',
    table(
      ['protocol', 'callers at once', 'answers/s', 'p50', 'p99', 'max', 'hit p50', 'hit p99', 'miss p50', 'miss p99', 'mean / N÷X', 'errors', 'degraded answers', 'service CPU per answer', 'service CPU (cores)', 'service event-loop delay p99', 'load generator CPU (cores)', 'service waited for a CPU', 'machine busy (all processes)'],
      closedRows(r.phases),
    ),
    '',
    '### Open loop: Poisson arrivals at a fixed rate',
    '',
    table(
      ['protocol', 'offered/s', 'answered/s', 'p50', 'p90', 'p99', 'max', 'hit p99', 'miss p99', 'never sent', 'errors', 'degraded answers', 'service CPU per answer', 'service CPU (cores)', 'service event-loop delay p99', 'load generator CPU (cores)', 'service waited for a CPU', 'machine busy (all processes)'],
      openRows(r.phases),
    ),
    '',
    '### Answers (ROUTE_REASON / x-route-reason), all phases',
    '',
    table(['protocol', 'callers', 'answers', 'reasons'], reasonRows(r.phases)),
  ];
  if (r.failures.length > 0) {
    out.push('', '### Phases that failed', '');
    for (const f of r.failures) out.push(`- ${NAME[f.spec.protocol]} ${f.spec.mode} ${f.spec.concurrency ?? f.spec.rate}: ${f.reason.split('\n')[0]}`);
  }
  return `${out.join('\n')}\n`;
}
