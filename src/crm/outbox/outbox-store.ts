/**
 * The call-logging outbox (table crm_outbox): one row per call and CRM, so enqueueing a call twice
 * logs it once; each step's outcome is written down before the next step, so a restart resumes
 * where the last process stopped and never repeats a step that is known to have worked.
 *
 * A call corrected after it was queued (`amend`) gets its new payload and one more count in
 * `update_pending`; a worker that wrote the CRM's call from the payload it read clears exactly that
 * count (`clearUpdate`), and a row is done only at 0 (`finish`). An amendment that lands while a
 * worker holds the row is therefore never lost: the row stays pending, and the next pass updates.
 */
import type { Store } from '../../store/store.ts';
import { crmDb, ensureCrmTables, type CrmDb, type CrmOutboxTable, type OutboxState } from '../crm-tables.ts';

export type OutboxRow = CrmOutboxTable;

export interface OutboxCounts {
  pending: number;
  done: number;
  failed: number;
  /** When the oldest call still waiting ended up here (ISO), or null. */
  oldestPendingAt: string | null;
}

export class OutboxStore {
  readonly #db: CrmDb;
  readonly #crm: string;
  readonly #store: Store;

  constructor(store: Store, crm: string) {
    this.#db = crmDb(store);
    this.#crm = crm;
    this.#store = store;
  }

  /** The tables, created if a store skipped them (see ensureCrmTables). */
  async #ready(): Promise<CrmDb> {
    await ensureCrmTables(this.#store);
    return this.#db;
  }

  /** Adds the call; false when it was there already (idempotent by call id). */
  async enqueue(callId: string, payload: string, now: string): Promise<boolean> {
    const db = await this.#ready();
    const res = await db
      .insertInto('crm_outbox')
      .values({ crm: this.#crm, call_id: callId, state: 'pending', payload, attempts: 0, next_attempt_at: now, post_started: 0, crm_call_id: null, links_done: '[]', last_error: null, lease_until: null, created_at: now, updated_at: now, done_at: null, update_pending: 0 })
      .onConflict((oc) => oc.columns(['crm', 'call_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Stores a corrected payload, if the row still holds `row.payload` (false when it changed meanwhile:
   * read it again). A done or failed call becomes pending again, due now, with fresh attempts; a
   * pending one keeps its schedule (an outage's backoff goes on).
   */
  async amend(row: OutboxRow, payload: string, now: string): Promise<boolean> {
    const db = await this.#ready();
    const reopen = row.state !== 'pending';
    const res = await db
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
    const db = await this.#ready();
    await db
      .updateTable('crm_outbox')
      .set({ update_pending: 0, updated_at: new Date().toISOString() })
      .where('crm', '=', this.#crm)
      .where('call_id', '=', callId)
      .where('update_pending', '=', count)
      .execute();
  }

  /** Marks the call done; false (and the row released, still pending) when it was amended meanwhile. */
  async finish(callId: string, now: string): Promise<boolean> {
    const db = await this.#ready();
    const res = await db
      .updateTable('crm_outbox')
      .set({ state: 'done', done_at: now, lease_until: null, last_error: null, updated_at: now })
      .where('crm', '=', this.#crm)
      .where('call_id', '=', callId)
      .where('update_pending', '=', 0)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) return true;
    await this.update(callId, { lease_until: null });
    return false;
  }

  /** Calls due now and not held by a worker, oldest first. */
  async due(now: string, limit: number, skip: readonly string[]): Promise<OutboxRow[]> {
    const db = await this.#ready();
    let q = db
      .selectFrom('crm_outbox')
      .selectAll()
      .where('crm', '=', this.#crm)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    if (skip.length > 0) q = q.where('call_id', 'not in', skip);
    return q.orderBy('next_attempt_at').orderBy('created_at').limit(limit).execute();
  }

  /** Takes the row for this worker until `until`; false when another worker has it. */
  async claim(callId: string, now: string, until: string): Promise<boolean> {
    const db = await this.#ready();
    const res = await db
      .updateTable('crm_outbox')
      .set({ lease_until: until })
      .where('crm', '=', this.#crm)
      .where('call_id', '=', callId)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async update(callId: string, patch: Partial<Omit<OutboxRow, 'crm' | 'call_id'>>): Promise<void> {
    const db = await this.#ready();
    await db
      .updateTable('crm_outbox')
      .set({ ...patch, updated_at: new Date().toISOString() })
      .where('crm', '=', this.#crm)
      .where('call_id', '=', callId)
      .execute();
  }

  async get(callId: string): Promise<OutboxRow | undefined> {
    const db = await this.#ready();
    return db.selectFrom('crm_outbox').selectAll().where('crm', '=', this.#crm).where('call_id', '=', callId).executeTakeFirst();
  }

  /** When the next pending call becomes due (ISO), or null when none waits. */
  async nextDueAt(): Promise<string | null> {
    const db = await this.#ready();
    const row = await db
      .selectFrom('crm_outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('crm', '=', this.#crm)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return (row?.at as string | null | undefined) ?? null;
  }

  async counts(): Promise<OutboxCounts> {
    const db = await this.#ready();
    const rows = await db
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
    const db = await this.#ready();
    const rows = await db
      .selectFrom('crm_outbox')
      .select(['call_id', 'last_error', 'updated_at'])
      .where('crm', '=', this.#crm)
      .where('state', '=', 'failed')
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ callId: r.call_id, error: r.last_error, at: r.updated_at }));
  }
}
