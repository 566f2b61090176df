/**
 * What a CRM's sync reads and writes in the directory: the rows that came from that CRM (their
 * `source`), by our ids (`Directory.syncedFrom(source)` gives one). Users are written here rather
 * than through `Directory.upsertUser`, which matches users by login: a CRM's user must never merge
 * with a user of ours who happens to share a name. Records are written through `bulkUpsert`; this
 * reads them back in the same shape so that a sync can skip what did not change.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { RecordInput } from './bulk-write.ts';
import { chunks } from './chunks.ts';
import type { PhoneInput } from './directory.ts';
import type { RecordType } from './record-types.ts';
import { ownerRenamedOnPhones } from './phone-cards.ts';
import { writing } from './write-generation.ts';

/** A user as a CRM's sync lists it: our id and login for it, and the CRM's id. */
export interface SyncedUserInput {
  id: string;
  login: string;
  name: string;
  externalId: string;
  /** The first is the primary extension. */
  extensions: readonly string[];
}

/** An extension a synced user was given that another user claims too (see `writeUsers`). */
export type ExtensionClash =
  /** Two users of the same CRM list it: `last` (listed later) has it now. */
  | { kind: 'listed-twice'; extension: string; first: string; last: string }
  /** A user of ours (`holderLogin`) has it: it stays there, and the synced `user` goes without. */
  | { kind: 'held-locally'; extension: string; user: string; holderLogin: string };

/** Rows per kind from one CRM; users counted only when active. */
export interface SourceCounts {
  users: number;
  accounts: number;
  contacts: number;
  leads: number;
}

const TABLE = { contact: 'contacts', account: 'accounts', lead: 'leads' } as const;

/** A row of any of the three record tables: the shared columns, and each table's own by name. */
type StoredRow = DatabaseSchema['accounts'] & DatabaseSchema['contacts'] & DatabaseSchema['leads'];

export class SyncedRows {
  readonly source: string;
  readonly #store: Store;
  readonly #db: Kysely<DatabaseSchema>;

  constructor(store: Store, source: string) {
    this.#store = store;
    this.#db = store.db;
    this.source = source;
  }

  /**
   * Creates or updates these users in one transaction: matched by our id, created without a
   * password, made active, each given exactly its listed extensions. An extension another user of
   * this CRM has moves (the CRM is the truth; within one call the last listed keeps it); one that a
   * user of ours has stays there. Returns those clashes, in the order met.
   */
  async writeUsers(users: readonly SyncedUserInput[]): Promise<ExtensionClash[]> {
    const clashes: ExtensionClash[] = [];
    if (users.length === 0) return clashes;
    const now = new Date().toISOString();
    await writing(this.#store, () => this.#db.transaction().execute(async (trx) => {
      const claimed = new Map<string, string>();
      for (const u of users) {
        const existing = await trx.selectFrom('users').select(['id', 'login', 'name']).where('id', '=', u.id).executeTakeFirst();
        if (existing) {
          await trx.updateTable('users').set({ name: u.name, active: 1, updated_at: now }).where('id', '=', u.id).execute();
          if (existing.name !== u.name) await ownerRenamedOnPhones(trx, { id: u.id, login: existing.login, name: u.name });
        } else {
          await trx
            .insertInto('users')
            .values({ id: u.id, login: u.login, name: u.name, password_hash: null, role: 'agent', active: 1, source: this.source, external_id: u.externalId, created_at: now, updated_at: now })
            .execute();
        }
        const wanted = [...u.extensions];
        if (wanted.length > 0) {
          const owners = await trx
            .selectFrom('extensions')
            .innerJoin('users', 'users.id', 'extensions.user_id')
            .select(['extensions.extension', 'users.source', 'users.login'])
            .where('extensions.extension', 'in', wanted)
            .where('extensions.user_id', '!=', u.id)
            .execute();
          for (const owner of owners) {
            if (owner.source === this.source) {
              await trx.deleteFrom('extensions').where('extension', '=', owner.extension).execute();
              const first = claimed.get(owner.extension);
              if (first !== undefined) clashes.push({ kind: 'listed-twice', extension: owner.extension, first, last: u.name });
            } else {
              wanted.splice(wanted.indexOf(owner.extension), 1);
              clashes.push({ kind: 'held-locally', extension: owner.extension, user: u.name, holderLogin: owner.login });
            }
          }
        }
        for (const ext of wanted) claimed.set(ext, u.name);
        await trx.deleteFrom('extensions').where('user_id', '=', u.id).execute();
        if (wanted.length > 0) await trx.insertInto('extensions').values(wanted.map((extension, i) => ({ extension, user_id: u.id, is_primary: i === 0 ? 1 : 0 }))).execute();
      }
    }));
    return clashes;
  }

  /** Makes these users (our ids) inactive and frees their extensions; they stay, since calls and notes name them. Returns how many were active. */
  async deactivateUsers(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const chunk of chunks(ids)) {
      await writing(this.#store, () => this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('extensions').where('user_id', 'in', chunk).execute();
        const res = await trx.updateTable('users').set({ active: 0, updated_at: new Date().toISOString() }).where('id', 'in', chunk).where('active', '=', 1).executeTakeFirst();
        n += Number(res.numUpdatedRows);
      }));
    }
    return n;
  }

  /** Every user from this CRM, active or not (a record may still name an inactive owner). */
  async users(): Promise<{ id: string; externalId: string | null; active: boolean }[]> {
    const rows = await this.#db.selectFrom('users').select(['id', 'external_id', 'active']).where('source', '=', this.source).execute();
    return rows.map((r) => ({ id: r.id, externalId: r.external_id, active: r.active === 1 }));
  }

  /** The CRM's ids of its records of `type`. */
  async externalIds(type: RecordType): Promise<string[]> {
    const rows = await this.#db.selectFrom(TABLE[type]).select('external_id').where('source', '=', this.source).execute();
    return rows.map((r) => r.external_id).filter((x): x is string => x !== null);
  }

  /**
   * These records (by our ids, from any source) as stored, in the shape of the input that writes
   * them (phones in order, as typed) with `lastActivityAt` last; ids not in the directory are left
   * out. Two queries per 500 ids.
   */
  async storedInputs<T extends RecordType>(type: T, ids: readonly string[]): Promise<Map<string, RecordInput<T>>> {
    const out = new Map<string, RecordInput<T>>();
    for (const chunk of chunks(ids)) {
      // One table per type; Kysely's per-table typing cannot follow a runtime table name.
      const rows = (await this.#db.selectFrom(TABLE[type] as 'contacts').selectAll().where('id', 'in', chunk).execute()) as unknown as StoredRow[];
      if (rows.length === 0) continue;
      const phones = await this.#db
        .selectFrom('phones')
        .select(['record_id', 'kind', 'raw'])
        .where('record_type', '=', type)
        .where('record_id', 'in', rows.map((r) => r.id))
        .orderBy('record_id')
        .orderBy('position')
        .execute();
      const byRecord = new Map<string, PhoneInput[]>();
      for (const p of phones) byRecord.set(p.record_id, [...(byRecord.get(p.record_id) ?? []), { kind: p.kind, number: p.raw }]);
      for (const row of rows) {
        const common = { id: row.id, source: row.source, externalId: row.external_id, assignedUserId: row.assigned_user_id, phones: byRecord.get(row.id) ?? [] };
        const input =
          type === 'account'
            ? { ...common, name: row.name }
            : type === 'contact'
              ? { ...common, firstName: row.first_name, lastName: row.last_name, accountId: row.account_id }
              : { ...common, firstName: row.first_name, lastName: row.last_name, accountName: row.account_name, status: row.status };
        out.set(row.id, { ...input, lastActivityAt: row.last_activity_at } as RecordInput<T>);
      }
    }
    return out;
  }

  /** Rows per kind from this CRM, for its status page. */
  async counts(): Promise<SourceCounts> {
    const count = async (table: 'users' | 'accounts' | 'contacts' | 'leads'): Promise<number> => {
      let q = this.#db.selectFrom(table as 'contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', this.source);
      if (table === 'users') q = q.where('active' as never, '=', 1 as never);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    };
    return { users: await count('users'), accounts: await count('accounts'), contacts: await count('contacts'), leads: await count('leads') };
  }
}
