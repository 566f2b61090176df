/**
 * The lookup's one query, compiled once by Kysely and then run as a prepared statement straight on
 * the driver: a screen pop must not pay for query building on every ring. The SQL is the same for
 * both engines (Kysely writes each one's placeholders); only how it is executed differs.
 */
import { sql, type CompiledQuery } from 'kysely';
import type { Store } from '../store/store.ts';
import type { PhoneKind, RecordType } from './record-types.ts';
import type { PhoneIndexKeys } from './phone-keys.ts';

export interface PhoneRow {
  record_type: RecordType;
  record_id: string;
  kind: PhoneKind;
  raw: string;
  e164_key: string | null;
  national_key: string | null;
  suffix_key: string | null;
  c_first: string | null;
  c_last: string | null;
  c_account_id: string | null;
  c_account_name: string | null;
  a_name: string | null;
  l_first: string | null;
  l_last: string | null;
  l_account_name: string | null;
  owner_id: string | null;
  owner_login: string | null;
  owner_name: string | null;
  last_activity_at: string | null;
  source: string | null;
  external_id: string | null;
}

export type PhoneRowsReader = (keys: Omit<PhoneIndexKeys, 'extension'>) => Promise<PhoneRow[]>;

// Placeholder values that mark where each key goes among the compiled parameters.
const E164 = '\u0000e164';
const NATIONAL = '\u0000national';
const SUFFIX = '\u0000suffix';

function compile(store: Store): CompiledQuery {
  return store.db
    .selectFrom('phones as p')
    .leftJoin('contacts as c', (j) => j.on('p.record_type', '=', 'contact').onRef('c.id', '=', 'p.record_id'))
    .leftJoin('accounts as ca', 'ca.id', 'c.account_id')
    .leftJoin('accounts as a', (j) => j.on('p.record_type', '=', 'account').onRef('a.id', '=', 'p.record_id'))
    .leftJoin('leads as l', (j) => j.on('p.record_type', '=', 'lead').onRef('l.id', '=', 'p.record_id'))
    .leftJoin('users as u', (j) => j.on(sql<boolean>`u.id = coalesce(c.assigned_user_id, a.assigned_user_id, l.assigned_user_id)`))
    .select([
      'p.record_type',
      'p.record_id',
      'p.kind',
      'p.raw',
      'p.e164_key',
      'p.national_key',
      'p.suffix_key',
      'c.first_name as c_first',
      'c.last_name as c_last',
      'c.account_id as c_account_id',
      'ca.name as c_account_name',
      'a.name as a_name',
      'l.first_name as l_first',
      'l.last_name as l_last',
      'l.account_name as l_account_name',
      'u.id as owner_id',
      'u.login as owner_login',
      'u.name as owner_name',
      sql<string | null>`coalesce(c.last_activity_at, a.last_activity_at, l.last_activity_at)`.as('last_activity_at'),
      sql<string | null>`coalesce(c.source, a.source, l.source)`.as('source'),
      sql<string | null>`coalesce(c.external_id, a.external_id, l.external_id)`.as('external_id'),
    ])
    // A null key compares as NULL, which matches nothing: one statement serves every key combination.
    .where((eb) => eb.or([eb('p.e164_key', '=', E164), eb('p.national_key', '=', NATIONAL), eb('p.suffix_key', '=', SUFFIX)]))
    .compile();
}

/** Maps the compiled parameters to a function from keys to the statement's parameter list. */
function binder(compiled: CompiledQuery): (keys: Omit<PhoneIndexKeys, 'extension'>) => unknown[] {
  const template = [...compiled.parameters];
  return (keys) =>
    template.map((p) => (p === E164 ? keys.e164_key : p === NATIONAL ? keys.national_key : p === SUFFIX ? keys.suffix_key : p));
}

type KeyRow = Pick<PhoneRow, 'record_type' | 'record_id' | 'kind' | 'raw' | 'e164_key' | 'national_key' | 'suffix_key'>;
type Detail = Omit<PhoneRow, keyof KeyRow>;

/**
 * SQLite runs in-process, so several tiny statements beat one wide join: the join looks up the
 * contact, the account and the lead for every phone row before `record_type` rules two out. Here
 * the phone index is read alone, then each matched record by its primary key.
 */
function sqliteReader(store: Store & { native: { engine: 'sqlite' } }): PhoneRowsReader {
  const db = store.native.db;
  const keys = db.prepare(
    'select record_type, record_id, kind, raw, e164_key, national_key, suffix_key from phones where e164_key = ? or national_key = ? or suffix_key = ?',
  );
  const owner = 'u.id as owner_id, u.login as owner_login, u.name as owner_name';
  const detail: Record<RecordType, ReturnType<typeof db.prepare>> = {
    contact: db.prepare(
      `select c.first_name as c_first, c.last_name as c_last, c.account_id as c_account_id, ca.name as c_account_name, ${owner}, c.last_activity_at, c.source, c.external_id
       from contacts c left join accounts ca on ca.id = c.account_id left join users u on u.id = c.assigned_user_id where c.id = ?`,
    ),
    account: db.prepare(`select a.name as a_name, ${owner}, a.last_activity_at, a.source, a.external_id from accounts a left join users u on u.id = a.assigned_user_id where a.id = ?`),
    lead: db.prepare(
      `select l.first_name as l_first, l.last_name as l_last, l.account_name as l_account_name, ${owner}, l.last_activity_at, l.source, l.external_id from leads l left join users u on u.id = l.assigned_user_id where l.id = ?`,
    ),
  };
  const EMPTY: Detail = {
    c_first: null,
    c_last: null,
    c_account_id: null,
    c_account_name: null,
    a_name: null,
    l_first: null,
    l_last: null,
    l_account_name: null,
    owner_id: null,
    owner_login: null,
    owner_name: null,
    last_activity_at: null,
    source: null,
    external_id: null,
  };
  return async (k) => {
    const rows = keys.all(k.e164_key, k.national_key, k.suffix_key) as KeyRow[];
    const seen = new Map<string, Detail | undefined>();
    const out: PhoneRow[] = [];
    for (const row of rows) {
      const id = `${row.record_type}:${row.record_id}`;
      let d = seen.get(id);
      if (!seen.has(id)) {
        d = detail[row.record_type].get(row.record_id) as Detail | undefined;
        seen.set(id, d);
      }
      // A phone row whose record vanished gives no names; collapse() then drops it.
      out.push({ ...row, ...EMPTY, ...(d ?? {}) });
    }
    return out;
  };
}

const readers = new WeakMap<Store, PhoneRowsReader>();

export function readerFor(store: Store): PhoneRowsReader {
  let reader = readers.get(store);
  if (reader) return reader;
  const native = store.native;
  if (native.engine === 'sqlite') {
    reader = sqliteReader(store as Store & { native: { engine: 'sqlite' } });
  } else {
    // PostgreSQL is a round trip away: one joined statement beats one per record.
    const compiled = compile(store);
    const bind = binder(compiled);
    const name = 'crm_telephony_phone_lookup';
    reader = async (keys) => (await native.pool.query<PhoneRow>({ name, text: compiled.sql, values: bind(keys) })).rows;
  }
  readers.set(store, reader);
  return reader;
}
