/**
 * The lookup's reads: the phone rows a caller's keys match, each carrying its record's card
 * (migration 0008), as prepared statements (`store/statements.ts`) made once per store. No join and
 * no second query: a lookup is one index probe per key, on both engines, in one round trip.
 *
 * Which probes, from `collapse`'s rule (two numbers that both have an E.164 key and differ are
 * different numbers): a caller with an E.164 key matches by that key, and by the national or suffix
 * key only phones that have no E.164 key (the partial indexes `phones_*_unparsed`, small); a caller
 * without one matches by the national or suffix key whatever the phone. Rows that could not match
 * are not read, and a row read twice (by two keys) changes nothing in `collapse`.
 */
import type { Store } from '../store/store.ts';
import { statement, type Statement } from '../store/statements.ts';
import type { PhonesTable } from '../store/schema.ts';
import type { PhoneIndexKeys } from './phone-keys.ts';

export type PhoneRow = Omit<PhonesTable, 'position' | 'extension'>;

export type PhoneRowsReader = (keys: Omit<PhoneIndexKeys, 'extension'>) => Promise<PhoneRow[]>;

const COLUMNS =
  'record_type, record_id, kind, raw, e164_key, national_key, suffix_key, first_name, last_name, name, account_id, account_name, owner_id, owner_login, owner_name, last_activity_at, source, external_id';

/**
 * A key as a bound value the planner cannot look into. After `analyze`, SQLite (better-sqlite3 is
 * built with STAT4) plans an equality on a bare `?` from the value bound, and so prepares the
 * statement again on every call: 30 µs instead of 9 here. The cast changes nothing else (keys are
 * text or null) and means the same on PostgreSQL.
 */
const KEY = 'cast(? as text)';

// Branches of a `union all` run in order: exact matches first, as the old single OR gave them.
const BY_E164 = `select ${COLUMNS} from phones where e164_key = ${KEY}
  union all select ${COLUMNS} from phones where national_key = ${KEY} and e164_key is null
  union all select ${COLUMNS} from phones where suffix_key = ${KEY} and e164_key is null`;
const WITHOUT_E164 = `select ${COLUMNS} from phones where national_key = ${KEY}
  union all select ${COLUMNS} from phones where suffix_key = ${KEY}`;

const readers = new WeakMap<Store, PhoneRowsReader>();

/** The reader of this store's phone rows, prepared on first use and kept for the store's life. */
export function readerFor(store: Store): PhoneRowsReader {
  let reader = readers.get(store);
  if (reader) return reader;
  const byE164: Statement<PhoneRow> = statement(store, 'directory_phones_by_e164', BY_E164);
  const withoutE164: Statement<PhoneRow> = statement(store, 'directory_phones_without_e164', WITHOUT_E164);
  reader = (keys) =>
    keys.e164_key !== null ? byE164.all([keys.e164_key, keys.national_key, keys.suffix_key]) : withoutE164.all([keys.national_key, keys.suffix_key]);
  readers.set(store, reader);
  return reader;
}
