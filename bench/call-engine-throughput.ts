/**
 * One timed run of the call engine's reducer over the ~1M-event stream (call-engine-stream.ts):
 * a fresh engine, events fed as the live session feeds them (`reduce` per event, `tick` every 30 s
 * of the stream's clock), only the engine timed. The stream is produced and decoded one capture
 * copy (~100 events) at a time between timed stretches, as a live client hands over each socket
 * read, so the million events never sit in memory at once.
 *
 * Runs in a child process (`runThroughputChild`) so that each run has a fresh heap and JIT; or
 * alone: `npx tsx bench/call-engine-throughput.ts [events]`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngineState, reduce, tick, type Effect, type EngineState } from '../src/calls/index.ts';
import { EngineStream } from './call-engine-stream.ts';

/** Events per timed batch (at least; a batch is whole capture copies): per-event latency is a batch's time divided by its events. */
export const BATCH_EVENTS = 1_000;
/** The stream's clock advances this much per event (1M events = ~17 min of PBX time). */
const MS_PER_EVENT = 1;
/** The live session ticks every 30 s. */
const TICK_EVERY_MS = 30_000;

export interface ThroughputResult {
  events: number;
  repetitions: number;
  /** Time inside reduce/tick only, ms (wall clock). */
  engineMs: number;
  eventsPerSecond: number;
  /**
   * CPU time the process spent during those stretches, ms (user + system, every thread: GC
   * helpers too). Below `engineMs` when other processes took the CPU from this one.
   */
  engineCpuMs: number;
  eventsPerCpuSecond: number;
  /** Per-event latency of each batch, in ns (batch time / events in it). */
  batchNsPerEvent: number[];
  callsStarted: number;
  callsEnded: number;
  openAtEnd: number;
  engineErrors: number;
  effects: number;
}

interface Counts {
  callsStarted: number;
  callsEnded: number;
  engineErrors: number;
  effects: number;
}

function count(counts: Counts, effects: readonly Effect[]): void {
  counts.effects += effects.length;
  for (const e of effects) {
    if (e.type === 'call-started') counts.callsStarted++;
    else if (e.type === 'call-ended') counts.callsEnded++;
    else if (e.type === 'engine-error') counts.engineErrors++;
  }
}

function feed(stream: EngineStream, state: EngineState, counts: Counts, batchNs: number[] | null): { wallMs: number; cpuMs: number } {
  let now = Date.UTC(2026, 10, 23, 20, 0, 0);
  let nextTick = now + TICK_EVERY_MS;
  let engineNs = 0n;
  let cpuUs = 0;
  // A batch spans blocks: its clock runs only while the engine works.
  let batchEvents = 0;
  let batchTime = 0n;
  for (const block of stream.blocks()) {
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < block.length; i++) {
      now += MS_PER_EVENT;
      count(counts, reduce(state, block[i]!, now).effects);
      if (now >= nextTick) {
        count(counts, tick(state, now).effects);
        nextTick += TICK_EVERY_MS;
      }
    }
    const ns = process.hrtime.bigint() - t0;
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    engineNs += ns;
    batchTime += ns;
    batchEvents += block.length;
    if (batchEvents >= BATCH_EVENTS) {
      batchNs?.push(Number(batchTime) / batchEvents);
      batchEvents = 0;
      batchTime = 0n;
    }
  }
  if (batchEvents > 0) batchNs?.push(Number(batchTime) / batchEvents);
  return { wallMs: Number(engineNs) / 1e6, cpuMs: cpuUs / 1000 };
}

/** Warms the JIT on a short stream (untimed), then times the whole stream on a fresh engine. */
export function measureThroughput(minEvents: number): ThroughputResult {
  const warm = new EngineStream(25 * new EngineStream(1).perRepetition);
  feed(warm, createEngineState({ pbxId: 'warm-up' }), { callsStarted: 0, callsEnded: 0, engineErrors: 0, effects: 0 }, null);
  const stream = new EngineStream(minEvents, warm.templates);
  const state = createEngineState({ pbxId: 'bench' });
  const counts: Counts = { callsStarted: 0, callsEnded: 0, engineErrors: 0, effects: 0 };
  const batchNsPerEvent: number[] = [];
  const { wallMs: engineMs, cpuMs: engineCpuMs } = feed(stream, state, counts, batchNsPerEvent);
  return {
    events: stream.total,
    repetitions: stream.repetitions,
    engineMs,
    eventsPerSecond: stream.total / (engineMs / 1000),
    engineCpuMs,
    eventsPerCpuSecond: stream.total / (engineCpuMs / 1000),
    batchNsPerEvent,
    ...counts,
    openAtEnd: state.calls.size,
  };
}

export function runThroughputChild(minEvents: number): Promise<ThroughputResult> {
  const child = fork(fileURLToPath(import.meta.url), [String(minEvents)], { stdio: ['ignore', 'ignore', 2, 'ipc'] });
  return new Promise((resolve, reject) => {
    let result: ThroughputResult | undefined;
    child.on('message', (m: ThroughputResult) => (result = m));
    child.on('error', reject);
    child.on('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`the throughput run exited with code ${code} before reporting`))));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = measureThroughput(Number(process.argv[2] ?? 1_000_000));
  if (process.send !== undefined) process.send(result);
  else console.log(JSON.stringify({ ...result, batchNsPerEvent: `${result.batchNsPerEvent.length} batches` }, null, 2));
}
