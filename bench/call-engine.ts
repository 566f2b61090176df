/**
 * The call engine (issue 4's benchmark): the reducer over the ~1M-event stream built from the real
 * captures (events/s, median of 3 runs; per-event latency in batches), and 10,000 concurrent calls
 * in progress of mixed kinds (memory per active call). Goals: >= 200,000 events/s; <= 4 KiB per
 * active call.
 *
 * Every run is a child process: throughput runs get a fresh heap and JIT each
 * (call-engine-throughput.ts); memory runs need `--expose-gc` and a heap holding nothing else
 * (call-engine-memory.ts).
 *
 * Run alone with `npx tsx bench/call-engine.ts`, or with every benchmark by `npm run bench`.
 * Environment (all optional): BENCH_CALL_EVENTS (default 1,000,000), BENCH_CALL_RUNS (default 3),
 * BENCH_CALL_CONCURRENT (default 10,000). For a quick try:
 * BENCH_CALL_EVENTS=100000 BENCH_CALL_RUNS=1 BENCH_CALL_CONCURRENT=2000 npx tsx bench/call-engine.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CALL_KINDS, KIND_NAMES, runMemoryChild, type CallKind, type MemoryResult } from './call-engine-memory.ts';
import { BATCH_EVENTS, runThroughputChild, type ThroughputResult } from './call-engine-throughput.ts';
import { loadAllTemplates } from './call-engine-stream.ts';

export interface CallEngineOptions {
  /** The stream holds at least this many events (whole repetitions of every capture). Default 1,000,000. */
  events?: number;
  /** Timed throughput runs; the median is reported. Default 3. */
  runs?: number;
  /** Calls held open at once for the memory figure. Default 10,000. */
  concurrentCalls?: number;
  /** Where the Markdown and JSON results go. Default bench/results/. */
  resultsDir?: URL;
}

const RESULTS_DIR = new URL('./results/', import.meta.url);
const GOAL_EVENTS_PER_SECOND = 200_000;
const GOAL_BYTES_PER_CALL = 4 * 1024;

interface Report {
  date: string;
  environment: { node: string; platform: string; cpus: string; loadAtStart: number; loadAtEnd: number };
  stream: { events: number; repetitions: number; captures: number; eventsPerRepetition: number; callsPerRun: number };
  throughput: {
    runs: Omit<ThroughputResult, 'batchNsPerEvent'>[];
    medianEventsPerSecond: number;
    minEventsPerSecond: number;
    maxEventsPerSecond: number;
    /** Events per second of CPU the process got (median): what the engine does when not preempted. */
    medianEventsPerCpuSecond: number;
    latencyNsPerEvent: { batchEvents: number; batches: number; p50: number; p99: number; max: number };
    goal: number;
    met: boolean;
  };
  memory: {
    mixed: MemoryResult;
    byKind: MemoryResult[];
    goalBytesPerCall: number;
    met: boolean;
  };
  seconds: number;
}

function env(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: "${raw}" is not a positive whole number.`);
  return n;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function runCallEngine(options: CallEngineOptions = {}): Promise<string> {
  const began = performance.now();
  const events = options.events ?? env('BENCH_CALL_EVENTS', 1_000_000);
  const runs = options.runs ?? env('BENCH_CALL_RUNS', 3);
  const concurrent = options.concurrentCalls ?? env('BENCH_CALL_CONCURRENT', 10_000);
  const loadAtStart = loadavg()[0]!;
  const templates = loadAllTemplates();

  const results: ThroughputResult[] = [];
  for (let i = 0; i < runs; i++) {
    console.error(`call-engine: throughput run ${i + 1}/${runs} (${events.toLocaleString('en-US')} events)...`);
    results.push(await runThroughputChild(events));
  }
  const rates = results.map((r) => r.eventsPerSecond).sort((a, b) => a - b);
  const cpuRates = results.map((r) => r.eventsPerCpuSecond).sort((a, b) => a - b);
  const latencies = results.flatMap((r) => r.batchNsPerEvent).sort((a, b) => a - b);

  console.error(`call-engine: memory, ${concurrent.toLocaleString('en-US')} concurrent calls of mixed kinds...`);
  const mixed = await runMemoryChild(concurrent, KIND_NAMES);
  const byKind: MemoryResult[] = [];
  for (const kind of KIND_NAMES) {
    console.error(`call-engine: memory, ${concurrent.toLocaleString('en-US')} calls "${kind}"...`);
    byKind.push(await runMemoryChild(concurrent, [kind]));
  }

  const first = results[0]!;
  const report: Report = {
    date: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
      loadAtStart,
      loadAtEnd: loadavg()[0]!,
    },
    stream: {
      events: first.events,
      repetitions: first.repetitions,
      captures: templates.length,
      eventsPerRepetition: first.events / first.repetitions,
      callsPerRun: first.callsStarted,
    },
    throughput: {
      runs: results.map(({ batchNsPerEvent: _drop, ...rest }) => rest),
      medianEventsPerSecond: percentile(rates, 50),
      minEventsPerSecond: rates[0]!,
      maxEventsPerSecond: rates[rates.length - 1]!,
      medianEventsPerCpuSecond: percentile(cpuRates, 50),
      latencyNsPerEvent: { batchEvents: BATCH_EVENTS, batches: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]! },
      goal: GOAL_EVENTS_PER_SECOND,
      met: percentile(rates, 50) >= GOAL_EVENTS_PER_SECOND,
    },
    memory: {
      mixed,
      byKind,
      goalBytesPerCall: GOAL_BYTES_PER_CALL,
      met: mixed.bytesPerCall <= GOAL_BYTES_PER_CALL && byKind.every((k) => k.bytesPerCall <= GOAL_BYTES_PER_CALL),
    },
    seconds: (performance.now() - began) / 1000,
  };
  const text = markdown(report);
  const dir = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('call-engine.md', dir), text);
  writeFileSync(new URL('call-engine.json', dir), `${JSON.stringify(report, null, 2)}\n`);
  return text;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const us = (ns: number): string => (ns / 1000).toFixed(2);
const ok = (met: boolean): string => (met ? 'met' : '**not met**');

function describeKind(kind: CallKind): string {
  return `\`${CALL_KINDS[kind].file}\``;
}

function markdown(r: Report): string {
  const t = r.throughput;
  const m = r.memory;
  const lines = [
    '## Call engine',
    '',
    `Stream: ${n(r.stream.events)} events: the ${n(r.stream.eventsPerRepetition)} \`Event:\` messages of the ${r.stream.captures} real Asterisk 20 captures (\`test/fixtures/ami-transcripts/*.ami\`) repeated ${n(r.stream.repetitions)} times, each repetition with its own Uniqueids, Linkedids, channel names and bridge ids, so that ${n(r.stream.callsPerRun)} distinct calls start and end; decoded by our \`AmiDecoder\` one capture copy (~100 events, about one 64 KiB socket read) at a time, as the live client hands events over. Only \`reduce\` (and \`tick\` every 30 s of stream time) is timed; effects are counted, not carried out.`,
    '',
    `${r.throughput.runs.length} runs, each a fresh process warmed on 25 repetitions first. Node ${r.environment.node}, ${r.environment.platform}, ${r.environment.cpus}, load average ${r.environment.loadAtStart.toFixed(1)} at start and ${r.environment.loadAtEnd.toFixed(1)} at end (a shared machine: the spread between runs is mostly other work); ${r.date}; whole benchmark ${r.seconds.toFixed(0)} s.`,
    '',
    '| measure | result | goal | |',
    '|---|---:|---:|---|',
    `| reducer throughput, events/s (median of ${t.runs.length}) | ${n(t.medianEventsPerSecond)} (min ${n(t.minEventsPerSecond)}, max ${n(t.maxEventsPerSecond)}) | >= ${n(t.goal)} | ${ok(t.met)} |`,
    `| reducer throughput, events per CPU-second of the process (median) | ${n(t.medianEventsPerCpuSecond)} | | |`,
    `| per-event latency p50 / p99 / max, µs (batches of >= ${n(t.latencyNsPerEvent.batchEvents)} events, ${n(t.latencyNsPerEvent.batches)} batches) | ${us(t.latencyNsPerEvent.p50)} / ${us(t.latencyNsPerEvent.p99)} / ${us(t.latencyNsPerEvent.max)} | | |`,
    `| memory per active call, ${n(m.mixed.calls)} concurrent calls of mixed kinds, bytes | ${n(m.mixed.bytesPerCall)} (${n(m.mixed.bytesPerLeg)} per channel) | <= ${n(m.goalBytesPerCall)} | ${ok(m.mixed.bytesPerCall <= m.goalBytesPerCall)} |`,
    '',
    '### Throughput runs',
    '',
    '| run | events/s | engine time, ms | CPU time, ms | events per CPU-second | calls started | calls ended | open at end | engine errors | effects |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...t.runs.map(
      (run, i) =>
        `| ${i + 1} | ${n(run.eventsPerSecond)} | ${n(run.engineMs)} | ${n(run.engineCpuMs)} | ${n(run.eventsPerCpuSecond)} | ${n(run.callsStarted)} | ${n(run.callsEnded)} | ${n(run.openAtEnd)} | ${n(run.engineErrors)} | ${n(run.effects)} |`,
    ),
    '',
    'Events per CPU-second divide by the CPU time the process got while the engine ran (all its threads, GC helpers included): on a quiet machine it is close to events/s; when it is well above, other processes were taking the CPU.',
    '',
    '### Memory per active call',
    '',
    `${n(m.mixed.calls)} calls held open at once in one engine, each a real capture cut in the middle of the call (copies with their own identifiers); the mix takes the kinds in turn. Heap used after a forced full GC, minus the heap before the first call, divided by the calls (so the engine's maps, strings and side objects are all counted; the events, once fed, are not).`,
    '',
    '| calls in progress | capture, cut | channels per call | bytes per call | bytes per channel | open calls | |',
    '|---|---|---:|---:|---:|---:|---|',
    `| mixed: ${m.mixed.kinds.join(', ')} | all four | ${(m.mixed.legs / m.mixed.calls).toFixed(2)} | ${n(m.mixed.bytesPerCall)} | ${n(m.mixed.bytesPerLeg)} | ${n(m.mixed.openCalls)} | ${ok(m.mixed.bytesPerCall <= m.goalBytesPerCall)} |`,
    ...m.byKind.map((k) => {
      const kind = k.kinds[0]!;
      return `| ${kind} | ${describeKind(kind)} | ${(k.legs / k.calls).toFixed(2)} | ${n(k.bytesPerCall)} | ${n(k.bytesPerLeg)} | ${n(k.openCalls)} | ${ok(k.bytesPerCall <= m.goalBytesPerCall)} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await runCallEngine());
}
