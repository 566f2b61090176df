/**
 * The CRM's own tables (migrations 0005-crm and 0007-crm-outbox-update), typed for Kysely. The store's schema type does not list
 * them; `crmDb(store)` adds them with `withTables`, so only CRM code sees them. The migrations
 * create them, as every table: the CRM code never does.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { Store } from '../store/store.ts';

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
