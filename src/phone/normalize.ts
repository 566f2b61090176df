/**
 * Phone normalization: free text from a CRM field, or a caller ID from Asterisk, in; a typed
 * result with match keys out. Pure and total: no I/O, no throwing, one call costs microseconds
 * (libphonenumber's metadata is loaded once, when this module is imported).
 */
import {
  ParseError,
  findPhoneNumbersInText,
  getCountryCallingCode,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/max';
import type { PhoneNumber } from 'libphonenumber-js/max';
import { isAnonymousCallerId } from './anonymous.ts';
import { asciiDigitsOf, cleanPhoneText } from './clean-text.ts';
import { invalidReason } from './invalid-reason.ts';
import { isSupportedRegion } from './region.ts';
import { resolveSuffixDigits, suffixOf } from './match-keys.ts';
import type {
  CountryCode,
  InvalidPhoneCode,
  InvalidResult,
  NormalizeOptions,
  NormalizedPhone,
  PhoneNumberResult,
} from './types.ts';

/** libphonenumber refuses longer input to bound its regular expressions; a longer field is not one phone number. */
export const MAX_INPUT_LENGTH = 250;

// Agents' extensions: 2 to 6 digits, perhaps written "10-1" or "1 01".
const INTERNAL_SEPARATORS = /[\s.-]/g;
const INTERNAL_EXTENSION = /^[0-9]{2,6}$/;
// A national number this short that is not a possible number is as long as an extension, not a customer's.
const MIN_NATIONAL_DIGITS = 7;

// For the "+" retry below: "00" as an international prefix, and what a bare number starts with.
const LEADING_00 = /^0[\s.-]*0[\s.-]*/;
const BARE_COUNTRY_CODE_START = /^[1-9]/;
const BRACKETS_OR_PLUS = /[+()]/;
const HAS_LETTER = /\p{L}/u;

/** How good a reading is: valid beats possible (the right length) beats parsed; -1 did not parse. */
const RANK = { failed: -1, parsed: 0, possible: 1, valid: 2 } as const;
type Rank = (typeof RANK)[keyof typeof RANK];

type Reading = { phone: PhoneNumber; rank: Rank } | { problem: string; rank: typeof RANK.failed };

/**
 * Normalizes one phone number (a caller ID, or a CRM field meant to hold one number).
 *
 * Order of decisions: too long, anonymous, internal (2-6 digits), then a number read by
 * libphonenumber with the default region; when that reading is not valid, also with "+" in place
 * of a leading "00" or before bare digits (`readBest`); when no reading is even possible, as text
 * that may hold numbers. Never throws.
 */
export function normalizePhone(raw: string, options: NormalizeOptions): NormalizedPhone {
  // Typed as a string, but rows from a database or JSON may hold null; a pure function answers.
  const input = typeof raw === 'string' ? raw : String(raw ?? '');
  const suffixDigits = resolveSuffixDigits(options.suffixDigits);
  const text = cleanPhoneText(input);
  if (text.length > MAX_INPUT_LENGTH) return invalid(input, 'INPUT_TOO_LONG', '', suffixDigits, text.length);
  if (isAnonymousCallerId(text)) return { kind: 'anonymous', raw: input };

  const compact = text.replace(INTERNAL_SEPARATORS, '');
  if (INTERNAL_EXTENSION.test(compact)) return { kind: 'internal', raw: input, extension: compact };

  // The type says CountryCode, but the value comes from configuration; an unknown region must not
  // make every call throw. Numbers with a country code still work without one.
  const region = isSupportedRegion(options.defaultRegion) ? options.defaultRegion : undefined;
  let best = readBest(text, region);
  if (best.rank <= RANK.parsed) {
    // "mobile: +7 916 ... (wife)" reads fine, but "Call 415-555-2671 after 5pm" or two numbers in
    // one field do not; libphonenumber's text search finds valid numbers inside such text.
    const found = findValidNumbers(text, region);
    if (found.length > 1) return invalid(input, 'SEVERAL_NUMBERS', asciiDigitsOf(text), suffixDigits, found.length);
    const only = found[0];
    if (only !== undefined) best = { phone: only.number, rank: RANK.valid };
  }
  if (!('phone' in best)) return invalid(input, problemCode(best.problem, text, region), asciiDigitsOf(text), suffixDigits, 0);
  const problem = best.rank === RANK.parsed ? notPossibleProblem(text, best.phone) : null;
  if (problem !== null) return invalid(input, problem, asciiDigitsOf(text), suffixDigits, 0);
  return toNumberResult(input, best.phone, best.rank, region, suffixDigits);
}

/**
 * Normalizes a CRM field that may hold several numbers ("+7 495 123-45-67, +7 916 123-45-67"):
 * one result per number found, so that every one of them can be indexed. A field with one number
 * (or none) gives exactly what `normalizePhone` gives.
 */
export function normalizePhoneField(raw: string, options: NormalizeOptions): NormalizedPhone[] {
  const whole = normalizePhone(raw, options);
  if (whole.kind !== 'invalid' || whole.code !== 'SEVERAL_NUMBERS') return [whole];
  const text = cleanPhoneText(whole.raw);
  const region = isSupportedRegion(options.defaultRegion) ? options.defaultRegion : undefined;
  return findValidNumbers(text, region).map((found) => normalizePhone(text.slice(found.startsAt, found.endsAt), options));
}

function read(text: string, region: CountryCode | undefined): Reading {
  try {
    const phone = parsePhoneNumberWithError(text, region === undefined ? undefined : { defaultCountry: region });
    return { phone, rank: phone.isValid() ? RANK.valid : phone.isPossible() ? RANK.possible : RANK.parsed };
  } catch (error) {
    // A ParseError's message is its code (NOT_A_NUMBER, INVALID_COUNTRY, TOO_SHORT, TOO_LONG).
    // Anything else would be a library bug, still no reason to throw at a caller ID.
    return { problem: error instanceof ParseError ? error.message : 'NOT_A_NUMBER', rank: RANK.failed };
  }
}

/**
 * Reads the text as written; if that is not valid, also as if it began with "+", and keeps the
 * better reading (the one as written on a tie). People write "00" where the default region dials
 * 011 or 810, and no national number starts with 00, so "00" always counts as "+". Asterisk often
 * passes the country code without the "+" (`4930901820`, `15559876543`); such bare digits are
 * retried only without brackets, which show a national area code: "(415) 555-26710" is a typo,
 * not Switzerland. When both readings are valid the one as written wins: with region RU,
 * `4930901820` is a valid Ivanovo number, not Berlin. A leading single 0 is a trunk prefix (no
 * country code starts with 0), so it is never retried.
 */
function readBest(text: string, region: CountryCode | undefined): Reading {
  const asWritten = read(text, region);
  if (asWritten.rank === RANK.valid) return asWritten;
  const international = asInternational(text);
  if (international === null) return asWritten;
  const withPlus = read(international, region);
  return withPlus.rank > asWritten.rank ? withPlus : asWritten;
}

/** The text with "+" in place of a leading "00", or before bare digits; null when neither applies. */
function asInternational(text: string): string | null {
  const after00 = text.replace(LEADING_00, '');
  if (after00 !== text) return after00.startsWith('0') ? null : `+${after00}`;
  return BARE_COUNTRY_CODE_START.test(text) && !BRACKETS_OR_PLUS.test(text) ? `+${text}` : null;
}

/**
 * A reading that is not even possible stays a number (a 7-digit local "555-2671" still gets a
 * suffix key) unless it is digits picked out of text ("abc123456789"; "1-800-FLOWERS" reads as
 * +1 800), or no longer than an extension.
 */
function notPossibleProblem(text: string, phone: PhoneNumber): InvalidPhoneCode | null {
  if (phone.ext === undefined && HAS_LETTER.test(text)) return 'NOT_A_NUMBER';
  if (phone.nationalNumber.length < MIN_NATIONAL_DIGITS) return 'TOO_SHORT';
  return null;
}

function findValidNumbers(text: string, region: CountryCode | undefined): ReturnType<typeof findPhoneNumbersInText> {
  try {
    return findPhoneNumbersInText(text, region === undefined ? undefined : { defaultCountry: region });
  } catch {
    return [];
  }
}

function toNumberResult(
  raw: string,
  phone: PhoneNumber,
  rank: number,
  region: CountryCode | undefined,
  suffixDigits: number,
): PhoneNumberResult {
  // The reading already knows validity: checking it again costs libphonenumber's regexps twice.
  const valid = rank === RANK.valid;
  // Possible, not only valid: fictional +1 555 numbers (demos, tests, a PBX simulator) must still
  // match "(555) 123-0001" in the CRM.
  const e164 = rank >= RANK.possible ? phone.number : null;
  const national = phone.nationalNumber;
  return {
    kind: 'number',
    raw,
    e164,
    country: countryOf(phone, region),
    national,
    valid,
    extension: phone.ext ?? null,
    // Without a possible number the country code may be only the default region's guess.
    digits: e164 === null ? national : e164.slice(1),
    keys: { e164, national: e164 === null ? null : national, suffix: suffixOf(national, suffixDigits) },
  };
}

function countryOf(phone: PhoneNumber, region: CountryCode | undefined): CountryCode | null {
  if (phone.country !== undefined) return phone.country;
  // libphonenumber names no country when no pattern matches (+1 555..., +44 7700 900...). Within the
  // default region's own calling code the default region is the best guess; elsewhere only an
  // unshared calling code names a country.
  if (region !== undefined && getCountryCallingCode(region) === phone.countryCallingCode) return region;
  const possible = phone.getPossibleCountries();
  return possible.length === 1 ? (possible[0] ?? null) : null;
}

function problemCode(problem: string, text: string, region: CountryCode | undefined): InvalidPhoneCode {
  switch (problem) {
    case 'TOO_SHORT':
      return 'TOO_SHORT';
    case 'TOO_LONG':
      return 'TOO_LONG';
    case 'INVALID_COUNTRY':
      return region === undefined && !text.includes('+') ? 'NO_COUNTRY_CODE' : 'UNKNOWN_COUNTRY_CODE';
    default:
      return 'NOT_A_NUMBER';
  }
}

/** Degrade, do not fail: input with at least `suffixDigits` digits still has a suffix key. */
function invalid(raw: string, code: InvalidPhoneCode, digits: string, suffixDigits: number, count: number): InvalidResult {
  return {
    kind: 'invalid',
    raw,
    code,
    reason: invalidReason(code, digits.length, count),
    digits,
    keys: digits.length >= suffixDigits ? { suffix: suffixOf(digits, suffixDigits) } : null,
  };
}
