import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldsFor, phoneKindOf, toSyncedRecord, toSyncedUser } from './records.ts';
import { DEFAULT_PHONE_FIELDS } from '../config.ts';

test('a contact: text decoded, phones in the configured order with their kinds, empty fields skipped', () => {
  const r = toSyncedRecord(
    'Contacts',
    {
      type: 'Contact',
      id: 'c1',
      attributes: { first_name: 'Dora', last_name: 'O&#039;Brien', phone_work: '', phone_mobile: '+49 40 5550111', phone_other: ' 8 495 123 45 67 ', account_id: 'a1', assigned_user_id: 'u1', date_modified: '2026-11-23T20:14:00+00:00' },
    },
    DEFAULT_PHONE_FIELDS.Contacts,
  );
  assert.equal(r.lastName, "O'Brien");
  assert.deepEqual(r.phones, [
    { kind: 'mobile', number: '+49 40 5550111' },
    { kind: 'other', number: '8 495 123 45 67' },
  ]);
  assert.deepEqual([r.accountExternal, r.assignedExternal, r.modifiedAt], ['a1', 'u1', Date.parse('2026-11-23T20:14:00Z')]);
});

test('a user: extensions from the custom field, several allowed, the undialable reported', () => {
  const u = toSyncedUser({ type: 'User', id: 'u1', attributes: { first_name: 'Alice', last_name: 'Agent', full_name: 'Alice Agent', asterisk_ext_c: '101, 201;ext9' } }, 'asterisk_ext_c');
  assert.deepEqual([u.name, u.extensions, u.invalid], ['Alice Agent', ['101', '201'], ['ext9']]);
  assert.deepEqual(toSyncedUser({ type: 'User', id: '1', attributes: { asterisk_ext_c: '' } }, 'asterisk_ext_c').extensions, []);
});

test('kinds and requested fields', () => {
  assert.equal(phoneKindOf('phone_office'), 'office');
  assert.equal(phoneKindOf('assistant_phone'), 'other');
  assert.deepEqual(fieldsFor('Users', { extensionField: 'x_c', phoneFields: DEFAULT_PHONE_FIELDS }), ['first_name', 'last_name', 'full_name', 'x_c', 'date_modified']);
});
