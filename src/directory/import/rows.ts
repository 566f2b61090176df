/**
 * One CSV row to one directory input, or the reason it cannot be imported. Pure: the importer
 * supplies the users by login, and checks what needs the database (account ids) itself.
 */
import { normalizePhone } from '../../phone/normalize.ts';
import type { CountryCode } from '../../phone/types.ts';
import type { AccountInput, ContactInput, LeadInput, PhoneInput, UserInput } from '../directory.ts';
import { phoneColumns, type ImportType } from './columns.ts';
import { ADDRESS_PATTERN } from '../../calls/extension-address.ts';

/** Why a row was not imported. Stable: tests and `--json` readers match on these. */
export type SkipCode =
  | 'BAD_QUOTING'
  | 'COLUMN_COUNT'
  | 'MISSING_ID'
  | 'MISSING_NAME'
  | 'MISSING_LOGIN'
  | 'INVALID_EXTENSION'
  | 'INVALID_ROLE'
  | 'UNKNOWN_ACCOUNT'
  | 'EXTENSION_TAKEN'
  | 'WRITE_FAILED';

/** Imported, but not quite as written. */
export type WarningCode = 'UNKNOWN_USER' | 'INVALID_PHONE';

export interface RowWarning {
  code: WarningCode;
  message: string;
}

export type RowInput =
  | { type: 'users'; input: UserInput }
  | { type: 'accounts'; input: AccountInput & { id: string } }
  | { type: 'contacts'; input: ContactInput & { id: string } }
  | { type: 'leads'; input: LeadInput & { id: string } };

export type RowResult = { ok: true; value: RowInput; warnings: RowWarning[] } | { ok: false; code: SkipCode; reason: string };

export interface RowContext {
  /** Lower-cased login -> user id. */
  usersByLogin: ReadonlyMap<string, string>;
  region: CountryCode;
}

// The directory's own rule for extensions (directory.ts): what a phone can dial, at which PBX.
const EXTENSION = ADDRESS_PATTERN;
const MAX_ID_LENGTH = 255;

/** `get(column)` returns the trimmed value, '' when the column is absent or empty. */
export function rowToInput(type: ImportType, get: (column: string) => string, ctx: RowContext): RowResult {
  if (type === 'users') return userRow(get);
  const id = get('id');
  if (id === '') return skip('MISSING_ID', 'missing id: every row needs an "id", so that importing the file again updates the record instead of adding another.');
  if (id.length > MAX_ID_LENGTH) return skip('MISSING_ID', `the id is ${id.length} characters long; ids are at most ${MAX_ID_LENGTH}.`);
  const warnings: RowWarning[] = [];
  const assignedUserId = owner(get('assigned_user'), ctx, warnings);
  const phones = phonesOf(type, get, ctx, warnings);
  switch (type) {
    case 'accounts': {
      const name = get('name');
      if (name === '') return skip('MISSING_NAME', 'missing name: an account needs a "name".');
      return { ok: true, value: { type, input: { id, name, assignedUserId, phones } }, warnings };
    }
    case 'contacts': {
      const firstName = get('first_name');
      const lastName = get('last_name');
      if (firstName === '' && lastName === '') return skip('MISSING_NAME', 'missing name: a contact needs a "first_name" or a "last_name".');
      const accountId = get('account_id');
      return { ok: true, value: { type, input: { id, firstName, lastName, accountId: accountId === '' ? null : accountId, assignedUserId, phones } }, warnings };
    }
    case 'leads': {
      const firstName = get('first_name');
      const lastName = get('last_name');
      if (firstName === '' && lastName === '') return skip('MISSING_NAME', 'missing name: a lead needs a "first_name" or a "last_name".');
      const accountName = get('account_name');
      const status = get('status');
      return {
        ok: true,
        value: { type, input: { id, firstName, lastName, accountName: accountName === '' ? null : accountName, status: status === '' ? null : status, assignedUserId, phones } },
        warnings,
      };
    }
  }
}

function userRow(get: (column: string) => string): RowResult {
  const login = get('login');
  if (login === '') return skip('MISSING_LOGIN', 'missing login: every user needs a "login" (users are matched by it on re-import).');
  const name = get('name');
  if (name === '') return skip('MISSING_NAME', `missing name: user "${login}" needs a "name".`);
  const extensions = get('extensions')
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const bad = extensions.find((e) => !EXTENSION.test(e));
  if (bad !== undefined) {
    return skip('INVALID_EXTENSION', `invalid extension ${JSON.stringify(bad)} for user "${login}": use digits (and * # +), @ and the PBX's id for a PBX other than the default (101@branch), several separated by ";" (101;201).`);
  }
  const roleText = get('role').toLowerCase();
  if (roleText !== '' && roleText !== 'admin' && roleText !== 'agent') {
    return skip('INVALID_ROLE', `invalid role ${JSON.stringify(get('role'))} for user "${login}": use "admin" or "agent" (empty means agent).`);
  }
  const password = get('password');
  const input: UserInput = { login, name, extensions };
  if (roleText !== '') input.role = roleText as 'admin' | 'agent';
  // An empty password keeps the user's current one (or none): a re-import must not lock people out.
  if (password !== '') input.password = password;
  return { ok: true, value: { type: 'users', input }, warnings: [] };
}

function owner(login: string, ctx: RowContext, warnings: RowWarning[]): string | null {
  if (login === '') return null;
  const id = ctx.usersByLogin.get(login.toLowerCase());
  if (id === undefined) {
    warnings.push({ code: 'UNKNOWN_USER', message: `unknown user "${login}" in assigned_user: imported unassigned. Import the users first (--type users).` });
    return null;
  }
  return id;
}

function phonesOf(type: ImportType, get: (column: string) => string, ctx: RowContext, warnings: RowWarning[]): PhoneInput[] {
  const phones: PhoneInput[] = [];
  for (const { column, kind } of phoneColumns(type)) {
    const number = get(column);
    if (number === '') continue;
    phones.push({ kind, number });
    const n = normalizePhone(number, { defaultRegion: ctx.region });
    if (n.kind !== 'number' || !n.valid) {
      const why = n.kind === 'invalid' ? n.reason : n.kind === 'number' ? `not a valid number in ${n.country ?? 'its country'}` : `reads as ${n.kind === 'internal' ? 'an internal extension' : 'no number'}`;
      warnings.push({ code: 'INVALID_PHONE', message: `${column} ${JSON.stringify(number)} is kept as typed but is not a valid number (${why}); lookups match it by its digits only.` });
    }
  }
  return phones;
}

function skip(code: SkipCode, reason: string): RowResult {
  return { ok: false, code, reason };
}
