/**
 * Writes many records at once (imports, seeding, CRM sync): batches of multi-row upserts, each batch
 * one transaction with its phone-index rows, so the index never disagrees with the records.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSchema } from '../store/schema.ts';
import type { RecordType } from './record-types.ts';
import type { AccountInput, ContactInput, Directory, LeadInput } from './directory.ts';
import { phoneKeys } from './phone-keys.ts';
import { NO_CARD, accountRenamedOnPhones, readCards, type PhoneCard } from './phone-cards.ts';
import { writing } from './write-generation.ts';

export type RecordInput<T extends RecordType> = T extends 'account' ? AccountInput : T extends 'contact' ? ContactInput : LeadInput;

export interface BulkResult {
  created: number;
  updated: number;
  ids: string[];
}

const TABLE = { contact: 'contacts', account: 'accounts', lead: 'leads' } as const;
const DEFAULT_BATCH = 400;
const ANALYZE_AFTER_ROWS = 1000;

export async function bulkUpsert<T extends RecordType>(
  directory: Directory,
  type: T,
  inputs: readonly RecordInput<T>[],
  options: { batchSize?: number; onProgress?: (done: number) => void; /** Refresh planner statistics after a big load. Default true. */ analyze?: boolean } = {},
): Promise<BulkResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const result: BulkResult = { created: 0, updated: 0, ids: [] };
  for (let start = 0; start < inputs.length; start += batchSize) {
    const batch = inputs.slice(start, start + batchSize);
    const { created, ids } = await writeBatch(directory, type, batch);
    result.created += created;
    result.updated += batch.length - created;
    result.ids.push(...ids);
    options.onProgress?.(Math.min(start + batchSize, inputs.length));
  }
  // Fresh statistics after a big load (see Directory.refreshStatistics).
  if ((options.analyze ?? true) && inputs.length >= ANALYZE_AFTER_ROWS) await directory.refreshStatistics();
  return result;
}

async function writeBatch<T extends RecordType>(directory: Directory, type: T, batch: readonly RecordInput<T>[]): Promise<{ created: number; ids: string[] }> {
  const now = new Date().toISOString();
  const table = TABLE[type];
  // Last one wins when a batch names the same id twice (as a re-import would).
  const byId = new Map<string, RecordInput<T>>();
  for (const input of batch) byId.set(input.id ?? randomUUID(), input);
  const ids = [...byId.keys()];
  const rows: Record<string, unknown>[] = [];
  const phoneRows: Omit<DatabaseSchema['phones'], keyof PhoneCard>[] = [];
  for (const [id, input] of byId) {
    rows.push({
      id,
      ...columnsOf(type, input),
      assigned_user_id: input.assignedUserId ?? null,
      source: input.source ?? 'embedded',
      external_id: input.externalId ?? null,
      created_at: now,
      updated_at: now,
      last_activity_at: input.lastActivityAt ?? null,
    });
    (input.phones ?? [])
      .filter((p) => p.number.trim().length > 0)
      .forEach((p, position) => phoneRows.push({ record_type: type, record_id: id, position, kind: p.kind, raw: p.number, ...phoneKeys(p.number, directory.defaultRegion) }));
  }
  return writing(directory.store, () => directory.store.db.transaction().execute(async (trx) => {
    // All three tables share `id` and the upsert shape; typing them as one keeps Kysely's checks on the rest.
    const t = table as 'contacts';
    // An account's old name tells whether its contacts' cards change.
    const found = (await trx.selectFrom(table as 'accounts').select(type === 'account' ? ['id', 'name'] : ['id']).where('id', 'in', ids).execute()) as { id: string; name?: string }[];
    const existing = new Set(found.map((r) => r.id));
    const updateCols = Object.keys(rows[0] ?? {}).filter((c) => c !== 'id' && c !== 'created_at');
    await trx
      .insertInto(t)
      .values(rows as never)
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => Object.fromEntries(updateCols.map((c) => [c, eb.ref(`excluded.${c}` as 'excluded.first_name')])) as never))
      .execute();
    await trx.deleteFrom('phones').where('record_type', '=', type).where('record_id', 'in', ids).execute();
    // Each phone row carries its record's card as the tables now say (owners' and accounts' names included).
    const cards = phoneRows.length > 0 ? await readCards(trx, type, ids) : new Map<string, PhoneCard>();
    const withCards = phoneRows.map((p) => ({ ...p, ...(cards.get(p.record_id) ?? NO_CARD) }));
    // Phone rows may outnumber records; keep each statement under the engines' parameter limits (20 columns a row).
    for (let i = 0; i < withCards.length; i += 1000) await trx.insertInto('phones').values(withCards.slice(i, i + 1000)).execute();
    if (type === 'account') {
      for (const before of found) {
        const name = (byId.get(before.id) as AccountInput).name;
        if (before.name !== name) await accountRenamedOnPhones(trx, before.id, name);
      }
    }
    return { created: ids.filter((id) => !existing.has(id)).length, ids };
  }));
}

function columnsOf(type: RecordType, input: AccountInput | ContactInput | LeadInput): Record<string, string | null> {
  switch (type) {
    case 'account':
      return { name: (input as AccountInput).name };
    case 'contact': {
      const c = input as ContactInput;
      return { first_name: c.firstName ?? '', last_name: c.lastName ?? '', account_id: c.accountId ?? null };
    }
    case 'lead': {
      const l = input as LeadInput;
      return { first_name: l.firstName ?? '', last_name: l.lastName ?? '', account_name: l.accountName ?? null, status: l.status ?? null };
    }
  }
}
