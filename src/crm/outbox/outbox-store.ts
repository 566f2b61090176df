/**
 * The call-logging outbox (table crm_outbox): one row per call and CRM, so enqueueing a call twice
 * logs it once; each step's outcome is written down before the next step, so a restart resumes
 * where the last process stopped and never repeats a step that is known to have worked.
 *
 * A call corrected after it was queued (`amend`) gets its new payload and one more count in
 * `update_pending`; a worker that wrote the CRM's call from the payload it read clears exactly that
 * count (`clearUpdate`), and a row is done only at 0 (`finish`). An amendment that lands while a
 * worker holds the row is therefore never lost: the row stays pending, and the next pass updates.
 *
 * Claims, leases, retries and failed calls are the product's one job queue (`../../jobs/`) over
 * this table, one queue per CRM (`crm` is its scope); the corrections are this file's own SQL. The
 * table comes from the migrations (0005-crm, 0007-crm-outbox-update).
 */
import type { Store } from '../../store/store.ts';
import type { RetryStrategy } from '../../retry.ts';
import { JobQueue, type FailOutcome, type JobFailure } from '../../jobs/job-queue.ts';
import type { JobTable } from '../../jobs/job-table.ts';
import { crmDb, type CrmDb, type CrmOutboxTable, type OutboxState } from '../crm-tables.ts';

export type OutboxRow = CrmOutboxTable;

/** The step a worker got to, written down with the renewal of its lease. */
export type OutboxProgress = Partial<Pick<OutboxRow, 'post_started' | 'crm_call_id' | 'links_done'>>;

export interface OutboxCounts {
  pending: number;
  done: number;
  failed: number;
  /** When the oldest call still waiting ended up here (ISO), or null. */
  oldestPendingAt: string | null;
}

export interface OutboxStoreOptions {
  /** A worker holds a call this long; after it, another may take it. */
  leaseMs: number;
  /** When to try a call again after a failure (false: keep it as failed). */
  retry: RetryStrategy;
  /** Failures no retry can fix: the call is kept as failed at once. */
  permanent: (cause: Error) => boolean;
  now: () => number;
}

/** The outbox of one CRM as the job queue sees it; a logged call stays, `done`. */
function outboxTable(crm: string): JobTable<OutboxRow> {
  return {
    name: 'crm_outbox',
    id: 'call_id',
    scope: { crm },
    columns: {
      state: 'state',
      attempts: 'attempts',
      dueAt: 'next_attempt_at',
      leaseUntil: 'lease_until',
      lastError: 'last_error',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
    done: { state: 'done', at: 'done_at' },
  };
}

export class OutboxStore {
  readonly #db: CrmDb;
  readonly #crm: string;
  readonly #jobs: JobQueue<OutboxRow>;

  constructor(store: Store, crm: string, options: OutboxStoreOptions) {
    this.#db = crmDb(store);
    this.#crm = crm;
    this.#jobs = new JobQueue({ store, table: outboxTable(crm), ...options });
  }

  /** Adds the call, due now; false when it was there already (idempotent by call id). */
  enqueue(callId: string, payload: string): Promise<boolean> {
    return this.#jobs.enqueue(callId, { payload, post_started: 0, crm_call_id: null, links_done: '[]', done_at: null, update_pending: 0 });
  }

  /**
   * Stores a corrected payload, if the row still holds `row.payload` (false when it changed meanwhile:
   * read it again). A done or failed call becomes pending again, due now, with fresh attempts; a
   * pending one keeps its schedule (an outage's backoff goes on).
   */
  async amend(row: OutboxRow, payload: string, now: string): Promise<boolean> {
    const reopen = row.state !== 'pending';
    // One statement with the payload check: the job queue has no reopening of its own.
    const res = await this.#db
      .updateTable('crm_outbox')
      .set((eb) => ({
        payload,
        update_pending: eb('update_pending', '+', 1),
        updated_at: now,
        ...(reopen ? { state: 'pending' as const, attempts: 0, next_attempt_at: now, last_error: null, done_at: null } : {}),
      }))
      .where('crm', '=', this.#crm)
      .where('call_id', '=', row.call_id)
      .where('payload', '=', row.payload)
      .where('state', '=', row.state)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** The CRM's call shows the payload read when `update_pending` was `count`: nothing left to update, unless amended since. */
  async clearUpdate(callId: string, count: number): Promise<void> {
    if (count === 0) return;
    await this.#db
      .updateTable('crm_outbox')
      .set({ update_pending: 0, updated_at: new Date().toISOString() })
      .where('crm', '=', this.#crm)
      .where('call_id', '=', callId)
      .where('update_pending', '=', count)
      .execute();
  }

  /** Marks the call done; false (and the row released, still pending) when it was amended meanwhile. */
  async finish(callId: string): Promise<boolean> {
    if (await this.#jobs.complete(callId, { update_pending: 0 })) return true;
    await this.#jobs.release(callId);
    return false;
  }

  /** Takes up to `limit` calls due now and not held by a worker (none of `skip`), oldest first, for this worker. */
  claim(limit: number, skip: readonly string[]): Promise<OutboxRow[]> {
    return this.#jobs.claim(limit, skip);
  }

  /** Writes a step down and renews the hold on the row, so a slow SuiteCRM does not let another worker in. */
  async progress(callId: string, step: OutboxProgress): Promise<void> {
    await this.#jobs.renew(callId, step);
  }

  /** Gives the call back unfinished (stopping): due at once for the next start or another instance. */
  release(callId: string): Promise<void> {
    return this.#jobs.release(callId);
  }

  /** An attempt failed: retried after the backoff, or kept as failed (null: the row is gone). */
  fail(row: OutboxRow, failure: JobFailure): Promise<FailOutcome | null> {
    return this.#jobs.fail(row, failure);
  }

  get(callId: string): Promise<OutboxRow | undefined> {
    return this.#jobs.get(callId);
  }

  /** When the next pending call becomes due (ISO), or null when none waits. */
  nextDueAt(): Promise<string | null> {
    return this.#jobs.nextDueAt();
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.#db
      .selectFrom('crm_outbox')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
      .where('crm', '=', this.#crm)
      .groupBy('state')
      .execute();
    const out: OutboxCounts = { pending: 0, done: 0, failed: 0, oldestPendingAt: null };
    for (const r of rows) {
      out[r.state as OutboxState] = Number(r.n);
      if (r.state === 'pending') out.oldestPendingAt = (r.oldest as string | null) ?? null;
    }
    return out;
  }

  /** The latest failures a person should see (refused calls), newest first. */
  async failures(limit = 10): Promise<{ callId: string; error: string | null; at: string }[]> {
    const rows = await this.#jobs.deadLetters(limit);
    return rows.map((r) => ({ callId: r.call_id, error: r.last_error, at: r.updated_at }));
  }
}
