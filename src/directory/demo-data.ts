/**
 * A realistic demo directory for demos, tests and benchmarks: four agents (101-104), accounts,
 * contacts and leads from several countries, their phones written the many ways people type them
 * into a CRM (`+7 (495) 123-45-67`, `8 495 123 45 67`, `0049 30 1234567`, `+49 (0)30 1234567`,
 * `(415) 555-2671 ext. 12`, `020 7946 0958`, dots, slashes, bare digits), a few numbers shared
 * between a contact and its account's office line, and a little garbage.
 *
 * Pure and deterministic: the same options give the same records. Fast enough for 1M contacts:
 * numbers are built from prefixes validated once with libphonenumber (a few thousand checks at
 * first use) plus serial digits, never validated one by one. Every generated phone carries the
 * E.164 it was built from (`e164`), so a benchmark knows the right answer without asking the
 * normalizer it is measuring.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from '../phone/types.ts';
import type { PhoneKind } from './record-types.ts';
import type { AccountInput, ContactInput, LeadInput, UserInput } from './directory.ts';

export interface DemoOptions {
  /** How many contacts; accounts are about a tenth of that, leads about a fifth. */
  contacts: number;
  /** Same seed, same directory. Default 1. */
  seed?: number;
  /** The CRM's home region: its numbers are mostly written in national format. Default US. */
  region?: CountryCode;
}

/** A phone as written in the CRM, with the E.164 it stands for (null for garbage). */
export interface DemoPhone {
  kind: PhoneKind;
  number: string;
  e164: string | null;
}
// Each is the store's input type (bulkUpsert takes it as is), with its id and its phones' E.164 known.
export type DemoAccount = Omit<AccountInput, 'phones'> & { id: string; phones: DemoPhone[] };
export type DemoContact = Omit<ContactInput, 'phones'> & { id: string; phones: DemoPhone[] };
export type DemoLead = Omit<LeadInput, 'phones'> & { id: string; phones: DemoPhone[] };

export interface DemoDirectory {
  users: UserInput[];
  accounts: DemoAccount[];
  contacts: DemoContact[];
  leads: DemoLead[];
}

/** The demo agents' ids as generated; a loader maps them to the ids the store really holds. */
export const DEMO_USERS: readonly (UserInput & { id: string })[] = [
  { id: 'demo-user-alice', login: 'alice', name: 'Alice Agent', role: 'admin', extensions: ['101'] },
  { id: 'demo-user-bob', login: 'bob', name: 'Bob Agent', role: 'agent', extensions: ['102'] },
  { id: 'demo-user-carol', login: 'carol', name: 'Carol Agent', role: 'agent', extensions: ['103'] },
  { id: 'demo-user-dave', login: 'dave', name: 'Dave Agent', role: 'agent', extensions: ['104'] },
];
// Who owns records: uneven, as in a real team, and a few records with nobody responsible.
const OWNER_WEIGHTS: readonly [string | null, number][] = [
  ['demo-user-alice', 15],
  ['demo-user-bob', 32],
  ['demo-user-carol', 30],
  ['demo-user-dave', 18],
  [null, 5],
];

export const demoCounts = (contacts: number): { accounts: number; contacts: number; leads: number } => ({
  accounts: contacts > 0 ? Math.max(1, Math.round(contacts / 10)) : 0,
  contacts,
  leads: Math.round(contacts / 5),
});

/** The E.164 of each phone of a generated record, in field order (null: not a phone number). */
export function demoE164s(record: { phones: readonly DemoPhone[] }): { kind: PhoneKind; number: string; e164: string | null }[] {
  return record.phones.map((p) => ({ kind: p.kind, number: p.number, e164: p.e164 }));
}

export function generateDemoDirectory(options: DemoOptions): DemoDirectory {
  const accounts = generateDemoAccounts(options);
  return {
    users: demoUsers(),
    accounts,
    contacts: [...iterateDemoContacts(options, accounts)],
    leads: [...iterateDemoLeads(options, accounts)],
  };
}

export function demoUsers(): UserInput[] {
  return DEMO_USERS.map((u) => ({ ...u, extensions: [...(u.extensions ?? [])] }));
}

export function generateDemoAccounts(options: DemoOptions): DemoAccount[] {
  const g = new Gen(options, Stream.accounts);
  const out: DemoAccount[] = [];
  const n = demoCounts(options.contacts).accounts;
  for (let i = 0; i < n; i += 1) {
    const country = g.recordCountry();
    const phones: (DemoPhone | null)[] = [g.phone('office', country, 0.97)];
    if (g.rng.chance(0.2)) phones.push(g.phone('alternate', country, 0.9));
    if (g.rng.chance(0.2)) phones.push(g.phone('fax', country, 0.97));
    out.push({ id: demoId('a', i), name: g.companyName(country), assignedUserId: g.owner(), phones: phones.filter(isPresent) });
  }
  return out;
}

/** Contacts one at a time, for directories too big to hold (1M contacts). `accounts` defaults to `generateDemoAccounts(options)`. */
export function* iterateDemoContacts(options: DemoOptions, accounts: readonly DemoAccount[] = generateDemoAccounts(options)): Generator<DemoContact> {
  const g = new Gen(options, Stream.contacts);
  for (let i = 0; i < options.contacts; i += 1) {
    const country = g.recordCountry();
    // About ten contacts per account, in runs; one in ten belongs to none.
    const account = accounts.length > 0 && !g.rng.chance(0.1) ? accounts[Math.floor(i / 10) % accounts.length] : undefined;
    const phones: (DemoPhone | null)[] = [];
    const office = account?.phones.find((p) => p.kind === 'office' && p.e164 !== null);
    // A contact reached through the company switchboard: the same number as the account, typed again.
    if (office && g.rng.chance(0.04)) phones.push(g.rewrite('work', office.e164!));
    else if (g.rng.chance(0.6)) phones.push(g.phone('work', country, 0.98));
    // Everyone has at least one real number; a garbage-only record would be noise in a demo.
    if (g.rng.chance(0.8) || !phones.some(isPresent)) phones.push(g.phone('mobile', country, phones.some(isPresent) ? 0.99 : 1));
    if (g.rng.chance(0.15)) phones.push(g.phone('home', country, 0.98));
    if (g.rng.chance(0.03)) phones.push(g.phone('other', country, 0.8));
    if (g.rng.chance(0.03)) phones.push(g.phone('fax', country, 0.98));
    const [firstName, lastName] = g.personName(country);
    yield { id: demoId('c', i), firstName, lastName, accountId: account?.id ?? null, assignedUserId: account?.assignedUserId ?? g.owner(), phones: phones.filter(isPresent) };
  }
}

const LEAD_STATUSES = ['New', 'Assigned', 'In Process', 'Converted', 'Recycled', 'Dead'];

export function* iterateDemoLeads(options: DemoOptions, accounts: readonly DemoAccount[] = generateDemoAccounts(options)): Generator<DemoLead> {
  const g = new Gen(options, Stream.leads);
  const n = demoCounts(options.contacts).leads;
  for (let i = 0; i < n; i += 1) {
    const country = g.recordCountry();
    const phones: (DemoPhone | null)[] = [];
    // Some leads come from companies already in the CRM, now and then with the office line too.
    const account = accounts.length > 0 && g.rng.chance(0.1) ? g.rng.pick(accounts) : undefined;
    const office = account?.phones.find((p) => p.kind === 'office' && p.e164 !== null);
    if (office && g.rng.chance(0.3)) phones.push(g.rewrite('work', office.e164!));
    else if (g.rng.chance(0.5)) phones.push(g.phone('work', country, 0.97));
    if (g.rng.chance(0.6) || !phones.some(isPresent)) phones.push(g.phone('mobile', country, phones.some(isPresent) ? 0.97 : 1));
    if (g.rng.chance(0.1)) phones.push(g.phone('home', country, 0.97));
    const [firstName, lastName] = g.personName(country);
    yield {
      id: demoId('l', i),
      firstName,
      lastName,
      accountName: account?.name ?? (g.rng.chance(0.7) ? g.companyName(country) : null),
      status: g.rng.pick(LEAD_STATUSES),
      assignedUserId: g.owner(),
      phones: phones.filter(isPresent),
    };
  }
}

function demoId(type: 'a' | 'c' | 'l', i: number): string {
  return `demo-${type}-${String(i + 1).padStart(7, '0')}`;
}

function isPresent(p: DemoPhone | null): p is DemoPhone {
  return p !== null;
}

// ---- numbering plans ------------------------------------------------------------------------

type NumberType = 'fixed' | 'mobile';
/** `lead` digits, then random digits validated once, then 5 serial digits: `len` digits in all, shown in `groups`. */
interface Template {
  type: NumberType;
  lead: string;
  len: number;
  groups: number[];
}
interface Plan {
  cc: string;
  /** National trunk prefix ('' where the leading 0 is part of the number, as in Italy). */
  trunk: string;
  templates: Template[];
}
const t = (type: NumberType, lead: string, len: number, groups: number[]): Template => ({ type, lead, len, groups });
const PLANS: Partial<Record<CountryCode, Plan>> = {
  RU: { cc: '7', trunk: '8', templates: [t('fixed', '495', 10, [3, 3, 2, 2]), t('fixed', '499', 10, [3, 3, 2, 2]), t('fixed', '812', 10, [3, 3, 2, 2]), t('fixed', '343', 10, [3, 3, 2, 2]), t('mobile', '9', 10, [3, 3, 2, 2])] },
  US: { cc: '1', trunk: '1', templates: ['212', '415', '312', '617', '305', '206', '646'].map((a) => t('fixed', a, 10, [3, 3, 4])).concat([t('mobile', '917', 10, [3, 3, 4]), t('mobile', '628', 10, [3, 3, 4])]) },
  DE: { cc: '49', trunk: '0', templates: [t('fixed', '30', 10, [2, 8]), t('fixed', '89', 10, [2, 8]), t('fixed', '40', 10, [2, 8]), t('fixed', '221', 10, [3, 7]), t('mobile', '17', 11, [3, 8]), t('mobile', '15', 11, [4, 7])] },
  GB: { cc: '44', trunk: '0', templates: [t('fixed', '20', 10, [2, 4, 4]), t('fixed', '161', 10, [3, 3, 4]), t('fixed', '121', 10, [3, 3, 4]), t('fixed', '113', 10, [3, 3, 4]), t('mobile', '7', 10, [4, 6])] },
  FR: { cc: '33', trunk: '0', templates: [t('fixed', '1', 9, [1, 2, 2, 2, 2]), t('fixed', '4', 9, [1, 2, 2, 2, 2]), t('mobile', '6', 9, [1, 2, 2, 2, 2]), t('mobile', '7', 9, [1, 2, 2, 2, 2])] },
  ES: { cc: '34', trunk: '', templates: [t('fixed', '91', 9, [2, 3, 2, 2]), t('fixed', '93', 9, [2, 3, 2, 2]), t('mobile', '6', 9, [3, 3, 3])] },
  IT: { cc: '39', trunk: '', templates: [t('fixed', '06', 10, [2, 4, 4]), t('fixed', '02', 10, [2, 4, 4]), t('mobile', '3', 10, [3, 3, 4])] },
  PL: { cc: '48', trunk: '', templates: [t('fixed', '22', 9, [2, 3, 2, 2]), t('mobile', '5', 9, [3, 3, 3]), t('mobile', '6', 9, [3, 3, 3])] },
};
const COUNTRIES = Object.keys(PLANS) as CountryCode[];
const SERIAL_DIGITS = 5;
const SERIAL_SPACE = 10 ** SERIAL_DIGITS;
const PREFIXES_PER_TEMPLATE = 40;
/** A prime that divides no pool's space (prefixes x 10^5, fewer than 10^6 prefixes), so multiplying by it permutes the space. */
const SCATTER = 1_000_003;

interface Prefix {
  digits: string;
  groups: number[];
}
const pools = new Map<string, Prefix[]>();

/** Validated prefixes of one country and type; the same for every seed, computed on first use. */
function poolOf(country: CountryCode, type: NumberType): Prefix[] {
  const key = `${country}:${type}`;
  let pool = pools.get(key);
  if (pool) return pool;
  pool = [];
  const plan = PLANS[country]!;
  const rng = new Rng(0x5eed ^ hashText(key));
  for (const tpl of plan.templates.filter((x) => x.type === type)) {
    const free = tpl.len - tpl.lead.length - SERIAL_DIGITS;
    const seen = new Set<string>();
    for (let attempt = 0; attempt < PREFIXES_PER_TEMPLATE * 6 && seen.size < Math.min(PREFIXES_PER_TEMPLATE, 10 ** free); attempt += 1) {
      const digits = tpl.lead + rng.digits(free);
      if (seen.has(digits)) continue;
      // Numbering plans are decided by prefixes; three sample subscribers stand for the rest.
      const ok = ['00000', '49999', '99999'].every((s) => parsePhoneNumberFromString(`+${plan.cc}${digits}${s}`)?.country === country && parsePhoneNumberFromString(`+${plan.cc}${digits}${s}`)!.isValid());
      if (ok) {
        seen.add(digits);
        pool.push({ digits, groups: tpl.groups });
      }
    }
  }
  if (pool.length === 0) throw new Error(`demo data: no valid ${type} numbers for ${country}; fix its template.`);
  pools.set(key, pool);
  return pool;
}

// ---- writing numbers as people do -----------------------------------------------------------

/** Which part of the directory a generator writes; each draws its numbers from its own share. */
const Stream = { accounts: 0, contacts: 1, leads: 2 } as const;
type Stream = (typeof Stream)[keyof typeof Stream];
const GARBAGE = ['n/a', '-', 'tbd', 'call reception', 'see notes', '???', 'нет', '+7 (495)', '12', '0000', '123-45', 'same as office', 'ask Mary', 'office'];;
const EXTENSIONS = [(e: string) => ` ext. ${e}`, (e: string) => ` x${e}`, (e: string) => ` ext ${e}`, (e: string) => `;ext=${e}`, (e: string) => ` доб. ${e}`];

class Gen {
  readonly rng: Rng;
  readonly #region: CountryCode;
  readonly #stream: Stream;
  readonly #serials = new Map<string, number>();
  readonly #rotation: number;

  constructor(options: DemoOptions, stream: Stream) {
    const seed = options.seed ?? 1;
    this.rng = new Rng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ (stream * 0x27d4eb2d));
    this.#region = options.region ?? 'US';
    this.#stream = stream;
    this.#rotation = new Rng(seed).int(1 << 20);
  }

  /** Most records are from the home region; the rest from everywhere else we know. */
  recordCountry(): CountryCode {
    if (PLANS[this.#region] && this.rng.chance(0.55)) return this.#region;
    return this.rng.pick(COUNTRIES);
  }

  owner(): string | null {
    let r = this.rng.int(100);
    for (const [id, w] of OWNER_WEIGHTS) {
      if ((r -= w) < 0) return id;
    }
    return null;
  }

  /** A new number (mostly of the record's country), or now and then garbage; null when garbage is not wanted here. */
  phone(kind: PhoneKind, country: CountryCode, validShare: number): DemoPhone | null {
    if (!this.rng.chance(validShare)) return this.rng.chance(0.5) ? { kind, number: this.rng.pick(GARBAGE), e164: null } : null;
    const where = this.rng.chance(0.9) ? country : this.rng.pick(COUNTRIES);
    const type: NumberType = kind === 'mobile' ? 'mobile' : kind === 'other' && this.rng.chance(0.5) ? 'mobile' : 'fixed';
    const pool = poolOf(where, type);
    const key = `${where}:${type}`;
    const serial = this.#serials.get(key) ?? 0;
    this.#serials.set(key, serial + 1);
    // Serials of the three streams interleave, so accounts, contacts and leads never collide by
    // accident; multiplying by a prime larger than the space is a bijection that scatters them, so
    // neighbours do not share their last digits. Unique until a bucket's pool is used up (millions).
    const space = pool.length * SERIAL_SPACE;
    const m = ((serial * 3 + this.#stream) * SCATTER + this.#rotation) % space;
    const prefix = pool[m % pool.length]!;
    const nsn = prefix.digits + String(Math.floor(m / pool.length)).padStart(SERIAL_DIGITS, '0');
    return this.#written(kind, where, nsn, prefix.groups);
  }

  /** The same number as `e164`, written again (perhaps differently). */
  rewrite(kind: PhoneKind, e164: string): DemoPhone {
    for (const country of COUNTRIES) {
      const plan = PLANS[country]!;
      if (!e164.startsWith(`+${plan.cc}`)) continue;
      const nsn = e164.slice(plan.cc.length + 1);
      const pool = poolOf(country, 'fixed').concat(poolOf(country, 'mobile'));
      const groups = pool.find((p) => nsn.startsWith(p.digits))?.groups;
      if (groups) return this.#written(kind, country, nsn, groups);
    }
    return { kind, number: e164, e164 };
  }

  #written(kind: PhoneKind, country: CountryCode, nsn: string, groups: number[]): DemoPhone {
    const plan = PLANS[country]!;
    const e164 = `+${plan.cc}${nsn}`;
    const parts: string[] = [];
    let at = 0;
    for (const g of groups) {
      parts.push(nsn.slice(at, at + g));
      at += g;
    }
    if (at < nsn.length) parts.push(nsn.slice(at));
    let text = country === this.#region && this.rng.chance(0.7) ? this.#national(plan, nsn, parts) : this.#international(plan, nsn, parts);
    if ((kind === 'work' || kind === 'office') && this.rng.chance(0.05)) text += this.rng.pick(EXTENSIONS)(String(10 + this.rng.int(990)));
    return { kind, number: text, e164 };
  }

  #national(plan: Plan, nsn: string, parts: string[]): string {
    const [area = '', ...rest] = parts;
    const tr = plan.trunk;
    if (plan.cc === '1') {
      return this.rng.pick([
        () => `(${area}) ${rest.join('-')}`,
        () => `(${area}) ${rest.join(' ')}`,
        () => `${area}-${rest.join('-')}`,
        () => `${area}.${rest.join('.')}`,
        () => `1-${area}-${rest.join('-')}`,
        () => `1 (${area}) ${rest.join('-')}`,
        () => nsn,
      ])();
    }
    if (tr === '') {
      return this.rng.pick([() => parts.join(' '), () => nsn, () => parts.join('.'), () => parts.join('-'), () => `(${area}) ${rest.join(' ')}`])();
    }
    return this.rng.pick([
      () => `${tr} (${area}) ${rest.join('-')}`,
      () => `${tr} ${parts.join(' ')}`,
      () => `${tr}${parts.join(' ')}`,
      () => `${tr}-${parts.join('-')}`,
      () => `${tr}${nsn}`,
      () => `(${tr}${area}) ${rest.join(' ')}`,
      () => `${tr}${area} ${rest.join('')}`,
      () => `${tr}${area}/${rest.join('')}`,
      () => `${tr}${parts.join('.')}`,
      () => `${tr}${area}-${rest.join('')}`,
    ])();
  }

  #international(plan: Plan, nsn: string, parts: string[]): string {
    const [area = '', ...rest] = parts;
    const cc = plan.cc;
    const styles: (() => string)[] = [
      () => `+${cc}${nsn}`,
      () => `+${cc} ${parts.join(' ')}`,
      () => `+${cc} (${area}) ${rest.join('-')}`,
      () => `+${cc}-${parts.join('-')}`,
      () => `+${cc} ${area} ${rest.join('')}`,
      () => `+${cc}.${parts.join('.')}`,
    ];
    // "00" is the international prefix of Europe (and understood in Russia), not of Japan or the US.
    if (PLANS[this.#region] && this.#region !== 'US') styles.push(() => `00${cc} ${area} ${rest.join('')}`, () => `00 ${cc} ${parts.join(' ')}`);
    if (plan.trunk === '0') styles.push(() => `+${cc} (0)${area} ${rest.join('')}`);
    // Dialling abroad from the region; nobody writes their own country's numbers that way.
    const abroad = PLANS[this.#region]?.cc !== cc;
    if (abroad && this.#region === 'US') styles.push(() => `011 ${cc} ${parts.join(' ')}`);
    if (abroad && this.#region === 'RU') styles.push(() => `810 ${cc} ${parts.join(' ')}`, () => `8 10 ${cc} ${parts.join(' ')}`);
    return this.rng.pick(styles)();
  }

  personName(country: CountryCode): [string, string] {
    const names = NAMES[country] ?? NAMES.US!;
    // Russian CRMs hold both Cyrillic and Latin spellings.
    const set = country === 'RU' && this.rng.chance(0.3) ? NAMES_RU_LATIN : names;
    return [this.rng.pick(set.first), this.rng.pick(set.last)];
  }

  companyName(country: CountryCode): string {
    const names = NAMES[country] ?? NAMES.US!;
    const base = this.rng.pick(names.last);
    const form = this.rng.pick(names.company);
    return form.replace('%', base).replace('#', this.rng.pick(COMPANY_WORDS));
  }
}

const COMPANY_WORDS = ['Logistics', 'Consulting', 'Systems', 'Trading', 'Media', 'Foods', 'Energy', 'Holding', 'Design', 'Software'];
interface NameSet {
  first: string[];
  last: string[];
  company: string[];
}
const NAMES: Partial<Record<CountryCode, NameSet>> = {
  RU: { first: ['Иван', 'Ольга', 'Дмитрий', 'Анна', 'Сергей', 'Мария', 'Алексей', 'Екатерина', 'Михаил', 'Наталья'], last: ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов', 'Лебедева', 'Козлов', 'Новикова', 'Морозов', 'Волкова'], company: ['ООО «%»', 'АО «% #»', 'ИП %', 'ООО «#»'] },
  US: { first: ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'DeShawn', 'Mei'], last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', "O'Brien", 'Garcia', 'Miller', 'Davis', 'Nguyen'], company: ['% #, Inc.', '% & Sons', '% # LLC', 'Acme #'] },
  DE: { first: ['Jürgen', 'Sabine', 'Lukas', 'Anna', 'Maximilian', 'Sophie', 'Jörg', 'Katrin', 'Felix', 'Leonie'], last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schäfer', 'Koch'], company: ['% GmbH', '% # AG', '% & Partner', '# %, GmbH & Co. KG'] },
  GB: { first: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Siobhan', 'Rhys', 'Priya', 'Callum'], last: ['Taylor', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Thompson', 'Patel', 'Hughes'], company: ['% Ltd', '% # plc', '% & Co.', '# % Ltd'] },
  FR: { first: ['François', 'Chloé', 'Hélène', 'Théo', 'Camille', 'Léa', 'Mathieu', 'Inès', 'Jérôme', 'Zoé'], last: ['Dupont', 'Martin', 'Bernard', 'Lefèvre', 'Moreau', 'Laurent', 'Girard', 'Roux', 'Fournier', 'Gauthier'], company: ['% SARL', '% # SA', 'Groupe %', 'Société %'] },
  ES: { first: ['José', 'María', 'Álvaro', 'Lucía', 'Javier', 'Carmen', 'Sofía', 'Andrés', 'Núria', 'Raúl'], last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz'], company: ['% S.L.', '% # S.A.', 'Hermanos %', '# %, S.L.'] },
  IT: { first: ['Giuseppe', 'Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Niccolò', 'Sara', 'Matteo', 'Elena'], last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'De Luca', 'Bruno'], company: ['% S.r.l.', '% # S.p.A.', 'Fratelli %', '% & C.'] },
  PL: { first: ['Łukasz', 'Agnieszka', 'Paweł', 'Małgorzata', 'Krzysztof', 'Zofia', 'Michał', 'Katarzyna', 'Wojciech', 'Joanna'], last: ['Kowalski', 'Nowak', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski', 'Zieliński', 'Szymańska', 'Woźniak'], company: ['% Sp. z o.o.', '% # S.A.', 'PHU %', '# % Sp. j.'] },
};
const NAMES_RU_LATIN: NameSet = { first: ['Ivan', 'Olga', 'Dmitry', 'Anna', 'Sergey', 'Maria'], last: ['Ivanov', 'Smirnova', 'Kuznetsov', 'Popova', 'Sokolov', 'Volkova'], company: ['OOO %'] };

// ---- a small, fast, seedable random source ------------------------------------------------

/** mulberry32: tiny and fast; plenty for demo data (not for anything secret). */
class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let x = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i += 1) s += String(this.int(10));
    return s;
  }
}

function hashText(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
