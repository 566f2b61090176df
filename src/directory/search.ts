/**
 * The console's search box: records by name, by company (an account's name, a contact's account, a
 * lead's company) and by any run of three or more digits of any of their numbers. One hit per
 * record, ranked by how it matched (`Match`), then by recent activity, then by the directory's type
 * order, then by name; at most `limit`.
 *
 * The user's text reaches SQL only as bound parameters: digits alone for numbers, and for names a
 * lower-cased LIKE pattern with its wildcards escaped.
 *
 * Digits are matched against the phone index's keys, not the numbers as typed: the E.164 key (which
 * holds the national number), else the national key, else the trailing digits of a number that
 * could not be read. Typed digits are also read as the start of a number in the directory's region
 * (`0171 23` in Germany is the national `17123...`, `8 912` in Russia `912...`, `+44 20` the E.164
 * `+4420...`). "Anywhere" is `like '%...%'`, which no b-tree seeks: migration 0012 gives PostgreSQL
 * trigram indexes for it (when pg_trgm can be had) and SQLite a narrow index of the phones' keys to
 * scan; the digits read stops at `DIGITS_ROWS` rows (README "Search" has the costs).
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { AsYouType } from 'libphonenumber-js/max';
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

/** How a record matched, best first. */
const Match = {
  /** The number, as the caller lookup would find it. */
  exactNumber: 0,
  /** The digits begin a number (its national number, or its E.164 after the +). */
  numberPrefix: 1,
  /** The digits are somewhere in a number. */
  digitsAnywhere: 2,
  /** A word of the name begins with the text. */
  nameStarts: 3,
  /** A word of the company begins with the text. */
  companyStarts: 4,
  nameContains: 5,
  companyContains: 6,
} as const;
type Match = (typeof Match)[keyof typeof Match];

/** Fewer digits than this are no number search (a house number in a name query, say). */
const MIN_DIGITS = 3;
/** What a number may be typed with besides digits. */
const PHONE_TEXT = /^[\d\s()+.\-/]+$/;
/** The caller lookup is asked only for what could be a whole number. */
const MIN_NUMBER_DIGITS = 5;
/**
 * Phone rows read per number search, at most. Enough for any page of hits; a few digits found in
 * a hundred thousand numbers are ranked among the first this many found, not among all of them
 * (a longer query narrows it).
 */
const DIGITS_ROWS = 500;

interface Found {
  type: RecordType;
  id: string;
  match: Match;
  lastActivityAt: string | null;
  name: string;
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchRecords(directory: Directory, query: string, limit = 25): Promise<SearchHit[]> {
  const q = query.trim().slice(0, 100);
  if (q.length === 0 || limit <= 0) return [];
  const digits = q.replace(/\D/g, '');
  const asNumber = PHONE_TEXT.test(q) && digits.length >= MIN_DIGITS;
  // Digits and punctuation alone are a number: no name is searched for them (a company with digits
  // in its name has letters too: "1-800 Flowers", "3M"), which spares reading every name.
  const found = asNumber ? await byNumber(directory, q, digits) : await byName(directory, q, limit);
  const best = new Map<string, Found>();
  for (const f of found) {
    const key = `${f.type}:${f.id}`;
    const prev = best.get(key);
    if (prev === undefined || f.match < prev.match) best.set(key, f);
  }
  const typeRank = (t: RecordType): number => {
    const i = directory.typeOrder.indexOf(t);
    return i < 0 ? directory.typeOrder.length : i;
  };
  const ranked = [...best.values()].sort(
    (a, b) =>
      a.match - b.match ||
      // ISO-8601 text sorts by time; records with no activity go last.
      (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') ||
      typeRank(a.type) - typeRank(b.type) ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
  return recordCards(directory, ranked.slice(0, limit));
}

/**
 * The digits as typed, and as the start of a number in the directory's region: without a trunk or
 * international prefix, or after a country code. Runs shorter than MIN_DIGITS are left out.
 */
export function digitRuns(q: string, digits: string, region: Directory['defaultRegion']): string[] {
  const runs = new Set([digits]);
  // getNationalNumber is documented, and typed for every metadata set but /max's (1.13).
  const typing = new AsYouType(region) as AsYouType & { getNationalNumber(): string };
  typing.input(q);
  const national = typing.getNationalNumber();
  const code = typing.getCallingCode();
  if (national.length >= MIN_DIGITS) runs.add(code !== undefined && q.trimStart().startsWith('+') ? `${code}${national}` : national);
  return [...runs].filter((r) => r.length >= MIN_DIGITS);
}

/** The digits just past every key that begins with `run`: `559` gives `56`; null for `999` (nothing is). */
export function afterPrefix(run: string): string | null {
  const kept = run.replace(/9+$/, '');
  if (kept.length === 0) return null;
  return kept.slice(0, -1) + String.fromCharCode(kept.charCodeAt(kept.length - 1) + 1);
}

type PhoneRow = { record_type: RecordType; record_id: string; first_name: string | null; last_name: string | null; name: string | null; last_activity_at: string | null };
const PHONE_COLUMNS = ['record_type', 'record_id', 'first_name', 'last_name', 'name', 'last_activity_at'] as const;

/**
 * Three reads at once, each bounded: the whole number (index probes, and the caller lookup),
 * numbers that begin with the digits (index ranges, in key order), and digits anywhere (stops at
 * DIGITS_ROWS matches). A record found by several keeps its best match.
 */
async function byNumber(directory: Directory, q: string, digits: string): Promise<Found[]> {
  const runs = digitRuns(q, digits, directory.defaultRegion);
  const db = directory.store.db;
  const found: Found[] = [];
  const add = (rows: readonly PhoneRow[], match: Match): void => {
    for (const r of rows) {
      const name = r.record_type === 'account' ? (r.name ?? '') : `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim();
      found.push({ type: r.record_type, id: r.record_id, match, lastActivityAt: r.last_activity_at, name });
    }
  };
  // Unread numbers are known by their trailing digits alone: those count only where nothing better is known.
  const unread = sql<SqlBool>`e164_key is null and national_key is null`;

  // A whole number is looked up as a caller would be: the same number written another way (a
  // trunk prefix, a number stored without its country code) is the number too.
  const asCaller = digits.length >= MIN_NUMBER_DIGITS ? findByPhone(directory, q).then((r) => r.candidates) : Promise.resolve([]);
  const exact = db
    .selectFrom('phones')
    .select(PHONE_COLUMNS)
    .where((eb) =>
      eb.or(runs.flatMap((r) => [eb('e164_key', '=', `+${r}`), eb('national_key', '=', r), eb.and([unread, eb('suffix_key', '=', r)])])),
    )
    .limit(DIGITS_ROWS)
    .execute();

  // Ranges, not LIKE 'x%': an index serves them under any collation (SQLite's LIKE ignores case
  // and so its index; PostgreSQL's needs the C collation or a pattern index).
  const prefix = db
    .selectFrom('phones')
    .select(PHONE_COLUMNS)
    .where((eb) =>
      eb.or(
        runs.flatMap((r) => {
          // Keys are digits (E.164's after its +): every key at or past a run of nines begins with it.
          const to = afterPrefix(r);
          const range = (column: 'e164_key' | 'national_key' | 'suffix_key', plus: '' | '+') =>
            to === null ? eb(column, '>=', plus + r) : eb.and([eb(column, '>=', plus + r), eb(column, '<', plus + to)]);
          return [range('e164_key', '+'), range('national_key', ''), eb.and([unread, range('suffix_key', '')])];
        }),
      ),
    )
    .limit(DIGITS_ROWS)
    .execute();

  // The best key a phone has: its E.164 (which ends with its national number), else its national
  // number, else the trailing digits of a number that could not be read. The matching rows' keys
  // are found first, through an index of the key alone (SQLite's phones_digits, PostgreSQL's
  // trigram index), then those rows alone are read.
  const key = sql<string>`coalesce(e164_key, national_key, suffix_key)`;
  const matching = db
    .selectFrom('phones')
    .select(['record_type', 'record_id', 'position'])
    .where((eb) => eb.or(runs.map((r) => sql<SqlBool>`${key} like ${`%${r}%`}`)))
    .limit(DIGITS_ROWS)
    .as('m');
  const anywhere = db
    .selectFrom('phones as p')
    .innerJoin(matching, (join) => join.onRef('p.record_type', '=', 'm.record_type').onRef('p.record_id', '=', 'm.record_id').onRef('p.position', '=', 'm.position'))
    .select(['p.record_type', 'p.record_id', 'p.first_name', 'p.last_name', 'p.name', 'p.last_activity_at'])
    .execute();

  const [callers, exactRows, prefixRows, anywhereRows] = await Promise.all([asCaller, exact, prefix, anywhere]);
  for (const c of callers) found.push({ type: c.type, id: c.id, match: Match.exactNumber, lastActivityAt: c.lastActivityAt, name: c.name });
  add(exactRows, Match.exactNumber);
  add(prefixRows, Match.numberPrefix);
  add(anywhereRows, Match.digitsAnywhere);
  return found;
}

async function byName(directory: Directory, q: string, limit: number): Promise<Found[]> {
  const text = likeEscape(q.toLowerCase());
  // A word begins with the text: the text after the start or after a space.
  const starts = `% ${text}%`;
  const contains = `%${text}%`;
  const like = (column: Expression<string | null>, pattern: string): Expression<SqlBool> => sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
  const word = (column: Expression<string | null>): Expression<string> => sql<string>`' ' || ${column}`;
  const tier = (name: Expression<string>, company: Expression<string | null> | null) =>
    company === null
      ? sql<number>`case when ${like(word(name), starts)} then ${Match.nameStarts} else ${Match.nameContains} end`
      : sql<number>`case when ${like(word(name), starts)} then ${Match.nameStarts} when ${like(word(company), starts)} then ${Match.companyStarts} when ${like(name, contains)} then ${Match.nameContains} else ${Match.companyContains} end`;
  const db = directory.store.db;

  const personName = sql<string>`first_name || ' ' || last_name`;
  const nameTier = sql<number>`case when ${like(word(personName), starts)} then ${Match.nameStarts} else ${Match.nameContains} end`;
  // A contact's company is its account's name. Two reads, each able to use its own index: a
  // contact matched by both is kept by its better match.
  const accountsNamed = (test: Expression<SqlBool>) => db.selectFrom('accounts').select('id').where(test);
  const [contacts, contactsByCompany, leads, accounts] = await Promise.all([
    db
      .selectFrom('contacts')
      .select(['id', 'first_name', 'last_name', 'last_activity_at'])
      .select(nameTier.as('match'))
      .where(like(personName, contains))
      .orderBy('match')
      .orderBy(sql`coalesce(last_activity_at, '')`, 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('contacts')
      .select(['id', 'first_name', 'last_name', 'last_activity_at'])
      .select((eb) =>
        sql<number>`case when ${eb('account_id', 'in', accountsNamed(like(word(sql.ref('name')), starts)))} then ${Match.companyStarts} else ${Match.companyContains} end`.as('match'),
      )
      .where('account_id', 'in', accountsNamed(like(sql.ref('name'), contains)))
      .orderBy('match')
      .orderBy(sql`coalesce(last_activity_at, '')`, 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('leads')
      .select(['id', 'first_name', 'last_name', 'last_activity_at'])
      .select(tier(personName, sql.ref('account_name')).as('match'))
      .where((eb) => eb.or([like(personName, contains), like(sql.ref('account_name'), contains)]))
      .orderBy('match')
      .orderBy(sql`coalesce(last_activity_at, '')`, 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('accounts')
      .select(['id', 'name', 'last_activity_at'])
      .select(tier(sql.ref('name'), null).as('match'))
      .where(like(sql.ref('name'), contains))
      .orderBy('match')
      .orderBy(sql`coalesce(last_activity_at, '')`, 'desc')
      .limit(limit)
      .execute(),
  ]);
  const person =
    (type: RecordType) =>
    (r: { id: string; first_name: string; last_name: string; last_activity_at: string | null; match: number }): Found => ({
      type,
      id: r.id,
      match: Number(r.match) as Match,
      lastActivityAt: r.last_activity_at,
      name: `${r.first_name} ${r.last_name}`.trim(),
    });
  return [
    ...contacts.map(person('contact')),
    ...contactsByCompany.map(person('contact')),
    ...leads.map(person('lead')),
    ...accounts.map((r) => ({ type: 'account' as const, id: r.id, match: Number(r.match) as Match, lastActivityAt: r.last_activity_at, name: r.name })),
  ];
}

/** One record as the console shows it: name, account, owner and phones; null when it is gone. */
export async function recordCard(directory: Directory, type: RecordType, id: string): Promise<SearchHit | null> {
  return (await recordCards(directory, [{ type, id }]))[0] ?? null;
}

/**
 * Records as the console shows them, in the order asked, those gone left out: a few statements
 * for any number of records (each table once, their owners and their phones), not a few per record.
 */
export async function recordCards(directory: Directory, records: readonly { type: RecordType; id: string }[]): Promise<SearchHit[]> {
  const db = directory.store.db;
  const idsOf = (type: RecordType): string[] => [...new Set(records.filter((r) => r.type === type).map((r) => r.id))];
  const [contactIds, leadIds, accountIds] = [idsOf('contact'), idsOf('lead'), idsOf('account')];
  type Row = { id: string; name: string; account: string | null; owner_id: string | null };
  const none = Promise.resolve([] as Row[]);
  const [contacts, leads, accounts] = await Promise.all([
    contactIds.length === 0
      ? none
      : db
          .selectFrom('contacts as c')
          .leftJoin('accounts as a', 'a.id', 'c.account_id')
          .select(['c.id', sql<string>`c.first_name || ' ' || c.last_name`.as('name'), 'a.name as account', 'c.assigned_user_id as owner_id'])
          .where('c.id', 'in', contactIds)
          .execute(),
    leadIds.length === 0
      ? none
      : db.selectFrom('leads').select(['id', sql<string>`first_name || ' ' || last_name`.as('name'), 'account_name as account', 'assigned_user_id as owner_id']).where('id', 'in', leadIds).execute(),
    accountIds.length === 0 ? none : db.selectFrom('accounts').select(['id', 'name', sql<null>`null`.as('account'), 'assigned_user_id as owner_id']).where('id', 'in', accountIds).execute(),
  ]);
  const rows = new Map<string, Row>();
  for (const [type, list] of [['contact', contacts], ['lead', leads], ['account', accounts]] as const) for (const r of list) rows.set(`${type}:${r.id}`, r);
  const ownerIds = [...new Set([...rows.values()].map((r) => r.owner_id).filter((x): x is string => x !== null))];
  const [owners, phones] = await Promise.all([
    ownerIds.length === 0 ? [] : db.selectFrom('users').select(['id', 'name']).where('id', 'in', ownerIds).execute(),
    rows.size === 0
      ? []
      : db
          .selectFrom('phones')
          .select(['record_type', 'record_id', 'kind', 'raw'])
          .where((eb) =>
            eb.or(
              (
                [
                  ['contact', contactIds],
                  ['lead', leadIds],
                  ['account', accountIds],
                ] as const
              )
                .filter(([, ids]) => ids.length > 0)
                .map(([type, ids]) => eb.and([eb('record_type', '=', type), eb('record_id', 'in', ids)])),
            ),
          )
          .orderBy('position')
          .execute(),
  ]);
  const ownerName = new Map(owners.map((u) => [u.id, u.name]));
  const phonesOf = new Map<string, { kind: string; number: string }[]>();
  for (const p of phones) {
    const key = `${p.record_type}:${p.record_id}`;
    phonesOf.set(key, [...(phonesOf.get(key) ?? []), { kind: p.kind, number: p.raw }]);
  }
  const out: SearchHit[] = [];
  for (const { type, id } of records) {
    const key = `${type}:${id}`;
    const r = rows.get(key);
    if (r === undefined) continue;
    out.push({ type, id, name: r.name.trim(), account: r.account, owner: r.owner_id === null ? null : (ownerName.get(r.owner_id) ?? null), phones: phonesOf.get(key) ?? [] });
  }
  return out;
}
