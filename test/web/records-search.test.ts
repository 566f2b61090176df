/**
 * GET /api/records?q= (issue 16): "555" found nothing although a contact has (555) 123-0001, since
 * only whole numbers of five digits or more were looked up. Now any three digits of a number, a
 * name or a company find the record, ranked, once each.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { recordsRoutes } from '../../src/web/routes/records-routes.ts';

let t: TestApp;
let headers: Record<string, string>;

before(async () => {
  t = await buildTestApp({}, ({ directory }) => [(app) => recordsRoutes(app, { directory })]);
  const acme = (await t.directory.upsertAccount({ name: 'Acme Corp', phones: [{ kind: 'office', number: '+1 415 555 0100' }] })).id;
  await t.directory.upsertContact({ firstName: 'John', lastName: 'Customer', accountId: acme, phones: [{ kind: 'mobile', number: '(555) 123-0001' }, { kind: 'work', number: '+1 555 123 0009' }] });
  await t.directory.upsertLead({ firstName: 'Lee', lastName: 'Prospect', accountName: 'Prospect Labs', phones: [{ kind: 'work', number: '+1 212 555 7788' }] });
  const bob = await signIn(t.app, 'bob', 'bob-pw');
  headers = { cookie: bob.cookie, 'x-csrf-token': bob.csrf };
});
after(() => t.close());

async function search(q: string): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/api/records?q=${encodeURIComponent(q)}`, headers });
  assert.equal(res.statusCode, 200);
  return (res.json() as { records: { type: string; name: string }[] }).records.map((r) => `${r.type}:${r.name}`);
}

test('"555" finds the contact whose number is (555) 123-0001, first, and once though two of its numbers hold it', async () => {
  // The others hold 555 further in: no activity yet, so the directory's type order (lead before account).
  assert.deepEqual(await search('555'), ['contact:John Customer', 'lead:Lee Prospect', 'account:Acme Corp']);
});

test('the whole number ranks above numbers that hold its digits; a few digits from the middle find it too', async () => {
  assert.deepEqual(await search('555-123-0001'), ['contact:John Customer']);
  assert.deepEqual(await search('7788'), ['lead:Lee Prospect']);
  assert.deepEqual(await search('0100'), ['account:Acme Corp']);
});

test('by company: the account, and the people of it', async () => {
  assert.deepEqual(await search('acme'), ['account:Acme Corp', 'contact:John Customer']);
  assert.deepEqual(await search('labs'), ['lead:Lee Prospect']);
});

test('the hit carries the card the console shows', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/records?q=customer', headers });
  const [hit] = (res.json() as { records: { type: string; name: string; account: string | null; owner: string | null; phones: { kind: string; number: string }[] }[] }).records;
  assert.deepEqual(
    { type: hit?.type, name: hit?.name, account: hit?.account, owner: hit?.owner, phones: hit?.phones.map((p) => [p.kind, p.number]) },
    { type: 'contact', name: 'John Customer', account: 'Acme Corp', owner: null, phones: [['mobile', '(555) 123-0001'], ['work', '+1 555 123 0009']] },
  );
});
