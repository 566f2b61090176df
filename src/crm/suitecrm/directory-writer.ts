/**
 * Writes what the sync read into our directory: users with their extensions (by external id, since
 * API v8 never returns a user name), and accounts, contacts and leads through `bulkUpsert` under
 * their deterministic ids. Links that would point at nothing (a responsible user or an account we do
 * not have) are left empty rather than failing the batch on a foreign key.
 *
 * Users are written here rather than through `Directory.upsertUser`, which matches users by login:
 * a SuiteCRM user has no login we can read, and must never merge with a local user who happens to
 * share a name (SuiteCRM's `admin` and ours). Their login is `suitecrm:<id>`; they have no password.
 */
import type { Directory } from '../../directory/directory.ts';
import { bulkUpsert, type RecordInput } from '../../directory/bulk-write.ts';
import type { RecordType } from '../../directory/record-types.ts';
import { ourId, SOURCE, type SyncedRecord, type SyncedUser } from './records.ts';

const TABLE = { contact: 'contacts', account: 'accounts', lead: 'leads' } as const;
const CHUNK = 500;

export interface ResolvedRecord {
  input: RecordInput<RecordType>;
  /** False when the directory already holds exactly this (the overlap or a reconcile listed it again). */
  changed: boolean;
}

export class DirectoryWriter {
  readonly #directory: Directory;

  constructor(directory: Directory) {
    this.#directory = directory;
  }

  get #db() {
    return this.#directory.store.db;
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Creates or updates the users and gives them their extensions; returns warnings in words. */
  async writeUsers(users: readonly SyncedUser[]): Promise<string[]> {
    const warnings: string[] = [];
    for (const u of users) if (u.invalid.length > 0) warnings.push(`SuiteCRM user ${u.name} has "${u.invalid.join(', ')}" in the extension field: not a dialable extension (digits, * # + only), ignored.`);
    if (users.length === 0) return warnings;
    const now = new Date().toISOString();
    await this.#db.transaction().execute(async (trx) => {
      const claimed = new Map<string, string>();
      for (const u of users) {
        const id = ourId(u.externalId);
        const existing = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
        if (existing) await trx.updateTable('users').set({ name: u.name, active: 1, updated_at: now }).where('id', '=', id).execute();
        else {
          await trx
            .insertInto('users')
            .values({ id, login: id, name: u.name, password_hash: null, role: 'agent', active: 1, source: SOURCE, external_id: u.externalId, created_at: now, updated_at: now })
            .execute();
        }
        const wanted = [...u.extensions];
        if (wanted.length > 0) {
          const owners = await trx
            .selectFrom('extensions')
            .innerJoin('users', 'users.id', 'extensions.user_id')
            .select(['extensions.extension', 'users.id', 'users.source', 'users.login', 'users.name'])
            .where('extensions.extension', 'in', wanted)
            .where('extensions.user_id', '!=', id)
            .execute();
          for (const owner of owners) {
            if (owner.source === SOURCE) {
              // Moved in SuiteCRM (or set on two users there): SuiteCRM is the truth, the last one listed keeps it.
              await trx.deleteFrom('extensions').where('extension', '=', owner.extension).execute();
              const other = claimed.get(owner.extension);
              if (other !== undefined) warnings.push(`Extension ${owner.extension} is set on two SuiteCRM users, ${other} and ${u.name}; ${u.name} has it now. Keep it on one of them.`);
            } else {
              wanted.splice(wanted.indexOf(owner.extension), 1);
              warnings.push(`Extension ${owner.extension} of SuiteCRM user ${u.name} already belongs to the local user "${owner.login}"; it stays there. Remove it from one of them.`);
            }
          }
        }
        for (const ext of wanted) claimed.set(ext, u.name);
        await trx.deleteFrom('extensions').where('user_id', '=', id).execute();
        if (wanted.length > 0) await trx.insertInto('extensions').values(wanted.map((extension, i) => ({ extension, user_id: id, is_primary: i === 0 ? 1 : 0 }))).execute();
      }
    });
    return warnings;
  }

  /** Users deleted in SuiteCRM: kept (calls and notes name them) but inactive, their extensions freed. */
  async deactivateUsers(externalIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const chunk of chunks(externalIds.map(ourId))) {
      await this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('extensions').where('user_id', 'in', chunk).execute();
        const res = await trx.updateTable('users').set({ active: 0, updated_at: new Date().toISOString() }).where('id', 'in', chunk).where('active', '=', 1).executeTakeFirst();
        n += Number(res.numUpdatedRows);
      });
    }
    return n;
  }

  /** SuiteCRM ids of the active synced users not in `seen`. */
  async activeUsersNotIn(seen: ReadonlySet<string>): Promise<string[]> {
    const rows = await this.#db.selectFrom('users').select('external_id').where('source', '=', SOURCE).where('active', '=', 1).execute();
    return rows.map((r) => r.external_id).filter((x): x is string => x !== null && !seen.has(x));
  }

  /** Our ids of every synced user (active or not: a record may still name an inactive owner). */
  async knownUserIds(): Promise<Set<string>> {
    const rows = await this.#db.selectFrom('users').select('id').where('source', '=', SOURCE).execute();
    return new Set(rows.map((r) => r.id));
  }

  // ---- accounts, contacts, leads ---------------------------------------------------------------

  /**
   * Turns listed records into directory inputs: the owner and the account only when we have them,
   * and `last_activity_at` never moved back (it also records calls, and ranks matches). Each is
   * compared with what the directory holds, so that a record listed again unchanged (by the
   * incremental overlap, or by every full reconcile) is not written again: rewriting 100k rows and
   * their phone index every hour would only churn the database.
   */
  async resolve(records: readonly SyncedRecord[], knownUsers: ReadonlySet<string>): Promise<ResolvedRecord[]> {
    if (records.length === 0) return [];
    const type = records[0]!.type;
    const accountIds = [...new Set(records.map((r) => r.accountExternal).filter((x): x is string => x !== null).map(ourId))];
    const accounts = new Set<string>();
    for (const chunk of chunks(accountIds)) for (const row of await this.#db.selectFrom('accounts').select('id').where('id', 'in', chunk).execute()) accounts.add(row.id);
    const held = await this.#held(type, records.map((r) => ourId(r.externalId)));
    return records.map((r) => {
      const id = ourId(r.externalId);
      const assignedUserId = r.assignedExternal !== null && knownUsers.has(ourId(r.assignedExternal)) ? ourId(r.assignedExternal) : null;
      const accountId = r.accountExternal !== null && accounts.has(ourId(r.accountExternal)) ? ourId(r.accountExternal) : null;
      const common = { id, source: SOURCE, externalId: r.externalId, assignedUserId, phones: r.phones };
      const input: RecordInput<RecordType> =
        r.type === 'account'
          ? { ...common, name: r.name }
          : r.type === 'contact'
            ? { ...common, firstName: r.firstName, lastName: r.lastName, accountId }
            : { ...common, firstName: r.firstName, lastName: r.lastName, accountName: r.accountName, status: r.status };
      const before = held.get(id);
      const edited = Number.isFinite(r.modifiedAt) ? new Date(r.modifiedAt).toISOString() : null;
      const activity = before?.activity ?? null;
      input.lastActivityAt = activity !== null && (edited === null || activity > edited) ? activity : edited;
      const changed = before === undefined || before.print !== printOf(input) || activity !== input.lastActivityAt;
      return { input, changed };
    });
  }

  /** What the directory holds for these records, in the shape of an input (see printOf). */
  async #held(type: RecordType, ids: readonly string[]): Promise<Map<string, { print: string; activity: string | null }>> {
    const out = new Map<string, { print: string; activity: string | null }>();
    for (const chunk of chunks(ids)) {
      const rows = (await this.#db.selectFrom(TABLE[type] as 'contacts').selectAll().where('id', 'in', chunk).execute()) as unknown as Record<string, string | null>[];
      if (rows.length === 0) continue;
      const phones = await this.#db
        .selectFrom('phones')
        .select(['record_id', 'kind', 'raw'])
        .where('record_type', '=', type)
        .where('record_id', 'in', rows.map((r) => r['id']!))
        .orderBy('record_id')
        .orderBy('position')
        .execute();
      const byRecord = new Map<string, { kind: string; number: string }[]>();
      for (const p of phones) byRecord.set(p.record_id, [...(byRecord.get(p.record_id) ?? []), { kind: p.kind, number: p.raw }]);
      for (const row of rows) {
        const id = row['id']!;
        const common = { id, source: row['source'], externalId: row['external_id'], assignedUserId: row['assigned_user_id'], phones: byRecord.get(id) ?? [] };
        const shape =
          type === 'account'
            ? { ...common, name: row['name'] }
            : type === 'contact'
              ? { ...common, firstName: row['first_name'], lastName: row['last_name'], accountId: row['account_id'] }
              : { ...common, firstName: row['first_name'], lastName: row['last_name'], accountName: row['account_name'], status: row['status'] };
        out.set(id, { print: printOf(shape), activity: row['last_activity_at'] ?? null });
      }
    }
    return out;
  }

  async writeRecords(type: RecordType, inputs: readonly RecordInput<RecordType>[]): Promise<void> {
    if (inputs.length === 0) return;
    // Statistics are refreshed once after a full sync, not after every page.
    await bulkUpsert(this.#directory, type, inputs, { analyze: false });
  }

  /** Removes records (deleted in SuiteCRM); returns how many were there. */
  async removeRecords(type: RecordType, externalIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const externalId of externalIds) if (await this.#directory.deleteRecord(type, ourId(externalId))) n++;
    return n;
  }

  /** SuiteCRM ids of the synced records of `type` not in `seen`. */
  async recordsNotIn(type: RecordType, seen: ReadonlySet<string>): Promise<string[]> {
    const rows = await this.#db.selectFrom(TABLE[type] as 'contacts').select('external_id').where('source', '=', SOURCE).execute();
    return rows.map((r) => r.external_id).filter((x): x is string => x !== null && !seen.has(x));
  }

  /** Synced rows per kind, for the status page. */
  async counts(): Promise<{ users: number; accounts: number; contacts: number; leads: number }> {
    const count = async (table: 'users' | 'accounts' | 'contacts' | 'leads'): Promise<number> => {
      let q = this.#db.selectFrom(table as 'contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', SOURCE);
      if (table === 'users') q = q.where('active' as never, '=', 1 as never);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    };
    return { users: await count('users'), accounts: await count('accounts'), contacts: await count('contacts'), leads: await count('leads') };
  }
}

/** A record's content without its activity time, for comparison. */
function printOf(input: object): string {
  const { lastActivityAt: _, ...rest } = input as { lastActivityAt?: unknown };
  return JSON.stringify(rest);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
