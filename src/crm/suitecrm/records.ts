/**
 * From SuiteCRM records to our directory's inputs: text decoded (SuiteCRM HTML-encodes it), phone
 * fields as configured, ids made deterministic (`suitecrm:<uuid>`) so that every sync updates the
 * same rows. Pure.
 */
import type { PhoneInput } from '../../directory/directory.ts';
import type { PhoneKind, RecordType } from '../../directory/record-types.ts';
import type { RecordModule, SuiteCrmModule, SuiteCrmSettings } from '../config.ts';
import { textOf } from './html-entities.ts';
import { parseSuiteDateTime } from './datetime.ts';
import type { V8Record } from './v8-api.ts';
import { EXTENSION_PATTERN } from '../../calls/extension-address.ts';

export const SOURCE = 'suitecrm';

/** Our id for a SuiteCRM record or user: stable, so re-syncs update rather than add. */
export function ourId(externalId: string): string {
  return `${SOURCE}:${externalId}`;
}

export const TYPE_OF_MODULE: Readonly<Record<RecordModule, RecordType>> = { Accounts: 'account', Contacts: 'contact', Leads: 'lead' };
export const MODULE_OF_TYPE: Readonly<Record<RecordType, RecordModule>> = { account: 'Accounts', contact: 'Contacts', lead: 'Leads' };
/** Table names, for the legacy API's SQL-like queries. */
export const TABLE_OF_MODULE: Readonly<Record<SuiteCrmModule, string>> = { Users: 'users', Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads' };

const KIND_OF_FIELD: Readonly<Record<string, PhoneKind>> = {
  phone_work: 'work',
  phone_mobile: 'mobile',
  phone_home: 'home',
  phone_other: 'other',
  phone_fax: 'fax',
  phone_office: 'office',
  phone_alternate: 'alternate',
};

/** The kind a phone field is indexed as (custom fields and `assistant_phone` count as "other"). */
export function phoneKindOf(field: string): PhoneKind {
  return KIND_OF_FIELD[field] ?? 'other';
}

/** The attributes a sync asks for: few, since the `relationships` block already dominates each row. */
export function fieldsFor(module: SuiteCrmModule, settings: Pick<SuiteCrmSettings, 'extensionField' | 'phoneFields'>): string[] {
  switch (module) {
    case 'Users':
      return ['first_name', 'last_name', 'full_name', settings.extensionField, 'date_modified'];
    case 'Accounts':
      return ['name', 'assigned_user_id', 'date_modified', ...settings.phoneFields.Accounts];
    case 'Contacts':
      return ['first_name', 'last_name', 'account_id', 'assigned_user_id', 'date_modified', ...settings.phoneFields.Contacts];
    case 'Leads':
      return ['first_name', 'last_name', 'account_name', 'status', 'assigned_user_id', 'date_modified', ...settings.phoneFields.Leads];
  }
}

export interface SyncedRecord {
  type: RecordType;
  externalId: string;
  /** `date_modified` in ms (SuiteCRM gives minutes); NaN when absent. */
  modifiedAt: number;
  /** The SuiteCRM ids of the responsible user and (contacts) the account, resolved by the writer. */
  assignedExternal: string | null;
  accountExternal: string | null;
  name: string;
  firstName: string;
  lastName: string;
  accountName: string | null;
  status: string | null;
  phones: PhoneInput[];
}

export function toSyncedRecord(module: RecordModule, r: V8Record, phoneFields: readonly string[]): SyncedRecord {
  const a = r.attributes;
  const text = (k: string): string => textOf(a[k]).trim();
  const orNull = (s: string): string | null => (s === '' ? null : s);
  const phones: PhoneInput[] = [];
  for (const field of phoneFields) {
    const number = text(field);
    if (number !== '') phones.push({ kind: phoneKindOf(field), number });
  }
  return {
    type: TYPE_OF_MODULE[module],
    externalId: r.id,
    modifiedAt: parseSuiteDateTime(a['date_modified']),
    assignedExternal: orNull(text('assigned_user_id')),
    accountExternal: module === 'Contacts' ? orNull(text('account_id')) : null,
    name: text('name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    accountName: module === 'Leads' ? orNull(text('account_name')) : null,
    status: module === 'Leads' ? orNull(text('status')) : null,
    phones,
  };
}

export interface SyncedUser {
  externalId: string;
  name: string;
  /** Dialable extensions, the first being primary. */
  extensions: string[];
  /** Parts of the extension field that are not dialable, for a warning. */
  invalid: string[];
  modifiedAt: number;
}

export function toSyncedUser(r: V8Record, extensionField: string): SyncedUser {
  const a = r.attributes;
  const full = textOf(a['full_name']).trim();
  const name = full !== '' ? full : [textOf(a['first_name']), textOf(a['last_name'])].map((s) => s.trim()).filter((s) => s !== '').join(' ');
  const parts = textOf(a[extensionField]).split(/[\s,;/]+/).filter((s) => s !== '');
  return {
    externalId: r.id,
    name: name === '' ? r.id : name,
    extensions: [...new Set(parts.filter((p) => EXTENSION_PATTERN.test(p)))],
    invalid: parts.filter((p) => !EXTENSION_PATTERN.test(p)),
    modifiedAt: parseSuiteDateTime(a['date_modified']),
  };
}
