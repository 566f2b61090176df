/**
 * Memory per active call: N calls held open at once in one engine, each a real capture cut in the
 * middle (copies with their own identifiers), mixed kinds. Heap used after a forced full GC, minus
 * the heap before the first call, divided by the calls. The code is warmed up on a throwaway
 * engine first, so that what V8 compiles is not counted as the calls' memory. Needs `--expose-gc`: the call-engine
 * benchmark runs this file in a child process with it (`runMemoryChild`), or run it alone:
 * `node --expose-gc --import tsx bench/call-engine-memory.ts [calls] [kind]`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngineState, reduce, type EngineState } from '../src/calls/index.ts';
import { decode, findEvent, instantiate, loadTemplate, type CaptureTemplate } from './call-engine-stream.ts';

/** The kinds of call in progress, each a capture up to a moment in the middle of the call. */
export const CALL_KINDS = {
  /** 01: caller and 101 bridged, talking (2 channels). */
  'answered 1:1': { file: '01-inbound-answered-101.ami', cut: (t: CaptureTemplate) => findEvent(t, /^Event: BridgeLeave\r\n/) },
  /** 05: 101 and 102 both ringing for the caller (3 channels). */
  'ring group ringing': {
    file: '05-ringgroup-101-102-answered-by-102.ami',
    cut: (t: CaptureTemplate) => findEvent(t, /^Event: Newstate\r\n[^]*ChannelStateDesc: Up\r\n/),
  },
  /** 06: the caller waits in queue support while 101 and 102 ring (3 channels). */
  'queue ringing': {
    file: '06-queue-support-answered-by-101.ami',
    cut: (t: CaptureTemplate) => findEvent(t, /^Event: Newstate\r\n[^]*ChannelStateDesc: Up\r\n/, findEvent(t, /^Event: AgentCalled\r\n/)),
  },
  /** 09: the caller on hold while 101 consults 102 through a Local channel pair (5 channels, 3 bridges). */
  'attended transfer mid-consultation': {
    file: '09-attended-transfer-101-to-102.ami',
    cut: (t: CaptureTemplate) => findEvent(t, /^Event: BridgeMerge\r\n/),
  },
} as const;

export type CallKind = keyof typeof CALL_KINDS;
export const KIND_NAMES = Object.keys(CALL_KINDS) as CallKind[];

export interface MemoryResult {
  kinds: CallKind[];
  calls: number;
  /** Channels (legs) the engine follows. */
  legs: number;
  /** Heap used after GC, minus before the first call. */
  heapDeltaBytes: number;
  bytesPerCall: number;
  bytesPerLeg: number;
  /** Open calls the engine holds (must equal `calls`: none ended, none lost). */
  openCalls: number;
}

function gc(): void {
  const run = (globalThis as { gc?: () => void }).gc;
  if (run === undefined) throw new Error('Run with node --expose-gc: memory is measured after a forced garbage collection.');
  for (let i = 0; i < 4; i++) run();
}

/**
 * Opens `calls` calls (kinds in turn) in a fresh engine and measures the heap they hold. Events are
 * produced and fed in batches and dropped, so only what the engine keeps is counted.
 */
export function measureMemory(calls: number, kinds: readonly CallKind[] = KIND_NAMES): MemoryResult {
  const plans: Plan[] = kinds.map((kind) => {
    const spec = CALL_KINDS[kind];
    const template = loadTemplate(spec.file);
    const cut = spec.cut(template);
    if (cut <= 0) throw new Error(`${spec.file}: the cut point of "${kind}" was not found`);
    return { template, cut };
  });
  const clock = { now: Date.UTC(2026, 10, 23, 20, 0, 0) };
  // Warm up on a throwaway engine (in a frame of its own, so nothing here keeps it alive): the code
  // V8 compiles for the engine is not the calls' memory.
  warmUp(plans, calls, clock);
  gc();
  const before = process.memoryUsage().heapUsed;
  const state: EngineState = createEngineState({ pbxId: 'bench' });
  open(state, plans, 0, calls, clock);
  gc();
  const after = process.memoryUsage().heapUsed;
  const legs = state.legs.size;
  const openCalls = state.calls.size;
  const heapDeltaBytes = after - before;
  return {
    kinds: [...kinds],
    calls,
    legs,
    heapDeltaBytes,
    bytesPerCall: Math.round(heapDeltaBytes / calls),
    bytesPerLeg: Math.round(heapDeltaBytes / legs),
    openCalls,
  };
}

interface Plan {
  template: CaptureTemplate;
  cut: number;
}

/** Feeds copies `from..to` of the plans' calls (kinds in turn) into the engine, up to their cut. */
function open(state: EngineState, plans: readonly Plan[], from: number, to: number, clock: { now: number }): void {
  const batch = 500;
  for (let start = from; start < to; start += batch) {
    let text = '';
    for (let i = start; i < Math.min(to, start + batch); i++) {
      const plan = plans[i % plans.length]!;
      text += instantiate(plan.template, i, 0, plan.cut);
    }
    for (const message of decode(text)) reduce(state, message, (clock.now += 1));
  }
}

function warmUp(plans: readonly Plan[], firstCopy: number, clock: { now: number }): void {
  open(createEngineState({ pbxId: 'warm-up' }), plans, firstCopy, firstCopy + 1_000, clock);
}

/** Runs `measureMemory` in a child process with `--expose-gc` (a clean heap, a forced GC). */
export function runMemoryChild(calls: number, kinds: readonly CallKind[]): Promise<MemoryResult> {
  const child = fork(fileURLToPath(import.meta.url), [String(calls), kinds.join(',')], {
    stdio: ['ignore', 'ignore', 2, 'ipc'],
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  return new Promise((resolve, reject) => {
    let result: MemoryResult | undefined;
    child.on('message', (m: MemoryResult) => (result = m));
    child.on('error', reject);
    child.on('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`the memory run exited with code ${code} before reporting`))));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const calls = Number(process.argv[2] ?? 10_000);
  const kinds = (process.argv[3] || KIND_NAMES.join(',')).split(',') as CallKind[];
  const result = measureMemory(calls, kinds);
  if (process.send !== undefined) process.send(result);
  else console.log(JSON.stringify(result, null, 2));
}
