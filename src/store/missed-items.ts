/**
 * The callback workflow's items (`missed_items`, migration 0013; see src/missed/README.md).
 *
 * Every write is safe to repeat and safe to race: a call is counted once (`missed_item_calls` is
 * keyed by the call), a number has one open item (a partial unique index), and the changes a person
 * or a timer makes are compare-and-set on the item's `version`, so that two instances of a cluster
 * escalating the same item at the same tick move it once.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Store } from './store.ts';
import type { DatabaseSchema, MissedCloseReason, MissedItemsTable, MissedOwnerReason } from './schema.ts';
import type { RecordType } from '../directory/record-types.ts';

export type MissedItemRow = Selectable<MissedItemsTable>;

/** A row with the names a person reads (owner, closer, record). */
export interface MissedItemRowNamed extends MissedItemRow {
  owner_name: string | null;
  closed_by_name: string | null;
  record_name: string | null;
}

export interface MissedCallInput {
  callId: string;
  pbx: string;
  /** E.164 (or the number as presented when it is not a phone number). */
  number: string;
  externalNumber: string | null;
  callerName: string | null;
  record: { type: RecordType; id: string } | null;
  did: string | null;
  /** When the call began (ISO). */
  at: string;
}

export interface NewOwner {
  ownerId: string | null;
  reason: MissedOwnerReason;
  /** When it moves on if still open (ISO), or null (never). */
  escalateAt: string | null;
}

export type Counted = { change: 'opened' | 'counted'; item: MissedItemRow } | { change: 'already-counted' };

export interface Closing {
  number: string;
  /** When the customer was reached (ISO): items opened before it close. */
  at: string;
  reason: Exclude<MissedCloseReason, 'dismissed'>;
  byUserId: string | null;
  callId: string;
}

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

export class MissedItems {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(store: Store, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
  }

  get #db(): Kysely<DatabaseSchema> {
    return this.#store.db;
  }

  /** The number's open item, if any. */
  async openFor(number: string): Promise<MissedItemRow | undefined> {
    return this.#db.selectFrom('missed_items').selectAll().where('number', '=', number).where('status', '=', 'open').executeTakeFirst();
  }

  /** Whether this call is already counted on an item. */
  async counted(callId: string): Promise<boolean> {
    return (await this.#db.selectFrom('missed_item_calls').select('call_id').where('call_id', '=', callId).executeTakeFirst()) !== undefined;
  }

  /**
   * Counts a missed call on its number's open item, or opens one with `owner()` (asked only when
   * there is no open item). A call counted before is left alone. Races (another instance counting
   * the same call, or opening the same number's item) end in one count on one item.
   */
  async countMissed(call: MissedCallInput, owner: () => Promise<NewOwner>): Promise<Counted> {
    for (let attempt = 0; ; attempt++) {
      if (await this.counted(call.callId)) return { change: 'already-counted' };
      const open = await this.openFor(call.number);
      const chosen = open === undefined ? await owner() : null;
      try {
        return await this.#db.transaction().execute(async (trx) => {
          const now = this.#now().toISOString();
          let item: MissedItemRow;
          let change: 'opened' | 'counted';
          if (open !== undefined) {
            const updated = await trx
              .updateTable('missed_items')
              .set((eb) => ({
                miss_count: eb('miss_count', '+', 1),
                version: eb('version', '+', 1),
                last_call_id: call.at >= open.last_missed_at ? call.callId : open.last_call_id,
                last_missed_at: call.at >= open.last_missed_at ? call.at : open.last_missed_at,
                first_call_id: call.at < open.first_missed_at ? call.callId : open.first_call_id,
                first_missed_at: call.at < open.first_missed_at ? call.at : open.first_missed_at,
                external_number: call.externalNumber ?? open.external_number,
                caller_name: call.callerName ?? open.caller_name,
                record_type: open.record_type ?? call.record?.type ?? null,
                record_id: open.record_id ?? call.record?.id ?? null,
                updated_at: now,
              }))
              .where('id', '=', open.id)
              .where('status', '=', 'open')
              .returningAll()
              .executeTakeFirst();
            // Closed since it was read: count on a new item (the next attempt opens one).
            if (updated === undefined) throw new Retry();
            item = updated;
            change = 'counted';
          } else {
            item = await trx
              .insertInto('missed_items')
              .values({
                id: randomUUID(),
                pbx: call.pbx,
                number: call.number,
                external_number: call.externalNumber,
                caller_name: call.callerName,
                record_type: call.record?.type ?? null,
                record_id: call.record?.id ?? null,
                did: call.did,
                status: 'open',
                owner_id: chosen!.ownerId,
                owner_reason: chosen!.reason,
                level: 0,
                miss_count: 1,
                first_call_id: call.callId,
                last_call_id: call.callId,
                first_missed_at: call.at,
                last_missed_at: call.at,
                escalate_at: chosen!.escalateAt,
                snoozed_until: null,
                closed_at: null,
                closed_by: null,
                close_reason: null,
                close_note: null,
                closed_call_id: null,
                version: 1,
                created_at: now,
                updated_at: now,
              })
              .returningAll()
              .executeTakeFirstOrThrow();
            change = 'opened';
          }
          await trx.insertInto('missed_item_calls').values({ call_id: call.callId, item_id: item.id, missed_at: call.at }).execute();
          return { change, item };
        });
      } catch (err) {
        // A lost race (the call counted, or the number's item opened, by another writer meanwhile):
        // the next attempt reads what won. A store that keeps failing fails the caller.
        if (attempt >= 4 || !(err instanceof Retry || isUniqueViolation(err))) throw err;
      }
    }
  }

  /**
   * The customer was reached: the number's open item closes (when it was opened before that
   * moment), and every missed call of the number not yet called back gets `called_back_at`.
   */
  async closeReached(closing: Closing): Promise<MissedItemRow | undefined> {
    const now = this.#now().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const closed = await trx
        .updateTable('missed_items')
        .set((eb) => ({
          status: 'closed',
          closed_at: closing.at,
          closed_by: closing.byUserId,
          close_reason: closing.reason,
          closed_call_id: closing.callId,
          escalate_at: null,
          snoozed_until: null,
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('number', '=', closing.number)
        .where('status', '=', 'open')
        .where('first_missed_at', '<', closing.at)
        .returningAll()
        .executeTakeFirst();
      await markCalledBack(trx, closing.number, closing.at);
      return closed;
    });
  }

  async byId(id: string): Promise<MissedItemRow | undefined> {
    return this.#db.selectFrom('missed_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Changes an item if it is still as it was read (`version`): a person's snooze, reassignment or
   * closing, or an escalation. Undefined when it changed meanwhile (read it again).
   */
  async change(id: string, version: number, values: Partial<Omit<MissedItemRow, 'id' | 'version' | 'updated_at'>>): Promise<MissedItemRow | undefined> {
    return this.#db
      .updateTable('missed_items')
      .set((eb) => ({ ...values, version: eb('version', '+', 1), updated_at: this.#now().toISOString() }))
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
  }

  /** Open items whose escalation time has come and that are not snoozed past it. */
  async due(now: string, limit = 100): Promise<MissedItemRow[]> {
    return this.#db
      .selectFrom('missed_items')
      .selectAll()
      .where('status', '=', 'open')
      .where('escalate_at', '<=', now)
      .where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', now)]))
      .orderBy('escalate_at')
      .limit(limit)
      .execute();
  }

  /** Items with the names people read; `ownerId` null: everyone's. Open ones newest missed first, closed ones newest closed first. */
  async list(query: { ownerId: string | null; status: 'open' | 'closed'; limit: number }): Promise<MissedItemRowNamed[]> {
    let q = this.#named(this.#db).where('i.status', '=', query.status);
    if (query.ownerId !== null) q = q.where('i.owner_id', '=', query.ownerId);
    q = query.status === 'open' ? q.orderBy('i.last_missed_at', 'desc') : q.orderBy('i.closed_at', 'desc');
    return q.orderBy('i.id').limit(query.limit).execute();
  }

  async namedById(id: string): Promise<MissedItemRowNamed | undefined> {
    return this.#named(this.#db).where('i.id', '=', id).executeTakeFirst();
  }

  /** Open items waiting for the owner (snoozed ones wait for their time) and, for an admin, everyone's open ones. */
  async openCounts(ownerId: string): Promise<{ mine: number; all: number }> {
    const now = this.#now().toISOString();
    const row = await this.#db
      .selectFrom('missed_items')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('all'),
        eb.fn
          .sum<number | string | null>(
            eb
              .case()
              .when(eb.and([eb('owner_id', '=', ownerId), eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', now)])]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('mine'),
      ])
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    return { mine: Number(row.mine ?? 0), all: Number(row.all) };
  }

  #named(db: Db) {
    return db
      .selectFrom('missed_items as i')
      .leftJoin('users as o', 'o.id', 'i.owner_id')
      .leftJoin('users as c', 'c.id', 'i.closed_by')
      .leftJoin('contacts as ct', (j) => j.onRef('ct.id', '=', 'i.record_id').on('i.record_type', '=', 'contact'))
      .leftJoin('leads as ld', (j) => j.onRef('ld.id', '=', 'i.record_id').on('i.record_type', '=', 'lead'))
      .leftJoin('accounts as ac', (j) => j.onRef('ac.id', '=', 'i.record_id').on('i.record_type', '=', 'account'))
      .selectAll('i')
      .select((eb) => [
        'o.name as owner_name',
        'c.name as closed_by_name',
        eb.fn
          .coalesce(
            eb('ct.first_name', '||', eb(eb.val(' '), '||', eb.ref('ct.last_name'))),
            eb('ld.first_name', '||', eb(eb.val(' '), '||', eb.ref('ld.last_name'))),
            'ac.name',
          )
          .as('record_name'),
      ]);
  }
}

/**
 * Missed inbound calls of the number before `at` that nobody called back yet: called back at `at`.
 * `updated_at` moves as on every write of a call (the wall clock, as the call log writes it): the
 * reports' rollup finds the past days it must compute again by it (`reports/report-rollup.ts`).
 */
async function markCalledBack(db: Db, number: string, at: string): Promise<void> {
  await db
    .updateTable('calls')
    .set({ called_back_at: at, updated_at: new Date().toISOString() })
    .where('normalized_number', '=', number)
    .where('direction', '=', 'inbound')
    .where('status', '=', 'ended')
    .where('disposition', 'in', ['missed', 'busy', 'unavailable', 'abandoned'])
    .where('called_back_at', 'is', null)
    .where('started_at', '<', at)
    .execute();
}

class Retry extends Error {}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  // PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE.
  return e?.code === '23505' || (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')) || /UNIQUE constraint failed/.test(e?.message ?? '');
}
