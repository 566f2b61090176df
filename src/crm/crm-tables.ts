/**
 * The CRM's own tables (migrations 0005-crm and 0007-crm-outbox-update), typed for Kysely. The store's schema type does not list
 * them; `crmDb(store)` adds them with `withTables`, so only CRM code sees them.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { up } from '../store/migrations/0005-crm.ts';
import { addColumnIfMissing } from '../store/migrations/0007-crm-outbox-update.ts';

export interface CrmSyncStateTable {
  crm: string;
  module: string;
  cursor: string | null;
  deleted_cursor: string | null;
  last_full_at: string | null;
  last_sync_at: string | null;
  updated_at: string;
}

export type OutboxState = 'pending' | 'done' | 'failed';

export interface CrmOutboxTable {
  crm: string;
  call_id: string;
  state: OutboxState;
  payload: string;
  attempts: number;
  next_attempt_at: string;
  post_started: number;
  crm_call_id: string | null;
  links_done: string;
  last_error: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  done_at: string | null;
  /** Amendments not yet written into the CRM's call (0: the CRM shows the payload, or has no call yet). */
  update_pending: number;
}

// A type, not an interface: withTables wants a record type, which an interface is not.
export type CrmTables = {
  crm_sync_state: CrmSyncStateTable;
  crm_outbox: CrmOutboxTable;
};

export type CrmDb = Kysely<DatabaseSchema & CrmTables>;

export function crmDb(store: Store): CrmDb {
  return store.db.withTables<CrmTables>();
}

const ensured = new WeakMap<Store, Promise<void>>();

/**
 * Creates the CRM tables if they are missing, once per store. Migration 0005-crm was registered
 * before it had a body: a store migrated then has it marked done and no tables (0007 creates them
 * now; this still covers tables dropped by hand, with the column 0007 adds).
 */
export function ensureCrmTables(store: Store): Promise<void> {
  let done = ensured.get(store);
  if (!done) {
    const db = store.db as unknown as Kysely<unknown>;
    done = up(db).then(() => addColumnIfMissing(db));
    ensured.set(store, done);
    done.catch(() => ensured.delete(store));
  }
  return done;
}
