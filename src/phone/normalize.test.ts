import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_INPUT_LENGTH, normalizePhone, normalizePhoneField } from './normalize.ts';
import type { CountryCode, InvalidPhoneCode, NormalizedPhone } from './types.ts';

/**
 * What a row expects: the E.164 key (`+...`), the E.164 key and an extension, `null` for a number
 * too short or long to have an E.164 key, or the kind (with the code for invalid input).
 */
type Expected = string | { e164: string; ext: string } | null | 'internal' | 'anonymous' | `invalid:${InvalidPhoneCode}`;

// Real-world spellings from CRM records and from Asterisk caller IDs (CALLERID(num)).
const TABLE: Array<[input: string, region: CountryCode, expected: Expected]> = [
  // Russia: trunk prefix 8, international prefix 810 (also "8 10"), Asterisk with and without "+".
  ['+7 (495) 123-45-67', 'RU', '+74951234567'],
  ['8 495 123 45 67', 'RU', '+74951234567'],
  ['8 (495) 123-45-67', 'RU', '+74951234567'],
  ['84951234567', 'RU', '+74951234567'],
  ['74951234567', 'RU', '+74951234567'],
  ['+79161234567', 'RU', '+79161234567'],
  ['+79161234567 ', 'RU', '+79161234567'],
  ['79161234567', 'RU', '+79161234567'],
  ['89161234567', 'RU', '+79161234567'],
  ['8-916-123-45-67', 'RU', '+79161234567'],
  ['8 800 555 35 35', 'RU', '+78005553535'],
  ['+7 (8) 495 123 45 67', 'RU', '+74951234567'],
  ['8 10 49 30 1234567', 'RU', '+49301234567'],
  ['810 49 30 1234567', 'RU', '+49301234567'],
  ['810 1 415 555 2671', 'RU', '+14155552671'],
  ['0049 30 1234567', 'RU', '+49301234567'],
  ['8 (495) 123-45-67 доб. 123', 'RU', { e164: '+74951234567', ext: '123' }],
  ['+7 495 123 45 67 доб.12', 'RU', { e164: '+74951234567', ext: '12' }],
  ['＋７ ９１６ １２３ ４５ ６７', 'RU', '+79161234567'],
  ['\u202A+7 916 123-45-67\u202C', 'RU', '+79161234567'],
  ['моб. +7 916 123-45-67', 'RU', '+79161234567'],
  ['+7 495 123-45-67 (секретарь)', 'RU', '+74951234567'],
  ['4930901820', 'RU', '+74930901820'], // valid as written (Ivanovo region) wins over Berlin
  ['15559876543', 'RU', '+15559876543'],
  ['+15551230001', 'RU', '+15551230001'],
  ['447700900123', 'RU', '+447700900123'],
  ['8613812345678', 'RU', '+8613812345678'],

  // United States: trunk prefix 1, international prefix 011, fictional 555 numbers.
  ['(415) 555-2671', 'US', '+14155552671'],
  ['415-555-2671', 'US', '+14155552671'],
  ['415.555.2671', 'US', '+14155552671'],
  ['415/555-2671', 'US', '+14155552671'],
  ['1 (415) 555-2671', 'US', '+14155552671'],
  ['1-415-555-2671', 'US', '+14155552671'],
  ['+1 415 555 2671', 'US', '+14155552671'],
  ['14155552671', 'US', '+14155552671'],
  ['(415) 555 2671 ext. 12', 'US', { e164: '+14155552671', ext: '12' }],
  ['(415) 555-2671 x12', 'US', { e164: '+14155552671', ext: '12' }],
  ['415-555-2671;ext=12', 'US', { e164: '+14155552671', ext: '12' }],
  ['tel:+1-415-555-2671;ext=12', 'US', { e164: '+14155552671', ext: '12' }],
  ['415 555 2671 #12', 'US', { e164: '+14155552671', ext: '12' }],
  ['+15551230001', 'US', '+15551230001'],
  ['(555) 123-0001', 'US', '+15551230001'],
  ['15559876543', 'US', '+15559876543'],
  ['+1 613 555 0123', 'US', '+16135550123'],
  ['011 49 30 1234567', 'US', '+49301234567'],
  ['011 44 20 7946 0018', 'US', '+442079460018'],
  ['4930901820', 'US', '+4930901820'], // possible in the US, valid in Germany: the "+" reading wins
  ['0049 30 1234567', 'US', '+49301234567'],
  ['Call 415-555-2671 after 5pm', 'US', '+14155552671'],
  ['555-2671', 'US', null], // a 7-digit local number: only a suffix key

  // Germany: trunk 0, "(0)" after the country code, slashes, direct-dial suffixes.
  ['030 1234567', 'DE', '+49301234567'],
  ['030/1234567', 'DE', '+49301234567'],
  ['030-123 45 67', 'DE', '+49301234567'],
  ['(030) 1234567', 'DE', '+49301234567'],
  ['+49 30 1234567', 'DE', '+49301234567'],
  ['+49 (0)30 1234567', 'DE', '+49301234567'],
  ['+49 (0) 30 1234567', 'DE', '+49301234567'],
  ['+49(0)301234567', 'DE', '+49301234567'],
  ['0049 30 1234567', 'DE', '+49301234567'],
  ['0049 (0)30 1234567', 'DE', '+49301234567'],
  ['+4930901820', 'DE', '+4930901820'],
  ['4930901820', 'DE', '+4930901820'],
  ['0151 23456789', 'DE', '+4915123456789'],
  ['+49 151 23456789', 'DE', '+4915123456789'],
  ['030 1234567-89', 'DE', '+4930123456789'],
  ['089 / 12 34 56', 'DE', '+4989123456'],
  ['+49 30 1234567 ext. 5', 'DE', { e164: '+49301234567', ext: '5' }],
  ['+49 30 1234567 #12', 'DE', { e164: '+49301234567', ext: '12' }],

  // United Kingdom: trunk 0, "(0)", Ofcom drama numbers (possible, not valid).
  ['07700 900123', 'GB', '+447700900123'],
  ['+44 (0)7700 900123', 'GB', '+447700900123'],
  ['+447700900123', 'GB', '+447700900123'],
  ['447700900123', 'GB', '+447700900123'],
  ['020 7946 0018', 'GB', '+442079460018'],
  ['+44 20 7946 0018', 'GB', '+442079460018'],
  ['(020) 7946 0018', 'GB', '+442079460018'],
  ['0044 20 7946 0018', 'GB', '+442079460018'],
  ['07400 123456', 'GB', '+447400123456'],
  ['0161 496 0000', 'GB', '+441614960000'],
  ['٠٧٧٠٠ ٩٠٠١٢٣', 'GB', '+447700900123'], // Arabic-Indic digits

  // France.
  ['01 42 68 53 00', 'FR', '+33142685300'],
  ['01.42.68.53.00', 'FR', '+33142685300'],
  ['+33 (0)1 42 68 53 00', 'FR', '+33142685300'],
  ['06 12 34 56 78', 'FR', '+33612345678'],
  ['0033 6 12 34 56 78', 'FR', '+33612345678'],
  ['+33612345678', 'FR', '+33612345678'],

  // Spain: no trunk prefix.
  ['911 23 45 67', 'ES', '+34911234567'],
  ['+34 911 234 567', 'ES', '+34911234567'],
  ['+34911234567', 'ES', '+34911234567'],
  ['0034 911234567', 'ES', '+34911234567'],
  ['34911234567', 'ES', '+34911234567'],
  ['612 34 56 78', 'ES', '+34612345678'],

  // Italy: the leading 0 of a landline belongs to the number, even after +39.
  ['06 1234 5678', 'IT', '+390612345678'],
  ['+39 06 1234 5678', 'IT', '+390612345678'],
  ['+39 (0)6 12345678', 'IT', '+390612345678'],
  ['312 345 6789', 'IT', '+393123456789'],
  ['0039 312 345 6789', 'IT', '+393123456789'],

  // Brazil.
  ['(11) 96123-4567', 'BR', '+5511961234567'],
  ['+55 11 96123-4567', 'BR', '+5511961234567'],
  ['0 11 96123-4567', 'BR', '+5511961234567'],
  ['(11) 3123-4567', 'BR', '+551131234567'],

  // India.
  ['+91 98765 43210', 'IN', '+919876543210'],
  ['098765 43210', 'IN', '+919876543210'],
  ['९८७६५ ४३२१०', 'IN', '+919876543210'], // Devanagari digits
  ['011 2345 6789', 'IN', '+911123456789'],

  // Netherlands, Switzerland, and foreign numbers seen from another region.
  ['020 123 4567', 'NL', '+31201234567'],
  ['+41 (0)44 668 18 00', 'CH', '+41446681800'],
  ['+34 911 234 567', 'RU', '+34911234567'],
  ['+1 (415) 555-2671', 'GB', '+14155552671'],
  ['00 1 415 555 2671', 'DE', '+14155552671'],

  // Agents' extensions (2 to 6 digits) are not customers.
  ['101', 'US', 'internal'],
  ['1001', 'RU', 'internal'],
  ['12', 'DE', 'internal'],
  ['123456', 'GB', 'internal'],
  [' 205 ', 'FR', 'internal'],
  ['٢٠٥', 'GB', 'internal'],

  // Hidden or missing caller IDs.
  ['anonymous', 'US', 'anonymous'],
  ['Anonymous', 'RU', 'anonymous'],
  ['"Anonymous"', 'RU', 'anonymous'],
  ['ANONYMOUS', 'DE', 'anonymous'],
  ['unknown', 'US', 'anonymous'],
  ['<unknown>', 'RU', 'anonymous'],
  ['<Unknown>', 'GB', 'anonymous'],
  ["'unknown'", 'GB', 'anonymous'],
  ['', 'US', 'anonymous'],
  ['   ', 'US', 'anonymous'],
  ['Restricted', 'US', 'anonymous'],
  ['PRIVATE', 'GB', 'anonymous'],
  ['Private Number', 'GB', 'anonymous'],
  ['withheld', 'GB', 'anonymous'],
  ['Unavailable', 'US', 'anonymous'],
  ['sip:anonymous@anonymous.invalid', 'DE', 'anonymous'],

  // Not numbers. With enough digits they still keep a suffix key (tested below).
  ['abc', 'US', 'invalid:NOT_A_NUMBER'],
  ['n/a', 'US', 'invalid:NOT_A_NUMBER'],
  ['-', 'RU', 'invalid:NOT_A_NUMBER'],
  ["' OR 1=1 --", 'US', 'invalid:NOT_A_NUMBER'],
  ['1-800-FLOWERS', 'US', 'invalid:NOT_A_NUMBER'],
  ['abc123456789', 'US', 'invalid:NOT_A_NUMBER'],
  ['5', 'US', 'invalid:TOO_SHORT'],
  ['+12', 'US', 'invalid:TOO_SHORT'],
  ['+7 916 123', 'RU', 'invalid:TOO_SHORT'],
  ['1234567890123456789012', 'US', 'invalid:TOO_LONG'],
  ['+999 1234567', 'US', 'invalid:UNKNOWN_COUNTRY_CODE'],
  ['+7 495 123-45-67, +7 916 123-45-67', 'RU', 'invalid:SEVERAL_NUMBERS'],
  ['+7 (495) 123-45-67 / +7 (916) 123-45-67', 'RU', 'invalid:SEVERAL_NUMBERS'],
  ['9'.repeat(MAX_INPUT_LENGTH + 1), 'US', 'invalid:INPUT_TOO_LONG'],
];

function describe(phone: NormalizedPhone): Expected {
  switch (phone.kind) {
    case 'number':
      if (phone.extension !== null) return { e164: phone.e164 ?? 'null', ext: phone.extension };
      return phone.e164;
    case 'invalid':
      return `invalid:${phone.code}`;
    default:
      return phone.kind;
  }
}

for (const [input, region, expected] of TABLE) {
  const label = input.length > 40 ? `${input.slice(0, 40)}…` : input;
  test(`${region} ${JSON.stringify(label)} → ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(describe(normalizePhone(input, { defaultRegion: region })), expected);
  });
}

test('the table covers at least 80 inputs and 6 countries', () => {
  assert.ok(TABLE.length >= 80, `${TABLE.length} rows`);
  assert.ok(new Set(TABLE.map(([, region]) => region)).size >= 6);
});

test('a call from +15551230001 finds the CRM entry "(555) 123-0001" (possible, not valid, still keyed)', () => {
  const caller = normalizePhone('+15551230001', { defaultRegion: 'US' });
  const crm = normalizePhone('(555) 123-0001', { defaultRegion: 'US' });
  assert.equal(caller.kind, 'number');
  assert.equal(crm.kind, 'number');
  if (caller.kind !== 'number' || crm.kind !== 'number') return;
  assert.equal(caller.valid, false);
  assert.equal(caller.e164, '+15551230001');
  assert.deepEqual(caller.keys, crm.keys);
  assert.equal(caller.country, 'US');
});

test('a number result carries country, national number, digits and keys', () => {
  assert.deepEqual(normalizePhone('8 (495) 123-45-67 доб. 123', { defaultRegion: 'RU' }), {
    kind: 'number',
    raw: '8 (495) 123-45-67 доб. 123',
    e164: '+74951234567',
    country: 'RU',
    national: '4951234567',
    valid: true,
    extension: '123',
    digits: '74951234567',
    keys: { e164: '+74951234567', national: '4951234567', suffix: '1234567' },
  });
});

test('an extension never changes the keys', () => {
  const plain = normalizePhone('(415) 555-2671', { defaultRegion: 'US' });
  for (const withExt of ['(415) 555-2671 ext. 12', '(415) 555-2671 x99', '415-555-2671;ext=7']) {
    const n = normalizePhone(withExt, { defaultRegion: 'US' });
    assert.ok(n.kind === 'number' && plain.kind === 'number');
    assert.deepEqual(n.keys, plain.keys, withExt);
  }
});

test('a number of impossible length has no e164 or national key, but a suffix key', () => {
  const n = normalizePhone('555-2671', { defaultRegion: 'US' });
  assert.equal(n.kind, 'number');
  if (n.kind !== 'number') return;
  assert.deepEqual(n.keys, { e164: null, national: null, suffix: '5552671' });
  assert.equal(n.digits, '5552671');
});

test('the country is null when a shared calling code does not say which country', () => {
  const n = normalizePhone('+15551230001', { defaultRegion: 'RU' });
  assert.ok(n.kind === 'number');
  assert.equal(n.country, null);
  const m = normalizePhone('+447700900123', { defaultRegion: 'GB' });
  assert.ok(m.kind === 'number');
  assert.equal(m.country, 'GB');
});

test('internal and anonymous results keep the raw text', () => {
  assert.deepEqual(normalizePhone(' 10-1 ', { defaultRegion: 'US' }), { kind: 'internal', raw: ' 10-1 ', extension: '101' });
  assert.deepEqual(normalizePhone('<unknown>', { defaultRegion: 'US' }), { kind: 'anonymous', raw: '<unknown>' });
});

test('garbage with 7 or more digits degrades to a suffix key; fewer digits give none', () => {
  const long = normalizePhone('+7 495 123-45-67, +7 916 123-45-67', { defaultRegion: 'RU' });
  assert.equal(long.kind, 'invalid');
  if (long.kind !== 'invalid') return;
  assert.equal(long.digits, '7495123456779161234567');
  assert.deepEqual(long.keys, { suffix: '1234567' });
  assert.match(long.reason, /own field/);

  const unknownCode = normalizePhone('+999 1234567', { defaultRegion: 'US' });
  assert.ok(unknownCode.kind === 'invalid');
  assert.deepEqual(unknownCode.keys, { suffix: '1234567' });

  const sql = normalizePhone("' OR 1=1 --", { defaultRegion: 'US' });
  assert.ok(sql.kind === 'invalid');
  assert.equal(sql.digits, '11');
  assert.equal(sql.keys, null);
});

test('every invalid result has a reason a person can act on', () => {
  for (const input of ['abc', '5', '+999 1234567', '1234567890123456789012', 'x'.repeat(300), '+7 495 123-45-67, +7 916 123-45-67']) {
    const n = normalizePhone(input, { defaultRegion: 'US' });
    assert.ok(n.kind === 'invalid', input);
    assert.ok(n.reason.length > 20 && /[.]$/.test(n.reason), n.reason);
  }
});

test('suffixDigits sets the suffix length, within 4..15', () => {
  const keysWith = (suffixDigits: number) => {
    const n = normalizePhone('+7 495 123-45-67', { defaultRegion: 'RU', suffixDigits });
    return n.kind === 'number' ? n.keys.suffix : '';
  };
  assert.equal(keysWith(10), '4951234567');
  assert.equal(keysWith(5), '34567');
  assert.equal(keysWith(1), '4567');
  assert.equal(keysWith(Number.NaN), '1234567');
  const garbage = normalizePhone('abc 1234 5678 9', { defaultRegion: 'US', suffixDigits: 9 });
  assert.ok(garbage.kind === 'invalid');
  assert.deepEqual(garbage.keys, { suffix: '123456789' });
});

test('an unsupported default region does not throw: international numbers still work', () => {
  const options = { defaultRegion: 'UK' as CountryCode };
  assert.equal(describe(normalizePhone('+44 20 7946 0018', options)), '+442079460018');
  assert.equal(describe(normalizePhone('020 7946 0018', options)), 'invalid:NO_COUNTRY_CODE');
});

test('normalizePhoneField gives one result per number in a field', () => {
  const results = normalizePhoneField('+7 495 123-45-67 доб. 123; моб. 8 916 123 45 67', { defaultRegion: 'RU' });
  assert.deepEqual(
    results.map((n) => (n.kind === 'number' ? [n.e164, n.extension] : n.kind)),
    [
      ['+74951234567', '123'],
      ['+79161234567', null],
    ],
  );
  assert.deepEqual(normalizePhoneField('8 916 123 45 67', { defaultRegion: 'RU' }), [
    normalizePhone('8 916 123 45 67', { defaultRegion: 'RU' }),
  ]);
});

test('hostile input returns a value and never throws, quickly', () => {
  const hostile = [
    "' OR 1=1 --",
    "'; DROP TABLE contacts; --",
    '\u0000\r\n',
    '+7 916\u0000123 45 67',
    '\u0000'.repeat(10_000),
    '1'.repeat(10_000),
    '+'.repeat(10_000),
    '(0)'.repeat(3_000),
    ' '.repeat(9_999) + '1',
    'ext. '.repeat(2_000),
    '1 '.repeat(5_000) + 'x',
    '\uD800\uDFFF\uDBFF',
    '😀'.repeat(5_000),
    '<unknown>'.repeat(1_000),
    `+1${'-'.repeat(200)}4155552671`,
  ];
  const started = performance.now();
  for (const input of hostile) {
    for (const region of ['US', 'RU', 'DE'] as const) {
      const n = normalizePhone(input, { defaultRegion: region });
      assert.ok(['number', 'internal', 'anonymous', 'invalid'].includes(n.kind));
      assert.equal(n.raw, input);
    }
  }
  // Not a benchmark: a bound this loose only trips on catastrophic regex backtracking.
  assert.ok(performance.now() - started < 2_000);
});

test('normalization costs well under a millisecond per call (diagnostic, not asserted)', (t) => {
  const inputs = TABLE.map(([input, region]) => [input, region] as const);
  const rounds = 20;
  // One round first, so that the figure is the steady state, not the JIT warming up.
  for (const [input, region] of inputs) normalizePhone(input, { defaultRegion: region });
  const started = performance.now();
  for (let i = 0; i < rounds; i++) for (const [input, region] of inputs) normalizePhone(input, { defaultRegion: region });
  const perCall = (performance.now() - started) / (rounds * inputs.length);
  t.diagnostic(`${(perCall * 1000).toFixed(1)} µs per call over ${rounds * inputs.length} calls`);
});
