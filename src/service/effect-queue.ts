/**
 * One effect sink's queue: the sink sees every effect in order, one at a time, and never waits for
 * another sink (a pop must not wait behind the call log's writes). The queue is bounded, and what
 * happens at the bound is the sink's stated policy:
 *
 * - `backpressure` (the default; sinks that keep records: call log, CRM, recordings): nothing is
 *   dropped; the queue says it is `full`, and the PBX session stops reading the PBX until every such
 *   queue is back under half its bound (Asterisk holds the events meanwhile; a session that stays
 *   too slow is dropped by Asterisk, and the gap is then filled from its CDRs like any link cut).
 * - `shed-progress` (screen pops): the oldest queued effect that is not a call's end is dropped and
 *   counted. A ring shown seconds late is of no use, but an end must still withdraw its card.
 */
import type { Effect } from '../calls/effects.ts';
import type { CallContext } from './call-context.ts';

export type OverflowPolicy = 'backpressure' | 'shed-progress';

export interface EffectQueueOptions {
  name: string;
  /** Effects queued at most before the policy applies. */
  capacity: number;
  overflow: OverflowPolicy;
  /** `queuedAt`: `performance.now()` when the effect was queued (its PBX event had just arrived). */
  handle(effect: Effect, context: CallContext | undefined, queuedAt: number): Promise<void> | void;
  /** The effect was handled, failed or was dropped: its context may be released. */
  done(effect: Effect, context: CallContext | undefined): void;
  failed(err: unknown, effect: Effect): void;
  /** The queue went back under half its bound after being full. */
  relieved?(): void;
}

export interface EffectQueueStats {
  name: string;
  overflow: OverflowPolicy;
  capacity: number;
  queued: number;
  /** Most effects queued at once since the start. */
  highWater: number;
  /** Effects dropped at the bound (shed-progress). */
  dropped: number;
  /** Times the queue was full (backpressure: the PBX reading was paused for it). */
  fullTimes: number;
}

interface Item {
  effect: Effect;
  context: CallContext | undefined;
  seq: number;
  at: number;
}

export class EffectQueue {
  readonly #o: EffectQueueOptions;
  #items: Item[] = [];
  #head = 0;
  #pushed = 0;
  #handled = 0;
  #running = false;
  #full = false;
  #highWater = 0;
  #dropped = 0;
  #fullTimes = 0;
  /** Waiters for "everything pushed up to seq is handled", in seq order. */
  #waiters: { seq: number; resolve: () => void }[] = [];

  constructor(options: EffectQueueOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Over the bound with the backpressure policy: the session should stop reading the PBX. */
  get full(): boolean {
    return this.#full;
  }

  get stats(): EffectQueueStats {
    const { name, overflow, capacity } = this.#o;
    return { name, overflow, capacity, queued: this.size, highWater: this.#highWater, dropped: this.#dropped, fullTimes: this.#fullTimes };
  }

  push(effect: Effect, context: CallContext | undefined): void {
    this.#items.push({ effect, context, seq: ++this.#pushed, at: performance.now() });
    if (this.size > this.#o.capacity) this.#overflow();
    if (this.size > this.#highWater) this.#highWater = this.size;
    if (!this.#running) void this.#run();
  }

  /** Resolves when every effect pushed so far has been handled (later ones need not be). */
  flushed(): Promise<void> {
    const seq = this.#pushed;
    if (this.#handled >= seq) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }));
  }

  #overflow(): void {
    if (this.#o.overflow === 'backpressure') {
      if (!this.#full) {
        this.#full = true;
        this.#fullTimes++;
      }
      return;
    }
    // The item at #head may be the one being handled; shed from the next one on.
    for (let i = this.#head + (this.#running ? 1 : 0); i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (item.effect.type === 'call-ended') continue;
      this.#items.splice(i, 1);
      this.#dropped++;
      this.#settle(item);
      return;
    }
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#head < this.#items.length) {
        const item = this.#items[this.#head]!;
        try {
          await this.#o.handle(item.effect, item.context, item.at);
        } catch (err) {
          this.#o.failed(err, item.effect);
        }
        this.#head++;
        this.#settle(item);
        // Compact now and then so the array does not grow with every effect ever handled.
        if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        if (this.#full && this.size <= this.#o.capacity / 2) {
          this.#full = false;
          this.#o.relieved?.();
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** One effect is out of the queue (handled or dropped). */
  #settle(item: Item): void {
    this.#o.done(item.effect, item.context);
    // Sequence numbers handled may skip (a drop): "handled" is the count of settled items only
    // when they settle in order, so wake waiters by the lowest seq still queued instead.
    const lowest = this.#head < this.#items.length ? this.#items[this.#head]!.seq - 1 : this.#pushed;
    this.#handled = lowest;
    while (this.#waiters.length > 0 && this.#waiters[0]!.seq <= lowest) this.#waiters.shift()!.resolve();
  }
}
