/** Turns a typed CRM phone into the index row's match keys (via the pure `phone/` module). */
import { normalizePhone } from '../phone/normalize.ts';
import type { CountryCode, NormalizedPhone } from '../phone/types.ts';

export interface PhoneIndexKeys {
  e164_key: string | null;
  national_key: string | null;
  suffix_key: string | null;
  extension: string | null;
}

export function indexKeys(n: NormalizedPhone): PhoneIndexKeys {
  switch (n.kind) {
    case 'number':
      return { e164_key: n.keys.e164, national_key: n.keys.national, suffix_key: n.keys.suffix, extension: n.extension };
    case 'invalid':
      return { e164_key: null, national_key: null, suffix_key: n.keys?.suffix ?? null, extension: null };
    case 'internal':
    case 'anonymous':
      return { e164_key: null, national_key: null, suffix_key: null, extension: null };
  }
}

export function phoneKeys(raw: string, defaultRegion: CountryCode): PhoneIndexKeys {
  return indexKeys(normalizePhone(raw, { defaultRegion }));
}
