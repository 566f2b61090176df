/**
 * The fake's legacy REST v4_1 (`POST /service/v4_1/rest.php`, form-encoded `method` and
 * `rest_data`): always HTTP 200, errors as `{name, number, description}`, compact JSON with PHP's
 * escaping, database values (dates with their seconds, text HTML-encoded). `get_entry_list` takes a
 * small subset of SQL in `query` (`table.field <op> 'value'` joined by AND or OR); a sub-select is
 * refused as SuiteCRM refuses it (recording 109). `deleted: 1` lists only deleted rows.
 */
import { createHash, randomBytes } from 'node:crypto';
import { matcher } from './v8-list.ts';
import { parseForm } from './php-query.ts';
import { CT_JSON_UTF8, htmlEncode, phpCompact, type FakeAnswer } from './render.ts';
import type { FakeRecord, FakeStore } from './store.ts';

const INVALID_SESSION = { name: 'Invalid Session ID', number: 11, description: 'The session ID is invalid' };
const ACCESS_DENIED = { name: 'Access Denied', number: 40, description: 'You do not have access' };
const DATABASE_FAILURE = Symbol('database failure');
const V4_NOT_COLUMNS: Record<string, readonly string[]> = { Contacts: ['account_id'] };

export class FakeLegacy {
  readonly #store: FakeStore;
  readonly #sessions = new Map<string, string>();
  /** `suitecrm_version` of get_server_info: the version the fake is now. */
  readonly #release: () => string;

  constructor(store: FakeStore, release: () => string = () => '7.14.6') {
    this.#store = store;
    this.#release = release;
  }

  handle(body: string): FakeAnswer {
    const form = parseForm(body);
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(form['rest_data'] ?? '{}') as Record<string, unknown>;
    } catch {
      data = {};
    }
    const out = (value: unknown): FakeAnswer => ({ status: 200, contentType: CT_JSON_UTF8, body: phpCompact(value) });
    const method = form['method'];
    if (method === 'login') return out(this.#login(data));
    // Needs no session (SugarWebServiceImplv3::get_server_info; seen on a real SuiteCRM 8.7.1, not recorded).
    if (method === 'get_server_info') return out({ flavor: 'CE', version: '6.5.25', suitecrm_version: this.#release(), gmt_time: this.#store.nowDb() });
    const userId = this.#sessions.get(String(data['session']));
    if (userId === undefined) return out(INVALID_SESSION);
    switch (method) {
      case 'logout':
        this.#sessions.delete(String(data['session']));
        return out(null);
      case 'get_entry_list': {
        const list = this.#entryList(data);
        // A column the database lacks: MariaDB's error becomes PHP's bare text, HTTP 500 (SuiteCRM 8.7.1, recording 104).
        return list === DATABASE_FAILURE ? { status: 500, contentType: 'text/html; charset=UTF-8', body: 'Database failure. Please refer to suitecrm.log for details.' } : out(list);
      }
      case 'set_entry':
        return out(this.#setEntry(data, userId));
      case 'set_relationship':
        return out(this.#setRelationship(data));
      case 'get_relationships':
        return out(this.#getRelationships(data));
      default:
        return out({ name: 'Invalid method', number: 1000, description: 'Unknown method' });
    }
  }

  #login(data: Record<string, unknown>): unknown {
    const auth = (data['user_auth'] ?? {}) as { user_name?: string; password?: string };
    const login = this.#store.logins.get(auth.user_name ?? '');
    if (!login || createHash('md5').update(login.password).digest('hex') !== auth.password) {
      return { name: 'Invalid Login', number: 10, description: 'Login attempt failed please check the username and password' };
    }
    const session = randomBytes(20).toString('base64').replace(/[^a-z0-9]/g, '').padEnd(26, 'x').slice(0, 26);
    this.#sessions.set(session, login.id);
    const nv = (name: string, value: unknown) => [name, { name, value }] as const;
    return {
      id: session,
      module_name: 'Users',
      name_value_list: Object.fromEntries([
        nv('user_id', login.id),
        nv('user_name', login.userName),
        nv('user_language', 'en_us'),
        nv('user_currency_id', null),
        nv('user_is_admin', login.isAdmin),
        nv('user_default_team_id', null),
        nv('user_default_dateformat', 'm/d/Y'),
        nv('user_default_timeformat', 'H:i'),
        nv('user_number_separator', ','),
        nv('user_decimal_separator', '.'),
        nv('mobile_max_list_entries', null),
        nv('mobile_max_subpanel_entries', null),
        nv('user_currency_name', this.#store.quirks.currencyName),
      ]),
    };
  }

  #values(r: FakeRecord, fields: unknown): Record<string, { name: string; value: unknown }> {
    const def = this.#store.def(r.module);
    const out: Record<string, { name: string; value: unknown }> = {};
    for (const f of Array.isArray(fields) ? (fields as string[]) : def.order) {
      if (f !== 'id' && !def.order.includes(f) && !def.hidden.has(f)) continue;
      // A relate field, not a column: v4_1 leaves it out when empty (SuiteCRM 8.7.1's 113 asked for a deleted contact's account_id).
      if (V4_NOT_COLUMNS[r.module]?.includes(f) && (r.attrs[f] ?? '') === '') continue;
      const raw = f === 'id' ? r.id : (r.attrs[f] ?? def.defaults[f] ?? '');
      out[f] = { name: f, value: typeof raw === 'string' ? htmlEncode(raw) : raw };
    }
    return out;
  }

  #entryList(data: Record<string, unknown>): unknown | typeof DATABASE_FAILURE {
    const def = this.#store.resolveModule(String(data['module_name']));
    if (!def) return { name: 'Module Does Not Exist', number: 20, description: 'This module is not available on this server' };
    const query = String(data['query'] ?? '');
    if (/\bselect\b/i.test(query)) return ACCESS_DENIED;
    const where = parseWhere(query);
    if (where === null) return ACCESS_DENIED;
    // `users_cstm.asterisk_ext_c`: a custom field is a column of `<table>_cstm` only once it was added.
    for (const column of where.columns) if (column !== 'id' && column !== 'deleted' && !def.order.includes(column) && !def.hidden.has(column)) return DATABASE_FAILURE;
    const deleted = Number(data['deleted'] ?? 0) === 1;
    let rows: FakeRecord[] = [];
    for (const r of this.#store.inIdOrder(def.name)) if (r.deleted === deleted && where.test(r)) rows.push(r);
    const order = /^(?:\w+\.)?(\w+)(?:\s+(ASC|DESC))?$/i.exec(String(data['order_by'] ?? '').trim());
    if (order) {
      const field = order[1]!;
      rows = rows.sort((a, b) => String(a.attrs[field] ?? '').localeCompare(String(b.attrs[field] ?? '')) || (a.id < b.id ? -1 : 1));
      if (order[2]?.toUpperCase() === 'DESC') rows.reverse();
    }
    const offset = Number(data['offset'] ?? 0) || 0;
    const max = Number(data['max_results'] ?? 20) || 20;
    const page = rows.slice(offset, offset + max);
    return {
      result_count: page.length,
      // A string, except an integer 0 when nothing matched (recordings 102, 103).
      total_count: rows.length === 0 ? 0 : String(rows.length),
      next_offset: offset + page.length,
      entry_list: page.map((r) => ({ id: r.id, module_name: def.name, name_value_list: this.#values(r, data['select_fields']) })),
      relationship_list: [],
    };
  }

  #setEntry(data: Record<string, unknown>, userId: string): unknown {
    const def = this.#store.resolveModule(String(data['module_name']));
    if (!def) return { name: 'Module Does Not Exist', number: 20, description: 'This module is not available on this server' };
    const list = data['name_value_list'];
    const pairs: { name: string; value: unknown }[] = Array.isArray(list) ? (list as { name: string; value: unknown }[]) : Object.values((list ?? {}) as Record<string, { name: string; value: unknown }>);
    const values: Record<string, unknown> = {};
    let id: string | undefined;
    for (const p of pairs) {
      if (p.name === 'id') id = String(p.value);
      else values[p.name] = typeof p.value === 'number' ? String(p.value) : p.value;
    }
    if (def.name === 'Calls' && typeof values['date_start'] === 'string' && values['date_start'] !== '') {
      const ms = Date.parse(`${values['date_start'].replace(' ', 'T')}Z`) + (Number(values['duration_hours']) || 0) * 3_600_000 + (Number(values['duration_minutes']) || 0) * 60_000;
      values['date_end'] = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    }
    const r = id !== undefined && this.#store.get(def.name, id) ? this.#store.update(def.name, id, values)! : this.#store.create(def.name, values, userId);
    return { id: r.id, entry_list: Object.fromEntries(pairs.map((p) => [p.name, { name: p.name, value: p.value }])) };
  }

  #setRelationship(data: Record<string, unknown>): unknown {
    const def = this.#store.resolveModule(String(data['module_name']));
    const id = String(data['module_id']);
    const link = String(data['link_field_name']);
    let created = 0;
    let failed = 0;
    for (const rid of (data['related_ids'] ?? []) as string[]) {
      try {
        if (!def || !this.#store.get(def.name, id)) throw new Error('no record');
        this.#store.link(def.name, id, link, rid);
        created++;
      } catch {
        failed++;
      }
    }
    return { created, failed, deleted: 0 };
  }

  #getRelationships(data: Record<string, unknown>): unknown {
    const def = this.#store.resolveModule(String(data['module_name']));
    const related = def ? this.#store.related(def.name, String(data['module_id']), String(data['link_field_name'])) : null;
    const entries = (related?.ids ?? []).map((rid) => {
      const r = this.#store.get(related!.module, rid)!;
      return { id: rid, module_name: related!.module, name_value_list: this.#values(r, data['related_fields']) };
    });
    return { entry_list: entries, relationship_list: [] };
  }
}

/** `a.x = '1' OR a.y LIKE '%2'`: conditions joined by one kind of AND/OR, and the columns named; null when not understood. */
function parseWhere(query: string): { test: (r: FakeRecord) => boolean; columns: string[] } | null {
  const text = query.trim();
  if (text === '') return { test: () => true, columns: [] };
  const columns: string[] = [];
  const cond = /^\s*(?:\w+\.)?(\w+)\s*(=|!=|<>|>=|<=|>|<|LIKE)\s*'((?:[^']|'')*)'\s*/i;
  const tests: ((r: FakeRecord) => boolean)[] = [];
  const joins: string[] = [];
  let rest = text;
  for (;;) {
    const m = cond.exec(rest);
    if (m === null) return null;
    const op = { '=': 'eq', '!=': 'neq', '<>': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' }[m[2]!.toUpperCase()] ?? 'like';
    columns.push(m[1]!);
    tests.push(matcher(m[1]!, op, m[3]!.replace(/''/g, "'")));
    rest = rest.slice(m[0].length);
    if (rest === '') break;
    const j = /^(AND|OR)\s+/i.exec(rest);
    if (j === null) return null;
    joins.push(j[1]!.toUpperCase());
    rest = rest.slice(j[0].length);
  }
  const any = joins.includes('OR');
  return { test: (r) => (any ? tests.some((t) => t(r)) : tests.every((t) => t(r))), columns };
}
