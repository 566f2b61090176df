/**
 * Big directories for the fake SuiteCRM (benchmarks, paging tests): accounts and contacts from the
 * product's own demo generator (numbers written the many ways people type them), as SuiteCRM
 * records owned by the fixture's agents. Ids sort after the fixture's, so they are appended in
 * order without re-sorting 100k ids.
 */
import { generateDemoAccounts, iterateDemoContacts } from '../../../src/directory/demo-data.ts';
import type { CountryCode } from '../../../src/phone/types.ts';
import { dbDateTime } from './render.ts';
import type { FakeStore } from './store.ts';

const FIELD_OF_KIND: Record<string, string> = { work: 'phone_work', mobile: 'phone_mobile', home: 'phone_home', other: 'phone_other', fax: 'phone_fax', office: 'phone_office', alternate: 'phone_alternate' };
const OWNERS: Record<string, string> = { 'demo-user-alice': '6d6813b5-4321-83dd-a2d2-6b049619527b', 'demo-user-bob': 'cbd154c0-b27d-c88e-802e-6b04962eaacb' };

const genId = (prefix: string, i: number): string => `${prefix}${i.toString(16).padStart(6, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export interface GenerateOptions {
  contacts: number;
  seed?: number;
  region?: CountryCode;
}

/** Adds accounts (one per ten contacts) and contacts; returns their ids. */
export function generateRecords(store: FakeStore, options: GenerateOptions): { accounts: string[]; contacts: string[] } {
  const demo = { contacts: options.contacts, seed: options.seed ?? 1, region: options.region ?? 'RU' };
  // Spread over the past, a record a minute, as a CRM's data is: not all edited this very minute.
  const now = store.now();
  const total = options.contacts + Math.round(options.contacts / 10);
  let k = 0;
  const when = (): string => dbDateTime(now - (total - k++) * 60_000);
  const accounts = generateDemoAccounts(demo);
  const accountIds = new Map<string, string>();
  const accountRows = accounts.map((a, i) => {
    const id = genId('fa', i);
    accountIds.set(a.id, id);
    const at = when();
    const attrs: Record<string, unknown> = { name: a.name, assigned_user_id: OWNERS[a.assignedUserId ?? ''] ?? '', date_entered: at, date_modified: at, created_by: '1', modified_user_id: '1' };
    for (const p of a.phones) attrs[FIELD_OF_KIND[p.kind] ?? 'phone_office'] ??= p.number;
    return { id, attrs };
  });
  store.appendSorted('Accounts', accountRows);
  const contactRows: { id: string; attrs: Record<string, unknown> }[] = [];
  let i = 0;
  for (const c of iterateDemoContacts(demo, accounts)) {
    const at = when();
    const attrs: Record<string, unknown> = {
      first_name: c.firstName ?? '',
      last_name: c.lastName ?? '',
      account_id: c.accountId ? (accountIds.get(c.accountId) ?? '') : '',
      assigned_user_id: OWNERS[c.assignedUserId ?? ''] ?? '',
      date_entered: at,
      date_modified: at,
      created_by: '1',
      modified_user_id: '1',
    };
    for (const p of c.phones) attrs[FIELD_OF_KIND[p.kind] ?? 'phone_other'] ??= p.number;
    contactRows.push({ id: genId('fb', i++), attrs });
  }
  store.appendSorted('Contacts', contactRows);
  return { accounts: accountRows.map((r) => r.id), contacts: contactRows.map((r) => r.id) };
}
