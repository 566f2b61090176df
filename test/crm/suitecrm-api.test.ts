/**
 * The SuiteCRM client against the fake: the token (cached, renewed on expiry, a loud failure when a
 * fresh one is refused too), paging, filter encoding, text after the JSON, failures in words.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TokenSource } from '../../src/crm/suitecrm/oauth-token.ts';
import { V8Api } from '../../src/crm/suitecrm/v8-api.ts';
import { LegacyApi } from '../../src/crm/suitecrm/legacy-api.ts';
import { fetchTransport } from '../../src/crm/suitecrm/transport.ts';
import { CrmErrorCodes, isCrmError } from '../../src/crm/crm-errors.ts';
import { silentLog } from '../../src/logger.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD, type FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { IDS, memoryLog, startFake, SUITECRM_VERSIONS } from './support.ts';

function client(fake: FakeSuiteCrm, options: { secret?: string; timeoutMs?: number; log?: ReturnType<typeof memoryLog>; now?: () => number } = {}) {
  const tokens = new TokenSource({ url: fake.url, clientId: FAKE_CLIENT_ID, clientSecret: options.secret ?? FAKE_CLIENT_SECRET, transport: fetchTransport, timeoutMs: options.timeoutMs ?? 2000, ...(options.now ? { now: options.now } : {}) });
  const api = new V8Api({ tokens, transport: fetchTransport, timeoutMs: options.timeoutMs ?? 2000, log: options.log ?? silentLog });
  return { tokens, api };
}

for (const version of SUITECRM_VERSIONS) describe(`SuiteCRM API v8 client against the fake SuiteCRM ${version}`, () => {
  let fake: FakeSuiteCrm;
  before(async () => {
    fake = await startFake({ version });
  });
  after(() => fake.stop());

  test('one token serves every request until it expires', async () => {
    const { tokens, api } = client(fake);
    for (let i = 0; i < 5; i++) await api.get('Contacts', IDS.C1, ['last_name']);
    assert.equal(tokens.fetched, 1);
  });

  test('an expired token (401) is renewed once and the request goes through', async () => {
    const { tokens, api } = client(fake);
    await api.get('Contacts', IDS.C1, ['last_name']);
    fake.expireTokens();
    const before = fake.requests.length;
    const r = await api.get('Contacts', IDS.C1, ['last_name']);
    assert.equal(r.attributes['last_name'], 'Petrov');
    assert.equal(tokens.fetched, 2);
    // The refused request, the token, the request again.
    assert.deepEqual(fake.requests.slice(before).map((x) => `${x.path} ${x.status}`), [`/Api/V8/module/Contacts/${IDS.C1} 401`, '/Api/access_token 200', `/Api/V8/module/Contacts/${IDS.C1} 200`]);
  });

  test('the token is renewed before it runs out, without a 401', async () => {
    let now = Date.now();
    const { tokens, api } = client(fake, { now: () => now });
    await api.get('Contacts', IDS.C1, ['last_name']);
    now += 3600_000 - 30_000; // inside the last minute of the hour
    await api.get('Contacts', IDS.C1, ['last_name']);
    assert.equal(tokens.fetched, 2);
  });

  test('a fresh token refused as well fails loudly, in words, after exactly one renewal', async () => {
    const { tokens, api } = client(fake);
    fake.oauth.refuseAll = true;
    try {
      await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => {
        assert.ok(isCrmError(err, CrmErrorCodes.CRM_ERR_AUTH));
        assert.match(err.message, /rejected an access token it had just issued/);
        assert.match(err.message, /Access token could not be verified/);
        return true;
      });
      assert.equal(tokens.fetched, 2);
    } finally {
      fake.oauth.refuseAll = false;
    }
  });

  test('a wrong client secret says which settings to fix, and never repeats the secret', async () => {
    const { api } = client(fake, { secret: 'WrongSecret-s3cr3t' });
    await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => {
      assert.ok(isCrmError(err, CrmErrorCodes.CRM_ERR_AUTH));
      assert.match(err.message, /SUITECRM_CLIENT_ID and SUITECRM_CLIENT_SECRET/);
      assert.doesNotMatch(err.message + JSON.stringify(err.details), /s3cr3t/);
      return true;
    });
  });

  test('lists always send page[size] and page[number]; keyset paging returns every record once, in id order', async () => {
    const { api } = client(fake);
    const before = fake.requests.length;
    const ids: string[] = [];
    for await (const page of api.listAll('Contacts', { fields: ['last_name'], pageSize: 2 })) ids.push(...page.records.map((r) => r.id));
    assert.deepEqual(ids, [IDS.C1, IDS.C2, IDS.C3, IDS.C4, IDS.C5]);
    const lists = fake.requests.slice(before).filter((x) => x.path === '/Api/V8/module/Contacts');
    assert.equal(lists.length, 3);
    for (const x of lists) assert.match(x.url, /page\[size\]=2&page\[number\]=1$/);
    assert.match(lists[1]!.url, new RegExp(`filter\\[id\\]\\[gt\\]=${IDS.C2}&sort=id`));
  });

  test('a + in a filter value travels as %2B (a raw + would be a space) and finds the record', async () => {
    const { api } = client(fake);
    const before = fake.requests.length;
    const page = await api.list('Contacts', {
      operator: 'or',
      filters: ['phone_work', 'phone_other'].map((field) => ({ field, op: 'eq' as const, value: '+7 (495) 123-45-67' })),
      fields: ['last_name'],
      pageSize: 20,
      pageNumber: 1,
    });
    assert.deepEqual(page.records.map((r) => r.id), [IDS.C1, IDS.C2]);
    assert.match(fake.requests.slice(before).find((r) => r.path === '/Api/V8/module/Contacts')!.url, /filter\[phone_work\]\[eq\]=%2B7%20%28495%29%20123-45-67/);
  });

  test('text after the JSON is tolerated (and logged): a 201 with a PHP notice after it still creates', async () => {
    const log = memoryLog();
    const { api } = client(fake, { log });
    fake.fail('junk', { when: (r) => r.method === 'POST' && r.path === '/Api/V8/module' });
    const created = await api.create('Leads', { last_name: 'Junk Tolerant' });
    assert.equal(fake.store.get('Leads', created.id)?.attrs['last_name'], 'Junk Tolerant');
    assert.ok(log.lines.some((l) => l.msg === 'SuiteCRM printed text after its JSON answer'));
  });

  test('a 400 with text after the JSON ("Database failure") is refused in words', async () => {
    const { api } = client(fake);
    await assert.rejects(api.list('Contacts', { filters: [{ field: 'account_name', op: 'eq', value: 'Romashka LLC' }], pageSize: 20, pageNumber: 1 }), (err: unknown) => {
      assert.ok(isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED));
      assert.match(err.message, /Database failure/);
      return true;
    });
  });

  test('a missing record is 400 in SuiteCRM, and CRM_ERR_NOT_FOUND here', async () => {
    const { api } = client(fake);
    await assert.rejects(api.get('Contacts', '00000000-0000-0000-0000-000000000000'), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_NOT_FOUND));
  });

  test('a 5xx page, a dropped connection and a hung request are retryable failures in words', async () => {
    const { api } = client(fake, { timeoutMs: 300 });
    await api.get('Contacts', IDS.C1); // token first
    fake.fail('status-503');
    await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_UNAVAILABLE) && err.retryable);
    fake.fail('reset');
    await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_UNREACHABLE) && err.retryable && /closed the connection/.test(err.message));
    fake.fail('hang');
    await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_TIMEOUT) && /within 300 ms/.test(err.message));
  });

  test('SuiteCRM down: connection refused, said in words', async () => {
    const other = await startFake({ version });
    const { api } = client(other);
    await other.setDown(true);
    try {
      await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_UNREACHABLE) && /refused/.test(err.message));
    } finally {
      await other.stop();
    }
  });

  test('legacy v4_1: deleted records since a time, with their deletion time; a wrong password is CRM_ERR_AUTH', async () => {
    const id = fake.add('Contacts', { first_name: 'Dora', last_name: "O'Brien" });
    fake.remove('Contacts', id);
    const legacy = new LegacyApi({ url: fake.url, username: 'admin', password: FAKE_USER_PASSWORD, transport: fetchTransport, timeoutMs: 2000 });
    const page = await legacy.deletedSince('Contacts', 'contacts', '2000-01-01 00:00:00', 0, 50);
    const dora = page.entries.find((e) => e.id === id);
    assert.equal(dora?.values['deleted'], '1');
    assert.match(String(dora?.values['date_modified']), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const wrong = new LegacyApi({ url: fake.url, username: 'admin', password: 'nope', transport: fetchTransport, timeoutMs: 2000 });
    await assert.rejects(wrong.deletedSince('Contacts', 'contacts', '2000-01-01 00:00:00', 0, 50), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_AUTH) && !/nope/.test(err.message));
  });
});
