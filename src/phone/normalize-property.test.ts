import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { matchKeys } from './match-keys.ts';
import { normalizePhone } from './normalize.ts';
import type { CountryCode } from './types.ts';

interface PoolNumber {
  e164: string;
  region: CountryCode;
  callingCode: string;
  /** How people in the region write the trunk prefix before the national number ('' when none). */
  trunks: string[];
  /** Whether "+cc (0)..." is a habit there (a trunk 0 that people keep in brackets). */
  zeroInBrackets: boolean;
}

function pool(e164: string, region: CountryCode, callingCode: string, trunks: string[], zeroInBrackets: boolean): PoolNumber {
  return { e164, region, callingCode, trunks, zeroInBrackets };
}

// Landlines and mobiles across numbering plans with and without trunk prefixes; the US 555 number
// is possible but not valid, and must behave like the others.
const POOL: PoolNumber[] = [
  pool('+74951234567', 'RU', '7', ['8'], false),
  pool('+79161234567', 'RU', '7', ['8'], false),
  pool('+14155552671', 'US', '1', ['', '1'], false),
  pool('+12015550123', 'US', '1', ['', '1'], false),
  pool('+15551230001', 'US', '1', ['', '1'], false),
  pool('+49301234567', 'DE', '49', ['0'], true),
  pool('+4915123456789', 'DE', '49', ['0'], true),
  pool('+442079460018', 'GB', '44', ['0'], true),
  pool('+447400123456', 'GB', '44', ['0'], true),
  pool('+33142685300', 'FR', '33', ['0'], true),
  pool('+33612345678', 'FR', '33', ['0'], true),
  pool('+34911234567', 'ES', '34', [''], false),
  pool('+34612345678', 'ES', '34', [''], false),
  pool('+390612345678', 'IT', '39', [''], false),
  pool('+393123456789', 'IT', '39', [''], false),
  pool('+5511961234567', 'BR', '55', ['', '0'], false),
  pool('+551131234567', 'BR', '55', ['', '0'], false),
  pool('+919876543210', 'IN', '91', ['0'], true),
  pool('+911123456789', 'IN', '91', ['0'], true),
  pool('+31201234567', 'NL', '31', ['0'], true),
  pool('+41446681800', 'CH', '41', ['0'], true),
];

// Regions where "00" means "international". Not Brazil: there "00" is followed by a carrier code.
// RU and US dial 810 and 011, but people write 00 there too, and it is understood.
const REGIONS_READING_00: CountryCode[] = ['RU', 'US', 'DE', 'GB', 'FR', 'ES', 'IT', 'IN', 'NL', 'CH'];
const ANY_REGION: CountryCode[] = [...REGIONS_READING_00, 'BR'];

const separator = fc.constantFrom(' ', '-', '.', '/', '', ' - ', '  ');

/** The digits cut into 1 to 5 groups with random separators, the first group maybe in brackets (an area code). */
function grouped(digits: string, brackets: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: digits.length - 1 }), { maxLength: 4 }),
      fc.array(separator, { minLength: 4, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([cuts, separators, bracketFirst]) => {
      const ends = [...cuts.sort((a, b) => a - b), digits.length];
      const groups = ends.map((end, i) => digits.slice(i === 0 ? 0 : ends[i - 1], end));
      if (brackets && bracketFirst && groups.length > 1) groups[0] = `(${groups[0]})`;
      return groups.map((group, i) => (i === 0 ? group : (separators[i - 1] ?? ' ') + group)).join('');
    });
}

interface Written {
  text: string;
  region: CountryCode;
}

/** Every way the pool number may be written, with the default region under which it is read. */
function writings(number: PoolNumber): fc.Arbitrary<Written> {
  const national = number.e164.slice(1 + number.callingCode.length);
  const cc = number.callingCode;
  const variants: Array<fc.Arbitrary<Written>> = [
    // +7 (495) 123-45-67, read anywhere.
    fc
      .tuple(fc.constantFrom(...ANY_REGION), separator, grouped(national, true))
      .map(([region, sep, rest]) => ({ text: `+${cc}${sep}${rest}`, region })),
    // 0049 30 1234567
    fc
      .tuple(fc.constantFrom(...REGIONS_READING_00), fc.constantFrom('', ' '), separator, grouped(national, true))
      .map(([region, gap, sep, rest]) => ({ text: `00${gap}${cc}${sep}${rest}`, region })),
    // 011 49 30 1234567 from the US; 810 or 8 10 from Russia.
    fc
      .tuple(fc.constantFrom('011 ', '011-', '011'), separator, grouped(national, true))
      .map(([idd, sep, rest]) => ({ text: `${idd}${cc}${sep}${rest}`, region: 'US' as const })),
    fc
      .tuple(fc.constantFrom('810 ', '8 10 ', '8-10-', '810'), separator, grouped(national, true))
      .map(([idd, sep, rest]) => ({ text: `${idd}${cc}${sep}${rest}`, region: 'RU' as const })),
    // 8 (495) 123-45-67, 030 1234567, (415) 555-2671: national, read in its own region.
    fc
      .tuple(fc.constantFrom(...number.trunks), separator, grouped(national, true))
      .map(([trunk, sep, rest]) => ({ text: trunk === '' ? rest : `${trunk}${sep}${rest}`, region: number.region })),
  ];
  if (number.zeroInBrackets) {
    // +49 (0)30 1234567
    variants.push(
      fc
        .tuple(fc.constantFrom(...ANY_REGION), fc.constantFrom(' (0)', '(0)', ' (0) '), grouped(national, false))
        .map(([region, zero, rest]) => ({ text: `+${cc}${zero}${rest}`, region })),
    );
  }
  if (number.region !== 'DE') {
    // 74951234567 as Asterisk passes it: the country code without "+", read in its own region.
    // Not Germany: there "4915123456789" is also a valid national number (0491...), and wins.
    variants.push(
      fc.tuple(separator, grouped(national, false)).map(([sep, rest]) => ({ text: `${cc}${sep}${rest}`, region: number.region })),
    );
  }
  return fc.oneof(...variants);
}

const extension = fc.option(
  fc.tuple(fc.constantFrom(' ext. ', ' ext ', ' x', ' X ', ';ext=', ' #'), fc.integer({ min: 1, max: 9999 })),
  { nil: null },
);

test('the pool numbers are valid (or, for 555, possible) numbers', () => {
  for (const number of POOL) {
    const n = normalizePhone(number.e164, { defaultRegion: number.region });
    assert.ok(n.kind === 'number' && n.e164 === number.e164, number.e164);
    assert.equal(isValidPhoneNumber(number.e164), !number.e164.startsWith('+1555'), number.e164);
  }
});

test('any writing of a number normalizes to the same keys, with the extension kept aside', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...POOL).chain((number) => fc.tuple(fc.constant(number), writings(number), extension)),
      ([number, written, ext]) => {
        const text = ext === null ? written.text : `${written.text}${ext[0]}${ext[1]}`;
        const n = normalizePhone(text, { defaultRegion: written.region });
        const canonical = normalizePhone(number.e164, { defaultRegion: number.region });
        assert.ok(n.kind === 'number' && canonical.kind === 'number', `${text} (${written.region}) → ${n.kind}`);
        assert.deepEqual(n.keys, canonical.keys, `${text} (${written.region})`);
        assert.equal(n.extension, ext === null ? null : String(ext[1]), text);
      },
    ),
    { numRuns: 3000 },
  );
});

const phoneish = fc.string({
  unit: fc.constantFrom(...'0123456789+-. /()#;=xextdoб<>"\'\u0000\r\n\u202A٣３ '.split('')),
  maxLength: 40,
});

test('any text gives one of the four kinds with consistent keys, and never throws', () => {
  fc.assert(
    fc.property(
      fc.oneof(phoneish, fc.string({ unit: 'binary', maxLength: 300 })),
      fc.constantFrom<CountryCode>('RU', 'US', 'DE', 'GB', 'BR', 'IN'),
      (input, region) => {
        const n = normalizePhone(input, { defaultRegion: region });
        assert.equal(n.raw, input);
        const keys = matchKeys(n);
        switch (n.kind) {
          case 'number':
            assert.ok(n.national.endsWith(n.keys.suffix));
            assert.equal(n.keys.suffix.length, Math.min(7, n.national.length));
            if (n.e164 !== null) {
              assert.equal(n.e164, `+${n.digits}`);
              assert.ok(n.e164.endsWith(n.national));
              assert.deepEqual(n.keys, { e164: n.e164, national: n.national, suffix: n.keys.suffix });
            } else {
              assert.equal(n.keys.national, null);
            }
            assert.ok(keys.length >= 1);
            break;
          case 'invalid':
            assert.ok(n.reason.length > 0);
            if (n.keys !== null) assert.ok(n.keys.suffix.length === 7 && n.digits.endsWith(n.keys.suffix));
            else assert.ok(n.digits.length < 7);
            break;
          case 'internal':
            assert.match(n.extension, /^[0-9]{2,6}$/);
            assert.deepEqual(keys, []);
            break;
          case 'anonymous':
            assert.deepEqual(keys, []);
            break;
        }
      },
    ),
    { numRuns: 3000 },
  );
});
