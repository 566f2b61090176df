/**
 * What the fake knows of SuiteCRM's modules, taken from the recordings themselves: each module's
 * attributes in vardef order (API v8 answers in that order whatever `fields[]` asks), the values a
 * new record starts with, its `relationships` block, the Users fields v8 hides, and which fields are
 * not columns (filtering on them is a "Database failure").
 */
import { readFileSync } from 'node:fs';

/** The recordings a fake's data and module definitions come from: SuiteCRM 7.14.6's or 8.7.1's. */
export type RecordingSet = 'suitecrm-api' | 'suitecrm8-api';

export function recordingsDir(set: RecordingSet): URL {
  return new URL(`../../fixtures/${set}/`, import.meta.url);
}

export interface ModuleDef {
  /** `Contacts`: the name in paths. */
  name: string;
  /** `Contact`: the bean name, in `type` (and accepted in paths, recording 39b). */
  singular: string;
  /** The database table (legacy v4_1 queries name it). */
  table: string;
  /** Attributes in vardef order, as API v8 shows them. */
  order: string[];
  /** Users: the attributes v8 hides (shown only by /Api/V8/current-user and v4_1), in current-user order. */
  fullOrder: string[];
  hidden: Set<string>;
  /** What a new record holds before its attributes are applied. */
  defaults: Record<string, unknown>;
  /** The `relationships` block: name -> link. */
  relationships: [string, string][];
  /** Fields that are not columns: a filter on them fails in SQL. */
  nonDb: Set<string>;
  /** Saved with HTML tags stripped (recording 92: `R&D <temp>` -> `R&D `). */
  stripTags: Set<string>;
  /** varchar limits that cut silently. */
  maxLength: Record<string, number>;
}

export interface FixtureFile {
  records: Record<string, { type: string; id: string; attributes: Record<string, unknown>; relationships: Record<string, { links: { related: string } }> }[]>;
  summary: { module: string; id: string; db_date_modified_utc: string; user_name?: string }[];
}

export function readFixture(set: RecordingSet = 'suitecrm-api'): FixtureFile {
  return JSON.parse(readFileSync(new URL('fixture.json', recordingsDir(set)), 'utf8')) as FixtureFile;
}

/** A recorded exchange's response body, as text. */
export function recordedText(set: RecordingSet, file: string): string {
  const exchange = JSON.parse(readFileSync(new URL(file, recordingsDir(set)), 'utf8')) as { response: { body_text: string } };
  return exchange.response.body_text;
}

/** A recorded exchange's response body, parsed (templates the fixture has no record for). */
function recordedBody(set: RecordingSet, file: string): Record<string, unknown> {
  const exchange = JSON.parse(readFileSync(new URL(file, recordingsDir(set)), 'utf8')) as { response: { body_text: string } };
  return JSON.parse(exchange.response.body_text) as Record<string, unknown>;
}

const DATES = new Set(['date_entered', 'date_modified', 'date_start', 'date_end']);
const USER_HIDDEN = ['id', 'user_name', 'system_generated_password', 'pwd_last_changed', 'authenticate_id', 'sugar_login', 'is_admin', 'external_auth_only', 'status'];
/** Names, link fields and related names: not columns of the module's table. */
const NON_DB: Record<string, string[]> = {
  Contacts: ['name', 'full_name', 'account_name', 'assigned_user_name', 'modified_by_name', 'created_by_name', 'report_to_name', 'campaign_name', 'opportunity_role', 'calls', 'accounts', 'leads'],
  Leads: ['name', 'full_name', 'assigned_user_name', 'modified_by_name', 'created_by_name', 'report_to_name', 'calls', 'contacts', 'accounts'],
  Accounts: ['assigned_user_name', 'modified_by_name', 'created_by_name', 'parent_name', 'calls', 'contacts', 'leads'],
  Users: ['full_name', 'name', 'modified_by_name', 'created_by_name', 'reports_to_name', 'calls'],
  Calls: ['assigned_user_name', 'modified_by_name', 'created_by_name', 'parent_name', 'contact_name', 'contact_id', 'contacts', 'leads', 'users', 'accounts'],
};
/** Per-record attributes of a Call: a new one starts empty there. */
const CALL_OWN = ['name', 'description', 'date_entered', 'date_modified', 'assigned_user_id', 'assigned_user_name', 'duration_hours', 'duration_minutes', 'date_start', 'date_end', 'parent_type', 'parent_name', 'parent_id', 'status', 'direction', 'contact_name', 'contact_id'];

/**
 * The modules as one recording set shows them. SuiteCRM 8.7.1's has no custom fields (no
 * `asterisk_ext_c` on Users, no Calls fields): asking for one there is a 400, as on that SuiteCRM.
 */
export function buildModules(fixture: FixtureFile, set: RecordingSet = 'suitecrm-api'): Map<string, ModuleDef> {
  const modules = new Map<string, ModuleDef>();
  for (const [name, records] of Object.entries(fixture.records)) {
    const first = records[0]!;
    const order = Object.keys(first.attributes);
    // A value every fixture record shares is the module's default (created_by "1", portal_user_type "Single"...).
    const defaults: Record<string, unknown> = {};
    for (const key of order) {
      const v = JSON.stringify(first.attributes[key]);
      defaults[key] = !DATES.has(key) && records.every((r) => JSON.stringify(r.attributes[key]) === v) ? first.attributes[key] : '';
    }
    defaults['deleted'] = '0';
    const fullOrder = name === 'Users' ? Object.keys((recordedBody(set, '15_auth_ok_current_user.json')['data'] as { attributes: object }).attributes) : order;
    modules.set(name, {
      name,
      singular: first.type,
      table: name.toLowerCase(),
      order,
      fullOrder,
      hidden: new Set(name === 'Users' ? USER_HIDDEN : []),
      defaults,
      relationships: Object.entries(first.relationships).map(([k, v]) => [k, v.links.related.split('/relationships/')[1]!]),
      nonDb: new Set(NON_DB[name] ?? []),
      stripTags: new Set(['title']),
      maxLength: {},
    });
  }
  // No fixture record for Calls: the attributes of the Call created in recording 70, its own values emptied.
  const call = recordedBody(set, '70_calls_create_inbound_held.json')['data'] as { type: string; attributes: Record<string, unknown>; relationships: Record<string, { links: { related: string } }> };
  const callDefaults: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(call.attributes)) callDefaults[k] = CALL_OWN.includes(k) ? '' : v;
  modules.set('Calls', {
    name: 'Calls',
    singular: call.type,
    table: 'calls',
    order: Object.keys(call.attributes),
    fullOrder: Object.keys(call.attributes),
    hidden: new Set(),
    defaults: callDefaults,
    relationships: Object.entries(call.relationships).map(([k, v]) => [k, v.links.related.split('/relationships/')[1]!]),
    nonDb: new Set(NON_DB['Calls']),
    stripTags: new Set(),
    maxLength: { name: 50 },
  });
  return modules;
}

/** Relationships the fake stores, both ways: `Module.link` <-> `Module.link`. */
export const LINKS: readonly [string, string, string, string][] = [
  ['Calls', 'contacts', 'Contacts', 'calls'],
  ['Calls', 'leads', 'Leads', 'calls'],
  ['Calls', 'users', 'Users', 'calls'],
];

export const DATE_FIELDS = DATES;
