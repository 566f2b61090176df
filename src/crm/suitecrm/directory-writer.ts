/**
 * Writes what the sync read into our directory: users with their extensions (by external id, since
 * API v8 never returns a user name), and accounts, contacts and leads through `bulkUpsert` under
 * their deterministic ids. Links that would point at nothing (a responsible user or an account we do
 * not have) are left empty rather than failing the batch on a foreign key. The directory's tables
 * are read and written through its own methods (`Directory.syncedFrom`): this class decides what
 * SuiteCRM's records mean, and words the warnings.
 *
 * SuiteCRM users are matched by our id, never by login: a SuiteCRM user has no login we can read,
 * and must never merge with a local user who happens to share a name (SuiteCRM's `admin` and ours).
 * Their login is `suitecrm:<id>`; they have no password.
 */
import type { Directory } from '../../directory/directory.ts';
import { bulkUpsert, type RecordInput } from '../../directory/bulk-write.ts';
import type { RecordType } from '../../directory/record-types.ts';
import type { ExtensionClash, SourceCounts, SyncedRows } from '../../directory/synced-rows.ts';
import { ourId, SOURCE, type SyncedRecord, type SyncedUser } from './records.ts';

export interface ResolvedRecord {
  input: RecordInput<RecordType>;
  /** False when the directory already holds exactly this (the overlap or a reconcile listed it again). */
  changed: boolean;
}

export class DirectoryWriter {
  readonly #directory: Directory;
  readonly #synced: SyncedRows;

  constructor(directory: Directory) {
    this.#directory = directory;
    this.#synced = directory.syncedFrom(SOURCE);
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Creates or updates the users and gives them their extensions; returns warnings in words. */
  async writeUsers(users: readonly SyncedUser[]): Promise<string[]> {
    const warnings: string[] = [];
    for (const u of users) if (u.invalid.length > 0) warnings.push(`SuiteCRM user ${u.name} has "${u.invalid.join(', ')}" in the extension field: not a dialable extension (digits, * # + only), ignored.`);
    if (users.length === 0) return warnings;
    const clashes = await this.#synced.writeUsers(users.map((u) => ({ id: ourId(u.externalId), login: ourId(u.externalId), name: u.name, externalId: u.externalId, extensions: u.extensions })));
    return [...warnings, ...clashes.map(clashInWords)];
  }

  /** Users deleted in SuiteCRM: kept (calls and notes name them) but inactive, their extensions freed. */
  deactivateUsers(externalIds: readonly string[]): Promise<number> {
    return this.#synced.deactivateUsers(externalIds.map(ourId));
  }

  /** SuiteCRM ids of the active synced users not in `seen`. */
  async activeUsersNotIn(seen: ReadonlySet<string>): Promise<string[]> {
    return (await this.#synced.users()).filter((u) => u.active).map((u) => u.externalId).filter((x): x is string => x !== null && !seen.has(x));
  }

  /** Our ids of every synced user (active or not: a record may still name an inactive owner). */
  async knownUserIds(): Promise<Set<string>> {
    return new Set((await this.#synced.users()).map((u) => u.id));
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
    const accounts = new Set((await this.#directory.recordOrigins('account', accountIds)).map((a) => a.id));
    const held = await this.#synced.storedInputs(type, records.map((r) => ourId(r.externalId)));
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
      const activity = before?.lastActivityAt ?? null;
      input.lastActivityAt = activity !== null && (edited === null || activity > edited) ? activity : edited;
      const changed = before === undefined || printOf(before) !== printOf(input) || activity !== input.lastActivityAt;
      return { input, changed };
    });
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
    return (await this.#synced.externalIds(type)).filter((x) => !seen.has(x));
  }

  /** Synced rows per kind, for the status page. */
  counts(): Promise<SourceCounts> {
    return this.#synced.counts();
  }
}

/** A record's content without its activity time, for comparison. */
function printOf(input: object): string {
  const { lastActivityAt: _, ...rest } = input as { lastActivityAt?: unknown };
  return JSON.stringify(rest);
}

/** A moved extension is news only when two SuiteCRM users list it: SuiteCRM is the truth, the last one listed keeps it. */
function clashInWords(clash: ExtensionClash): string {
  return clash.kind === 'listed-twice'
    ? `Extension ${clash.extension} is set on two SuiteCRM users, ${clash.first} and ${clash.last}; ${clash.last} has it now. Keep it on one of them.`
    : `Extension ${clash.extension} of SuiteCRM user ${clash.user} already belongs to the local user "${clash.holderLogin}"; it stays there. Remove it from one of them.`;
}
