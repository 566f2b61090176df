/**
 * The PBXs added on the PBX page (migration 0009): their definitions without secrets, and each AMI
 * secret sealed (`service/secret-box.ts`). What comes out is what the page may show, or, for the
 * service at start, the entries with `secretEncrypted` for `pbx-config.ts` to open.
 */
import type { Store } from './store.ts';
import type { PbxEntry } from '../service/pbx-config.ts';

/** A saved PBX as the page shows it: never its secret, only that one is kept. */
export interface SavedPbx {
  entry: Omit<PbxEntry, 'ami'> & { ami?: Omit<NonNullable<PbxEntry['ami']>, 'secret' | 'secretEnv' | 'secretEncrypted'> };
  updatedAt: string;
  updatedBy: string | null;
}

export class PbxConnections {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(): Promise<SavedPbx[]> {
    const rows = await this.#store.db.selectFrom('pbx_connections').select(['definition_json', 'updated_at', 'updated_by']).orderBy('id').execute();
    return rows.map((r) => ({ entry: JSON.parse(r.definition_json) as SavedPbx['entry'], updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }

  /** The entries as the configuration reads them, each with its sealed secret. */
  async entries(): Promise<PbxEntry[]> {
    const rows = await this.#store.db.selectFrom('pbx_connections').select(['definition_json', 'secret_sealed']).orderBy('id').execute();
    return rows.map((r) => {
      const entry = JSON.parse(r.definition_json) as SavedPbx['entry'];
      return { ...entry, ...(entry.ami ? { ami: { ...entry.ami, secretEncrypted: r.secret_sealed } } : {}) } as PbxEntry;
    });
  }

  /** The sealed secret kept for a PBX, or null when there is none. */
  async sealedSecret(id: string): Promise<string | null> {
    const row = await this.#store.db.selectFrom('pbx_connections').select('secret_sealed').where('id', '=', id).executeTakeFirst();
    return row?.secret_sealed ?? null;
  }

  /** Creates or replaces a PBX; `sealed` is its secret, already sealed. Returns whether it is new. */
  async save(entry: SavedPbx['entry'], sealed: string, by: string | null): Promise<boolean> {
    const now = new Date().toISOString();
    const values = { definition_json: JSON.stringify(entry), secret_sealed: sealed, updated_at: now, updated_by: by };
    const existed = (await this.sealedSecret(entry.id)) !== null;
    await this.#store.db
      .insertInto('pbx_connections')
      .values({ id: entry.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    return !existed;
  }

  async remove(id: string): Promise<boolean> {
    const res = await this.#store.db.deleteFrom('pbx_connections').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
