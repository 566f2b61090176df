/**
 * The fake SuiteCRM's data: records per module (raw values, as the database keeps them: text not
 * encoded, dates `YYYY-MM-DD HH:MM:SS` with their seconds), soft deletes, the link tables, and a
 * clock. Ids are kept sorted per module, so that keyset paging over 100k records stays cheap.
 */
import { randomBytes } from 'node:crypto';
import { dbDateTime } from './render.ts';
import { buildModules, DATE_FIELDS, LINKS, readFixture, type ModuleDef, type RecordingSet } from './modules.ts';

export interface FakeRecord {
  id: string;
  module: string;
  attrs: Record<string, unknown>;
  deleted: boolean;
}

export interface FakeUserLogin {
  userName: string;
  password: string;
  isAdmin: boolean;
}

/** A SuiteCRM-style id: 36 characters, hex in uuid groups. */
export function suiteId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class FakeStore {
  readonly modules: Map<string, ModuleDef>;
  readonly #records = new Map<string, Map<string, FakeRecord>>();
  readonly #sortedIds = new Map<string, string[]>();
  /** `Module.link` -> id -> related ids, in link order. */
  readonly #links = new Map<string, Map<string, string[]>>();
  /** user_name -> login data, for password grants and v4_1. */
  readonly logins = new Map<string, FakeUserLogin & { id: string }>();
  /** Where SuiteCRM 8.7.1 answered otherwise than 7.14.6 in the recordings, beyond paths and custom fields. */
  readonly quirks: { callContactName: 'full name' | 'last name'; currencyName: string };
  /** Bumped by every write: list caches key on it. */
  version = 0;
  now: () => number;
  newId: () => string;

  constructor(options: { now: () => number; newId: () => string; fixture: boolean; recordings?: RecordingSet }) {
    this.now = options.now;
    this.newId = options.newId;
    const fixture = readFixture(options.recordings);
    // 8.7.1: a Call's `contact_name` is the contact's last name (files 73, 79, 80); v4_1 login's currency "US Dollar" (file 100).
    this.quirks = options.recordings === 'suitecrm8-api' ? { callContactName: 'last name', currencyName: 'US Dollar' } : { callContactName: 'full name', currencyName: 'US Dollars' };
    this.modules = buildModules(fixture, options.recordings);
    for (const name of this.modules.keys()) {
      this.#records.set(name, new Map());
      this.#sortedIds.set(name, []);
    }
    if (!options.fixture) return;
    const dbModified = new Map(fixture.summary.map((s) => [s.id, s.db_date_modified_utc]));
    for (const [module, records] of Object.entries(fixture.records)) {
      for (const r of records) {
        const attrs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.attributes)) attrs[k] = typeof v === 'string' ? decodeEntities(v) : v;
        attrs['date_entered'] = isoToDb(r.attributes['date_entered']);
        attrs['date_modified'] = dbModified.get(r.id) ?? isoToDb(r.attributes['date_modified']);
        this.insert(module, r.id, attrs);
      }
    }
    for (const s of fixture.summary) {
      if (s.module !== 'Users' || !s.user_name) continue;
      this.logins.set(s.user_name, { id: s.id, userName: s.user_name, password: 'password', isAdmin: s.id === '1' });
      // What v8 hides and /Api/V8/current-user and v4_1 show (recording 15).
      Object.assign(this.get('Users', s.id)!.attrs, {
        user_name: s.user_name,
        system_generated_password: '0',
        pwd_last_changed: '',
        authenticate_id: '',
        sugar_login: '1',
        is_admin: s.id === '1' ? '1' : '0',
        external_auth_only: '0',
        status: 'Active',
      });
    }
  }

  def(module: string): ModuleDef {
    const d = this.modules.get(module);
    if (!d) throw new Error(`fake SuiteCRM: no module ${module}`);
    return d;
  }

  /** The module a path names: `Contacts` or the bean name `Contact`. */
  resolveModule(name: string): ModuleDef | undefined {
    return this.modules.get(name) ?? [...this.modules.values()].find((m) => m.singular === name);
  }

  nowDb(): string {
    return dbDateTime(this.now());
  }

  get(module: string, id: string, includeDeleted = false): FakeRecord | undefined {
    const r = this.#records.get(module)?.get(id);
    return r && (includeDeleted || !r.deleted) ? r : undefined;
  }

  /** Records in id order (deleted ones too: callers filter). */
  *inIdOrder(module: string, afterId?: string): Generator<FakeRecord> {
    const ids = this.#sortedIds.get(module)!;
    const map = this.#records.get(module)!;
    let i = afterId === undefined ? 0 : upperBound(ids, afterId);
    for (; i < ids.length; i++) yield map.get(ids[i]!)!;
  }

  count(module: string): number {
    return this.#sortedIds.get(module)!.length;
  }

  insert(module: string, id: string, attrs: Record<string, unknown>): FakeRecord {
    const map = this.#records.get(module)!;
    const record: FakeRecord = { id, module, attrs, deleted: false };
    if (!map.has(id)) {
      const ids = this.#sortedIds.get(module)!;
      ids.splice(upperBound(ids, id), 0, id);
    }
    map.set(id, record);
    this.version++;
    return record;
  }

  /** Inserts many records already sorted by id after every existing one (generated data). */
  appendSorted(module: string, records: { id: string; attrs: Record<string, unknown> }[]): void {
    const map = this.#records.get(module)!;
    const ids = this.#sortedIds.get(module)!;
    for (const r of records) {
      if (ids.length > 0 && ids[ids.length - 1]! >= r.id) throw new Error('appendSorted: ids out of order');
      map.set(r.id, { id: r.id, module, attrs: r.attrs, deleted: false });
      ids.push(r.id);
    }
    this.version++;
  }

  /** A record as the API creates it: defaults, then the attributes given, stamped now. */
  create(module: string, attrs: Record<string, unknown>, byUser = '1', id = this.newId()): FakeRecord {
    const now = this.nowDb();
    return this.insert(module, id, { ...attrs, created_by: byUser, modified_user_id: byUser, date_entered: now, date_modified: now });
  }

  /** Changes attributes and bumps date_modified, as an edit in SuiteCRM does. */
  update(module: string, id: string, attrs: Record<string, unknown>): FakeRecord | undefined {
    const r = this.get(module, id);
    if (!r) return undefined;
    Object.assign(r.attrs, attrs, { date_modified: this.nowDb() });
    this.version++;
    return r;
  }

  /** Soft delete: `deleted=1`, date_modified bumped (what v4_1 `deleted: 1` then shows). */
  softDelete(module: string, id: string): boolean {
    const r = this.get(module, id);
    if (!r) return false;
    r.deleted = true;
    r.attrs['deleted'] = '1';
    r.attrs['date_modified'] = this.nowDb();
    this.version++;
    return true;
  }

  link(module: string, id: string, linkName: string, relatedId: string): void {
    const pair = LINKS.find(([m, l, m2, l2]) => (m === module && l === linkName) || (m2 === module && l2 === linkName));
    if (!pair) throw new Error(`fake SuiteCRM: no link ${module}.${linkName}`);
    const [m1, l1, m2, l2] = pair;
    const [a, b] = m1 === module ? [id, relatedId] : [relatedId, id];
    add(this.#linkMap(`${m1}.${l1}`), a, b);
    add(this.#linkMap(`${m2}.${l2}`), b, a);
  }

  /** Removes a link both ways (SuiteCRM marks the row of the link table deleted). */
  unlink(module: string, id: string, linkName: string, relatedId: string): void {
    const pair = LINKS.find(([m, l, m2, l2]) => (m === module && l === linkName) || (m2 === module && l2 === linkName));
    if (!pair) throw new Error(`fake SuiteCRM: no link ${module}.${linkName}`);
    const [m1, l1, m2, l2] = pair;
    const [a, b] = m1 === module ? [id, relatedId] : [relatedId, id];
    remove(this.#linkMap(`${m1}.${l1}`), a, b);
    remove(this.#linkMap(`${m2}.${l2}`), b, a);
    this.version++;
  }

  /** Related ids through a link (deleted records left out), or null when the module has no such link. */
  related(module: string, id: string, linkName: string): { module: string; ids: string[] } | null {
    const pair = LINKS.find(([m, l, m2, l2]) => (m === module && l === linkName) || (m2 === module && l2 === linkName));
    if (!pair) return null;
    const other = pair[0] === module && pair[1] === linkName ? pair[2] : pair[0];
    const ids = (this.#links.get(`${module}.${linkName}`)?.get(id) ?? []).filter((x) => this.get(other, x) !== undefined);
    return { module: other, ids };
  }

  #linkMap(key: string): Map<string, string[]> {
    let m = this.#links.get(key);
    if (!m) this.#links.set(key, (m = new Map()));
    return m;
  }
}

function add(map: Map<string, string[]>, from: string, to: string): void {
  const list = map.get(from) ?? [];
  if (!list.includes(to)) list.push(to);
  map.set(from, list);
}

function remove(map: Map<string, string[]>, from: string, to: string): void {
  const list = map.get(from);
  if (list) map.set(from, list.filter((x) => x !== to));
}

function upperBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isoToDb(value: unknown): string {
  if (typeof value !== 'string') return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)/.exec(value);
  if (!m) return '';
  return `${m[1]} ${m[2]!.length === 5 ? `${m[2]}:00` : m[2]}`;
}

function decodeEntities(text: string): string {
  return text.replace(/&#039;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export { DATE_FIELDS };
