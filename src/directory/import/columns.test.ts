import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isCrmTelephonyError } from '../../errors.ts';
import { parseColumnMap, phoneColumns, resolveHeader } from './columns.ts';

const usageError = (pattern: RegExp) => (err: unknown) => isCrmTelephonyError(err, ErrorCodes.CONFIG_ERR_INVALID) && pattern.test(err.message);

test('--map: pairs split at commas and at the last "=", repeated flags merge, targets checked per type', () => {
  assert.deepEqual(
    [...parseColumnMap(['Mobile Phone=phone_mobile, Account=account_id', 'a=b=ID'], 'contacts')],
    [
      ['Mobile Phone', 'phone_mobile'],
      ['Account', 'account_id'],
      ['a=b', 'id'],
    ],
  );
  assert.throws(() => parseColumnMap(['Mobile=phone_mobil'], 'contacts'), usageError(/"phone_mobil", which is not a column of contacts.*phone_mobile/));
  assert.throws(() => parseColumnMap(['Mobile'], 'contacts'), usageError(/"File column=our_column"/));
  assert.throws(() => parseColumnMap(['Status=status'], 'contacts'), usageError(/not a column of contacts/));
  assert.equal(parseColumnMap(['Status=status'], 'leads').get('Status'), 'status');
});

test('header: our names ignoring case and spaces, mapped names, unknown columns ignored', () => {
  const layout = resolveHeader([' ID ', 'First_Name', 'Handy', 'Notes'], 'contacts', new Map([['handy', 'phone_mobile']]));
  assert.deepEqual([...layout.positions], [
    ['id', 0],
    ['first_name', 1],
    ['phone_mobile', 2],
  ]);
  assert.deepEqual(layout.ignored, ['Notes']);
  assert.equal(layout.width, 4);
});

test('header: refusals say what is missing and how to map it', () => {
  assert.throws(() => resolveHeader(['name', 'phone'], 'accounts', new Map()), usageError(/no "id" column.*--map "Its Name=id"/));
  assert.throws(() => resolveHeader(['id', 'phone_work'], 'contacts', new Map()), usageError(/"first_name" or "last_name"/));
  assert.throws(() => resolveHeader(['login'], 'users', new Map()), usageError(/"name"/));
  assert.throws(() => resolveHeader(['id', 'name'], 'accounts', new Map([['Company', 'name']])), usageError(/"Company", which the file's header does not have/));
  assert.throws(() => resolveHeader(['id', 'name', 'Company'], 'accounts', new Map([['Company', 'name']])), usageError(/both give "name"/));
});

test('header: one column that should have been several says the file may use another separator', () => {
  const oneColumn = usageError(/no "id" column.*The header reads as one column: the file may use another separator than a comma, a semicolon or a tab/);
  assert.throws(() => resolveHeader(['id|first_name|last_name'], 'contacts', new Map()), oneColumn);
  assert.throws(() => resolveHeader(['name', 'phone'], 'accounts', new Map()), (err: unknown) => err instanceof Error && !/another separator/.test(err.message));
});

test('phone columns per type', () => {
  assert.deepEqual(
    phoneColumns('accounts').map((p) => p.kind),
    ['office', 'alternate', 'fax'],
  );
  assert.deepEqual(
    phoneColumns('contacts').map((p) => p.kind),
    ['work', 'mobile', 'home', 'other', 'fax'],
  );
  assert.deepEqual(phoneColumns('users'), []);
});
