/**
 * The mirror's table (`missed_crm_calls`, migration 0015-missed-crm) for one CRM: which items are
 * behind (`discover`), and the product's job queue (`../../jobs/`) over it for the claims, leases,
 * retries and refusals, with a `leased_by` column so that only the holder writes a row's progress.
 *
 * Behind means: an open item with no row yet (a row is made, due now), or a row not settled whose
 * item's `version` is newer than what the CRM shows (`synced_version`; for a row the CRM refused,
 * newer than what that attempt read). Both statements read only open items and unsettled rows
 * (indexes `missed_items_last` on status, `missed_crm_calls_unsettled`), so a 2 s poll stays cheap
 * however many items closed over the years.
 */
import { sql } from 'kysely';
import type { Store } from '../../store/store.ts';
import type { RetryStrategy } from '../../retry.ts';
import { JobQueue, type FailOutcome, type JobFailure } from '../../jobs/job-queue.ts';
import type { JobTable } from '../../jobs/job-table.ts';
import { mirrorDb, type MirrorDb, type MissedCrmCallsTable, type MirrorState } from './mirror-tables.ts';

export type MirrorRow = MissedCrmCallsTable;

export type MirrorProgress = Partial<Pick<MirrorRow, 'post_started' | 'crm_call_id' | 'links' | 'shown' | 'synced_version' | 'tried_version' | 'settled'>>;

export interface MirrorCounts {
  pending: number;
  done: number;
  failed: number;
}

export interface MirrorStoreOptions {
  leaseMs: number;
  retry: RetryStrategy;
  permanent: (cause: Error) => boolean;
  now: () => number;
  instanceId?: string;
}

function mirrorTable(crm: string): JobTable<MirrorRow> {
  return {
    name: 'missed_crm_calls',
    id: 'item_id',
    scope: { crm },
    columns: {
      state: 'state',
      attempts: 'attempts',
      dueAt: 'due_at',
      leaseUntil: 'lease_until',
      leasedBy: 'leased_by',
      lastError: 'last_error',
      lastErrorCode: 'last_error_code',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
    done: { state: 'done', at: 'done_at' },
  };
}

export class MirrorStore {
  readonly #db: MirrorDb;
  readonly #crm: string;
  readonly #jobs: JobQueue<MirrorRow>;
  readonly #now: () => number;

  constructor(store: Store, crm: string, options: MirrorStoreOptions) {
    this.#db = mirrorDb(store);
    this.#crm = crm;
    this.#now = options.now;
    this.#jobs = new JobQueue({ store, table: mirrorTable(crm), leaseMs: options.leaseMs, retry: options.retry, permanent: options.permanent, now: options.now, ...(options.instanceId ? { instanceId: options.instanceId } : {}) });
  }

  get instanceId(): string {
    return this.#jobs.instanceId;
  }

  /** Makes every item the CRM is behind on due now; returns how many rows it made or reopened. */
  async discover(): Promise<number> {
    const now = new Date(this.#now()).toISOString();
    const fresh = await this.#db
      .selectFrom('missed_items as m')
      .select('m.id')
      .where('m.status', '=', 'open')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('missed_crm_calls as x').select('x.item_id').where('x.crm', '=', this.#crm).whereRef('x.item_id', '=', 'm.id'))))
      .limit(500)
      .execute();
    let made = 0;
    // Another instance may make the same row at once: the second insert does nothing.
    for (const { id } of fresh) if (await this.#jobs.enqueue(id, { synced_version: 0, tried_version: 0, post_started: 0, crm_call_id: null, links: '[]', shown: null, settled: 0, done_at: null })) made++;
    const reopened = await this.#db
      .updateTable('missed_crm_calls')
      .set({ state: 'pending', attempts: 0, due_at: now, last_error: null, last_error_code: null, done_at: null, updated_at: now })
      .where('crm', '=', this.#crm)
      .where('settled', '=', 0)
      .where('state', 'in', ['done', 'failed'])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('missed_items as m')
            .select('m.id')
            .whereRef('m.id', '=', 'missed_crm_calls.item_id')
            // A done row is behind what it showed; one the CRM refused comes back only for a newer change.
            .where(sql<boolean>`m.version > case when missed_crm_calls.state = 'failed' then missed_crm_calls.tried_version else missed_crm_calls.synced_version end`),
        ),
      )
      .executeTakeFirst();
    return made + Number(reopened.numUpdatedRows);
  }

  claim(limit: number, skip: readonly string[]): Promise<MirrorRow[]> {
    return this.#jobs.claim(limit, skip);
  }

  /** Writes a step down and renews the hold; false when another instance holds the row now (or it is gone). */
  progress(itemId: string, step: MirrorProgress): Promise<boolean> {
    return this.#jobs.renew(itemId, step);
  }

  /** Done, if this instance still holds it. */
  finish(itemId: string): Promise<boolean> {
    return this.#jobs.complete(itemId, { leased_by: this.#jobs.instanceId });
  }

  release(itemId: string): Promise<void> {
    return this.#jobs.release(itemId);
  }

  fail(row: MirrorRow, failure: JobFailure): Promise<FailOutcome | null> {
    return this.#jobs.fail(row, failure);
  }

  get(itemId: string): Promise<MirrorRow | undefined> {
    return this.#jobs.get(itemId);
  }

  nextDueAt(): Promise<string | null> {
    return this.#jobs.nextDueAt();
  }

  async counts(): Promise<MirrorCounts> {
    const rows = await this.#db
      .selectFrom('missed_crm_calls')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('crm', '=', this.#crm)
      .groupBy('state')
      .execute();
    const out: MirrorCounts = { pending: 0, done: 0, failed: 0 };
    for (const r of rows) out[r.state as MirrorState] = Number(r.n);
    return out;
  }

  /** The items the CRM refused, the latest first, with the reason in words. */
  async failures(limit = 10): Promise<{ itemId: string; error: string | null; at: string }[]> {
    const rows = await this.#jobs.deadLetters(limit);
    return rows.map((r) => ({ itemId: r.item_id, error: r.last_error, at: r.updated_at }));
  }
}
