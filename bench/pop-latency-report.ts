/** The pop benchmark's Markdown report, from its raw per-call stamps (see bench/pop-latency.ts). */
import { formatMs, summarize, type Latency } from './service-bench/latency.ts';
import { table } from './service-bench/machine.ts';
import type { ProcessUsage } from './service-bench/process-meter.ts';
import type { CallLogMeter } from './service-bench/service-host.ts';

export interface PopCall {
  mode: string;
  round: number;
  key: string;
  /** The caller is in the directory (the card has candidates). */
  known: boolean;
  /** Epoch ms: DialBegin written by the simulator; read by the service's AMI client; card published; SSE frame read. */
  sent: number | null;
  ami: number | null;
  publish: number | null;
  arrived: number | null;
}

export interface PopMode {
  name: string;
  spreadMs: number;
  rounds: number;
  /** Per round: the service's process and the world's (simulator and browsers). */
  service: ProcessUsage[];
  world: ProcessUsage[];
  /** Per round: the whole machine's busy share (all processes), null off Linux. */
  machineBusy: (number | null)[];
  frames: number;
  /** This mode's calls' frames by card state. */
  states: Record<string, number>;
  misdelivered: number;
  events: number;
  /** Call-log writes in the service over the mode's rounds (see service-host.ts's CallLogMeter). */
  callLog: CallLogMeter;
}

export interface PopReport {
  contacts: number;
  region: string;
  /** Diagnostic run: the call log's writes were no-ops. */
  withoutCallLog: boolean;
  agents: number;
  callsPerRound: number;
  ringMs: number;
  talkMs: number;
  goalMs: number;
  machine: string;
  loadAverageEnd: number;
  totalSeconds: number;
  directory: { builtSeconds: number | null; copySeconds: number; bytes: number };
  setup: { service: number; agents: number; streams: number };
  modes: PopMode[];
  calls: PopCall[];
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function legs(calls: PopCall[], from: keyof PopCall, to: keyof PopCall): Latency | null {
  const values: number[] = [];
  for (const c of calls) {
    const a = c[from];
    const b = c[to];
    if (typeof a === 'number' && typeof b === 'number') values.push(b - a);
  }
  return summarize(values);
}

function both(l: Latency | null): string {
  return l ? `${formatMs(l.p50)} / ${formatMs(l.p99)}` : '–';
}

function worst(usages: ProcessUsage[], pick: (u: ProcessUsage) => number): number {
  return usages.reduce((m, u) => Math.max(m, pick(u)), 0);
}

function mean(usages: ProcessUsage[], pick: (u: ProcessUsage) => number): number {
  return usages.length === 0 ? 0 : usages.reduce((s, u) => s + pick(u), 0) / usages.length;
}

function shareText(values: (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return '–';
  return `${Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 100)}%`;
}

export interface ModeSummary {
  total: Latency | null;
  known: Latency | null;
  unknown: Latency | null;
  missing: number;
}

export function summarizeMode(r: PopReport, mode: string): ModeSummary {
  const calls = r.calls.filter((c) => c.mode === mode);
  return {
    total: legs(calls, 'sent', 'arrived'),
    known: legs(calls.filter((c) => c.known), 'sent', 'arrived'),
    unknown: legs(calls.filter((c) => !c.known), 'sent', 'arrived'),
    missing: calls.filter((c) => c.arrived === null).length,
  };
}

export function markdown(r: PopReport): string {
  const built = r.directory.builtSeconds === null ? 'reused from the cache' : `built in ${(r.directory.builtSeconds / 60).toFixed(1)} min and cached`;
  const goalLines = r.modes.map((m) => {
    const s = summarizeMode(r, m.name);
    const p99 = s.total?.p99 ?? Number.POSITIVE_INFINITY;
    const ok = p99 <= r.goalMs && s.missing === 0;
    return `- ${m.name}: p99 ${formatMs(s.total?.p99)} over ${int(s.total?.count ?? 0)} pops${s.missing > 0 ? `, ${int(s.missing)} pops never arrived` : ''}: **${ok ? 'met' : 'missed'}**.`;
  });
  const mainRows = r.modes.map((m) => {
    const s = summarizeMode(r, m.name);
    return [
      m.name,
      `${m.rounds} × ${r.callsPerRound}`,
      int(s.total?.count ?? 0),
      int(s.missing),
      formatMs(s.total?.p50),
      formatMs(s.total?.p90),
      formatMs(s.total?.p99),
      formatMs(s.total?.max),
      both(s.known),
      both(s.unknown),
      formatMs(m.service.reduce((sum, u) => sum + u.cpuCores * u.wallMs, 0) / Math.max(1, m.rounds * r.callsPerRound)),
      mean(m.service, (u) => u.cpuCores).toFixed(2),
      formatMs(worst(m.service, (u) => u.loopDelayP99)),
      formatMs(worst(m.world, (u) => u.loopDelayP99)),
      shareText(m.service.map((u) => u.cpuWaitShare)),
      shareText(m.machineBusy),
    ];
  });
  const legRows = r.modes.map((m) => {
    const calls = r.calls.filter((c) => c.mode === m.name);
    return [m.name, both(legs(calls, 'sent', 'ami')), both(legs(calls, 'ami', 'publish')), both(legs(calls, 'publish', 'arrived')), both(legs(calls, 'sent', 'arrived'))];
  });
  const out = [
    '## Pop latency: DialBegin to the agent\'s SSE frame',
    '',
    ...(r.withoutCallLog ? ['**Diagnostic run: the call log\'s writes were replaced by no-ops (BENCH_POP_WITHOUT_CALL_LOG=1). These are not the product\'s figures.**', ''] : []),
    `${int(r.agents)} agents signed in (cookie sessions), each with an open \`GET /api/events\` stream; rounds of ${r.callsPerRound} inbound calls ringing at once, each on a different agent's extension ` +
      `(generated \`inbound-answered\` calls: ringing ${r.ringMs / 1000} s, talk ${r.talkMs / 1000} s; ~86 AMI events each, the recording and CEL included), ` +
      `half from callers in the ${int(r.contacts)}-contact directory (region ${r.region}; ${(r.directory.bytes / 1048576).toFixed(0)} MB, ${built}), half from unknown numbers. ` +
      'The service runs alone in its own process; the simulator and the 500 browsers share another, so the DialBegin write and the frame arrival are stamped on one clock. How it is measured: bench/README.md.',
    `Machine: ${r.machine}; ${r.loadAverageEnd.toFixed(2)} at the end. Whole benchmark: ${(r.totalSeconds / 60).toFixed(1)} min ` +
      `(${r.directory.builtSeconds === null ? 'copying the directory' : `building the directory ${(r.directory.builtSeconds / 60).toFixed(1)} min, copying it`} ${r.directory.copySeconds.toFixed(0)} s, starting the service ${r.setup.service.toFixed(1)} s, creating and signing in the agents ${r.setup.agents.toFixed(1)} s, opening the streams ${r.setup.streams.toFixed(1)} s).`,
    '',
    `### Goal: p99 <= ${r.goalMs} ms`,
    '',
    ...goalLines,
    '',
    '### Pop latency (DialBegin written by the PBX → ringing frame read by the agent\'s browser)',
    '',
    table(
      [
        'calls start',
        'rounds × calls',
        'pops',
        'missing',
        'p50',
        'p90',
        'p99',
        'max',
        'known caller p50 / p99',
        'unknown caller p50 / p99',
        'service CPU per call',
        'service CPU (cores)',
        'service event-loop delay p99 (worst round)',
        'PBX + browsers event-loop delay p99 (worst round)',
        'service waited for a CPU',
        'machine busy (all processes)',
      ],
      mainRows,
    ),
    '',
    '"Service waited for a CPU" is the share of the rounds its event-loop thread was ready to run but another process had the CPU (Linux run-queue delay); ' +
      'when it is more than a few percent, the latencies measure the machine as much as the service. "Service CPU per call" does not depend on that.',
    '',
    '### Where the time goes (p50 / p99 of each leg)',
    '',
    table(
      ['calls start', 'PBX write → DialBegin decoded by the service', 'decoded → card handed to the push hub', 'handed to the hub → frame read by the browser', 'whole'],
      legRows,
    ),
    '',
    'The first leg is not only the network: the service reads its AMI socket only when its event loop is free, so it includes waiting behind the work for earlier events ' +
      '(their effects: call-log writes, directory lookups). The second leg is the effect queue up to this call\'s card (the call log\'s write of the effects before it, the lookup of the caller, the extension\'s owner); the third is the SSE write and the browser side.',
    '',
    table(
      ['calls start', 'call-log writes (one transaction each)', 'per round', 'records written', 'records per write (mean)', 'time inside them', 'per write (mean)', 'slowest write'],
      r.modes.map((m) => [
        m.name,
        int(m.callLog.writes),
        int(m.callLog.writes / Math.max(1, m.rounds)),
        int(m.callLog.records),
        (m.callLog.records / Math.max(1, m.callLog.writes)).toFixed(1),
        formatMs(m.callLog.totalMs),
        formatMs(m.callLog.totalMs / Math.max(1, m.callLog.writes)),
        formatMs(m.callLog.maxMs),
      ]),
    ),
    '',
    `Frames received: ${r.modes.map((m) => `${m.name} ${int(m.frames)} (${Object.entries(m.states).map(([state, n]) => `${state} ${int(n)}`).join(', ')})`).join('; ')}; ` +
      `ringing frames on another agent's stream: ${int(r.modes.reduce((s, m) => s + m.misdelivered, 0))}. ` +
      `AMI events played: ${r.modes.map((m) => `${m.name} ${int(m.events)}`).join(', ')}.`,
  ];
  return `${out.join('\n')}\n`;
}

/**
 * The report as JSON, each call on one line with its legs in ms after the DialBegin's write
 * (rounded to the microsecond), so a 2,000-call run stays readable and small.
 */
export function toJson(r: PopReport, extra: Record<string, unknown>): string {
  const after = (from: number | null, to: number | null): number | null => (from === null || to === null ? null : Math.round((to - from) * 1000) / 1000);
  const lines = r.calls.map((c) =>
    JSON.stringify({ mode: c.mode, round: c.round, key: c.key, known: c.known, decodedMs: after(c.sent, c.ami), publishedMs: after(c.sent, c.publish), arrivedMs: after(c.sent, c.arrived) }),
  );
  const head = JSON.stringify({ ...extra, ...r, calls: '@calls@' }, null, 2);
  return `${head.replace('"@calls@"', `[\n    ${lines.join(',\n    ')}\n  ]`)}\n`;
}
