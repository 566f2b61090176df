/**
 * Call logging through a durable outbox. When a call ends, `enqueue` writes one row (our call id
 * is the key: a second enqueue of the same call is a no-op) and returns: the CRM is never on the
 * call path. A worker takes due rows, writes the call into the CRM, then makes each link, writing
 * each step's outcome down before the next; a failure waits with capped exponential backoff and
 * jitter and is tried again, forever for an outage (nothing is dropped), not at all when the CRM
 * refused the call as given (kept as `failed` for a person).
 *
 * Never twice: before a create is sent, the row says so (`post_started`). If the answer is lost
 * (timeout, reset, crash), the next attempt first asks the CRM for a call carrying our call id
 * (SuiteCRM: a line in the description, searched within the minute of the call's start) and only
 * creates one when there is none. A restart resumes from the table; a lease keeps two service
 * instances on one database off the same row.
 *
 * Corrections: a call that ended inside a gap in our view of the PBX is queued with what we saw,
 * and minutes later the PBX's CDRs may tell better (answered, not missed; another talk time). `amend`
 * stores the corrected payload when the CRM would show something else; a call not yet created is
 * then created as corrected, and one created (or whose create may have been sent) is updated in
 * place (`updateCall` with the CRM's id), with the same lease, backoff and write-down-first
 * discipline: one call in the CRM, never a second one.
 */
import type { Store } from '../../store/store.ts';
import { exponentialBackoff, type RetryStrategy } from '../../retry.ts';
import { callLinkTargets, type CrmPort } from '../crm-port.ts';
import { CrmErrorCodes, errorInWords, isCrmError } from '../crm-errors.ts';
import { silentLog, type Log } from '../../logger.ts';
import { buildCallLogEntry, toPayload, type CallMatch, type EntryOptions, type LoggableCallRecord, type OutboxPayload } from './call-entry.ts';
import { PollingWorker } from '../../jobs/polling-worker.ts';
import { OutboxStore, type OutboxCounts, type OutboxRow } from './outbox-store.ts';

export interface CallLoggerOptions {
  store: Store;
  crm: CrmPort;
  /** The recording link written into the CRM's call, or null. Default: none. */
  recordingUrl?: (record: LoggableCallRecord) => string | null;
  log?: Log;
  /** Calls written at the same time. Default 4. */
  concurrency?: number;
  /** Look for due calls at least this often, in ms (another instance's rows, missed wake-ups). Default 5 s. */
  pollMs?: number;
  /** A worker holds a call this long; after it, another may take it. Default 2 min. */
  leaseMs?: number;
  /** When to try a call again: `(attempt, cause) => delayMs | false` (false keeps it as failed). Default `defaultBackoff`. */
  backoff?: RetryStrategy;
  now?: () => number;
}

export interface CallLoggerStatus extends OutboxCounts {
  running: boolean;
  inFlight: number;
  /** Calls written by this process. */
  logged: number;
  /** Calls written before and corrected in the CRM by this process. */
  corrected: number;
  lastLoggedAt: string | null;
  /** The latest failure in words (retried or not), or null after a success. */
  lastError: string | null;
  /** Calls the CRM refused (not retried), newest first. */
  failures: { callId: string; error: string | null; at: string }[];
}

/**
 * What `amend` did: `queued` (the call was not in the outbox: queued as given), `amended` (the CRM
 * will show the correction), `unchanged` (the CRM would show the same: nothing to do), `ignored`
 * (a call this CRM does not log).
 */
export type AmendResult = 'queued' | 'amended' | 'unchanged' | 'ignored';

export interface CallLogger {
  /** Queues an ended call for the CRM; false when it was queued before or needs no logging. */
  enqueue(record: LoggableCallRecord, matches?: readonly CallMatch[]): Promise<boolean>;
  /**
   * A newer record of an ended call (the PBX's CDRs corrected it). `matches` is asked for only when
   * the call is not queued yet or its outside number changed; otherwise the queued matches stay.
   */
  amend(record: LoggableCallRecord, matches: () => Promise<readonly CallMatch[]>): Promise<AmendResult>;
  start(): void;
  /** Stops taking calls and waits for those being written (their progress is saved). */
  stop(): Promise<void>;
  status(): Promise<CallLoggerStatus>;
  /** Resolves once no call is waiting or being written (tests, benchmarks); rejects after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
}

/**
 * 1 s, 2 s, 4 s ... up to 5 min, each between 50% and 100% of that: the product's backoff centred on
 * three quarters of it (0.75 s doubling to 225 s) with a third of that either side.
 */
const doubling = exponentialBackoff({ initialDelayMs: 750, maxDelayMs: 225_000, jitter: 1 / 3 });

/** The doubling above; a timeout waits at least 30 s. Never gives up: an outage is waited out. */
export const defaultBackoff: RetryStrategy = (attempt, cause) => {
  const delay = doubling(attempt, cause);
  // The timed-out create may still be running in SuiteCRM: give it time to finish before searching for it.
  return delay !== false && isCrmError(cause, CrmErrorCodes.CRM_ERR_TIMEOUT) ? Math.max(delay, 30_000) : delay;
};

/** A call the CRM refused as given will be refused again; outages and a refused login are waited out. */
function refusedForGood(err: Error): boolean {
  return isCrmError(err) ? !err.retryable && err.code !== CrmErrorCodes.CRM_ERR_AUTH : err instanceof SyntaxError;
}

export function createCallLogger(options: CallLoggerOptions): CallLogger {
  return new OutboxWorker(options);
}

class OutboxWorker implements CallLogger {
  readonly #o: CallLoggerOptions;
  readonly #outbox: OutboxStore;
  readonly #log: Log;
  readonly #loop: PollingWorker<OutboxRow>;
  #logged = 0;
  #corrected = 0;
  #lastLoggedAt: string | null = null;
  #lastError: string | null = null;

  constructor(options: CallLoggerOptions) {
    this.#o = options;
    this.#outbox = new OutboxStore(options.store, options.crm.name, {
      leaseMs: options.leaseMs ?? 120_000,
      retry: options.backoff ?? defaultBackoff,
      permanent: refusedForGood,
      now: () => this.#now(),
    });
    this.#log = options.log ?? silentLog;
    this.#loop = new PollingWorker<OutboxRow>({
      concurrency: options.concurrency ?? 4,
      pollMs: options.pollMs ?? 5000,
      keyOf: (row) => row.call_id,
      claim: (limit, exclude) => this.#outbox.claim(limit, exclude),
      nextDueAt: () => this.#outbox.nextDueAt(),
      process: (row, signal) => this.#process(row, signal),
      onQueueError: (err) => {
        this.#lastError = `The call-logging outbox could not read its table: ${errorInWords(err)}`;
        this.#log.error({ err: errorInWords(err) }, this.#lastError);
      },
      now: () => this.#now(),
    });
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  async enqueue(record: LoggableCallRecord, matches: readonly CallMatch[] = []): Promise<boolean> {
    if (!this.#o.crm.logsCalls || record.direction === 'internal') return false;
    const added = await this.#outbox.enqueue(record.id, JSON.stringify(toPayload(record, matches)));
    if (added) this.#kick();
    return added;
  }

  async amend(record: LoggableCallRecord, matches: () => Promise<readonly CallMatch[]>): Promise<AmendResult> {
    if (!this.#o.crm.logsCalls || record.direction === 'internal' || record.status !== 'ended') return 'ignored';
    // A few rounds: the row may change under us (a call-ended being queued, a worker finishing it).
    for (let round = 0; round < 5; round++) {
      const now = new Date(this.#now()).toISOString();
      const row = await this.#outbox.get(record.id);
      if (row === undefined) {
        if (await this.#outbox.enqueue(record.id, JSON.stringify(toPayload(record, await matches())))) {
          this.#kick();
          return 'queued';
        }
        continue;
      }
      const queued = JSON.parse(row.payload) as OutboxPayload;
      const sameNumber = queued.record.externalNumber === record.externalNumber && queued.record.normalizedNumber === record.normalizedNumber;
      const payload = JSON.stringify(toPayload(record, sameNumber ? queued.matches : await matches()));
      if (payload === row.payload || (await this.#sameInCrm(queued, JSON.parse(payload) as OutboxPayload))) return 'unchanged';
      if (await this.#outbox.amend(row, payload, now)) {
        this.#log.info({ callId: record.id, state: row.state, crmCallId: row.crm_call_id }, 'the call was corrected after it was queued; the CRM will show the correction');
        this.#kick();
        return 'amended';
      }
    }
    throw new Error(`The outbox row of call ${record.id} kept changing; the correction was not stored.`);
  }

  /** Whether the CRM would show the same for both: the entries built from them are equal. */
  async #sameInCrm(a: OutboxPayload, b: OutboxPayload): Promise<boolean> {
    const options = this.#entryOptions();
    const [x, y] = await Promise.all([buildCallLogEntry(this.#o.store, a, options), buildCallLogEntry(this.#o.store, b, options)]);
    return JSON.stringify(x) === JSON.stringify(y);
  }

  #entryOptions(): EntryOptions {
    return { source: this.#o.crm.source, recordingUrl: this.#o.recordingUrl ?? (() => null) };
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async status(): Promise<CallLoggerStatus> {
    return {
      ...(await this.#outbox.counts()),
      running: this.#loop.running,
      inFlight: this.#loop.inFlight,
      logged: this.#logged,
      corrected: this.#corrected,
      lastLoggedAt: this.#lastLoggedAt,
      lastError: this.#lastError,
      failures: await this.#outbox.failures(),
    };
  }

  idle(timeoutMs = Infinity): Promise<void> {
    return this.#loop.idle(timeoutMs, async () => new Error(`The outbox still holds calls after ${timeoutMs} ms: ${(await this.status()).lastError ?? 'no error yet'}`));
  }

  #kick(): void {
    this.#loop.wake();
  }

  async #process(row: OutboxRow, signal: AbortSignal): Promise<void> {
    const crm = this.#o.crm;
    const callId = row.call_id;
    // The amendments the payload read with this row carries; a later one raises the count again.
    const amendments = row.update_pending;
    let correcting = false;
    try {
      const payload = JSON.parse(row.payload) as OutboxPayload;
      const entry = await buildCallLogEntry(this.#o.store, payload, this.#entryOptions());
      let crmCallId = row.crm_call_id;
      let update = crmCallId !== null && amendments > 0;
      if (crmCallId === null) {
        const mayExist = row.post_started === 1;
        // Written before the create is sent: if its answer is lost, the next attempt looks first.
        await this.#outbox.progress(callId, { post_started: 1 });
        const logged = await crm.logCall(entry, { mayExist, signal });
        crmCallId = logged.crmCallId;
        await this.#outbox.progress(callId, { crm_call_id: crmCallId });
        if (logged.found) this.#log.info({ callId, crmCallId }, 'found the call an earlier attempt had written; not writing it again');
        // A call found was written by an earlier attempt, perhaps from the payload before a correction.
        if (logged.found && amendments > 0) update = true;
        else await this.#outbox.clearUpdate(callId, amendments);
      }
      if (update) {
        correcting = true;
        await crm.updateCall(crmCallId, entry, { signal });
        correcting = false;
        await this.#outbox.clearUpdate(callId, amendments);
        this.#corrected++;
        this.#log.info({ callId, crmCallId }, 'corrected the call in the CRM');
      }
      const done = new Set<string>(JSON.parse(row.links_done) as string[]);
      for (const target of callLinkTargets(entry, crm.source)) {
        const key = `${target.kind}:${target.externalId}`;
        if (done.has(key) || done.has(`skipped:${key}`)) continue;
        try {
          await crm.linkCall(crmCallId, target, { signal });
          done.add(key);
        } catch (err) {
          // The record was deleted in the CRM since the call: nothing to link, the rest still goes on.
          if (!isCrmError(err, CrmErrorCodes.CRM_ERR_NOT_FOUND)) throw err;
          done.add(`skipped:${key}`);
        }
        await this.#outbox.progress(callId, { links_done: JSON.stringify([...done]) });
      }
      // Amended while we wrote it: the row stays pending (and due), and the next pass updates the call.
      if (!(await this.#outbox.finish(callId))) return;
      this.#logged++;
      this.#lastLoggedAt = new Date(this.#now()).toISOString();
      this.#lastError = null;
    } catch (err) {
      await this.#failed(row, err, correcting).catch((e: unknown) => this.#log.error({ callId, err: errorInWords(e) }, 'could not record a call-logging failure in the outbox'));
    }
  }

  /** `correcting`: the update of a call already in the CRM failed (the CRM keeps the first version meanwhile). */
  async #failed(row: OutboxRow, err: unknown, correcting: boolean): Promise<void> {
    const callId = row.call_id;
    const words = correcting ? `The call is in the CRM as first logged; writing its correction failed: ${errorInWords(err)}` : errorInWords(err);
    if (isCrmError(err, CrmErrorCodes.CRM_ERR_STOPPED) || this.#loop.stopping) {
      // Stopped mid-way: let the next start (or another instance) take it at once.
      await this.#outbox.release(callId);
      return;
    }
    this.#lastError = `Call ${callId}: ${words}`;
    const cause = err instanceof Error ? err : new Error(String(err));
    const outcome = await this.#outbox.fail(row, { cause, message: words });
    if (outcome === null) return;
    const code = isCrmError(err) ? err.code : undefined;
    if (!outcome.dead) {
      this.#log.warn({ callId, attempts: outcome.attempts, delayMs: outcome.retryInMs, code }, `logging a call in the CRM failed; will try again: ${words}`);
    } else if (refusedForGood(cause)) {
      this.#log.error({ callId, code }, `the CRM refused a call${correcting ? "'s correction" : ''}; it will not be retried: ${words}`);
    } else {
      this.#log.error({ callId, attempts: outcome.attempts, code }, `logging a call in the CRM failed for good (the backoff gave up); it will not be retried: ${words}`);
    }
  }
}
