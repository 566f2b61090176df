/**
 * Load mode: new calls at a steady rate for a while, their kinds drawn from a weighted mix, their
 * callers and extensions drawn from lists (or made up), all played at once on one simulator.
 * Bounded by construction: a rate and a duration with hard ceilings, a cap on the number of
 * calls, and every call a finite script; it resolves once the last call has ended.
 */
import { performance } from 'node:perf_hooks';
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';
import { buildScenario, linkedidOf } from './build.ts';
import { seededRandom, type ScenarioIds } from './ids.ts';
import type { Playback, PlayOptions } from './playback.ts';
import { SCENARIO_KINDS, type Party, type ScenarioKind, type ScenarioParams, type TimedEvent } from './types.ts';

export interface LoadOptions {
  /** New calls per second (wall clock), more than 0 and at most 1,000. */
  callsPerSecond: number;
  /** How long new calls keep starting (ms), at most one hour. Calls in progress then play to their end. */
  durationMs: number;
  /** Kinds and their weights. Default DEFAULT_LOAD_MIX. */
  mix?: Partial<Record<ScenarioKind, number>>;
  /** Caller numbers (or numbers with names) to draw from. Default: made-up North American 555-01XX numbers. */
  callers?: readonly (string | Party)[];
  /** Extensions to draw from (at least two for ring groups, queues, internal calls and transfers). Default 101-103. */
  extensions?: readonly string[];
  /** DIDs to draw from. Default `5550100`. */
  dids?: readonly string[];
  /** Speed of each call's own timeline (see PlayOptions.speed); arrivals stay at `callsPerSecond`. Default 1. */
  speed?: number;
  /** Fixed parameters for every call (they win over the random ones), e.g. `{ talkMs: 2000, timestampEvents: true }`. */
  params?: Partial<Omit<ScenarioParams, 'startEpochMs'>>;
  /** Stop after this many calls. Default: rate × duration; at most 100,000. */
  maxCalls?: number;
  /** Seed of the random draws, for a reproducible mix. Default 1. */
  seed?: number;
  /** Stops starting calls; calls in progress are fast-forwarded to their end, so none is left half-open. */
  signal?: AbortSignal;
}

export interface LoadStats {
  callsStarted: number;
  /** Calls played to their last event (fast-forwarded ones included). */
  callsCompleted: number;
  eventsEmitted: number;
  byKind: Partial<Record<ScenarioKind, number>>;
  /** The Linkedid of every call started, in order. */
  linkedids: string[];
  elapsedMs: number;
  /** True when stopped by the signal (or the simulator closing) before the planned end. */
  aborted: boolean;
}

/** What the load needs from the simulator: ids for new calls and a way to play them. */
export interface LoadHost {
  readonly ids: ScenarioIds;
  play(events: readonly TimedEvent[], options: PlayOptions): Playback;
  /** Monotonic clock (ms) pacing the arrivals. Default performance.now. */
  now?: () => number;
  /** Wall clock (epoch ms) each call starts at. Default Date.now. */
  wallClock?: () => number;
}

/** A mix close to a contact centre's day: mostly answered inbound calls, some misses, some outbound. */
export const DEFAULT_LOAD_MIX: Readonly<Record<ScenarioKind, number>> = {
  'inbound-answered': 30,
  'ringgroup-answered': 10,
  'queue-answered': 10,
  'inbound-noanswer': 6,
  'inbound-busy': 3,
  'inbound-unavailable': 2,
  'ringgroup-noanswer': 3,
  'queue-abandoned': 6,
  'click-to-call': 10,
  'outbound-from-phone': 8,
  internal: 4,
  'blind-transfer': 4,
  'attended-transfer': 2,
  redirect: 2,
};

const MAX_RATE = 1000;
const MAX_DURATION_MS = 3600_000;
const MAX_CALLS = 100_000;
const NAMES = ['John Customer', 'Иван Петров', 'Sofia García', 'Priya Raman', 'Lena Schmidt', '王小明', 'Zoë Ødegård', null] as const;
const AREAS = ['202', '212', '312', '415', '617', '713'];

function invalid(message: string, details: Record<string, unknown>): CrmTelephonyError {
  return new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message, details);
}

interface Plan {
  rate: number;
  durationMs: number;
  maxCalls: number;
  kinds: ScenarioKind[];
  weights: number[];
  total: number;
  extensions: readonly string[];
  dids: readonly string[];
}

function plan(o: LoadOptions): Plan {
  if (!(o.callsPerSecond > 0 && o.callsPerSecond <= MAX_RATE)) {
    throw invalid(`callsPerSecond must be more than 0 and at most ${MAX_RATE}, got ${String(o.callsPerSecond)}.`, { callsPerSecond: o.callsPerSecond });
  }
  if (!(o.durationMs >= 0 && o.durationMs <= MAX_DURATION_MS)) {
    throw invalid(`durationMs must be between 0 and ${MAX_DURATION_MS}, got ${String(o.durationMs)}.`, { durationMs: o.durationMs });
  }
  const planned = Math.ceil((o.callsPerSecond * o.durationMs) / 1000);
  const maxCalls = Math.min(o.maxCalls ?? planned, planned, MAX_CALLS);
  if (!(maxCalls >= 0)) throw invalid(`maxCalls must be a non-negative number, got ${String(o.maxCalls)}.`, { maxCalls: o.maxCalls });
  const mix = o.mix ?? DEFAULT_LOAD_MIX;
  const kinds: ScenarioKind[] = [];
  const weights: number[] = [];
  for (const [kind, weight] of Object.entries(mix) as [ScenarioKind, number][]) {
    if (!(SCENARIO_KINDS as readonly string[]).includes(kind)) throw invalid(`Unknown scenario kind ${JSON.stringify(kind)} in the mix.`, { kind });
    if (!(weight >= 0) || !Number.isFinite(weight)) throw invalid(`The weight of ${kind} must be a non-negative number.`, { kind, weight });
    if (weight > 0) {
      kinds.push(kind);
      weights.push(weight);
    }
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) throw invalid('The mix must give at least one kind a positive weight.', {});
  const extensions = o.extensions ?? ['101', '102', '103'];
  if (extensions.length === 0) throw invalid('extensions must not be empty.', {});
  const needsTwo = kinds.some((k) => k.startsWith('ringgroup') || k.startsWith('queue') || k === 'internal' || k.endsWith('transfer') || k === 'redirect');
  if (needsTwo && new Set(extensions).size < 2) throw invalid('Ring groups, queues, internal calls and transfers need at least two extensions.', {});
  const dids = o.dids ?? ['5550100'];
  if (dids.length === 0) throw invalid('dids must not be empty.', {});
  if (o.callers !== undefined && o.callers.length === 0) throw invalid('callers must not be empty when given.', {});
  return { rate: o.callsPerSecond, durationMs: o.durationMs, maxCalls, kinds, weights, total, extensions, dids };
}

/** The parameters of one call of `kind`, drawn at random (then overridden by `o.params`). */
function drawParams(kind: ScenarioKind, p: Plan, o: LoadOptions, rand: () => number, startEpochMs: number): ScenarioParams {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const between = (lo: number, hi: number): number => Math.round(lo + rand() * (hi - lo));
  const distinct = (n: number): string[] => {
    const pool = [...new Set(p.extensions)];
    const out: string[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
    return out;
  };
  const raw = o.callers === undefined ? null : pick(o.callers);
  const caller: Party =
    raw === null
      ? { number: `+1${pick(AREAS)}5550${100 + Math.floor(rand() * 100)}`, name: pick(NAMES) }
      : typeof raw === 'string'
        ? { number: raw, name: null }
        : raw;
  const group = kind.startsWith('ringgroup') || kind.startsWith('queue');
  const transfer = kind.endsWith('transfer') || kind === 'redirect';
  const extensions = distinct(group || kind === 'internal' || transfer ? 2 : 1);
  const params: ScenarioParams = {
    startEpochMs,
    caller,
    customer: { number: `1${pick(AREAS)}5550${100 + Math.floor(rand() * 100)}` },
    did: pick(p.dids),
    extensions: transfer ? [extensions[0]!] : extensions,
    hangupBy: rand() < 0.7 ? 'caller' : 'agent',
    talkMs: between(3000, 30_000),
  };
  if (transfer) {
    params.transferTo = extensions[1]!;
    params.transferRingMs = between(1000, 4000);
    params.talkAfterMs = between(3000, 20_000);
    params.consultMs = between(2000, 10_000);
  }
  if (kind === 'queue-abandoned') params.ringMs = between(3000, 20_000);
  else if (!kind.includes('noanswer') && kind !== 'inbound-busy' && kind !== 'inbound-unavailable') params.ringMs = between(1000, 6000);
  if (group) params.answeredBy = pick(extensions);
  if (kind === 'click-to-call') params.clickToCall = { agentRingMs: between(1000, 4000), agentAnswers: rand() > 0.1 };
  const merged: ScenarioParams = { ...params, ...o.params, startEpochMs: params.startEpochMs };
  // Fixed extensions may not hold the member drawn to answer: then the first of them answers.
  if (merged.answeredBy !== undefined && !(merged.extensions ?? []).includes(merged.answeredBy)) delete merged.answeredBy;
  return merged;
}

/** Runs the load on `host`; see LoadOptions. Throws CONFIG_ERR_INVALID at once for impossible options. */
export function runLoad(host: LoadHost, options: LoadOptions): Promise<LoadStats> {
  const p = plan(options);
  const now = host.now ?? (() => performance.now());
  const wall = host.wallClock ?? (() => Date.now());
  const rand = seededRandom(options.seed ?? 1);
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw invalid(`speed must be a positive number, got ${String(options.speed)}.`, { speed: options.speed });
  const stats: LoadStats = { callsStarted: 0, callsCompleted: 0, eventsEmitted: 0, byKind: {}, linkedids: [], elapsedMs: 0, aborted: false };
  // Build one call now: a parameter that can never work fails the start, not every call.
  const pickKind = (): ScenarioKind => {
    let x = rand() * p.total;
    for (let i = 0; i < p.kinds.length; i++) {
      x -= p.weights[i]!;
      if (x < 0) return p.kinds[i]!;
    }
    return p.kinds[p.kinds.length - 1]!;
  };
  const firstKind = pickKind();
  let first: TimedEvent[] | null = p.maxCalls > 0 ? buildScenario(firstKind, drawParams(firstKind, p, options, rand, wall()), host.ids) : null;
  const interval = 1000 / p.rate;
  const t0 = now();
  const active = new Set<Playback>();
  let timer: NodeJS.Timeout | undefined;
  let startingDone = false;

  return new Promise<LoadStats>((resolve, reject) => {
    const finishIfDone = (): void => {
      if (!startingDone || active.size > 0) return;
      options.signal?.removeEventListener('abort', onAbort);
      stats.elapsedMs = Math.round(now() - t0);
      resolve(stats);
    };
    const onAbort = (): void => {
      stats.aborted = true;
      stopStarting();
      for (const playback of active) playback.finish();
    };
    const stopStarting = (): void => {
      startingDone = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      finishIfDone();
    };
    const startOne = (): void => {
      let kind: ScenarioKind;
      let events: TimedEvent[];
      if (first !== null) {
        kind = firstKind;
        events = first;
        first = null;
      } else {
        kind = pickKind();
        events = buildScenario(kind, drawParams(kind, p, options, rand, wall()), host.ids);
      }
      stats.callsStarted++;
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      stats.linkedids.push(linkedidOf(events) ?? '');
      const playback = host.play(events, { speed, onEvent: () => stats.eventsEmitted++ });
      active.add(playback);
      playback.done.then(
        (r) => {
          active.delete(playback);
          if (r.aborted) stats.aborted = true;
          else stats.callsCompleted++;
          finishIfDone();
        },
        (err: unknown) => {
          active.delete(playback);
          onAbort();
          reject(err);
        },
      );
    };
    const tick = (): void => {
      timer = undefined;
      const at = now();
      try {
        while (stats.callsStarted < p.maxCalls && stats.callsStarted * interval < p.durationMs && t0 + stats.callsStarted * interval <= at) startOne();
      } catch (err) {
        onAbort();
        reject(err);
        return;
      }
      if (stats.callsStarted >= p.maxCalls || stats.callsStarted * interval >= p.durationMs) {
        stopStarting();
        return;
      }
      timer = setTimeout(tick, Math.max(0, t0 + stats.callsStarted * interval - now()));
    };
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
