/**
 * What `normalizePhone` returns. One discriminated union, so that a caller must decide what to do
 * with each kind: only `number` (and, as a last resort, `invalid` with keys) can match a customer.
 */
import type { CountryCode } from 'libphonenumber-js/max';

export type { CountryCode };

export interface NormalizeOptions {
  /**
   * Region assumed for numbers written without a country code: ISO 3166-1 alpha-2 such as RU, US,
   * DE, GB (not UK). Decides the trunk prefix (8 in RU, 0 in DE/GB, 1 in US) and the international
   * prefix (810 in RU, 011 in US, 00 in most of Europe) that are understood.
   */
  defaultRegion: CountryCode;
  /**
   * How many trailing digits make the suffix key, the weakest match. Default 7, the length of a
   * subscriber number in most plans; kept within 4..15.
   */
  suffixDigits?: number;
}

/** The keys a lookup matches on, strongest first. */
export interface PhoneKeys {
  /** `+` and digits; present when the number is valid or at least of a possible length. */
  e164: string | null;
  /** National significant number (no country code, no trunk prefix); present with `e164`. */
  national: string | null;
  /** The last `suffixDigits` digits of the national number (all of them when it is shorter). */
  suffix: string;
}

/** A customer's (or any outside) number. */
export interface PhoneNumberResult {
  kind: 'number';
  raw: string;
  /** `+` and digits when valid or at least possible (fictional `+1 555` numbers are possible). */
  e164: string | null;
  /** Null when the calling code is shared (`+1`, `+44`) and neither the number nor the default region tells which country. */
  country: CountryCode | null;
  /** National significant number digits. */
  national: string;
  /** True only when the number matches its country's numbering plan exactly. */
  valid: boolean;
  /** Extension digits (`ext. 12`, `x12`, `;ext=12`, `#12`, `доб. 12`): kept, never part of a key. */
  extension: string | null;
  /** Country code and national number (`e164` without `+`); the national number alone when not even possible. */
  digits: string;
  keys: PhoneKeys;
}

/** 2 to 6 digits: an agent's extension on the PBX, not a customer. */
export interface InternalResult {
  kind: 'internal';
  raw: string;
  extension: string;
}

/** The caller hid the number (or the PBX had none): nothing to match. */
export interface AnonymousResult {
  kind: 'anonymous';
  raw: string;
}

/** Stable codes for why input is not a number; code and tests match on these, never on `reason`. */
export type InvalidPhoneCode =
  | 'INPUT_TOO_LONG'
  | 'NOT_A_NUMBER'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'UNKNOWN_COUNTRY_CODE'
  | 'NO_COUNTRY_CODE'
  | 'SEVERAL_NUMBERS';

/** Not a number we understand. With 7 or more digits it still has a suffix key, so matching degrades instead of failing. */
export interface InvalidResult {
  kind: 'invalid';
  raw: string;
  code: InvalidPhoneCode;
  /** What is wrong and what to do, for a person. */
  reason: string;
  /** Every digit in the input (none when the input was too long to be a phone field). */
  digits: string;
  keys: { suffix: string } | null;
}

export type NormalizedPhone = PhoneNumberResult | InternalResult | AnonymousResult | InvalidResult;
