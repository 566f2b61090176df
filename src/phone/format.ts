/**
 * Phone numbers as people read them: in the region's own national format for local numbers (what
 * an agent would dial), in international format for foreign ones.
 */
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { MAX_INPUT_LENGTH } from './normalize.ts';
import type { CountryCode, NormalizedPhone } from './types.ts';

const WHITESPACE_RUN = /[\s\p{Cc}\p{Cf}]+/gu;

/**
 * `+7 495 123-45-67` with region RU gives `8 (495) 123-45-67`; with region US, `+7 495 123 45 67`.
 * A number that shares the region's calling code counts as local (+1 416 in the US). Extensions are
 * kept (`(415) 555-2671 ext. 12`). Internal numbers give the extension; anything else its raw text
 * on one line, so a person still sees what the CRM or the PBX said.
 */
export function formatPhoneForPeople(phone: NormalizedPhone, region: CountryCode): string {
  switch (phone.kind) {
    case 'number':
      return phone.e164 === null ? oneLine(phone.raw) : formatE164(phone.e164, phone.extension, region) ?? oneLine(phone.raw);
    case 'internal':
      return phone.extension;
    case 'anonymous':
    case 'invalid':
      return oneLine(phone.raw);
  }
}

function formatE164(e164: string, extension: string | null, region: CountryCode): string | null {
  try {
    const parsed = parsePhoneNumberWithError(e164);
    if (extension !== null) parsed.setExt(extension);
    const local = isSupportedCountry(region) && getCountryCallingCode(region) === parsed.countryCallingCode;
    return local ? parsed.formatNational() : parsed.formatInternational();
  } catch {
    // Only a hand-built result could hold an e164 libphonenumber cannot read; show its raw text.
    return null;
  }
}

function oneLine(raw: string): string {
  const line = raw.replace(WHITESPACE_RUN, ' ').trim();
  return line.length > MAX_INPUT_LENGTH ? `${line.slice(0, MAX_INPUT_LENGTH - 1)}…` : line;
}
