/**
 * The user reads on per-call paths (the owner of a ringing extension, a record's responsible user
 * for routing, a session's user), as prepared statements (`store/statements.ts`): the user and
 * their extensions in one statement, one round trip.
 */
import type { Store } from '../store/store.ts';
import type { DatabaseSchema } from '../store/schema.ts';
import { statement, type Statement } from '../store/statements.ts';
import type { User } from './directory.ts';

type UserColumns = Pick<DatabaseSchema['users'], 'id' | 'login' | 'name' | 'role' | 'active'>;
type ExtensionColumns = Pick<DatabaseSchema['extensions'], 'extension' | 'is_primary'>;
/** A user with one of their extensions per row; one row with a null extension when they have none. */
type UserRow = UserColumns & { extension: string | null; is_primary: number | null };

// The extensions in the order `User.extensions` lists them: the primary first, then by extension.
const WITH_EXTENSIONS = `select u.id, u.login, u.name, u.role, u.active, e.extension, e.is_primary
  from users u left join extensions e on e.user_id = u.id`;
const ORDER = 'order by e.is_primary desc, e.extension';

export class UserReads {
  readonly #byId: Statement<UserRow>;
  readonly #byLogin: Statement<UserRow>;
  readonly #byExtension: Statement<UserRow>;

  constructor(store: Store) {
    this.#byId = statement(store, 'directory_user_by_id', `${WITH_EXTENSIONS} where u.id = ? ${ORDER}`);
    this.#byLogin = statement(store, 'directory_user_by_login', `${WITH_EXTENSIONS} where u.login = ? ${ORDER}`);
    this.#byExtension = statement(
      store,
      'directory_user_by_extension',
      `${WITH_EXTENSIONS} where u.id = (select x.user_id from extensions x where x.extension = ?) ${ORDER}`,
    );
  }

  async byId(id: string): Promise<User | undefined> {
    return userOf(await this.#byId.all([id]));
  }

  async byLogin(login: string): Promise<User | undefined> {
    return userOf(await this.#byLogin.all([login]));
  }

  /** The user who owns an extension, active or not. */
  async byExtension(extension: string): Promise<User | undefined> {
    return userOf(await this.#byExtension.all([extension]));
  }
}

function userOf(rows: UserRow[]): User | undefined {
  const first = rows[0];
  if (first === undefined) return undefined;
  const exts: ExtensionColumns[] = [];
  for (const r of rows) if (r.extension !== null) exts.push({ extension: r.extension, is_primary: r.is_primary ?? 0 });
  return toUser(first, exts);
}

export function toUser(row: UserColumns, exts: readonly ExtensionColumns[]): User {
  const extensions = exts.map((e) => e.extension);
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    role: row.role,
    active: row.active === 1,
    extensions,
    primaryExtension: exts.find((e) => e.is_primary === 1)?.extension ?? extensions[0] ?? null,
  };
}
