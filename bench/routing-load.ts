/**
 * The routing benchmark's load generator, in its own process (forked by bench/routing.ts) so that
 * making requests never shares an event loop with answering them.
 *
 * Two clients, each as lean as a PBX's own (raw sockets, no HTTP library), so that on a small
 * machine the generator takes as little CPU from the service as possible:
 * - FastAGI: what Asterisk's AGI() does for `agi://host/route,${CALLERID(num)},${EXTEN}`: a new
 *   connection, the request block (the real one from test/fixtures/ami-transcripts/
 *   fastagi-request.txt, with this call's caller, DID, channel and Uniqueid), `200 result=1` to each
 *   command line, done when the server closes. The latency runs from connect() to that close.
 * - HTTP: `GET /api/route?caller=&did=&token=` on keep-alive connections (as CURL() reuses its
 *   handle's connection), one request at a time per connection.
 *
 * Two ways to load: closed loop (N callers, each asking again as soon as it has its answer) and
 * open loop (arrivals at a fixed rate, Poisson, whatever the answers; latency is counted from the
 * moment a request was due, so time spent waiting for a free connection is not hidden).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { rng } from './directory-lookup/callers.ts';
import { Samples, type Latency } from './service-bench/latency.ts';
import { ProcessMeter, type ProcessUsage } from './service-bench/process-meter.ts';
import { serve } from './service-bench/rpc.ts';

export type Protocol = 'agi' | 'http';

export interface LoadSetup {
  agi: { host: string; port: number };
  http: { host: string; port: number };
  token: string;
  hits: string[];
  misses: string[];
  /** The dialled number passed to the route (AGI's second argument, HTTP's `did`). */
  did: string;
  seed: number;
}

export interface PhaseSpec {
  protocol: Protocol;
  mode: 'closed' | 'open';
  /** Closed loop: callers at once. */
  concurrency?: number;
  /** Open loop: arrivals per second. */
  rate?: number;
  /** Untimed load first, at the same concurrency or rate. */
  warmupMs: number;
  measureMs: number;
  /** A request not answered within this is an error and its socket is closed. */
  timeoutMs: number;
  /** Open loop: at most this many requests in flight (HTTP: connections); arrivals beyond wait in line. */
  maxInFlight: number;
}

export interface PhaseResult {
  spec: PhaseSpec;
  /** Requests started (due, for the open loop) in the measured window. */
  started: number;
  /** Of those, answered. */
  answered: number;
  /** Answers per second that arrived during the measured window. */
  throughput: number;
  /** Open loop: arrivals due in the window that never got a connection before it closed. */
  notSent: number;
  errors: Record<string, number>;
  all: Latency | null;
  hit: Latency | null;
  miss: Latency | null;
  /** ROUTE_REASON (AGI) or x-route-reason (HTTP), counted per kind of caller. */
  reasons: { hit: Record<string, number>; miss: Record<string, number> };
  client: ProcessUsage;
}

interface Outcome {
  ok: boolean;
  reason: string | null;
  error?: string;
}

const FIXTURE = new URL('../test/fixtures/ami-transcripts/fastagi-request.txt', import.meta.url);
const CONNECT_PAUSE_AFTER_ERROR_MS = 5;

let setup: LoadSetup | undefined;
let requestFields: [string, string][] = [];
let seq = 0;
const meter = new ProcessMeter();

/** The captured request block as ordered fields (split on the first ": " only: values hold colons). */
function loadRequestFields(): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) {
    if (line === '') break;
    const at = line.indexOf(': ');
    fields.push(at < 0 ? [line.replace(/:$/, ''), ''] : [line.slice(0, at), line.slice(at + 2)]);
  }
  return fields;
}

function requestBlock(caller: string): string {
  const s = setup!;
  const n = seq++;
  const own: Record<string, string> = {
    agi_request: `agi://${s.agi.host}:${s.agi.port}/route`,
    agi_channel: `PJSIP/carrier-${n.toString(16).padStart(8, '0')}`,
    agi_uniqueid: `${Math.floor(Date.now() / 1000)}.${n}`,
    agi_callerid: caller,
    agi_dnid: s.did,
    agi_extension: s.did,
    agi_arg_1: caller,
    agi_arg_2: s.did,
  };
  let out = '';
  for (const [key, value] of requestFields) out += `${key}: ${own[key] ?? value}\n`;
  return `${out}\n`;
}

/** One FastAGI dialogue, as Asterisk runs it. */
function agiCall(caller: string, timeoutMs: number): Promise<Outcome> {
  const target = setup!.agi;
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    socket.setEncoding('utf8');
    let buffer = '';
    let reason: string | null = null;
    let failure = false;
    let done = false;
    const timer = setTimeout(() => finish({ ok: false, reason: null, error: 'timeout' }), timeoutMs);
    const finish = (outcome: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('connect', () => socket.write(requestBlock(caller)));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        // The server's way of failing a call on purpose (AGISTATUS=FAILURE); it closes next.
        if (line === 'FAILURE') {
          failure = true;
          continue;
        }
        const set = /^SET VARIABLE ROUTE_REASON "(.*)"$/.exec(line);
        if (set) reason = set[1]!;
        socket.write('200 result=1\n');
      }
    });
    socket.on('end', () => finish(failure ? { ok: false, reason, error: 'FAILURE' } : { ok: true, reason }));
    socket.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, reason: null, error: err.code ?? err.message }));
  });
}

/** One keep-alive HTTP/1.1 connection, one request at a time, parsed by hand (status, two headers, body). */
class HttpConnection {
  readonly #socket: net.Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: { resolve(o: Outcome): void; timer: NodeJS.Timeout } | undefined;
  #broken = false;

  constructor() {
    const target = setup!.http;
    this.#socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    const fail = (error: string): void => {
      this.#broken = true;
      this.#settle({ ok: false, reason: null, error });
    };
    this.#socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    this.#socket.on('close', () => fail('closed'));
  }

  get usable(): boolean {
    return !this.#broken;
  }

  get(caller: string, timeoutMs: number): Promise<Outcome> {
    const s = setup!;
    const path = `/api/route?caller=${encodeURIComponent(caller)}&did=${encodeURIComponent(s.did)}&token=${s.token}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#broken = true;
        this.#settle({ ok: false, reason: null, error: 'timeout' });
        this.#socket.destroy();
      }, timeoutMs);
      this.#waiting = { resolve, timer };
      this.#socket.write(`GET ${path} HTTP/1.1\r\nHost: ${s.http.host}:${s.http.port}\r\nAccept: text/plain\r\n\r\n`);
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #settle(outcome: Outcome): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    clearTimeout(waiting.timer);
    waiting.resolve(outcome);
  }

  #parse(): void {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.#buffer.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '0');
    if (this.#buffer.length < end + 4 + length) return;
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const status = Number(head.slice(9, 12));
    const reason = /\r\nx-route-reason: *([^\r]*)/i.exec(head)?.[1] ?? null;
    // 200 with the extension, or 404 and an empty body when there is no route: both are answers.
    this.#settle(status === 200 || status === 404 ? { ok: true, reason } : { ok: false, reason, error: `HTTP ${status}` });
  }
}

class Tally {
  readonly all = new Samples(65536);
  readonly hit = new Samples(32768);
  readonly miss = new Samples(32768);
  readonly errors: Record<string, number> = {};
  readonly reasons: { hit: Record<string, number>; miss: Record<string, number> } = { hit: {}, miss: {} };
  started = 0;
  answered = 0;
  answeredInWindow = 0;
  notSent = 0;

  record(hit: boolean, ms: number, outcome: Outcome): void {
    if (!outcome.ok) {
      const key = outcome.error ?? 'error';
      this.errors[key] = (this.errors[key] ?? 0) + 1;
      return;
    }
    this.answered++;
    this.all.add(ms);
    (hit ? this.hit : this.miss).add(ms);
    const reasons = hit ? this.reasons.hit : this.reasons.miss;
    const reason = outcome.reason ?? '(none)';
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
}

/** Half the callers are hits, half misses, each drawn at random from its pool. */
function callerPicker(seed: number): () => { number: string; hit: boolean } {
  const random = rng(seed);
  const { hits, misses } = setup!;
  return () => {
    const hit = random() < 0.5;
    const pool = hit ? hits : misses;
    return { number: pool[Math.floor(random() * pool.length)]!, hit };
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function closedLoop(spec: PhaseSpec, tally: Tally): Promise<{ windowMs: number }> {
  const pick = callerPicker(setup!.seed + seq);
  const began = performance.now();
  const measureFrom = began + spec.warmupMs;
  const measureTo = measureFrom + spec.measureMs;
  const worker = async (): Promise<void> => {
    let connection: HttpConnection | undefined;
    try {
      while (performance.now() < measureTo) {
        const caller = pick();
        if (spec.protocol === 'http' && !connection?.usable) {
          connection?.destroy();
          connection = new HttpConnection();
        }
        const t0 = performance.now();
        const outcome = spec.protocol === 'agi' ? await agiCall(caller.number, spec.timeoutMs) : await connection!.get(caller.number, spec.timeoutMs);
        const t1 = performance.now();
        if (t0 >= measureFrom && t0 < measureTo) {
          tally.started++;
          tally.record(caller.hit, t1 - t0, outcome);
        }
        if (outcome.ok && t1 >= measureFrom && t1 < measureTo) tally.answeredInWindow++;
        if (!outcome.ok) await sleep(CONNECT_PAUSE_AFTER_ERROR_MS);
      }
    } finally {
      connection?.destroy();
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency ?? 1 }, worker));
  return { windowMs: spec.measureMs };
}

async function openLoop(spec: PhaseSpec, tally: Tally): Promise<{ windowMs: number }> {
  const pick = callerPicker(setup!.seed + seq);
  const random = rng(setup!.seed * 7919 + seq);
  const rate = spec.rate ?? 100;
  const began = performance.now();
  const measureFrom = began + spec.warmupMs;
  const measureTo = measureFrom + spec.measureMs;
  // Poisson arrivals: exponential gaps.
  let nextDue = began;
  const arrival = (): number => {
    const due = nextDue;
    nextDue += (-Math.log(1 - random()) / rate) * 1000;
    return due;
  };
  const queue: number[] = []; // due times of arrivals waiting for a free slot
  const idle: HttpConnection[] = [];
  let inFlight = 0;
  let wake: (() => void) | undefined;

  const launch = (due: number): void => {
    inFlight++;
    const caller = pick();
    let connection: HttpConnection | undefined;
    if (spec.protocol === 'http') {
      while (idle.length > 0 && !idle[idle.length - 1]!.usable) idle.pop()!.destroy();
      connection = idle.pop() ?? new HttpConnection();
    }
    const pending = spec.protocol === 'agi' ? agiCall(caller.number, spec.timeoutMs) : connection!.get(caller.number, spec.timeoutMs);
    void pending.then((outcome) => {
      const t1 = performance.now();
      inFlight--;
      if (connection) {
        if (connection.usable) idle.push(connection);
        else connection.destroy();
      }
      if (due >= measureFrom && due < measureTo) tally.record(caller.hit, t1 - due, outcome);
      if (outcome.ok && t1 >= measureFrom && t1 < measureTo) tally.answeredInWindow++;
      wake?.();
    });
  };

  while (performance.now() < measureTo) {
    const now = performance.now();
    while (nextDue <= now && nextDue < measureTo) {
      const due = arrival();
      if (due >= measureFrom) tally.started++;
      queue.push(due);
    }
    while (queue.length > 0 && inFlight < spec.maxInFlight) launch(queue.shift()!);
    const waitMs = Math.max(0, Math.min(nextDue, measureTo) - performance.now());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      wake = queue.length > 0 ? done : undefined; // a slot freed lets a waiting arrival go at once
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
    });
  }
  // The window is over: arrivals still waiting for a slot were never sent; in-flight ones may finish.
  for (const due of queue) if (due >= measureFrom) tally.notSent++;
  queue.length = 0;
  const drainUntil = performance.now() + spec.timeoutMs + 1000;
  while (inFlight > 0 && performance.now() < drainUntil) await sleep(5);
  for (const connection of idle) connection.destroy();
  return { windowMs: spec.measureMs };
}

async function run(spec: PhaseSpec): Promise<PhaseResult> {
  if (!setup) throw new Error('not configured');
  const tally = new Tally();
  meter.reset();
  const { windowMs } = spec.mode === 'closed' ? await closedLoop(spec, tally) : await openLoop(spec, tally);
  const client = meter.read();
  return {
    spec,
    started: tally.started,
    answered: tally.answered,
    throughput: tally.answeredInWindow / (windowMs / 1000),
    notSent: tally.notSent,
    errors: tally.errors,
    all: tally.all.summary(),
    hit: tally.hit.summary(),
    miss: tally.miss.summary(),
    reasons: tally.reasons,
    client,
  };
}

serve({
  configure: (s: LoadSetup) => {
    setup = s;
    requestFields = loadRequestFields();
    return { fields: requestFields.length };
  },
  run: (spec: PhaseSpec) => run(spec),
});
