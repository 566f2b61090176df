/**
 * The directory: who is who. Users and their extensions; accounts, contacts and leads with typed
 * phones and a responsible user; and the phone index that lookups use. Every record write updates
 * its index rows in the same transaction, so the index never disagrees with the records.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { PhoneKind, RecordType } from './record-types.ts';
import type { Store } from '../store/store.ts';
import type { CountryCode } from '../phone/types.ts';
import { DirectoryOrigins } from './origins.ts';
import { hashPassword } from './passwords.ts';
import { SyncedRows } from './synced-rows.ts';
import { phoneKeys } from './phone-keys.ts';
import { DEFAULT_TYPE_ORDER } from './rank.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { ADDRESS_PATTERN } from '../calls/extension-address.ts';
import type { Candidate } from './lookup.ts';
import { NO_CARD, accountDeletedFromPhones, accountRenamedOnPhones, ownerRenamedOnPhones, readCards, touchedOnPhones } from './phone-cards.ts';
import { RecentLookups, type RecentLookupsOptions } from './recent-lookups.ts';
import { UserReads, toUser } from './user-reads.ts';
import { writing } from './write-generation.ts';

export interface PhoneInput {
  kind: PhoneKind;
  number: string;
}

interface RecordInputBase {
  /** Our id; generated when absent. Importers pass the CSV's id so that re-imports update. */
  id?: string;
  assignedUserId?: string | null;
  source?: string;
  externalId?: string | null;
  phones?: PhoneInput[];
  lastActivityAt?: string | null;
}
export interface AccountInput extends RecordInputBase {
  name: string;
}
export interface ContactInput extends RecordInputBase {
  firstName?: string;
  lastName?: string;
  accountId?: string | null;
}
export interface LeadInput extends RecordInputBase {
  firstName?: string;
  lastName?: string;
  accountName?: string | null;
  status?: string | null;
}

export interface UserInput {
  id?: string;
  login: string;
  name: string;
  role?: 'admin' | 'agent';
  password?: string;
  /** The first is the primary extension (where routing sends callers). */
  extensions?: string[];
  active?: boolean;
  source?: string;
  externalId?: string | null;
}

export interface User {
  id: string;
  login: string;
  name: string;
  role: 'admin' | 'agent';
  active: boolean;
  extensions: string[];
  primaryExtension: string | null;
}

export interface DirectoryOptions {
  /** Region for numbers typed without a country code. */
  defaultRegion: CountryCode;
  /** Lookup's order among equally good matches. Default contact, lead, account. */
  typeOrder?: readonly RecordType[];
  /** The memory of recent lookups (a caller ringing a group is looked up once): size and lifetime. Default 1000 numbers for 5 s. */
  recentLookups?: RecentLookupsOptions;
}

export type WriteResult = { id: string; created: boolean };

/** Where a record came from: `embedded`, or a CRM's name with that CRM's own id for it. */
export interface RecordOrigin {
  id: string;
  source: string;
  externalId: string | null;
}

const TABLE = { contact: 'contacts', account: 'accounts', lead: 'leads' } as const;

export class Directory {
  readonly store: Store;
  readonly defaultRegion: CountryCode;
  readonly typeOrder: readonly RecordType[];
  /** Recent lookups' candidates by match keys, unranked, as reads that may still be running (`findByNormalized` reads and fills it). */
  readonly recentLookups: RecentLookups<Promise<Candidate[]>>;
  readonly #origins: DirectoryOrigins;
  #userReads: UserReads | undefined;

  constructor(store: Store, options: DirectoryOptions) {
    this.store = store;
    this.defaultRegion = options.defaultRegion;
    this.typeOrder = options.typeOrder ?? DEFAULT_TYPE_ORDER;
    this.recentLookups = new RecentLookups(options.recentLookups);
    this.#origins = new DirectoryOrigins(store);
  }

  /** Prepared on first use (the store is migrated by then), once per directory. */
  get #users(): UserReads {
    return (this.#userReads ??= new UserReads(this.store));
  }

  get #db(): Kysely<DatabaseSchema> {
    return this.store.db;
  }

  // ---- users -------------------------------------------------------------------------------

  /** Creates or updates a user by login; extensions are replaced by the given list. */
  async upsertUser(input: UserInput): Promise<WriteResult> {
    const extensions = (input.extensions ?? []).map((e) => e.trim()).filter((e) => e.length > 0);
    for (const ext of extensions) {
      if (!ADDRESS_PATTERN.test(ext)) {
        throw new CrmTelephonyError(
          ErrorCodes.DIRECTORY_ERR_INVALID,
          `Extension "${ext}" of user "${input.login}" is not dialable: use digits (and * # +) only, followed by @ and the PBX's id for a PBX other than the default one (101@branch).`,
          { login: input.login },
        );
      }
    }
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    const now = new Date().toISOString();
    return writing(this.store, () => this.#db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('users').select(['id', 'name']).where('login', '=', input.login).executeTakeFirst();
      const id = existing?.id ?? input.id ?? randomUUID();
      if (existing) {
        await trx
          .updateTable('users')
          .set({
            name: input.name,
            ...(input.role ? { role: input.role } : {}),
            ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
            ...(passwordHash ? { password_hash: passwordHash } : {}),
            updated_at: now,
          })
          .where('id', '=', id)
          .execute();
        if (existing.name !== input.name) await ownerRenamedOnPhones(trx, { id, login: input.login, name: input.name });
      } else {
        await trx
          .insertInto('users')
          .values({
            id,
            login: input.login,
            name: input.name,
            role: input.role ?? 'agent',
            active: input.active === false ? 0 : 1,
            password_hash: passwordHash ?? null,
            source: input.source ?? 'embedded',
            external_id: input.externalId ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      if (input.extensions !== undefined) await this.#setExtensions(trx, id, input.login, extensions);
      return { id, created: !existing };
    }));
  }

  async #setExtensions(trx: Transaction<DatabaseSchema>, userId: string, login: string, extensions: string[]): Promise<void> {
    if (extensions.length > 0) {
      const taken = await trx.selectFrom('extensions').select(['extension', 'user_id']).where('extension', 'in', extensions).where('user_id', '!=', userId).execute();
      if (taken.length > 0) {
        throw new CrmTelephonyError(
          ErrorCodes.DIRECTORY_ERR_CONFLICT,
          `Extension ${taken.map((t) => t.extension).join(', ')} already belongs to another user; an extension belongs to one user. Remove it there first.`,
          { login, extensions: taken.map((t) => t.extension) },
        );
      }
    }
    await trx.deleteFrom('extensions').where('user_id', '=', userId).execute();
    if (extensions.length > 0) {
      await trx
        .insertInto('extensions')
        .values([...new Set(extensions)].map((extension, i) => ({ extension, user_id: userId, is_primary: i === 0 ? 1 : 0 })))
        .execute();
    }
  }

  userByLogin(login: string): Promise<User | undefined> {
    return this.#users.byLogin(login);
  }

  userById(id: string): Promise<User | undefined> {
    return this.#users.byId(id);
  }

  /** The user who owns an extension (active or not: callers decide what inactive means). */
  userByExtension(extension: string): Promise<User | undefined> {
    return this.#users.byExtension(extension);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('login').execute();
    const exts = await this.#db.selectFrom('extensions').selectAll().orderBy('is_primary', 'desc').orderBy('extension').execute();
    return rows.map((row) => toUser(row, exts.filter((e) => e.user_id === row.id)));
  }

  /** The user a CRM's user id stands for (synced from the CRM named `source`), or undefined. */
  async userByExternalId(source: string, externalId: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('source', '=', source).where('external_id', '=', externalId).executeTakeFirst();
    return row ? this.#withExtensions(row) : undefined;
  }

  /** The CRM's own id of one of our users, when the user came from that CRM (`source`); else null. */
  async externalUserId(userId: string, source: string): Promise<string | null> {
    const row = await this.#db.selectFrom('users').select(['source', 'external_id']).where('id', '=', userId).executeTakeFirst();
    return row && row.source === source ? row.external_id : null;
  }

  async passwordHashOf(login: string): Promise<string | null> {
    const row = await this.#db.selectFrom('users').select('password_hash').where('login', '=', login).where('active', '=', 1).executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async #withExtensions(row: DatabaseSchema['users']): Promise<User> {
    const exts = await this.#db.selectFrom('extensions').selectAll().where('user_id', '=', row.id).orderBy('is_primary', 'desc').orderBy('extension').execute();
    return toUser(row, exts);
  }

  // ---- records ------------------------------------------------------------------------------

  upsertAccount(input: AccountInput): Promise<WriteResult> {
    return this.#upsert('account', input, { name: input.name });
  }

  upsertContact(input: ContactInput): Promise<WriteResult> {
    return this.#upsert('contact', input, { first_name: input.firstName ?? '', last_name: input.lastName ?? '', account_id: input.accountId ?? null });
  }

  upsertLead(input: LeadInput): Promise<WriteResult> {
    return this.#upsert('lead', input, {
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      account_name: input.accountName ?? null,
      status: input.status ?? null,
    });
  }

  async deleteRecord(type: RecordType, id: string): Promise<boolean> {
    return writing(this.store, () => this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('phones').where('record_type', '=', type).where('record_id', '=', id).execute();
      if (type === 'account') await accountDeletedFromPhones(trx, id);
      const res = await trx.deleteFrom(TABLE[type]).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    }));
  }

  /** Our id of the record a CRM (`source`) knows by `externalId`, or undefined. */
  async recordIdByExternalId(type: RecordType, source: string, externalId: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom(TABLE[type]).select('id').where('source', '=', source).where('external_id', '=', externalId).executeTakeFirst();
    return row?.id;
  }

  /** Where each of these records came from; ids not in the directory are left out. */
  async recordOrigins(type: RecordType, ids: readonly string[]): Promise<RecordOrigin[]> {
    return (await this.#origins.records(type, ids)).map(({ id, source, externalId }) => ({ id, source, externalId }));
  }

  /**
   * Marks a record as active at `at` (an answered call: its card's "Last call"), which also ranks it
   * first among equal matches. Never moves the time back: a call the PBX's CDRs told of late, or a
   * second instance's record of an older call, leaves a later call's time standing.
   */
  async touch(type: RecordType, id: string, at = new Date().toISOString()): Promise<void> {
    await writing(this.store, () => this.#db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable(TABLE[type])
        .set({ last_activity_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_activity_at', 'is', null), eb('last_activity_at', '<', at)]))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) await touchedOnPhones(trx, type, id, at);
    }));
  }

  /** What a CRM's sync reads and writes here: the rows that came from that CRM (`source`). */
  syncedFrom(source: string): SyncedRows {
    return new SyncedRows(this.store, source);
  }

  /**
   * Fresh planner statistics, after a big load (an import, a seed, a CRM's full sync): without them
   * PostgreSQL guesses that a phone key matches ~100 rows and plans hash joins over whole tables
   * (4 ms instead of 0.1 ms a lookup). Costly on big tables: once per load, not per batch.
   */
  async refreshStatistics(): Promise<void> {
    await sql`analyze`.execute(this.#db);
  }

  async #upsert(type: RecordType, input: RecordInputBase, columns: Record<string, string | null>): Promise<WriteResult> {
    const table = TABLE[type];
    const now = new Date().toISOString();
    const phones = (input.phones ?? []).filter((p) => p.number.trim().length > 0);
    // Normalize before the transaction: pure work need not hold a write lock.
    const phoneRows = phones.map((p, position) => ({ position, kind: p.kind, raw: p.number, ...phoneKeys(p.number, this.defaultRegion) }));
    const source = input.source ?? 'embedded';
    return writing(this.store, () => this.#db.transaction().execute(async (trx) => {
      let id = input.id;
      if (id === undefined && input.externalId) {
        const found = await trx.selectFrom(table).select('id').where('source', '=', source).where('external_id', '=', input.externalId).executeTakeFirst();
        id = found?.id;
      }
      id ??= randomUUID();
      // The three tables share `id`; an account's old name tells whether its contacts' cards change.
      const exists = (await trx.selectFrom(table as 'accounts').select(type === 'account' ? ['id', 'name'] : ['id']).where('id', '=', id).executeTakeFirst()) as
        | { id: string; name?: string }
        | undefined;
      const common = {
        assigned_user_id: input.assignedUserId ?? null,
        source,
        external_id: input.externalId ?? null,
        updated_at: now,
        ...(input.lastActivityAt !== undefined ? { last_activity_at: input.lastActivityAt } : {}),
      };
      // The column set differs per table; Kysely's per-table typing cannot follow a runtime table name.
      const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
      if (exists) {
        await db.updateTable(table).set({ ...columns, ...common }).where('id', '=', id).execute();
        await trx.deleteFrom('phones').where('record_type', '=', type).where('record_id', '=', id).execute();
      } else {
        await db.insertInto(table).values({ id, ...columns, ...common, created_at: now }).execute();
      }
      if (phoneRows.length > 0) {
        // The card as the tables now say, owner's and account's names included.
        const card = (await readCards(trx, type, [id])).get(id) ?? NO_CARD;
        await trx
          .insertInto('phones')
          .values(phoneRows.map((p) => ({ record_type: type, record_id: id, ...p, ...card })))
          .execute();
      }
      if (type === 'account' && exists && exists.name !== columns['name']) await accountRenamedOnPhones(trx, id, columns['name'] as string);
      return { id, created: !exists };
    }));
  }
}
