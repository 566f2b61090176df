/** Every console route: authorized, unauthorized, and the wrong user. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { callsRoutes } from '../../src/web/routes/calls-routes.ts';
import { recordsRoutes } from '../../src/web/routes/records-routes.ts';
import { adminRoutes } from '../../src/web/routes/admin-routes.ts';
import { CallLog, type LoggableCall } from '../../src/store/call-log.ts';
import type { ClickToCallRequest } from '../../src/web/routes/calls-routes.ts';

let t: TestApp;
let log: CallLog;
const placed: ClickToCallRequest[] = [];
let contactId: string;

const call = (over: Partial<LoggableCall> & { id: string }): LoggableCall => ({
  pbx: 'default',
  linkedid: over.id,
  status: 'ended',
  direction: 'inbound',
  externalNumber: '+15551230001',
  normalizedNumber: '+15551230001',
  did: '5550100',
  answeredBy: null,
  disposition: 'missed',
  startedAt: '2026-11-23T19:57:08.000Z',
  endedAt: '2026-11-23T19:57:23.000Z',
  clickToCallId: null,
  recording: null,
  rang: ['101'],
  callerExtension: null,
  transfers: [],
  ...over,
});

before(async () => {
  t = await buildTestApp({}, ({ store, directory }) => {
    log = new CallLog(store);
    return [
      (app) =>
        callsRoutes(app, {
          callLog: log,
          defaultRegion: 'US',
          placeCall: async (r) => {
            placed.push(r);
            return r.user.primaryExtension ? { ok: true, clickToCallId: 'crm-x', extension: r.user.primaryExtension, dialled: '+15551230001' } : { ok: false, status: 409, code: 'C2C_NO_EXTENSION', message: 'no extension' };
          },
        }),
      (app) => recordsRoutes(app, { directory }),
      (app) => adminRoutes(app, { directory, pbxs: () => [] }),
    ];
  });
  contactId = (await t.directory.upsertContact({ firstName: 'John', lastName: 'Customer', phones: [{ kind: 'mobile', number: '(555) 123-0001' }] })).id;
  await log.upsert(call({ id: 'c-missed', rang: ['101'] }));
  await log.upsert(call({ id: 'c-bob', rang: ['102'], answeredBy: '102', disposition: 'answered', externalNumber: '+15559999999', normalizedNumber: '+15559999999' }));
});
after(() => t.close());

const routes: [string, string][] = [
  ['GET', '/api/calls'],
  ['GET', '/api/calls?number=%2B15551230001'],
  ['GET', '/api/calls/missed'],
  ['POST', '/api/calls'],
  ['POST', '/api/calls/c-missed/handled'],
  ['GET', '/api/calls/c-missed/notes'],
  ['POST', '/api/calls/c-missed/notes'],
  ['GET', '/api/records?q=john'],
  ['GET', '/api/records/contact/x'],
  ['POST', '/api/records/lead'],
  ['GET', '/api/admin/users'],
  ['POST', '/api/admin/users'],
  ['GET', '/api/admin/pbx'],
];

test('every console route refuses a request without a session or token', async () => {
  for (const [method, url] of routes) {
    const res = await t.app.inject({ method: method as 'GET', url, payload: method === 'POST' ? {} : undefined });
    assert.equal(res.statusCode, 401, `${method} ${url}`);
    assert.equal(res.json().error.code, 'AUTH_REQUIRED');
  }
});

test('a routing token sees none of the console', async () => {
  const { token } = await t.access.createToken('routing', 'dialplan', null);
  for (const [method, url] of routes) {
    const res = await t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, payload: method === 'POST' ? {} : undefined });
    assert.equal(res.statusCode, 401, `${method} ${url}`);
  }
});

test('an agent sees their own calls and missed calls, not another agent\'s; marks handled; writes notes', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  const h = { cookie: alice.cookie, 'x-csrf-token': alice.csrf };
  const mine = (await t.app.inject({ method: 'GET', url: '/api/calls', headers: h })).json();
  assert.deepEqual(mine.calls.map((c: { record: { id: string } }) => c.record.id), ['c-missed']);
  const missed = (await t.app.inject({ method: 'GET', url: '/api/calls/missed', headers: h })).json();
  assert.deepEqual(missed.calls.map((c: { record: { id: string } }) => c.record.id), ['c-missed']);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/calls/c-missed/handled', headers: h })).statusCode, 200);
  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/calls/missed', headers: h })).json().calls, []);
  const note = await t.app.inject({ method: 'POST', url: '/api/calls/c-missed/notes', headers: h, payload: { text: 'Called back, wants a quote' } });
  assert.equal(note.statusCode, 200);
  const notes = (await t.app.inject({ method: 'GET', url: '/api/calls/c-missed/notes', headers: h })).json().notes;
  assert.equal(notes[0].text, 'Called back, wants a quote');
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/calls/nope/notes', headers: h, payload: { text: 'x' } })).statusCode, 404);
});

test('the record card and its phone calls; search by name and by number; create a lead from a caller', async () => {
  const bob = await signIn(t.app, 'bob', 'bob-pw');
  const h = { cookie: bob.cookie, 'x-csrf-token': bob.csrf };
  const card = (await t.app.inject({ method: 'GET', url: `/api/records/contact/${contactId}`, headers: h })).json();
  assert.equal(card.record.name, 'John Customer');
  // Each phone also as people read it: national for the home region.
  assert.ok(card.record.phones.length > 0);
  for (const p of card.record.phones) assert.match(p.formatted, /^\(\d{3}\) \d{3}-\d{4}$/, p.formatted);
  const panel = (await t.app.inject({ method: 'GET', url: `/api/calls?entity=contact:${contactId}`, headers: h })).json();
  assert.deepEqual(panel.calls.map((c: { record: { id: string } }) => c.record.id), ['c-missed']);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/calls?entity=contact:../../etc', headers: h })).statusCode, 400);
  const byName = (await t.app.inject({ method: 'GET', url: '/api/records?q=cust', headers: h })).json();
  assert.deepEqual(byName.records.map((r: { id: string }) => r.id), [contactId]);
  const byNumber = (await t.app.inject({ method: 'GET', url: '/api/records?q=' + encodeURIComponent('555-123-0001'), headers: h })).json();
  assert.deepEqual(byNumber.records.map((r: { id: string }) => r.id), [contactId]);
  const wild = (await t.app.inject({ method: 'GET', url: '/api/records?q=' + encodeURIComponent('%'), headers: h })).json();
  assert.deepEqual(wild.records, [], 'a % is a literal, not a wildcard');
  const created = await t.app.inject({ method: 'POST', url: '/api/records/lead', headers: h, payload: { lastName: 'Unknown', company: 'ACME', phone: '+1 555 777 0000' } });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().record.owner, 'Bob Agent');
  assert.equal(created.json().record.phones[0].formatted, '(555) 777-0000');
});

test('click-to-call places the call for the signed-in user and reports problems in words', async () => {
  const bob = await signIn(t.app, 'bob', 'bob-pw');
  const res = await t.app.inject({ method: 'POST', url: '/api/calls', headers: { cookie: bob.cookie, 'x-csrf-token': bob.csrf }, payload: { number: '+1 555 123 0001', entity: { type: 'contact', id: contactId } } });
  assert.equal(res.statusCode, 202);
  assert.equal(placed.at(-1)?.user.login, 'bob');
  assert.match(res.json().message, /Ringing your phone \(102\)/);
  const root = await signIn(t.app, 'root', 'root-pw');
  const none = await t.app.inject({ method: 'POST', url: '/api/calls', headers: { cookie: root.cookie, 'x-csrf-token': root.csrf }, payload: { number: '+1 555 123 0001' } });
  assert.equal(none.statusCode, 409);
  assert.equal(none.json().error.code, 'C2C_NO_EXTENSION');
});

test('admin pages are for administrators only', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: alice.cookie } })).statusCode, 403);
  const root = await signIn(t.app, 'root', 'root-pw');
  const h = { cookie: root.cookie, 'x-csrf-token': root.csrf };
  const users = (await t.app.inject({ method: 'GET', url: '/api/admin/users', headers: h })).json();
  assert.ok(users.users.some((u: { login: string }) => u.login === 'alice'));
  const made = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: h, payload: { login: 'carol', name: 'Carol', extensions: ['103'], password: 'carol-password' } });
  assert.equal(made.statusCode, 201);
  const clash = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: h, payload: { login: 'dave', name: 'Dave', extensions: ['103'] } });
  assert.equal(clash.statusCode, 409);
});
