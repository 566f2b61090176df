/**
 * The default region is configuration (DEFAULT_REGION). The config schema checks it with this
 * guard, so that a typo such as `UK` (it is `GB`) fails at start-up, not on every call.
 */
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { CountryCode } from './types.ts';

/** True for an upper-case ISO 3166-1 alpha-2 code that libphonenumber has metadata for (`US`, `RU`, `DE`, `GB`). */
export function isSupportedRegion(value: string): value is CountryCode {
  return isSupportedCountry(value);
}
