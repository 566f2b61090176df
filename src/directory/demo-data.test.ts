import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone } from '../phone/normalize.ts';
import type { CountryCode } from '../phone/types.ts';
import { demoCounts, demoE164s, generateDemoAccounts, generateDemoDirectory, iterateDemoContacts, type DemoDirectory } from './demo-data.ts';

const allRecords = (d: DemoDirectory) => [...d.accounts, ...d.contacts, ...d.leads];

test('the same seed gives the same directory; another seed another one', () => {
  const a = generateDemoDirectory({ contacts: 500, seed: 42, region: 'RU' });
  const b = generateDemoDirectory({ contacts: 500, seed: 42, region: 'RU' });
  const c = generateDemoDirectory({ contacts: 500, seed: 43, region: 'RU' });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.contacts, c.contacts);
});

test('counts: contacts as asked, about a tenth as many accounts and a fifth as many leads, four agents', () => {
  const d = generateDemoDirectory({ contacts: 1000, seed: 1 });
  assert.equal(d.contacts.length, 1000);
  assert.equal(d.accounts.length, 100);
  assert.equal(d.leads.length, 200);
  assert.deepEqual(demoCounts(1000), { accounts: 100, contacts: 1000, leads: 200 });
  assert.deepEqual(
    d.users.map((u) => [u.login, u.name, u.extensions]),
    [
      ['alice', 'Alice Agent', ['101']],
      ['bob', 'Bob Agent', ['102']],
      ['carol', 'Carol Agent', ['103']],
      ['dave', 'Dave Agent', ['104']],
    ],
  );
  assert.equal(d.users.filter((u) => u.role === 'admin').length, 1);
  assert.deepEqual(generateDemoDirectory({ contacts: 0 }), { users: d.users, accounts: [], contacts: [], leads: [] });
});

test('the iterator yields exactly what the array holds', () => {
  const options = { contacts: 300, seed: 9, region: 'DE' as const };
  assert.deepEqual([...iterateDemoContacts(options, generateDemoAccounts(options))], generateDemoDirectory(options).contacts);
});

for (const region of ['US', 'RU', 'DE', 'GB', 'JP'] as CountryCode[]) {
  test(`region ${region}: every generated number normalizes to its E.164 and is valid`, () => {
    const d = generateDemoDirectory({ contacts: 2000, seed: 5, region });
    let numbers = 0;
    let garbage = 0;
    for (const r of allRecords(d)) {
      for (const p of demoE164s(r)) {
        if (p.e164 === null) {
          garbage += 1;
          continue;
        }
        numbers += 1;
        const n = normalizePhone(p.number, { defaultRegion: region });
        assert.ok(n.kind === 'number' && n.valid && n.e164 === p.e164, `${p.number} (${region}) gave ${JSON.stringify(n)}, expected ${p.e164}`);
      }
    }
    // Mostly numbers, a little garbage (as in any real CRM).
    assert.ok(garbage > 0 && garbage < numbers * 0.03, `garbage ${garbage} of ${numbers}`);
  });
}

test('numbers come from several countries, of the right country, mostly the home region', () => {
  const d = generateDemoDirectory({ contacts: 3000, seed: 2, region: 'RU' });
  const byCountry = new Map<string, number>();
  for (const r of allRecords(d)) {
    for (const p of r.phones) {
      if (p.e164 === null) continue;
      const n = normalizePhone(p.e164, { defaultRegion: 'RU' });
      assert.equal(n.kind, 'number');
      if (n.kind === 'number') byCountry.set(n.country ?? '?', (byCountry.get(n.country ?? '?') ?? 0) + 1);
    }
  }
  for (const c of ['RU', 'US', 'DE', 'GB', 'FR', 'ES', 'IT', 'PL']) assert.ok((byCountry.get(c) ?? 0) > 20, `too few ${c}: ${JSON.stringify([...byCountry])}`);
  const total = [...byCountry.values()].reduce((a, b) => a + b, 0);
  assert.ok(byCountry.get('RU')! > total * 0.4);
});

test('formats vary: trunk prefixes, 00 and + forms, (0), parentheses, dots, slashes, bare digits, extensions', () => {
  const numbers = (region: CountryCode) => allRecords(generateDemoDirectory({ contacts: 3000, seed: 11, region })).flatMap((r) => r.phones.map((p) => p.number));
  const ru = numbers('RU');
  const de = numbers('DE');
  const us = numbers('US');
  const has = (list: string[], re: RegExp, what: string) => assert.ok(list.some((n) => re.test(n)), `no ${what}`);
  has(ru, /^8 \(\d{3}\) \d{3}-\d{2}-\d{2}$/, '8 (495) 123-45-67');
  has(ru, /^8 \d{3} \d{3} \d{2} \d{2}$/, '8 495 123 45 67');
  has(ru, /^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$/, '+7 (495) 123-45-67');
  has(ru, /^810 \d/, '810 international prefix');
  has(de, /^0049 \d+ \d+$/, '0049 30 1234567');
  has(de, /^\+49 \(0\)\d+ \d+$/, '+49 (0)30 1234567');
  has(de, /^0\d+\/\d+$/, '030/1234567');
  has(us, /^\(\d{3}\) \d{3}-\d{4}$/, '(415) 555-2671');
  has(us, /^\d{3}\.\d{3}\.\d{4}$/, 'dots');
  has(us, /^\d{10}$/, 'bare digits');
  has(us, /^011 \d/, '011 international prefix');
  has([...ru, ...de, ...us], /( ext\.? | x|;ext=| доб\. )\d+$/, 'an extension');
  has(numbers('GB'), /^0\d{2} \d{4} \d{4}$/, '020 7946 0958');
  const shapes = new Set(us.map((n) => n.replace(/\d/g, '9')));
  assert.ok(shapes.size > 30, `only ${shapes.size} shapes`);
});

test('phones are shared only on purpose: a contact or lead with an account office line', () => {
  const d = generateDemoDirectory({ contacts: 5000, seed: 4, region: 'GB' });
  const holders = new Map<string, string[]>();
  for (const r of allRecords(d)) {
    for (const p of r.phones) if (p.e164 !== null) holders.set(p.e164, [...(holders.get(p.e164) ?? []), r.id]);
  }
  const shared = [...holders.values()].filter((ids) => ids.length > 1);
  assert.ok(shared.length > 10, 'some numbers are shared');
  for (const ids of shared) assert.ok(ids.some((id) => id.startsWith('demo-a-')), `accidental collision: ${ids.join(', ')}`);
  // The shared line is typed again by hand, not always identically.
  const typed = new Map<string, Set<string>>();
  for (const r of allRecords(d)) for (const p of r.phones) if (p.e164 !== null && holders.get(p.e164)!.length > 1) typed.set(p.e164, (typed.get(p.e164) ?? new Set()).add(p.number));
  assert.ok([...typed.values()].some((s) => s.size > 1));
});

test('records are assigned across the agents, a few to nobody; contacts mostly belong to accounts', () => {
  const d = generateDemoDirectory({ contacts: 4000, seed: 8 });
  const owners = new Map<string | null, number>();
  for (const r of allRecords(d)) owners.set(r.assignedUserId ?? null, (owners.get(r.assignedUserId ?? null) ?? 0) + 1);
  for (const u of d.users) assert.ok((owners.get(u.id!) ?? 0) > 200, `${u.login} owns too little`);
  assert.ok((owners.get(null) ?? 0) > 0);
  const accountIds = new Set(d.accounts.map((a) => a.id));
  const withAccount = d.contacts.filter((c) => c.accountId !== null);
  assert.ok(withAccount.length > d.contacts.length * 0.8);
  assert.ok(withAccount.every((c) => accountIds.has(c.accountId!)));
  assert.ok(d.contacts.every((c) => c.phones.length > 0 && (c.firstName ?? '') !== '' && (c.lastName ?? '') !== ''));
});

test('fast: 100,000 contacts in well under a few seconds', () => {
  const started = performance.now();
  let phones = 0;
  for (const c of iterateDemoContacts({ contacts: 100_000, seed: 1 })) phones += c.phones.length;
  const ms = performance.now() - started;
  assert.ok(phones > 100_000);
  // 1M in well under a minute means 100k well under 6 s; the bound is loose for slow CI machines.
  assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
});
