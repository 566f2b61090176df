import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQuery, encodeValue } from './query-string.ts';

test('encodes exactly as the recordings were sent (brackets and commas literal, the rest percent-encoded)', () => {
  const n = '+7 (495) 123-45-67';
  const q = encodeQuery([
    ['filter[operator]', 'or'],
    ...['phone_work', 'phone_mobile', 'phone_home', 'phone_other'].map((f) => [`filter[${f}][eq]`, n] as const),
    ['fields[Contacts]', 'first_name,last_name,phone_work,phone_mobile,phone_home,phone_other,account_id,account_name,assigned_user_id,date_modified'],
    ['page[size]', '20'],
    ['page[number]', '1'],
  ]);
  // Recording 20's path_and_query, after "?".
  assert.equal(
    q,
    'filter[operator]=or&filter[phone_work][eq]=%2B7%20%28495%29%20123-45-67&filter[phone_mobile][eq]=%2B7%20%28495%29%20123-45-67&filter[phone_home][eq]=%2B7%20%28495%29%20123-45-67&filter[phone_other][eq]=%2B7%20%28495%29%20123-45-67&fields[Contacts]=first_name,last_name,phone_work,phone_mobile,phone_home,phone_other,account_id,account_name,assigned_user_id,date_modified&page[size]=20&page[number]=1',
  );
});

test('+ is %2B, % is %25, : is %3A (recordings 24, 50)', () => {
  assert.equal(encodeValue('%123-45-67'), '%25123-45-67');
  assert.equal(encodeValue('2026-11-23 20:08:45'), '2026-11-23%2020%3A08%3A45');
  assert.equal(encodeValue("O'Brien & Co"), 'O%27Brien%20%26%20Co');
});

test('a key that is not a plain bracketed name is refused, never sent', () => {
  assert.throws(() => encodeQuery([['filter[a]&x=1', 'v']]), RangeError);
  assert.throws(() => encodeQuery([['filter[a]\r\n', 'v']]), RangeError);
});
