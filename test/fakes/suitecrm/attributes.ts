/**
 * A record's attributes as API v8 shows them: vardef order, the values computed from other records
 * (names, the account's name, the parent's name, the first linked contact), then encoded (text
 * HTML-encoded, database dates as ISO with :00).
 */
import { displayDate, v8Value } from './render.ts';
import type { FakeRecord, FakeStore } from './store.ts';

export type View = 'get' | 'create' | 'patch' | 'current-user';

function fullName(store: FakeStore, module: string, id: unknown): string {
  if (typeof id !== 'string' || id === '') return '';
  const r = store.get(module, id);
  if (!r) return '';
  if (module === 'Accounts') return String(r.attrs['name'] ?? '');
  return [r.attrs['first_name'], r.attrs['last_name']].map((x) => String(x ?? '').trim()).filter((x) => x !== '').join(' ');
}

/** Raw values computed from other fields or records. */
function derived(store: FakeStore, r: FakeRecord, view: View): Record<string, unknown> {
  const a = r.attrs;
  const out: Record<string, unknown> = {};
  if (r.module === 'Contacts' || r.module === 'Leads' || r.module === 'Users') {
    const name = fullName(store, r.module, r.id);
    out['full_name'] = name;
    out['name'] = name;
  }
  if ('assigned_user_id' in a || r.module !== 'Users') out['assigned_user_name'] = fullName(store, 'Users', a['assigned_user_id']);
  out['created_by_name'] = fullName(store, 'Users', a['created_by']);
  out['modified_by_name'] = fullName(store, 'Users', a['modified_user_id']);
  if (r.module === 'Contacts') out['account_name'] = fullName(store, 'Accounts', a['account_id']);
  if (r.module === 'Calls') {
    // The PATCH answer leaves parent_name empty; a GET fills it (recordings 73, 80).
    out['parent_name'] = view === 'patch' ? '' : fullName(store, String(a['parent_type'] ?? ''), a['parent_id']);
    const contacts = store.related('Calls', r.id, 'contacts')?.ids ?? [];
    out['contact_id'] = contacts[0] ?? '';
    out['contact_name'] = store.quirks.callContactName === 'full name' ? fullName(store, 'Contacts', contacts[0]) : String(store.get('Contacts', contacts[0] ?? '')?.attrs['last_name'] ?? '');
  }
  return out;
}

/** The `attributes` object: all visible attributes, or the `fields[]` asked for, in vardef order. */
export function renderAttributes(store: FakeStore, r: FakeRecord, fields: readonly string[] | null, view: View = 'get'): Record<string, unknown> {
  const def = store.def(r.module);
  const computed = derived(store, r, view);
  const order = view === 'current-user' ? def.fullOrder : def.order;
  const wanted = fields === null ? null : new Set(fields);
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (wanted !== null && !wanted.has(key)) continue;
    if (view !== 'current-user' && def.hidden.has(key)) continue;
    const raw = key === 'id' ? r.id : key in computed ? computed[key] : key in r.attrs ? r.attrs[key] : def.defaults[key];
    // current-user is built another way: display-format dates, and a false flag shows as "" (recording 15).
    out[key] = view === 'current-user' ? (raw === false ? '' : displayDate(raw ?? '')) : v8Value(raw ?? '');
  }
  return out;
}

/** `relationships`: links only. Their path repeats the request's module segment, or none (POST/PATCH). */
export function renderRelationships(store: FakeStore, r: FakeRecord, pathModule: string | null, currentUser = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, link] of store.def(r.module).relationships) {
    const related = currentUser ? `V8/current-user/relationships/${link}` : `V8/module/${pathModule === null ? '' : `${pathModule}/`}${r.id}/relationships/${link}`;
    out[name] = { links: { related } };
  }
  return out;
}

export function renderItem(store: FakeStore, r: FakeRecord, fields: readonly string[] | null, pathModule: string | null, view: View = 'get'): Record<string, unknown> {
  return { type: store.def(r.module).singular, id: r.id, attributes: renderAttributes(store, r, fields, view), relationships: renderRelationships(store, r, pathModule) };
}
