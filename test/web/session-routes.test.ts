import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(() => t.close());

test('health needs no login and shows PBX state, not data', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/health' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(res.json()).sort(), ['database', 'demo', 'ok', 'pbxs']);
});

test('login sets an http-only session cookie and returns a CSRF token; wrong password is refused in words', async () => {
  const bad = await t.app.inject({ method: 'POST', url: '/api/login', payload: { login: 'alice', password: 'nope' } });
  assert.equal(bad.statusCode, 401);
  assert.equal(bad.json().error.code, 'AUTH_FAILED');
  const unknown = await t.app.inject({ method: 'POST', url: '/api/login', payload: { login: 'mallory', password: 'x' } });
  assert.equal(unknown.statusCode, 401);
  const ok = await t.app.inject({ method: 'POST', url: '/api/login', payload: { login: 'alice', password: 'alice-pw' } });
  assert.equal(ok.statusCode, 200);
  const cookie = ok.cookies.find((c) => c.name === 'crmt_session');
  assert.ok(cookie?.httpOnly);
  assert.equal(cookie?.sameSite, 'Lax');
  assert.equal(ok.json().user.login, 'alice');
  assert.equal(ok.json().user.primaryExtension, '101');
  assert.ok(!JSON.stringify(ok.json()).includes('password'));
});

test('/api/me: 401 without a session, the user with one', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/me' })).statusCode, 401);
  const s = await signIn(t.app, 'bob', 'bob-pw');
  const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().user.login, 'bob');
});

test('a state-changing request with a session but without the CSRF token is refused', async () => {
  const s = await signIn(t.app, 'alice', 'alice-pw');
  const noCsrf = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: s.cookie } });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal(noCsrf.json().error.code, 'AUTH_CSRF');
  const ok = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
  assert.equal(ok.statusCode, 200);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode, 401, 'logged out');
});

test('API tokens authenticate as their user; routing tokens and revoked or forged tokens do not', async () => {
  const alice = await t.directory.userByLogin('alice');
  const api = await t.access.createToken('api', 'script', alice!.id);
  const routing = await t.access.createToken('routing', 'dialplan', null);
  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  assert.equal((await me(api.token)).json().user.login, 'alice');
  assert.equal((await me(routing.token)).statusCode, 401);
  assert.equal((await me('crmt_api_' + 'A'.repeat(43))).statusCode, 401);
  await t.access.revokeToken(api.id);
  assert.equal((await me(api.token)).statusCode, 401);
});

test('expired sessions are refused', async () => {
  const s = await signIn(t.app, 'alice', 'alice-pw');
  await t.store.db.updateTable('sessions').set({ expires_at: '2000-01-01T00:00:00.000Z' }).execute();
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode, 401);
});
