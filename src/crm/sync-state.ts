/** Where each module's sync got to (table crm_sync_state), so that a restart goes on from there. */
import type { Store } from '../store/store.ts';
import { crmDb, type CrmDb, type CrmSyncStateTable } from './crm-tables.ts';

export type ModuleSyncState = Omit<CrmSyncStateTable, 'crm' | 'module' | 'updated_at'>;

const EMPTY: ModuleSyncState = { cursor: null, deleted_cursor: null, last_full_at: null, last_sync_at: null };

export class SyncStateStore {
  readonly #db: CrmDb;
  readonly #crm: string;

  constructor(store: Store, crm: string) {
    this.#db = crmDb(store);
    this.#crm = crm;
  }

  async get(module: string): Promise<ModuleSyncState> {
    const row = await this.#db.selectFrom('crm_sync_state').select(['cursor', 'deleted_cursor', 'last_full_at', 'last_sync_at']).where('crm', '=', this.#crm).where('module', '=', module).executeTakeFirst();
    return row ?? { ...EMPTY };
  }

  async all(): Promise<Map<string, ModuleSyncState>> {
    const rows = await this.#db.selectFrom('crm_sync_state').selectAll().where('crm', '=', this.#crm).execute();
    return new Map(rows.map((r) => [r.module, { cursor: r.cursor, deleted_cursor: r.deleted_cursor, last_full_at: r.last_full_at, last_sync_at: r.last_sync_at }]));
  }

  async save(module: string, patch: Partial<ModuleSyncState>): Promise<void> {
    const now = new Date().toISOString();
    const next = { ...(await this.get(module)), ...patch };
    await this.#db
      .insertInto('crm_sync_state')
      .values({ crm: this.#crm, module, ...next, updated_at: now })
      .onConflict((oc) => oc.columns(['crm', 'module']).doUpdateSet({ ...next, updated_at: now }))
      .execute();
  }

  /** Forgets every cursor: the next sync is a full one (`suitecrm sync --full` does not need it). */
  async reset(): Promise<void> {
    await this.#db.deleteFrom('crm_sync_state').where('crm', '=', this.#crm).execute();
  }
}
