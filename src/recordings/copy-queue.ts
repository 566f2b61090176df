/**
 * The durable copy queue (copy mode): one row per recording still to copy, in the store, so that a
 * restart loses nothing. A worker claims due jobs with a lease (`locked_by`, `locked_until`): a
 * claim is one conditional UPDATE, so two service instances never copy the same file, and the jobs
 * of an instance that died come back when its lease runs out. A graceful stop gives its leases back
 * at once. A failed attempt is retried after a capped exponential backoff with jitter; past the
 * last attempt the job is kept as `failed` for admins to see.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { Log } from '../logger.ts';
import { exponentialBackoff, type ReconnectStrategy } from '../ami/reconnect-strategy.ts';
import { isRecordingError, RecordingErrorCodes } from './recording-errors.ts';

export type CopyJobState = 'pending' | 'failed';

export interface CopyJob {
  recordingId: string;
  state: CopyJobState;
  attempts: number;
  dueAt: string;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastErrorCode: string | null;
  lastError: string | null;
}

/** Does one copy; throws to have it retried. The signal aborts it (the service is stopping). */
export type CopyWork = (recordingId: string, signal: AbortSignal) => Promise<void>;

export interface CopyQueueOptions {
  store: Store;
  work: CopyWork;
  log: Log;
  /** Attempts before a job is given up. */
  maxAttempts: number;
  /** Longest pause between attempts, in ms. */
  maxBackoffMs: number;
  /** Retry strategy `(attempt, cause) => false | delayMs`. Default: 5 s doubling up to maxBackoffMs, with jitter; bad paths are not retried. */
  retryStrategy?: ReconnectStrategy;
  /** How long a claim holds before another instance may take the job, in ms. Default 5 minutes (renewed while copying). */
  leaseMs?: number;
  /** Copies at once. Default 2. */
  concurrency?: number;
  /** Idle check interval for jobs that became due, in ms. Default 5 s. */
  pollMs?: number;
  now?: () => number;
  /** This instance's name in `locked_by`. Default random. */
  instanceId?: string;
  /** Run due jobs on a timer after start(). Default true; false leaves it to runDue() (tests with a mock clock). */
  worker?: boolean;
}

/** Errors no retry can fix: the location itself is refused. */
function permanent(err: Error): boolean {
  return isRecordingError(err) && (err.code === RecordingErrorCodes.RECORDING_ERR_BAD_PATH || err.code === RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT);
}

export class CopyQueue {
  readonly #o: CopyQueueOptions;
  readonly #retry: ReconnectStrategy;
  readonly #instance: string;
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopping = false;
  /** Drains run one after another; each `runDue()` gets one that starts after the last. */
  #tail: Promise<number> = Promise.resolve(0);

  constructor(options: CopyQueueOptions) {
    this.#o = options;
    this.#instance = options.instanceId ?? randomUUID();
    const backoff = exponentialBackoff({ initialDelayMs: 5000, maxDelayMs: options.maxBackoffMs, jitter: 0.2 });
    this.#retry =
      options.retryStrategy ??
      ((attempt, cause) => {
        if (permanent(cause) || attempt >= options.maxAttempts) return false;
        return backoff(attempt, cause);
      });
  }

  /**
   * Adds a job due at `dueAtMs`, or brings an existing pending job forward to it (never later:
   * a report that the file is complete makes it due now; a second call-end does not postpone it).
   */
  async enqueue(recordingId: string, dueAtMs: number): Promise<void> {
    const now = this.#iso();
    const due = new Date(dueAtMs).toISOString();
    await this.#o.store.db
      .insertInto('recording_copy_jobs')
      .values({ recording_id: recordingId, state: 'pending', attempts: 0, due_at: due, locked_by: null, locked_until: null, last_error_code: null, last_error: null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('recording_id').doNothing())
      .execute();
    await this.#o.store.db
      .updateTable('recording_copy_jobs')
      .set({ due_at: due, updated_at: now })
      .where('recording_id', '=', recordingId)
      .where('state', '=', 'pending')
      .where('due_at', '>', due)
      .execute();
    this.#wake();
  }

  async remove(recordingId: string): Promise<void> {
    await this.#o.store.db.deleteFrom('recording_copy_jobs').where('recording_id', '=', recordingId).execute();
  }

  /** Starts the worker: due jobs now, then on a timer. Jobs a dead instance held come back as their leases run out. */
  start(): void {
    this.#started = this.#o.worker !== false;
    this.#stopping = false;
    this.#wake();
  }

  /**
   * Stops taking jobs, aborts the copies under way and gives their leases back (another instance,
   * or this one after a restart, resumes them at once: a copy starts over from the first byte).
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#started = false;
    clearTimeout(this.#timer);
    for (const { abort } of this.#running.values()) abort.abort();
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    await this.#tail.catch(() => 0);
  }

  /**
   * Claims and runs every job due now (up to the concurrency at a time); resolves with how many ran.
   * A drain already under way may have looked before "now": this one starts after it, not with it.
   */
  runDue(): Promise<number> {
    const run = this.#tail.catch(() => 0).then(() => this.#drain());
    this.#tail = run;
    return run;
  }

  async jobs(): Promise<CopyJob[]> {
    const rows = await this.#o.store.db.selectFrom('recording_copy_jobs').selectAll().orderBy('due_at').limit(1000).execute();
    return rows.map((r) => ({
      recordingId: r.recording_id,
      state: r.state as CopyJobState,
      attempts: r.attempts,
      dueAt: r.due_at,
      lockedBy: r.locked_by,
      lockedUntil: r.locked_until,
      lastErrorCode: r.last_error_code,
      lastError: r.last_error,
    }));
  }

  async #drain(): Promise<number> {
    let ran = 0;
    const concurrency = this.#o.concurrency ?? 2;
    // A job runs at most once per drain, even if its retry is due at once.
    const seen = new Set<string>();
    for (;;) {
      if (this.#stopping) return ran;
      const due = (await this.#dueIds(concurrency * 4 + seen.size)).filter((id) => !seen.has(id));
      if (due.length === 0) return ran;
      let claimed = 0;
      const batch: Promise<void>[] = [];
      for (const id of due) {
        if (this.#stopping || batch.length >= concurrency) break;
        seen.add(id);
        if (!(await this.#claim(id))) continue;
        claimed++;
        batch.push(this.#run(id));
      }
      await Promise.all(batch);
      ran += claimed;
      if (claimed === 0) return ran;
    }
  }

  async #dueIds(limit: number): Promise<string[]> {
    const now = this.#iso();
    const rows = await this.#o.store.db
      .selectFrom('recording_copy_jobs')
      .select('recording_id')
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.recording_id);
  }

  async #claim(id: string): Promise<boolean> {
    const now = this.#iso();
    const res = await this.#o.store.db
      .updateTable('recording_copy_jobs')
      .set({ locked_by: this.#instance, locked_until: this.#leaseEnd(), updated_at: now })
      .where('recording_id', '=', id)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async #run(id: string): Promise<void> {
    const abort = new AbortController();
    const leaseMs = this.#o.leaseMs ?? 300_000;
    const renew = setInterval(() => {
      void this.#o.store.db
        .updateTable('recording_copy_jobs')
        .set({ locked_until: this.#leaseEnd() })
        .where('recording_id', '=', id)
        .where('locked_by', '=', this.#instance)
        .execute()
        .catch(() => undefined);
    }, Math.max(1000, leaseMs / 3));
    renew.unref();
    const done = (async () => {
      try {
        await this.#o.work(id, abort.signal);
        await this.remove(id);
      } catch (err) {
        if (abort.signal.aborted) await this.#release(id);
        else await this.#failed(id, err as Error);
      } finally {
        clearInterval(renew);
      }
    })();
    this.#running.set(id, { abort, done });
    try {
      await done;
    } finally {
      this.#running.delete(id);
    }
  }

  /** Gives the job back without counting the attempt (we stopped it, it did not fail). */
  async #release(id: string): Promise<void> {
    await this.#o.store.db
      .updateTable('recording_copy_jobs')
      .set({ locked_by: null, locked_until: null, updated_at: this.#iso() })
      .where('recording_id', '=', id)
      .where('locked_by', '=', this.#instance)
      .execute();
  }

  async #failed(id: string, err: Error): Promise<void> {
    const row = await this.#o.store.db.selectFrom('recording_copy_jobs').select('attempts').where('recording_id', '=', id).executeTakeFirst();
    if (!row) return;
    const attempts = row.attempts + 1;
    const delay = this.#retry(attempts, err);
    const code = isRecordingError(err) ? err.code : 'RECORDING_ERR_COPY';
    this.#o.log[delay === false ? 'error' : 'warn'](
      { recordingId: id, attempts, code, retryInMs: delay === false ? null : delay },
      delay === false ? `copying a recording failed for good: ${err.message}` : `copying a recording failed; will retry: ${err.message}`,
    );
    await this.#o.store.db
      .updateTable('recording_copy_jobs')
      .set({
        state: delay === false ? 'failed' : 'pending',
        attempts,
        due_at: new Date(this.#now() + (delay === false ? 0 : delay)).toISOString(),
        locked_by: null,
        locked_until: null,
        last_error_code: code,
        last_error: err.message.slice(0, 500),
        updated_at: this.#iso(),
      })
      .where('recording_id', '=', id)
      .execute();
  }

  /** Runs due jobs soon, then sleeps until the next is due (or the poll interval). */
  #wake(): void {
    if (!this.#started || this.#stopping) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      void this.runDue()
        .catch((err: Error) => this.#o.log.error({ err: err.message }, 'the recordings copy queue could not run'))
        .finally(() => this.#schedule());
    }, 0);
    this.#timer.unref();
  }

  #schedule(): void {
    if (!this.#started || this.#stopping) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#wake(), this.#o.pollMs ?? 5000);
    this.#timer.unref();
  }

  #leaseEnd(): string {
    return new Date(this.#now() + (this.#o.leaseMs ?? 300_000)).toISOString();
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}
