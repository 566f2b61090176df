import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATCH_KEY_PREFIX, matchKeys, resolveSuffixDigits, suffixOf } from './match-keys.ts';
import { normalizePhone } from './normalize.ts';

test('a number has its keys strongest first, each marked with its kind', () => {
  assert.deepEqual(matchKeys(normalizePhone('8 495 123-45-67', { defaultRegion: 'RU' })), [
    'e164:+74951234567',
    'nat:4951234567',
    'sfx:1234567',
  ]);
});

test('a 7-digit national number and a 7-digit suffix never share a key', () => {
  const shortNational = matchKeys(normalizePhone('+4930901820', { defaultRegion: 'DE' }));
  assert.ok(shortNational.includes('nat:30901820'));
  assert.ok(shortNational.every((key) => Object.values(MATCH_KEY_PREFIX).some((prefix) => key.startsWith(prefix))));
});

test('a number of impossible length has only a suffix key; garbage has one only with 7 or more digits', () => {
  assert.deepEqual(matchKeys(normalizePhone('555-2671', { defaultRegion: 'US' })), ['sfx:5552671']);
  assert.deepEqual(matchKeys(normalizePhone('+999 1234567', { defaultRegion: 'US' })), ['sfx:1234567']);
  assert.deepEqual(matchKeys(normalizePhone('abc', { defaultRegion: 'US' })), []);
});

test('internal and anonymous callers have no keys: they never match a customer', () => {
  assert.deepEqual(matchKeys(normalizePhone('101', { defaultRegion: 'US' })), []);
  assert.deepEqual(matchKeys(normalizePhone('anonymous', { defaultRegion: 'US' })), []);
});

test('the suffix length option is an integer within 4..15, 7 by default', () => {
  assert.deepEqual([undefined, 7, 9.8, 1, 40, Number.NaN, Infinity].map(resolveSuffixDigits), [7, 7, 9, 4, 15, 7, 7]);
  assert.equal(suffixOf('123', 7), '123');
  assert.equal(suffixOf('74951234567', 7), '1234567');
});
