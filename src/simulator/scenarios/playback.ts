/**
 * Plays generated calls in real time (or faster): each script's events are sent at their `atMs`
 * divided by the speed factor, many scripts at once, through one timer. The heap holds one entry
 * per playing script (its next event), so ten thousand concurrent calls cost ten thousand small
 * objects and one timer, not one timer per event.
 */
import { performance } from 'node:perf_hooks';
import type { AmiField } from '../../ami/message.ts';
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';
import type { TimedEvent } from './types.ts';

export interface PlayOptions {
  /**
   * The script's gaps are divided by this (2 = twice as fast). `Infinity`: as fast as possible,
   * yielding to the event loop between batches. Default 1 (real time). The events' own times
   * (Uniqueids, CEL, Cdr, `Timestamp:`) stay those of the script, so durations read from them do
   * not shrink with the speed.
   */
  speed?: number;
  /** Stops the playback: the remaining events are not sent and the promise resolves with `aborted`. */
  signal?: AbortSignal;
  /** Called after each event is sent. */
  onEvent?: (event: TimedEvent, index: number) => void;
}

export interface PlayResult {
  /** Events sent. */
  events: number;
  /** True when the playback was stopped (signal, or the simulator closed) before its last event. */
  aborted: boolean;
}

/** A playing script, with `finish()` to send the rest of it at once (the call ends now). */
export interface Playback {
  readonly done: Promise<PlayResult>;
  finish(): void;
}

interface Play {
  readonly id: number;
  readonly events: readonly TimedEvent[];
  index: number;
  readonly start: number;
  readonly speed: number;
  /** Bumped whenever the play's heap entry goes stale (finish, abort). */
  version: number;
  fastForward: boolean;
  settled: boolean;
  onEvent: ((event: TimedEvent, index: number) => void) | undefined;
  resolve(result: PlayResult): void;
  reject(err: unknown): void;
  cleanup(): void;
}

interface Entry {
  due: number;
  play: Play;
  version: number;
}

/** Events sent before yielding to the event loop, so sockets drain and timers run during a burst. */
const BATCH = 256;

export class ScenarioPlayer {
  readonly #emit: (fields: readonly AmiField[]) => void;
  readonly #heap: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #immediate: NodeJS.Immediate | undefined;
  readonly #plays = new Set<Play>();
  #nextId = 0;
  #closed = false;
  readonly #now: () => number;

  /**
   * `emit` sends one event (the simulator's emitEvent); a throw rejects that script's playback.
   * `now` is the monotonic clock in ms (tests inject a mocked one). Default performance.now.
   */
  constructor(emit: (fields: readonly AmiField[]) => void, options: { now?: () => number } = {}) {
    this.#emit = emit;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Scripts playing now. */
  get active(): number {
    return this.#plays.size;
  }

  play(events: readonly TimedEvent[], options: PlayOptions = {}): Playback {
    const speed = options.speed ?? 1;
    if (!(speed > 0)) {
      throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `Playback speed must be a positive number (Infinity: as fast as possible), got ${String(options.speed)}.`, { speed: options.speed });
    }
    let resolve!: (r: PlayResult) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<PlayResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const signal = options.signal;
    const play: Play = {
      id: this.#nextId++,
      events,
      index: 0,
      start: this.#now(),
      speed,
      version: 0,
      fastForward: false,
      settled: false,
      onEvent: options.onEvent,
      resolve,
      reject,
      cleanup: () => signal?.removeEventListener('abort', onAbort),
    };
    const onAbort = (): void => this.#settle(play, { events: play.index, aborted: true });
    if (this.#closed || signal?.aborted === true) {
      play.settled = true;
      resolve({ events: 0, aborted: true });
      return { done, finish: () => {} };
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#plays.add(play);
    if (events.length === 0) this.#settle(play, { events: 0, aborted: false });
    else this.#push(play);
    return {
      done,
      finish: () => {
        if (play.settled || play.fastForward) return;
        play.fastForward = true;
        play.version++;
        this.#push(play);
      },
    };
  }

  /** Stops every playback (the simulator is closing): their promises resolve as aborted. */
  close(): void {
    this.#closed = true;
    for (const play of [...this.#plays]) this.#settle(play, { events: play.index, aborted: true });
    this.#idle();
  }

  #idle(): void {
    this.#heap.length = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    this.#immediate = undefined;
  }

  #due(play: Play): number {
    if (play.fastForward || play.speed === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
    return play.start + play.events[play.index]!.atMs / play.speed;
  }

  #push(play: Play): void {
    heapPush(this.#heap, { due: this.#due(play), play, version: play.version });
    this.#arm();
  }

  #settle(play: Play, result: PlayResult, err?: unknown): void {
    if (play.settled) return;
    play.settled = true;
    play.version++;
    play.cleanup();
    this.#plays.delete(play);
    // Nothing left to play: drop the stale entries, so no timer keeps the process up for them.
    if (this.#plays.size === 0) this.#idle();
    if (err === undefined) play.resolve(result);
    else play.reject(err);
  }

  #arm(): void {
    if (this.#closed || this.#immediate !== undefined) return;
    const top = this.#heap[0];
    if (top === undefined) return;
    const wait = top.due - this.#now();
    if (wait <= 0) {
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        this.#pump();
      });
      return;
    }
    if (this.#timer !== undefined && this.#timerDue <= top.due) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerDue = top.due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDue = Number.POSITIVE_INFINITY;
      this.#pump();
    }, Math.ceil(wait));
  }

  /** Sends whatever is due, in time order across scripts, at most BATCH events per turn. */
  #pump(): void {
    if (this.#closed) return;
    const now = this.#now();
    let sent = 0;
    while (sent < BATCH) {
      const top = this.#heap[0];
      if (top === undefined || top.due > now) break;
      heapPop(this.#heap);
      const play = top.play;
      if (top.version !== play.version || play.settled) continue;
      // Send this script's events while they are due, but let an earlier event of another script go first.
      const next = this.#heap[0]?.due ?? Number.POSITIVE_INFINITY;
      while (play.index < play.events.length && sent < BATCH) {
        const due = this.#due(play);
        if (due > now || (due > next && !play.fastForward)) break;
        const event = play.events[play.index]!;
        try {
          this.#emit(event.fields);
          play.index++;
          sent++;
          play.onEvent?.(event, play.index - 1);
        } catch (err) {
          this.#settle(play, { events: play.index, aborted: true }, err);
          break;
        }
      }
      if (play.settled) continue;
      if (play.index >= play.events.length) this.#settle(play, { events: play.index, aborted: false });
      else heapPush(this.#heap, { due: this.#due(play), play, version: play.version });
    }
    this.#arm();
  }
}

// ---- a binary min-heap on (due, play id) ----

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.play.id < b.play.id);
}

function heapPush(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop(heap: Entry[]): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
    if (m === i) break;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
  return top;
}
