/**
 * The two ways other integrations find a caller, run on the same `phones` rows as our lookup, as
 * prepared statements straight on the driver (as our lookup is), so only the method differs:
 *
 * - **suffix scan** (yaai, Odoo's OCA connector): keep the caller's last 8 digits and scan every
 *   phone for a value that ends with them. yaai strips `space + . / ( ) [ ] -` from the column in
 *   SQL (`sql_replace_phone_number` in yaai's callinize_db.php) and matches `REGEXP '<digits>$'`;
 *   OCA base_phone strips spaces only and matches `ILIKE '%<digits>'`. We strip yaai's nine
 *   characters (the more generous of the two) and use `LIKE '%<digits>'`, which for digits means
 *   the same as the REGEXP and exists on both engines. A leading `%` defeats every index: each
 *   lookup reads the whole table.
 * - **exact text** (AsterLink): the caller ID as Asterisk presents it must equal the stored text.
 *   An index on `raw` is created for this baseline (after the store's size is measured), so it is
 *   timed at its best.
 *
 * Both return record keys only (`contact:<id>`); the real integrations then load each record, so
 * their times here are a lower bound.
 */
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.ts';

/** yaai's `asterisk_digits_to_match` and OCA's `number_of_digits_to_match_from_end`, as the issue describes them. */
export const SUFFIX_DIGITS = 8;

// yaai's list of characters removed before comparing, nested as yaai nests its REPLACE calls.
const STRIPPED = [' ', '+', '.', '/', '(', ')', '[', ']', '-'];
const strippedRaw = STRIPPED.reduce((expr, ch) => `replace(${expr}, '${ch}', '')`, 'raw');

export interface Baselines {
  /** yaai/Odoo suffix scan; null when the caller has too few digits to search (yaai needs more than 5). */
  suffixScan(caller: string): Promise<string[] | null>;
  /** AsterLink: equality on the text as presented. */
  exactText(caller: string): Promise<string[]>;
}

/** yaai's preparation of the caller: drop leading zeros, keep digits, keep the last 8. */
export function suffixPattern(caller: string): string | null {
  const digits = caller.replace(/^0+/, '').replace(/\D/g, '');
  const tail = digits.slice(-SUFFIX_DIGITS);
  return tail.length > 5 ? `%${tail}` : null;
}

interface KeyRow {
  record_type: string;
  record_id: string;
}

const keysOf = (rows: KeyRow[]): string[] => rows.map((r) => `${r.record_type}:${r.record_id}`);

/** Creates the index the exact-text baseline needs, and returns both baselines. */
export async function prepareBaselines(store: Store): Promise<Baselines> {
  await sql`create index if not exists phones_raw_bench on phones (raw)`.execute(store.db);
  const likeSql = `select record_type, record_id from phones where ${strippedRaw} like `;
  const exactSql = 'select record_type, record_id from phones where raw = ';
  const native = store.native;
  if (native.engine === 'sqlite') {
    const like = native.db.prepare<[string], KeyRow>(`${likeSql}?`);
    const exact = native.db.prepare<[string], KeyRow>(`${exactSql}?`);
    return {
      suffixScan: async (caller) => {
        const pattern = suffixPattern(caller);
        return pattern === null ? null : keysOf(like.all(pattern));
      },
      exactText: async (caller) => keysOf(exact.all(caller)),
    };
  }
  // Fresh statistics so the planner knows the new index is selective.
  await sql`analyze phones`.execute(store.db);
  const pool = native.pool;
  return {
    suffixScan: async (caller) => {
      const pattern = suffixPattern(caller);
      if (pattern === null) return null;
      return keysOf((await pool.query<KeyRow>({ name: 'bench_suffix_scan', text: `${likeSql}$1`, values: [pattern] })).rows);
    },
    exactText: async (caller) => keysOf((await pool.query<KeyRow>({ name: 'bench_exact_text', text: `${exactSql}$1`, values: [caller] })).rows),
  };
}
