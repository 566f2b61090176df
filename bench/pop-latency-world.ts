/**
 * The pop benchmark's outside world, in its own process (forked by bench/pop-latency.ts): the PBX
 * (the AMI simulator, playing generated inbound calls in real time) and the agents' browsers (one
 * SSE stream per agent, `GET /api/events` with the agent's session cookie).
 *
 * PBX and browsers share this process on purpose: the DialBegin's write and the SSE frame's arrival
 * are stamped on one clock. The write is stamped right after the simulator hands the event to the
 * socket (the player's onEvent), the arrival when the frame's bytes are read, before parsing.
 */
import http from 'node:http';
import { buildScenario } from '../src/simulator/scenarios/build.ts';
import { ScenarioIds } from '../src/simulator/scenarios/ids.ts';
import { ScenarioPlayer } from '../src/simulator/scenarios/playback.ts';
import type { TimedEvent } from '../src/simulator/scenarios/types.ts';
import { AmiSimulator } from '../src/simulator/ami-simulator.ts';
import type { CallMessage } from '../src/pops/wire.ts';
import { epochMs } from './service-bench/latency.ts';
import { ProcessMeter, type ProcessUsage } from './service-bench/process-meter.ts';
import { serve } from './service-bench/rpc.ts';
import type { BenchAgent } from './service-bench/service-host.ts';

export interface WorldCall {
  /** The caller's name, unique per call: the key that ties the DialBegin to its pop. */
  key: string;
  extension: string;
  /** The caller's number as the PBX presents it. */
  number: string;
}

export interface RoundSpec {
  calls: WorldCall[];
  /** Calls start at random moments within this many ms (0: all at once). */
  spreadMs: number;
  ringMs: number;
  talkMs: number;
  did: string;
  seed: number;
  /** After the last call ends at the PBX, how long to wait for pops and final cards still missing. */
  graceMs: number;
}

export interface RoundResult {
  /** Key -> when its DialBegin was written (epoch ms). */
  sent: Record<string, number>;
  /** Key -> when its ringing frame arrived on the agent's stream (epoch ms). */
  arrived: Record<string, number>;
  /** `event: call` frames received during the round (any call, any state; heartbeats not counted). */
  frames: number;
  /** Frames for this round's calls, by card state (a call that rings, is answered and ends gives ringing, answered, ended). */
  states: Record<string, number>;
  /** Ringing frames for a bench call that arrived on another agent's stream (must be 0). */
  misdelivered: number;
  events: number;
  world: ProcessUsage;
}

const AMI_USER = { username: 'crm', secret: 'crmsecret' };

let sim: AmiSimulator | undefined;
let player: ScenarioPlayer | undefined;
const ids = new ScenarioIds({ seed: 7 });
const streams: http.ClientRequest[] = [];
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const meter = new ProcessMeter();
interface RoundState {
  arrived: Record<string, number>;
  /** Calls whose card reached a final state (ended, missed, answered elsewhere). */
  finished: Set<string>;
  frames: number;
  states: Record<string, number>;
  misdelivered: number;
  want: Set<string>;
  onAll: (() => void) | undefined;
}

const FINAL = new Set(['ended', 'missed', 'answered-elsewhere']);
let round: RoundState | undefined;

function complete(r: RoundState): boolean {
  return Object.keys(r.arrived).length === r.want.size && r.finished.size === r.want.size;
}

async function listen(): Promise<{ host: string; port: number }> {
  sim = new AmiSimulator({ ...AMI_USER });
  const address = await sim.listen();
  player = new ScenarioPlayer((fields) => sim!.emitEvent(fields));
  return address;
}

function onFrame(extension: string, block: string, at: number): void {
  if (!round) return;
  let data = '';
  let isCall = false;
  for (const line of block.split('\n')) {
    if (line === 'event: call') isCall = true;
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!isCall || data === '') return;
  round.frames++;
  const message = JSON.parse(data) as CallMessage;
  const key = message.externalName;
  if (!key || !round.want.has(key)) return;
  round.states[message.state] = (round.states[message.state] ?? 0) + 1;
  if (FINAL.has(message.state)) {
    round.finished.add(key);
    if (complete(round)) round.onAll?.();
  }
  if (message.state !== 'ringing') return;
  if (message.extension !== extension) {
    round.misdelivered++;
    return;
  }
  if (round.arrived[key] !== undefined) return;
  round.arrived[key] = at;
  if (complete(round)) round.onAll?.();
}

/** Opens one SSE stream; resolves once the server has greeted it. */
function openStream(target: { host: string; port: number }, a: BenchAgent, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.host, port: target.port, path: '/api/events', headers: { cookie: a.cookie, accept: 'text/event-stream' }, agent });
    streams.push(req);
    const timer = setTimeout(() => reject(new Error(`${a.login}: no greeting within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${a.login}: ${err.message}`));
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        reject(new Error(`${a.login}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let greeted = false;
      res.on('data', (chunk: string) => {
        const at = epochMs();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!greeted && block.includes(': connected as')) {
            greeted = true;
            clearTimeout(timer);
            resolve();
          }
          onFrame(a.extension, block, at);
        }
      });
    });
    req.end();
  });
}

async function connect({ http: target, agents }: { http: { host: string; port: number }; agents: BenchAgent[] }): Promise<{ connected: number }> {
  // A few at a time: 500 at once would only measure the accept queue.
  const queue = [...agents];
  const workers = Array.from({ length: 25 }, async () => {
    for (let a = queue.shift(); a; a = queue.shift()) await openStream(target, a, 15_000);
  });
  await Promise.all(workers);
  return { connected: agents.length };
}

/** A seeded PRNG (mulberry32) for start times. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function playRound(spec: RoundSpec): Promise<RoundResult> {
  if (!sim || !player) throw new Error('not listening');
  const sent: Record<string, number> = {};
  const state: RoundState = { arrived: {}, finished: new Set(), frames: 0, states: {}, misdelivered: 0, want: new Set(spec.calls.map((c) => c.key)), onAll: undefined };
  round = state;
  meter.reset();
  const rand = random(spec.seed);
  let events = 0;
  const began = Date.now();
  const plays = spec.calls.map((call) => {
    const offset = spec.spreadMs > 0 ? rand() * spec.spreadMs : 0;
    const script: TimedEvent[] = buildScenario(
      'inbound-answered',
      {
        startEpochMs: began + offset,
        caller: { number: call.number, name: call.key },
        did: spec.did,
        extensions: [call.extension],
        agentNames: { [call.extension]: `Bench Agent ${call.extension}` },
        ringMs: spec.ringMs,
        talkMs: spec.talkMs,
      },
      ids,
    );
    events += script.length;
    return { offset, script, key: call.key };
  });
  const done = plays.map(
    ({ offset, script, key }) =>
      new Promise<void>((resolve, reject) => {
        const start = (): void => {
          player!
            .play(script, {
              onEvent: (event) => {
                if (event.fields[0]?.[1] === 'DialBegin') sent[key] ??= epochMs();
              },
            })
            .done.then(() => resolve(), reject);
        };
        if (offset === 0) start();
        else setTimeout(start, offset);
      }),
  );
  await Promise.all(done);
  // Every call has ended at the PBX; wait (bounded) until the service has caught up: every pop and
  // every final card in, so that rounds never overlap.
  if (!complete(state)) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, spec.graceMs);
      state.onAll = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  round = undefined;
  return { sent, arrived: state.arrived, frames: state.frames, states: state.states, misdelivered: state.misdelivered, events, world: meter.read() };
}

serve(
  {
    listen: () => listen(),
    connect: (p: { http: { host: string; port: number }; agents: BenchAgent[] }) => connect(p),
    round: (spec: RoundSpec) => playRound(spec),
  },
  async () => {
    for (const req of streams) req.destroy();
    player?.close();
    await sim?.close();
  },
);
