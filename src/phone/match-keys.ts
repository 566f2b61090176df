/**
 * Keys for the phone index. A lookup ranks an exact E.164 match before a national-number match
 * before a suffix match; `matchKeys` lists a number's keys in that order.
 */
import type { NormalizedPhone } from './types.ts';

export const DEFAULT_SUFFIX_DIGITS = 7;

// Fewer than 4 digits would match half the directory; E.164 has at most 15.
const MIN_SUFFIX_DIGITS = 4;
const MAX_SUFFIX_DIGITS = 15;

/**
 * Each key carries its kind, so one indexed column can hold them all: a 7-digit national number
 * (`nat:1234567`) must never equal a 7-digit suffix (`sfx:1234567`) of some other number.
 */
export const MATCH_KEY_PREFIX = { e164: 'e164:', national: 'nat:', suffix: 'sfx:' } as const;

export type MatchKeyKind = keyof typeof MATCH_KEY_PREFIX;

/** The `suffixDigits` option made safe: an integer within 4..15, 7 when unset or not a number. */
export function resolveSuffixDigits(suffixDigits: number | undefined): number {
  if (suffixDigits === undefined || !Number.isFinite(suffixDigits)) return DEFAULT_SUFFIX_DIGITS;
  return Math.min(MAX_SUFFIX_DIGITS, Math.max(MIN_SUFFIX_DIGITS, Math.trunc(suffixDigits)));
}

/** The last `count` digits, or all of them when there are fewer. */
export function suffixOf(digits: string, count: number): string {
  return digits.length <= count ? digits : digits.slice(digits.length - count);
}

/** The keys to index (or look up) for a normalized phone, strongest first; none for internal and anonymous. */
export function matchKeys(phone: NormalizedPhone): string[] {
  switch (phone.kind) {
    case 'number': {
      const keys: string[] = [];
      if (phone.keys.e164 !== null) keys.push(MATCH_KEY_PREFIX.e164 + phone.keys.e164);
      if (phone.keys.national !== null) keys.push(MATCH_KEY_PREFIX.national + phone.keys.national);
      if (phone.keys.suffix !== '') keys.push(MATCH_KEY_PREFIX.suffix + phone.keys.suffix);
      return keys;
    }
    case 'invalid':
      return phone.keys === null ? [] : [MATCH_KEY_PREFIX.suffix + phone.keys.suffix];
    case 'internal':
    case 'anonymous':
      return [];
  }
}
