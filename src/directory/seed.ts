/**
 * Loads the generated demo directory (demo-data.ts) into a store: the four agents first, then
 * accounts, contacts and leads in batches, streaming, so a million contacts need no more memory
 * than a thousand. Idempotent: demo records have fixed ids (`demo-c-0000001`), so seeding again
 * updates them.
 */
import { ErrorCodes, isCrmTelephonyError } from '../errors.ts';
import { bulkUpsert, type RecordInput } from './bulk-write.ts';
import { demoCounts, demoUsers, generateDemoAccounts, iterateDemoContacts, iterateDemoLeads, type DemoContact, type DemoOptions } from './demo-data.ts';
import type { Directory, User } from './directory.ts';
import type { RecordType } from './record-types.ts';

export interface SeedOptions extends Omit<DemoOptions, 'region'> {
  /** Given to all four demo users; without it they get no password (and cannot sign in). */
  password?: string;
  /** Records per write transaction; below 1000 so that bulkUpsert does not ANALYZE every batch. */
  batchSize?: number;
  /** Records written so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  users: User[];
  /** Demo users whose extension belonged to someone else: seeded without touching extensions. */
  extensionConflicts: string[];
  accounts: number;
  contacts: number;
  leads: number;
  created: number;
  updated: number;
  /** A generated contact's phone, for trying `lookup` (null when there are no contacts). */
  example: { id: string; name: string; number: string; e164: string } | null;
  elapsedMs: number;
}

const DEFAULT_BATCH = 999;
const MAX_BATCH = 999;

export async function seedDemoDirectory(directory: Directory, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const demo: DemoOptions = { contacts: options.contacts, seed: options.seed ?? 1, region: directory.defaultRegion };
  const batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH, MAX_BATCH));
  const counts = demoCounts(options.contacts);
  const total = counts.accounts + counts.contacts + counts.leads;
  const result: SeedResult = { users: [], extensionConflicts: [], ...counts, created: 0, updated: 0, example: null, elapsedMs: 0 };

  // Demo records name the demo users' ids; the store may already know these logins by other ids.
  const userIds = new Map<string, string>();
  for (const user of demoUsers()) {
    const input = options.password ? { ...user, password: options.password } : user;
    let written;
    try {
      written = await directory.upsertUser(input);
    } catch (err) {
      if (!isCrmTelephonyError(err, ErrorCodes.DIRECTORY_ERR_CONFLICT)) throw err;
      result.extensionConflicts.push(user.login);
      written = await directory.upsertUser({ ...input, extensions: undefined });
    }
    userIds.set(user.id!, written.id);
  }
  result.users = (await Promise.all(demoUsers().map((u) => directory.userByLogin(u.login)))).filter((u): u is User => u !== undefined);

  let done = 0;
  const write = async <T extends RecordType>(type: T, records: Iterable<RecordInput<T>>): Promise<void> => {
    let batch: RecordInput<T>[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const r = await bulkUpsert(directory, type, batch, { batchSize: batch.length });
      result.created += r.created;
      result.updated += r.updated;
      done += batch.length;
      batch = [];
      options.onProgress?.(done, total);
    };
    for (const record of records) {
      const owner = record.assignedUserId ? (userIds.get(record.assignedUserId) ?? null) : null;
      batch.push({ ...record, assignedUserId: owner });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  };

  const accounts = generateDemoAccounts(demo);
  await write('account', accounts);
  await write('contact', withExample(iterateDemoContacts(demo, accounts), result));
  await write('lead', iterateDemoLeads(demo, accounts));
  // One fresh set of planner statistics after the load (see Directory.refreshStatistics).
  if (total > 0) await directory.refreshStatistics();
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}

/** Passes contacts through, remembering the first one's first real number as an example. */
function* withExample(contacts: Iterable<DemoContact>, result: SeedResult): Generator<RecordInput<'contact'>> {
  for (const c of contacts) {
    if (result.example === null) {
      const phone = c.phones.find((p) => p.e164 !== null);
      if (phone) result.example = { id: c.id, name: `${c.firstName ?? ''} ${c.lastName ?? ''}`.trim(), number: phone.number, e164: phone.e164! };
    }
    yield c;
  }
}
