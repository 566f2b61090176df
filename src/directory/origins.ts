/**
 * Who the directory's users and records are to a CRM: our id, where each came from (`source`) and
 * the CRM's own id, with a user's name and a record's responsible user. Read straight from a store:
 * the CRM outbox, which builds each call's entry from these, holds a store and not a `Directory`
 * (whose region and ranking these reads do not need). `Directory.recordOrigins` answers through
 * this too.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { statement, type Statement } from '../store/statements.ts';
import { chunks } from './chunks.ts';
import type { RecordOrigin } from './directory.ts';
import type { RecordType } from './record-types.ts';

export interface UserOrigin extends RecordOrigin {
  name: string;
}

export interface OwnedRecordOrigin extends RecordOrigin {
  /** The responsible user (our id), or null. */
  assignedUserId: string | null;
}

const TABLE = { contact: 'contacts', account: 'accounts', lead: 'leads' } as const;

type UserOriginRow = Pick<DatabaseSchema['users'], 'id' | 'source' | 'external_id' | 'name'>;
interface UserStatements {
  byExtension: Statement<UserOriginRow>;
  byId: Statement<UserOriginRow>;
}

// Per store, not per object: the CRM outbox makes a DirectoryOrigins for every call it logs.
const prepared = new WeakMap<Store, UserStatements>();

function userStatements(store: Store): UserStatements {
  let statements = prepared.get(store);
  if (statements === undefined) {
    statements = {
      byExtension: statement(store, 'directory_origin_user_by_extension', 'select u.id, u.source, u.external_id, u.name from extensions x join users u on u.id = x.user_id where x.extension = ?'),
      byId: statement(store, 'directory_origin_user_by_id', 'select id, source, external_id, name from users where id = ?'),
    };
    prepared.set(store, statements);
  }
  return statements;
}

export class DirectoryOrigins {
  readonly #store: Store;
  readonly #db: Kysely<DatabaseSchema>;

  constructor(store: Store) {
    this.#store = store;
    this.#db = store.db;
  }

  /** The user who owns an extension (active or not), in one query; undefined when nobody does. */
  async userByExtension(extension: string): Promise<UserOrigin | undefined> {
    return originOf(await userStatements(this.#store).byExtension.get([extension]));
  }

  async userById(id: string): Promise<UserOrigin | undefined> {
    return originOf(await userStatements(this.#store).byId.get([id]));
  }

  /** These records of one type, one query per 500 ids, in no particular order; ids not in the directory are left out. */
  async records(type: RecordType, ids: readonly string[]): Promise<OwnedRecordOrigin[]> {
    const out: OwnedRecordOrigin[] = [];
    for (const chunk of chunks(ids)) {
      const rows = await this.#db.selectFrom(TABLE[type]).select(['id', 'source', 'external_id', 'assigned_user_id']).where('id', 'in', chunk).execute();
      for (const r of rows) out.push({ id: r.id, source: r.source, externalId: r.external_id, assignedUserId: r.assigned_user_id });
    }
    return out;
  }
}

function originOf(row: UserOriginRow | undefined): UserOrigin | undefined {
  return row ? { id: row.id, source: row.source, externalId: row.external_id, name: row.name } : undefined;
}
