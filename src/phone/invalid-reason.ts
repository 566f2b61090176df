/**
 * Why input is not a phone number, in words a person who edits the CRM record can act on. Code
 * matches on the `InvalidPhoneCode`; these sentences may be reworded at any time.
 */
import type { InvalidPhoneCode } from './types.ts';

const EXAMPLE = 'e.g. +49 30 1234567 ext. 12';

/**
 * @param digitCount how many digits the input holds
 * @param count the input's length for INPUT_TOO_LONG, the numbers found for SEVERAL_NUMBERS
 */
export function invalidReason(code: InvalidPhoneCode, digitCount: number, count: number): string {
  switch (code) {
    case 'INPUT_TOO_LONG':
      return `Too long for a phone number (${count} characters, at most 250). Keep only the number in this field and move notes elsewhere.`;
    case 'NOT_A_NUMBER':
      return digitCount === 0
        ? `Not a phone number: it has no digits. Enter the number with its country code, ${EXAMPLE}.`
        : `Not a phone number: it has letters or symbols a phone number does not. Keep only the digits, an optional + and country code, and an extension, ${EXAMPLE}.`;
    case 'TOO_SHORT':
      return `Too few digits (${digitCount}) for a phone number. Enter the whole number with its area code; internal extensions have 2 to 6 digits.`;
    case 'TOO_LONG':
      return `Too many digits (${digitCount}) for one phone number. Check for a typo, or put each number in its own field.`;
    case 'UNKNOWN_COUNTRY_CODE':
      return 'No country has the calling code after the + (or 00). Check the first digits of the number.';
    case 'NO_COUNTRY_CODE':
      return `The number has no country code and no valid default region is configured. Set DEFAULT_REGION (e.g. US, RU, DE, GB) or enter the number with its country code, ${EXAMPLE}.`;
    case 'SEVERAL_NUMBERS':
      return `This field holds ${count} phone numbers. Put each number in its own field so that each one can be matched.`;
  }
}
