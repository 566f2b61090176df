/**
 * The loop of a worker that takes rows from a durable queue table: a pass claims due rows up to the
 * concurrency, runs each, and looks again when one finishes, when `wake()` is called (coalesced:
 * a wake during a pass makes one more pass), and otherwise at the next row's due time or every
 * `pollMs` (other instances' rows, wakes that went to another process). What a row means, how it
 * is claimed and what its work is belong to the owner (the CRM call log, the CRM's missed-call
 * mirror); this is only the when.
 */

export interface PollingWorkerOptions<Row> {
  /** Rows worked on at the same time. */
  concurrency: number;
  /** Look for due rows at least this often, in ms. */
  pollMs: number;
  /** The row's id, unique in the queue. */
  keyOf(row: Row): string;
  /** Makes rows due before a pass (a mirror finding what it is behind on); resolves to how many are behind. */
  discover?(): Promise<number>;
  /** Leases up to `limit` due rows, none of those in `exclude` (being worked on here). */
  claim(limit: number, exclude: string[]): Promise<Row[]>;
  /** The earliest due time of a row waiting (ISO), or null when none waits. */
  nextDueAt(): Promise<string | null>;
  /** The work on one row. It must not throw: its failures are the owner's to write down. */
  process(row: Row, signal: AbortSignal): Promise<void>;
  /** The queue itself could not be read (database down): the pass is tried again after `pollMs`. */
  onQueueError(err: unknown): void;
  now(): number;
}

/** The shortest wait between two passes that found nothing to take. */
const MIN_LOOK_AGAIN_MS = 100;

export class PollingWorker<Row> {
  readonly #o: PollingWorkerOptions<Row>;
  readonly #inFlight = new Map<string, Promise<void>>();
  #abort = new AbortController();
  #running = false;
  #pumping = false;
  #again = false;
  /** The pass under way (stop waits for it: rows it claims as it stops are started, then given back). */
  #pass: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: PollingWorkerOptions<Row>) {
    this.#o = options;
  }

  get running(): boolean {
    return this.#running;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Aborted by `stop()`: the work in flight gives up its network calls. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True once `stop()` was called (and no new `start()`): a failure now is the stop, not the row's. */
  get stopping(): boolean {
    return this.#abort.signal.aborted && !this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.wake();
  }

  /** Stops taking rows, aborts the work in flight and waits for it (it saves its own progress). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#pass;
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  /** Looks for due rows now. */
  wake(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    this.#pass = this.#pump().finally(() => {
      this.#pumping = false;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /**
   * Resolves once nothing is due, behind or being worked on (a row due later counts only while
   * running); rejects with `stillBusy()` after `timeoutMs`.
   */
  async idle(timeoutMs: number, stillBusy: () => Promise<Error>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > deadline) throw await stillBusy();
      // Not longer than the deadline: a row stuck in flight must not hold the caller forever.
      const left = deadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.allSettled([...this.#inFlight.values()]), new Promise((r) => (timer = setTimeout(r, Math.min(left, 2 ** 31 - 1))))]);
      clearTimeout(timer);
      if (Date.now() > deadline) throw await stillBusy();
      const behind = this.#running && this.#o.discover ? await this.#o.discover() : 0;
      const next = await this.#o.nextDueAt();
      if (this.#inFlight.size === 0 && behind === 0 && (next === null || !this.#running)) return;
      await new Promise((r) => setTimeout(r, next === null ? 5 : Math.min(200, Math.max(5, Date.parse(next) - this.#o.now()))));
      this.wake();
    }
  }

  async #pump(): Promise<void> {
    const { concurrency, pollMs } = this.#o;
    try {
      if (this.#o.discover) await this.#o.discover();
      while (this.#running && this.#inFlight.size < concurrency) {
        const rows = await this.#o.claim(concurrency - this.#inFlight.size, [...this.#inFlight.keys()]);
        if (rows.length === 0) break;
        for (const row of rows) {
          const key = this.#o.keyOf(row);
          // Started even when stop() came meanwhile: with the aborted signal the owner gives the row back at once.
          const work = this.#o
            .process(row, this.#abort.signal)
            // The owner writes its own failures down; one that escapes must not become an unhandled rejection.
            .catch((err: unknown) => this.#o.onQueueError(err))
            .finally(() => {
              this.#inFlight.delete(key);
              this.wake();
            });
          this.#inFlight.set(key, work);
        }
      }
      if (!this.#running) return;
      // Full: the next row to finish wakes the loop; a timer now would only ask again and again.
      if (this.#inFlight.size >= concurrency) return;
      const next = await this.#o.nextDueAt();
      // A due time already past after a pass that took what it could (a race with another
      // instance): look again soon, not at once.
      this.#arm(next === null ? pollMs : Math.min(pollMs, Math.max(MIN_LOOK_AGAIN_MS, Date.parse(next) - this.#o.now())));
    } catch (err) {
      this.#o.onQueueError(err);
      this.#arm(pollMs);
    }
  }

  #arm(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.wake();
    }, delayMs);
    this.#timer.unref?.();
  }
}
