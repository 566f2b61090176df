/**
 * The call log: upserts the engine's call records (one row per call, however often it changes) and
 * answers the questions the console, routing and the CRM ask of past calls.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Store } from './store.ts';
import type { CallsTable, DatabaseSchema } from './schema.ts';
import { statement, type Statement } from './statements.ts';
import { planWrites, WrittenCalls } from './call-log-plan.ts';
import { batchRunner, type BatchRunner } from './call-log-writer.ts';
import type { RecordType } from '../directory/record-types.ts';

/** The fields of the engine's call record that the log indexes; the rest is kept as JSON. */
export interface LoggableCall {
  id: string;
  pbx: string;
  linkedid: string;
  status: 'in-progress' | 'ended';
  direction: 'inbound' | 'outbound' | 'internal';
  externalNumber: string | null;
  normalizedNumber: string | null;
  did: string | null;
  answeredBy: string | null;
  disposition: string | null;
  startedAt: string | null;
  endedAt: string | null;
  clickToCallId: string | null;
  recording: string | null;
  rang: string[];
  callerExtension: string | null;
  transfers: { to: string | null }[];
}

export interface CallLink {
  type: RecordType;
  id: string;
  link: 'matched' | 'origin';
}

export interface LoggedCall<R = unknown> {
  record: R;
  handledBy: string | null;
  handledAt: string | null;
}

export interface CallQuery {
  limit?: number;
  /**
   * Only calls started before this ISO time. Kept for callers that page by time; it skips the
   * calls that started in the same instant as the last one shown, which `after` does not.
   */
  before?: string;
  /** The calls after this cursor: the `next` of the page before (see `CallPage`). */
  after?: string;
}

/** A page of calls, newest first, and the cursor of the page after it. */
export interface CallPage<R = unknown> {
  calls: LoggedCall<R>[];
  /** Give it as `after` for the next page; null when this page was not full (nothing older). */
  next: string | null;
}

/** Where a page ended: the last call's start time and id (the order's tie-breaker). */
interface CallPosition {
  startedAt: string | null;
  id: string;
}

const MAX_LIMIT = 500;
const CALL_COLUMNS = ['id', 'started_at', 'record_json', 'handled_by', 'handled_at'] as const;

export class CallLog {
  readonly #store: Store;
  /** What this log last wrote for each call's extensions and links. */
  readonly #written = new WrittenCalls();
  #runBatch: BatchRunner | null = null;
  /** The batch being written, if any (batches never overlap). */
  #batches: Promise<void> = Promise.resolve();
  #lastAgent: Statement<{ answered_by: string }> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Inserts or updates the call, its extensions and its record links, in one transaction. */
  async upsert(call: LoggableCall, links: readonly CallLink[] = []): Promise<void> {
    await this.upsertMany([{ call, links }]);
  }

  /**
   * Several calls in one transaction: under a burst of calls the log then costs one commit per
   * batch, not one per change (a commit is most of an upsert's cost). Each call's row is written;
   * its extensions and links only where they differ from what this log last wrote for the call
   * (see call-log-plan.ts).
   */
  async upsertMany(entries: readonly { call: LoggableCall; links?: readonly CallLink[] }[]): Promise<void> {
    if (entries.length === 0) return;
    // One batch at a time: each is planned against what the previous one committed.
    const written = this.#batches.then(() => this.#writeBatch(entries));
    this.#batches = written.catch(() => undefined);
    await written;
  }

  async #writeBatch(entries: readonly { call: LoggableCall; links?: readonly CallLink[] }[]): Promise<void> {
    const plan = planWrites(entries, this.#written, new Date().toISOString());
    this.#runBatch ??= batchRunner(this.#store);
    try {
      await this.#runBatch(plan.ops);
    } catch (err) {
      plan.failed();
      throw err;
    }
    plan.committed();
  }

  async get<R = unknown>(id: string): Promise<LoggedCall<R> | undefined> {
    const row = await this.#store.db.selectFrom('calls').select(['record_json', 'handled_by', 'handled_at']).where('id', '=', id).executeTakeFirst();
    return row ? toLogged<R>(row) : undefined;
  }

  /** The records of these calls with their last write (unknown ids are left out). */
  async recordsWritten<R = unknown>(ids: readonly string[]): Promise<{ record: R; updatedAt: string }[]> {
    const out: { record: R; updatedAt: string }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.#store.db.selectFrom('calls').select(['record_json', 'updated_at']).where('id', 'in', ids.slice(i, i + 500)).execute();
      for (const row of rows) out.push({ record: JSON.parse(row.record_json) as R, updatedAt: row.updated_at });
    }
    return out;
  }

  /** Calls still open in the log (for reconciling after a restart). */
  async openCalls<R = unknown>(pbx: string): Promise<R[]> {
    return (await this.openCallsWritten<R>(pbx)).map((c) => c.record);
  }

  /**
   * Calls still open in the log, each with when it was last written (the service saw the call
   * going on then): what a restart reconciles, and the best time known for one that ended unseen.
   */
  async openCallsWritten<R = unknown>(pbx: string): Promise<{ record: R; updatedAt: string }[]> {
    const rows = await this.#store.db
      .selectFrom('calls')
      .select(['record_json', 'updated_at'])
      .where('pbx', '=', pbx)
      .where('status', '=', 'in-progress')
      .orderBy('started_at')
      .execute();
    return rows.map((r) => ({ record: JSON.parse(r.record_json) as R, updatedAt: r.updated_at }));
  }

  /** A CRM record's "Phone calls": calls linked to it, and calls with any of its numbers. */
  async forRecord<R = unknown>(type: RecordType, id: string, query: CallQuery = {}): Promise<CallPage<R>> {
    const db = this.#store.db;
    const numbers = db.selectFrom('phones').select('e164_key').where('record_type', '=', type).where('record_id', '=', id).where('e164_key', 'is not', null);
    const q = db
      .selectFrom('calls')
      .select(CALL_COLUMNS)
      .where((eb) =>
        eb.or([
          eb('id', 'in', db.selectFrom('call_entities').select('call_id').where('record_type', '=', type).where('record_id', '=', id)),
          eb('normalized_number', 'in', numbers as never),
        ]),
      );
    return page<R>(q, query);
  }

  async forNumber<R = unknown>(normalizedNumber: string, query: CallQuery = {}): Promise<CallPage<R>> {
    return page<R>(this.#store.db.selectFrom('calls').select(CALL_COLUMNS).where('normalized_number', '=', normalizedNumber), query);
  }

  /** Calls that rang (or were placed from) any of these extensions, newest first. */
  async forExtensions<R = unknown>(extensions: readonly string[], query: CallQuery & { missedOnly?: boolean; unhandledOnly?: boolean } = {}): Promise<CallPage<R>> {
    if (extensions.length === 0) return { calls: [], next: null };
    let q = this.#store.db
      .selectFrom('calls')
      .select(CALL_COLUMNS)
      .where('id', 'in', this.#store.db.selectFrom('call_extensions').select('call_id').where('extension', 'in', [...extensions]));
    if (query.missedOnly) q = q.where('direction', '=', 'inbound').where('status', '=', 'ended').where('disposition', 'in', ['missed', 'abandoned', 'busy', 'unavailable']);
    if (query.unhandledOnly) q = q.where('handled_at', 'is', null);
    return page<R>(q, query);
  }

  /** Missed inbound calls overall (for admins and the missed-calls list). */
  async missed<R = unknown>(query: CallQuery & { unhandledOnly?: boolean } = {}): Promise<CallPage<R>> {
    let q = this.#store.db
      .selectFrom('calls')
      .select(CALL_COLUMNS)
      .where('direction', '=', 'inbound')
      .where('status', '=', 'ended')
      .where('disposition', 'in', ['missed', 'abandoned', 'busy', 'unavailable']);
    if (query.unhandledOnly) q = q.where('handled_at', 'is', null);
    return page<R>(q, query);
  }

  /** The log holds this call (it may not yet, for a call still queued for the store). */
  async has(callId: string): Promise<boolean> {
    return (await this.#store.db.selectFrom('calls').select('id').where('id', '=', callId).executeTakeFirst()) !== undefined;
  }

  async markHandled(callId: string, userId: string): Promise<boolean> {
    const res = await this.#store.db.updateTable('calls').set({ handled_by: userId, handled_at: new Date().toISOString() }).where('id', '=', callId).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** The extension that last answered a call from this number since `sinceIso` (smart routing's "last agent"). */
  async lastAgentFor(normalizedNumber: string, sinceIso: string): Promise<string | null> {
    // Asked on every routed call: prepared once, on first use (calls_number covers it).
    this.#lastAgent ??= statement<{ answered_by: string }>(
      this.#store,
      'call_log_last_agent',
      'select answered_by from calls where normalized_number = ? and answered_by is not null and started_at >= ? order by started_at desc limit 1',
    );
    return (await this.#lastAgent.get([normalizedNumber, sinceIso]))?.answered_by ?? null;
  }

  async addNote(callId: string, userId: string | null, text: string): Promise<{ id: string; createdAt: string }> {
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    await this.#store.db.insertInto('call_notes').values({ id, call_id: callId, user_id: userId, text, created_at: createdAt }).execute();
    return { id, createdAt };
  }

  async notes(callId: string): Promise<{ id: string; userId: string | null; text: string; createdAt: string }[]> {
    const rows = await this.#store.db.selectFrom('call_notes').selectAll().where('call_id', '=', callId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id, text: r.text, createdAt: r.created_at }));
  }
}

/** The rows a list selects (`CALL_COLUMNS`), before the page's order, cursor and limit. */
type CallsSelect = SelectQueryBuilder<DatabaseSchema, 'calls', Pick<Selectable<CallsTable>, (typeof CALL_COLUMNS)[number]>>;

/**
 * One page of a list, newest first: by start time, then by id, so that calls that started in the
 * same instant keep one order and a page boundary between them neither skips nor repeats one.
 * Calls without a start time come last, on both engines (PostgreSQL would put them first).
 */
async function page<R>(select: CallsSelect, query: CallQuery): Promise<CallPage<R>> {
  let q = select;
  if (query.before) q = q.where('started_at', '<', query.before);
  if (query.after !== undefined) {
    const at = decodeCallCursor(query.after);
    if (at === null) throw new TypeError('not a call-log cursor');
    const { startedAt, id } = at;
    q =
      startedAt === null
        ? q.where('started_at', 'is', null).where('id', '<', id)
        : q.where((eb) =>
            eb.or([eb('started_at', '<', startedAt), eb.and([eb('started_at', '=', startedAt), eb('id', '<', id)]), eb('started_at', 'is', null)]),
          );
  }
  const limit = clampLimit(query.limit);
  const rows = await q
    .orderBy('started_at', (ob) => ob.desc().nullsLast())
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const last = rows.at(-1);
  return {
    calls: rows.map((r) => toLogged<R>(r)),
    next: rows.length === limit && last !== undefined ? encodeCallCursor({ startedAt: last.started_at, id: last.id }) : null,
  };
}

/**
 * The cursor is opaque to its users (base64url of `[startedAt, id]`): they hand back what they got,
 * and the order's columns can change without changing the API.
 */
function encodeCallCursor(at: CallPosition): string {
  return Buffer.from(JSON.stringify([at.startedAt, at.id]), 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null when it is not one of ours. */
export function decodeCallCursor(cursor: string): CallPosition | null {
  if (cursor.length === 0 || cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [startedAt, id] = value as unknown[];
  if ((startedAt !== null && typeof startedAt !== 'string') || typeof id !== 'string' || id === '') return null;
  return { startedAt, id };
}

function clampLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), MAX_LIMIT);
}

function toLogged<R>(row: { record_json: string; handled_by: string | null; handled_at: string | null }): LoggedCall<R> {
  return { record: JSON.parse(row.record_json) as R, handledBy: row.handled_by, handledAt: row.handled_at };
}
