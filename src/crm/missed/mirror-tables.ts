/**
 * The mirror's table (migration 0015-missed-crm), typed for Kysely. The store's schema type does not
 * list it; `mirrorDb(store)` adds it with `withTables`, so only this folder sees it.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';

export type MirrorState = 'pending' | 'done' | 'failed';

export interface MissedCrmCallsTable {
  crm: string;
  item_id: string;
  state: MirrorState;
  attempts: number;
  due_at: string;
  lease_until: string | null;
  leased_by: string | null;
  last_error: string | null;
  last_error_code: string | null;
  /** The item's version the CRM's call shows; 0 before the first write. */
  synced_version: number;
  /** The item's version the latest attempt read: a failed row comes back only for a newer one. */
  tried_version: number;
  post_started: number;
  crm_call_id: string | null;
  /** JSON array of `contact:<id>`, `lead:<id>`, `user:<id>` links made. */
  links: string;
  /** A digest of the `CallbackState` the CRM's call shows; null when unknown. */
  shown: string | null;
  settled: number;
  created_at: string;
  updated_at: string;
  done_at: string | null;
}

// A type, not an interface: withTables wants a record type.
export type MirrorTables = { missed_crm_calls: MissedCrmCallsTable };

export type MirrorDb = Kysely<DatabaseSchema & MirrorTables>;

export function mirrorDb(store: Store): MirrorDb {
  return store.db.withTables<MirrorTables>();
}
