/**
 * The durable copy queue (copy mode): one row per recording still to copy (`recording_copy_jobs`),
 * in the store, so that a restart loses nothing. The claims, leases, backoff and dead letters are the
 * product's one job queue (`../jobs/`): a claim is one conditional UPDATE, so two service instances
 * never copy the same file, and the jobs of an instance that died come back when its lease
 * (`locked_by`, `locked_until`) runs out. A graceful stop gives its leases back at once. A failed
 * attempt is retried after a capped exponential backoff with jitter; past the last attempt the job
 * is kept as `failed` for admins to see. Here: the worker that runs the copies, and when.
 */
import type { Store } from '../store/store.ts';
import type { RecordingCopyJobsTable } from '../store/schema.ts';
import type { Log } from '../logger.ts';
import { exponentialBackoff, type RetryStrategy } from '../retry.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import type { JobTable } from '../jobs/job-table.ts';
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
  retryStrategy?: RetryStrategy;
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

/** The copy jobs' table (migration 0004-recordings) as the job queue sees it; a copied recording's job is deleted. */
const COPY_JOBS: JobTable<RecordingCopyJobsTable> = {
  name: 'recording_copy_jobs',
  id: 'recording_id',
  columns: {
    state: 'state',
    attempts: 'attempts',
    dueAt: 'due_at',
    leaseUntil: 'locked_until',
    leasedBy: 'locked_by',
    lastError: 'last_error',
    lastErrorCode: 'last_error_code',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  done: 'delete',
};

export class CopyQueue {
  readonly #o: CopyQueueOptions;
  readonly #jobs: JobQueue<RecordingCopyJobsTable>;
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopping = false;
  /** Drains run one after another; each `runDue()` gets one that starts after the last. */
  #tail: Promise<number> = Promise.resolve(0);

  constructor(options: CopyQueueOptions) {
    this.#o = options;
    // A strategy given decides alone (tests); the default gives up on bad paths and after the last attempt.
    const retry = options.retryStrategy
      ? { retry: options.retryStrategy }
      : { retry: exponentialBackoff({ initialDelayMs: 5000, maxDelayMs: options.maxBackoffMs, jitter: 0.2 }), maxAttempts: options.maxAttempts, permanent };
    this.#jobs = new JobQueue({
      store: options.store,
      table: COPY_JOBS,
      leaseMs: options.leaseMs ?? 300_000,
      ...retry,
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /**
   * Adds a job due at `dueAtMs`, or brings an existing pending job forward to it (never later:
   * a report that the file is complete makes it due now; a second call-end does not postpone it).
   */
  async enqueue(recordingId: string, dueAtMs: number): Promise<void> {
    await this.#jobs.enqueue(recordingId, {}, dueAtMs);
    await this.#jobs.bringForward(recordingId, dueAtMs);
    this.#wake();
  }

  async remove(recordingId: string): Promise<void> {
    await this.#jobs.remove(recordingId);
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

  /** Recordings waiting to be copied (held by a worker or not). */
  async backlog(): Promise<number> {
    return (await this.#jobs.backlog()).depth;
  }

  async jobs(): Promise<CopyJob[]> {
    const rows = await this.#jobs.jobs(1000);
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
      const claimed = await this.#jobs.claim(concurrency, [...seen]);
      if (claimed.length === 0) return ran;
      for (const job of claimed) seen.add(job.recording_id);
      // Claimed while stop() ran: given back at once, not copied.
      if (this.#stopping) {
        await Promise.all(claimed.map((job) => this.#jobs.release(job.recording_id)));
        return ran;
      }
      await Promise.all(claimed.map((job) => this.#run(job)));
      ran += claimed.length;
    }
  }

  async #run(job: RecordingCopyJobsTable): Promise<void> {
    const id = job.recording_id;
    const abort = new AbortController();
    const letGo = this.#jobs.hold(id);
    const done = (async () => {
      try {
        await this.#o.work(id, abort.signal);
        await this.#jobs.complete(id);
      } catch (err) {
        // Stopped, not failed: the attempt does not count.
        if (abort.signal.aborted) await this.#jobs.release(id);
        else await this.#failed(job, err as Error);
      } finally {
        letGo();
      }
    })();
    this.#running.set(id, { abort, done });
    try {
      await done;
    } finally {
      this.#running.delete(id);
    }
  }

  async #failed(job: RecordingCopyJobsTable, err: Error): Promise<void> {
    const code = isRecordingError(err) ? err.code : 'RECORDING_ERR_COPY';
    const outcome = await this.#jobs.fail(job, { cause: err, message: err.message.slice(0, 500), code });
    // Removed meanwhile (retention): nothing to retry, nothing to say.
    if (!outcome) return;
    const id = job.recording_id;
    this.#o.log[outcome.dead ? 'error' : 'warn'](
      { recordingId: id, attempts: outcome.attempts, code, retryInMs: outcome.dead ? null : outcome.retryInMs },
      outcome.dead ? `copying a recording failed for good: ${err.message}` : `copying a recording failed; will retry: ${err.message}`,
    );
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
}
