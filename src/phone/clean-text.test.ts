import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiDigitsOf, cleanPhoneText, toAsciiDigit } from './clean-text.ts';

test('digits of every script become ASCII', () => {
  const zeros = ['0', '٠', '۰', '०', '০', '๐', '０', '𝟎', '𝟘'];
  const sevens = ['7', '٧', '۷', '७', '৭', '๗', '７', '𝟕', '𝟟'];
  assert.equal(cleanPhoneText(zeros.join('')), '0'.repeat(zeros.length));
  assert.equal(cleanPhoneText(sevens.join('')), '7'.repeat(sevens.length));
  assert.equal(toAsciiDigit('٣'), '3');
  assert.equal(toAsciiDigit('९'), '9');
});

test('full-width punctuation, no-break spaces and bidi marks are folded or dropped', () => {
  assert.equal(cleanPhoneText('＋７（４９５）１２３－４５－６７'), '+7(495)123-45-67');
  assert.equal(cleanPhoneText('\u202A+49\u00A030\u200B1234567\u202C'), '+49 301234567');
});

test('control characters become a space, so lines do not fuse into one number', () => {
  assert.equal(cleanPhoneText('\u0000123\r\n456\t'), '123 456');
  assert.equal(asciiDigitsOf(cleanPhoneText('+7 (495) 123-45-67')), '74951234567');
});
