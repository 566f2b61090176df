/**
 * The cluster soak's observers, in a worker thread of their own: the agents' SSE streams and each
 * PBX's DialBegin clock (an AMI session never cut). They stand for browsers and a PBX on other
 * machines, so they must not share an event loop with the simulators, their truth and the links,
 * whose pauses (a collection of their large heaps took 222 ms in a calm run) were counted as pop
 * latency when the streams were read on the benchmark's main thread. Both clocks (a call's
 * DialBegin and its frames) are this thread's, so latencies are read on one clock.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmiClient } from '../../src/ami/client.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { AgentStream, type Frame } from './agents.ts';

export interface ObserverSetup {
  /** Each PBX's simulator, reached directly (not through the link that is cut). */
  pbxs: { id: string; port: number; username: string; secret: string }[];
  /** Each agent's session, and the instance its stream starts on. */
  agents: { login: string; cookie: string; first: number }[];
  /** The instances' base URLs. */
  urls: string[];
}

export interface ObserverReport {
  /** When the PBX began ringing each call's agent, by call id (`<pbx>:<linkedid>`). */
  dialBegin: [string, number][];
  streams: { login: string; frames: Frame[]; reconnects: number }[];
}

type ToWorker = { type: 'stop' };
type FromWorker = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'report'; report: ObserverReport };

export class Observers {
  readonly #worker: Worker;
  readonly #messages: FromWorker[] = [];
  #waiting: (() => void) | null = null;

  private constructor(setup: ObserverSetup) {
    this.#worker = new Worker(new URL('./observers-worker.mjs', import.meta.url), { workerData: { soakObservers: setup } });
    this.#worker.on('message', (m: FromWorker) => {
      this.#messages.push(m);
      this.#waiting?.();
    });
    this.#worker.on('error', (err) => {
      this.#messages.push({ type: 'failed', message: err.message });
      this.#waiting?.();
    });
  }

  /** Resolves once every clock is connected and every agent's stream is open. */
  static async start(setup: ObserverSetup): Promise<Observers> {
    const observers = new Observers(setup);
    const first = await observers.#next();
    if (first.type !== 'ready') {
      await observers.close();
      throw new Error(first.type === 'failed' ? first.message : 'the observers did not start');
    }
    return observers;
  }

  /** Stops the streams and clocks; what they saw. */
  async stop(): Promise<ObserverReport> {
    this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
    const m = await this.#next();
    await this.close();
    if (m.type !== 'report') throw new Error(m.type === 'failed' ? m.message : 'the observers sent no report');
    return m.report;
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  async #next(): Promise<FromWorker> {
    while (this.#messages.length === 0) await new Promise<void>((resolve) => (this.#waiting = resolve));
    this.#waiting = null;
    return this.#messages.shift()!;
  }
}

async function observe(setup: ObserverSetup): Promise<void> {
  const port = parentPort!;
  const dialBegin = new Map<string, number>();
  const clocks = setup.pbxs.map((p) => {
    const clock = new AmiClient({ id: `clock-${p.id}`, host: '127.0.0.1', port: p.port, username: p.username, secret: p.secret, events: 'on', keepaliveIntervalMs: 0 });
    clock.on('event', (e: AmiMessage) => {
      if (e.event !== 'DialBegin') return;
      const linkedid = e.get('Linkedid') ?? e.get('DestLinkedid');
      // Keyed by call id: two simulators may well hand out the same Linkedids.
      const callId = `${p.id}:${linkedid ?? ''}`;
      if (linkedid !== undefined && !dialBegin.has(callId)) dialBegin.set(callId, performance.now());
    });
    return clock;
  });
  const streams: AgentStream[] = [];
  try {
    await Promise.all(clocks.map((c) => c.connect()));
    for (const a of setup.agents) streams.push(new AgentStream(a.login, a.cookie, setup.urls, a.first));
    const openBy = performance.now() + 30_000;
    while (!streams.every((s) => s.connected)) {
      if (performance.now() > openBy) throw new Error(`${streams.filter((s) => !s.connected).length} agents' streams did not open in 30 s`);
      await sleep(50);
    }
  } catch (err) {
    port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromWorker);
    return;
  }
  port.postMessage({ type: 'ready' } satisfies FromWorker);
  port.once('message', (m: ToWorker) => {
    if (m.type !== 'stop') return;
    void (async () => {
      for (const s of streams) await s.stop();
      for (const c of clocks) await c.close().catch(() => undefined);
      const report: ObserverReport = { dialBegin: [...dialBegin], streams: streams.map((s) => ({ login: s.login, frames: s.frames, reconnects: s.reconnects })) };
      port.postMessage({ type: 'report', report } satisfies FromWorker);
    })();
  });
}

const setup = (workerData as { soakObservers?: ObserverSetup } | null)?.soakObservers;
if (!isMainThread && setup !== undefined) void observe(setup);
