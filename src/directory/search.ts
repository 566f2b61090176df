/**
 * The console's search box: by phone number (through the phone index) or by name (a prefix or
 * substring match, with the user's text bound as a parameter and its LIKE wildcards escaped).
 */
import { sql } from 'kysely';
import type { Directory } from './directory.ts';
import { findByPhone } from './lookup.ts';
import type { RecordType } from './record-types.ts';

export interface SearchHit {
  type: RecordType;
  id: string;
  name: string;
  account: string | null;
  owner: string | null;
  phones: { kind: string; number: string }[];
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchRecords(directory: Directory, query: string, limit = 25): Promise<SearchHit[]> {
  const q = query.trim().slice(0, 100);
  if (q.length === 0) return [];
  const digits = q.replace(/\D/g, '');
  let hits: { type: RecordType; id: string }[];
  if (digits.length >= 5 && digits.length >= q.replace(/[\s()+.\-/]/g, '').length - 1) {
    const res = await findByPhone(directory, q);
    hits = res.candidates.map((c) => ({ type: c.type, id: c.id }));
  } else {
    const pattern = `%${likeEscape(q.toLowerCase())}%`;
    const db = directory.store.db;
    const [contacts, leads, accounts] = await Promise.all([
      db.selectFrom('contacts').select('id').where(sql<boolean>`lower(first_name || ' ' || last_name) like ${pattern} escape '\\'`).orderBy('last_name').limit(limit).execute(),
      db.selectFrom('leads').select('id').where(sql<boolean>`lower(first_name || ' ' || last_name) like ${pattern} escape '\\'`).orderBy('last_name').limit(limit).execute(),
      db.selectFrom('accounts').select('id').where(sql<boolean>`lower(name) like ${pattern} escape '\\'`).orderBy('name').limit(limit).execute(),
    ]);
    hits = [...contacts.map((r) => ({ type: 'contact' as const, id: r.id })), ...leads.map((r) => ({ type: 'lead' as const, id: r.id })), ...accounts.map((r) => ({ type: 'account' as const, id: r.id }))];
  }
  const out: SearchHit[] = [];
  for (const h of hits.slice(0, limit)) {
    const card = await recordCard(directory, h.type, h.id);
    if (card) out.push(card);
  }
  return out;
}

/** One record as the console shows it: name, account, owner and phones. */
export async function recordCard(directory: Directory, type: RecordType, id: string): Promise<SearchHit | null> {
  const db = directory.store.db;
  let name: string;
  let account: string | null = null;
  let ownerId: string | null;
  if (type === 'account') {
    const r = await db.selectFrom('accounts').select(['name', 'assigned_user_id']).where('id', '=', id).executeTakeFirst();
    if (!r) return null;
    name = r.name;
    ownerId = r.assigned_user_id;
  } else if (type === 'contact') {
    const r = await db
      .selectFrom('contacts')
      .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
      .select(['contacts.first_name', 'contacts.last_name', 'contacts.assigned_user_id', 'accounts.name as account_name'])
      .where('contacts.id', '=', id)
      .executeTakeFirst();
    if (!r) return null;
    name = `${r.first_name} ${r.last_name}`.trim();
    account = r.account_name;
    ownerId = r.assigned_user_id;
  } else {
    const r = await db.selectFrom('leads').select(['first_name', 'last_name', 'account_name', 'assigned_user_id']).where('id', '=', id).executeTakeFirst();
    if (!r) return null;
    name = `${r.first_name} ${r.last_name}`.trim();
    account = r.account_name;
    ownerId = r.assigned_user_id;
  }
  const owner = ownerId ? ((await directory.userById(ownerId))?.name ?? null) : null;
  const phones = await db.selectFrom('phones').select(['kind', 'raw']).where('record_type', '=', type).where('record_id', '=', id).orderBy('position').execute();
  return { type, id, name, account, owner, phones: phones.map((p) => ({ kind: p.kind, number: p.raw })) };
}
