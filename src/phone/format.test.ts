import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPhoneForPeople } from './format.ts';
import { normalizePhone } from './normalize.ts';
import type { CountryCode } from './types.ts';

function formatted(input: string, region: CountryCode, shownIn: CountryCode = region): string {
  return formatPhoneForPeople(normalizePhone(input, { defaultRegion: region }), shownIn);
}

test('numbers of the region are shown in its national format', () => {
  assert.equal(formatted('+74951234567', 'RU'), '8 (495) 123-45-67');
  assert.equal(formatted('+14155552671', 'US'), '(415) 555-2671');
  assert.equal(formatted('+49301234567', 'DE'), '030 1234567');
  assert.equal(formatted('+447700900123', 'GB'), '07700 900123');
  assert.equal(formatted('+15551230001', 'US'), '(555) 123-0001');
});

test('foreign numbers are shown in international format', () => {
  assert.equal(formatted('+74951234567', 'US'), '+7 495 123 45 67');
  assert.equal(formatted('0049 30 1234567', 'US'), '+49 30 1234567');
  assert.equal(formatted('+34911234567', 'RU'), '+34 911 23 45 67');
});

test('a number sharing the region calling code counts as local', () => {
  assert.equal(formatted('+1 613 555 0123', 'US'), '(613) 555-0123');
});

test('extensions are kept', () => {
  assert.equal(formatted('(415) 555 2671 ext. 12', 'US'), '(415) 555-2671 ext. 12');
  assert.equal(formatted('(415) 555 2671 ext. 12', 'US', 'DE'), '+1 415 555 2671 ext. 12');
});

test('internal numbers show the extension; the rest show their raw text on one line', () => {
  assert.equal(formatted(' 101 ', 'US'), '101');
  assert.equal(formatted('<unknown>', 'US'), '<unknown>');
  assert.equal(formatted('555-2671', 'US'), '555-2671');
  assert.equal(formatted('call\r\nme  back', 'US'), 'call me back');
  assert.equal(formatted('x'.repeat(1000), 'US').length, 250);
});
