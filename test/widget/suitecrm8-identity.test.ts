/**
 * The widget's SuiteCRM 8 parts that need no browser: the hash routes it reads records from
 * (src/widget/suitecrm8-page.ts) and how it asks SuiteCRM 8 for the signed-in user
 * (src/widget/suitecrm8-sso.ts): the request SuiteCRM's API requires, and every answer that is not
 * a good token taken as "nobody" or "SuiteCRM did not answer", never as someone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordPageUrl, routeRecord } from '../../src/widget/suitecrm8-page.ts';
import { suiteIdentity } from '../../src/widget/suitecrm8-sso.ts';
import { signWidgetToken } from '../../src/web/auth/crm-sso.ts';

const USER = '96427eea-0922-b852-352d-6b16cfe89c13';
const TOKEN = signWidgetToken('x'.repeat(40), USER, 2_000_000_000);

test('routes: record routes of any module, with or without ?offset; module names as SuiteCRM spells them for ours', () => {
  assert.deepEqual(routeRecord(`#/contacts/record/${USER}`), { module: 'Contacts', id: USER });
  assert.deepEqual(routeRecord(`#/accounts/record/${USER}?offset=1`), { module: 'Accounts', id: USER });
  assert.deepEqual(routeRecord(`#/leads/record/${USER}`), { module: 'Leads', id: USER });
  assert.deepEqual(routeRecord(`#/calls/record/${USER}`), { module: 'calls', id: USER });
  for (const no of ['', '#/home', '#/contacts', `#/contacts/edit/${USER}`, '#/contacts/record/', '#/contacts/record/a"b', `#/Login`]) assert.equal(routeRecord(no), null, no);
  assert.equal(recordPageUrl('Leads', USER), `#/leads/record/${USER}`);
});

interface Sent {
  url: string;
  init: RequestInit;
}

function fakeDoc(cookie: string): Document {
  return { cookie, baseURI: 'https://crm.example.com/suitecrm/#/contacts/record/x' } as unknown as Document;
}

function answering(status: number, body: unknown, sent: Sent[] = []): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
}

const success = (data: unknown) => ({ data: { createProcess: { process: { _id: 'crm-telephony-widget-token', status: 'success', data } } } });

test('identity: one POST to api/graphql beside the page, with the XSRF-TOKEN cookie as X-XSRF-TOKEN, the package\'s process type', async () => {
  const sent: Sent[] = [];
  const found = await suiteIdentity(fakeDoc('a=1; XSRF-TOKEN=abc%2Bdef; b=2'), answering(200, success({ user: USER, token: TOKEN, language: 'ru_RU' }), sent));
  assert.deepEqual(found, { user: USER, token: TOKEN, language: 'ru_RU' });
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.url, 'https://crm.example.com/suitecrm/api/graphql');
  assert.equal(sent[0]!.init.method, 'POST');
  assert.equal(sent[0]!.init.credentials, 'same-origin');
  assert.equal((sent[0]!.init.headers as Record<string, string>)['X-XSRF-TOKEN'], 'abc+def');
  const body = JSON.parse(String(sent[0]!.init.body)) as { query: string; variables: { input: { type: string } } };
  assert.match(body.query, /createProcess\(input: \$input\)/);
  assert.equal(body.variables.input.type, 'crm-telephony-widget-token');
  assert.deepEqual(await suiteIdentity(fakeDoc('XSRF-TOKEN=t'), answering(200, success({ user: USER, token: TOKEN, language: '' }))), { user: USER, token: TOKEN, language: null });
});

test('identity: no cookie, refusals and anything but a good token of that user are "signed-out"; no answer is "unavailable"', async () => {
  let asked = 0;
  const never = (async () => {
    asked++;
    throw new Error('not to be called');
  }) as unknown as typeof fetch;
  assert.equal(await suiteIdentity(fakeDoc('other=1'), never), 'signed-out');
  assert.equal(asked, 0, 'no request without the cookie');
  const doc = fakeDoc('XSRF-TOKEN=t');
  assert.equal(await suiteIdentity(doc, answering(403, { detail: 'Invalid CSRF token' })), 'signed-out');
  assert.equal(await suiteIdentity(doc, answering(401, {})), 'signed-out');
  assert.equal(await suiteIdentity(doc, answering(200, { errors: [{ message: 'Access Denied.' }], data: { createProcess: null } })), 'signed-out');
  assert.equal(await suiteIdentity(doc, answering(200, { data: { createProcess: { process: { status: 'error', data: null } } } })), 'signed-out');
  for (const data of [{ user: USER, token: 'nope' }, { user: 'other', token: TOKEN }, { user: 'a b', token: TOKEN }, { token: TOKEN }, null]) {
    assert.equal(await suiteIdentity(doc, answering(200, success(data))), 'signed-out', JSON.stringify(data));
  }
  assert.equal(await suiteIdentity(doc, answering(500, 'oops')), 'unavailable');
  assert.equal(await suiteIdentity(doc, answering(200, '<html>not json')), 'unavailable');
  const down = (async () => {
    throw new TypeError('Failed to fetch');
  }) as unknown as typeof fetch;
  assert.equal(await suiteIdentity(doc, down), 'unavailable');
});
