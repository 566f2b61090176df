/**
 * Callers as Asterisk presents them, built from the true numbers of the directory (hits) and from
 * numbers nobody in the directory has (misses). Deterministic for a seed.
 *
 * A PBX shows a caller from its own country as `+<E.164>`, in national form with the trunk prefix
 * (`84951234567` in Russia, `030...` in Germany), or as the country code and number without `+`
 * (`74951234567`); a foreign caller as `+<E.164>` or the digits without `+`. The mix is below
 * (`FORMS`); results are also reported per form, since each baseline fails on different ones.
 */
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type CallerForm = 'e164' | 'national' | 'digits';
export const CALLER_FORMS: readonly CallerForm[] = ['e164', 'national', 'digits'];
export const FORM_LABEL: Record<CallerForm, string> = {
  e164: '`+<E.164>`',
  national: 'national, trunk prefix',
  digits: 'country code, no `+`',
};

// Cumulative shares: domestic callers 50% +E.164, 30% national, 20% without +; foreign 70% / 0 / 30%.
const DOMESTIC: [CallerForm, number][] = [['e164', 0.5], ['national', 0.8], ['digits', 1]];
const FOREIGN: [CallerForm, number][] = [['e164', 0.7], ['digits', 1]];

export interface Caller {
  /** What the PBX hands us. */
  presented: string;
  /** The real number, `+` and digits. */
  e164: string;
  form: CallerForm;
  hit: boolean;
}

/** mulberry32: small, fast and good enough to pick samples; the same seed gives the same run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the text: decides, from the number alone, whether it is in the ground-truth sample. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Ground truth is kept for a sample of numbers chosen by hash, not by position: the choice needs no
 * second pass over the data, and a made-up miss can be checked against the sample with certainty
 * (if it were in the directory and passed the hash test, it would be in the truth map).
 */
export class NumberSample {
  readonly #threshold: number;
  constructor(readonly rate: number) {
    this.#threshold = Math.min(1, Math.max(0, rate)) * 4294967296;
  }
  has(e164: string): boolean {
    return fnv1a(e164) < this.#threshold;
  }
}

export function present(e164: string, form: CallerForm): string {
  switch (form) {
    case 'e164':
      return e164;
    case 'digits':
      return e164.slice(1);
    case 'national': {
      // libphonenumber's national format carries the trunk prefix where the country dials one.
      const national = parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
      return national.replace(/\D/g, '');
    }
  }
}

function pick(table: [CallerForm, number][], r: number): CallerForm {
  for (const [form, upTo] of table) if (r < upTo) return form;
  return table[table.length - 1]![0];
}

/**
 * `count` hit callers drawn from the numbers with ground truth (with replacement when there are
 * fewer numbers than callers), each in a form drawn from the mix above.
 */
export function hitCallers(numbers: readonly string[], count: number, region: CountryCode, random: () => number): Caller[] {
  const home = `+${getCountryCallingCode(region)}`;
  const callers: Caller[] = [];
  const order = shuffled(numbers, random);
  for (let i = 0; i < count && order.length > 0; i++) {
    const e164 = order[i % order.length]!;
    const form = pick(e164.startsWith(home) ? DOMESTIC : FOREIGN, random());
    callers.push({ presented: present(e164, form), e164, form, hit: true });
  }
  return callers;
}

/**
 * `count` valid numbers nobody in the directory has: a known number with its last three digits
 * changed, kept only when the sample would have recorded it had it existed, and it is not there.
 */
export function missCallers(
  numbers: readonly string[],
  truth: ReadonlyMap<string, unknown>,
  sample: NumberSample,
  count: number,
  region: CountryCode,
  random: () => number,
): Caller[] {
  const home = `+${getCountryCallingCode(region)}`;
  const callers: Caller[] = [];
  const used = new Set<string>();
  let attempts = 0;
  while (callers.length < count && numbers.length > 0 && attempts < count * 100_000) {
    attempts++;
    const base = numbers[Math.floor(random() * numbers.length)]!;
    const e164 = base.slice(0, -3) + String(Math.floor(random() * 1000)).padStart(3, '0');
    if (used.has(e164) || truth.has(e164) || !sample.has(e164)) continue;
    if (!parsePhoneNumberFromString(e164)?.isValid()) continue;
    used.add(e164);
    const form = pick(e164.startsWith(home) ? DOMESTIC : FOREIGN, random());
    callers.push({ presented: present(e164, form), e164, form, hit: false });
  }
  return callers;
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
