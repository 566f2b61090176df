/**
 * The widget's routes with inject() (src/web/routes/widget-routes.ts): the token exchange (a good
 * token, expired, forged, another user's, a wrong version, garbage, replayed, an unknown or
 * disabled user, the wrong origin), the session it opens (a cookie for a cross-site page that the
 * rest of the API accepts), CORS for SuiteCRM's origin, the id mappings, and the script itself.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { widgetRoutes } from '../../src/web/routes/widget-routes.ts';
import { CrmSso, signWidgetToken } from '../../src/web/auth/crm-sso.ts';

const SECRET = 'route-test-secret-0123456789abcdefghijklmnop';
const SUITE = 'https://crm.example.com';
const ALICE_CRM = '6d6813b5-4321-83dd-a2d2-6b049619527b';
const BOB_CRM = 'cbd154c0-b27d-c88e-802e-6b04962eaacb';
const CAROL_CRM = 'a1b2c3d4-0000-0000-0000-00000000c4r0';
const IVAN_CRM = '3e32bb27-cf2f-9135-dce4-6b049dd1bedd';
const ROMASHKA_CRM = 'a7085fe6-6081-6797-0f4f-6b049d24b0fc';

const now = Date.UTC(2026, 10, 23, 20, 0, 0);
const nowS = (): number => Math.floor(now / 1000);

let t: TestApp;
let unconfigured: TestApp;
let root: string;
const ids: { alice: string; bob: string; carol: string; ivan: string; romashka: string; local: string } = { alice: '', bob: '', carol: '', ivan: '', romashka: '', local: '' };

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'crmt-widget-'));
  mkdirSync(join(root, 'build'));
  writeFileSync(join(root, 'build/widget.js'), '(function(){/* widget */})();');
  writeFileSync(join(root, 'package.json'), '{"secret":"outside the build"}');
  t = await buildTestApp({ corsOrigins: [SUITE] }, (deps) => [
    (app) =>
      widgetRoutes(app, {
        store: deps.store,
        directory: deps.directory,
        secrets: [SECRET],
        allowedOrigins: [SUITE],
        root: join(root, 'build'),
        sso: new CrmSso({ secrets: [SECRET], store: deps.store, directory: deps.directory, now: () => now }),
      }),
  ]);
  unconfigured = await buildTestApp({ corsOrigins: [SUITE] }, (deps) => [
    (app) => widgetRoutes(app, { store: deps.store, directory: deps.directory, secrets: [], allowedOrigins: [SUITE], root: join(root, 'nothing-here') }),
  ]);
  const d = t.directory;
  // Users synced from SuiteCRM: found by source and SuiteCRM id, whatever our own id and login.
  ids.alice = (await d.upsertUser({ login: 'alice.suite', name: 'Alice Agent', source: 'suitecrm', externalId: ALICE_CRM, extensions: ['201'] })).id;
  ids.bob = (await d.upsertUser({ login: 'bob.suite', name: 'Bob Agent', source: 'suitecrm', externalId: BOB_CRM, extensions: ['202'] })).id;
  ids.carol = (await d.upsertUser({ login: 'carol.suite', name: 'Carol Gone', source: 'suitecrm', externalId: CAROL_CRM, active: false })).id;
  // A local user who happens to carry the same external id must never be taken for Alice.
  await d.upsertUser({ login: 'impostor', name: 'Local Impostor', source: 'embedded', externalId: BOB_CRM.replace('cbd1', 'ffff') });
  ids.romashka = (await d.upsertAccount({ name: 'Romashka LLC', source: 'suitecrm', externalId: ROMASHKA_CRM, phones: [{ kind: 'office', number: '+7 495 123-45-67' }] })).id;
  ids.ivan = (await d.upsertContact({ firstName: 'Ivan', lastName: 'Petrov', source: 'suitecrm', externalId: IVAN_CRM, accountId: ids.romashka, phones: [{ kind: 'work', number: '+7 495 123-45-67' }] })).id;
  ids.local = (await d.upsertContact({ firstName: 'Only', lastName: 'Here', phones: [{ kind: 'work', number: '+1 555 000 1111' }] })).id;
});

after(async () => {
  await t.close();
  await unconfigured.close();
  rmSync(root, { recursive: true, force: true });
});

function exchange(token: unknown, headers: Record<string, string> = {}, app = t.app) {
  return app.inject({ method: 'POST', url: '/api/crm/sso', headers: { origin: SUITE, ...headers }, payload: { token } });
}

const code = (res: { json(): unknown }): string => (res.json() as { error: { code: string } }).error.code;
const sessionCookie = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === 'crmt_session');

test('a good token opens a session for the SuiteCRM user it names: a cross-site cookie the whole API accepts', async () => {
  const res = await exchange(signWidgetToken(SECRET, ALICE_CRM, nowS() + 300));
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { user: { id: string; name: string; extensions: string[] }; csrfToken: string; crmUserId: string };
  assert.equal(body.user.id, ids.alice);
  assert.equal(body.user.name, 'Alice Agent');
  assert.deepEqual(body.user.extensions, ['201']);
  assert.equal(body.crmUserId, ALICE_CRM);
  assert.match(body.csrfToken, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(res.headers['cache-control'], 'no-store');
  // SuiteCRM's page is another site: SameSite=None (hence Secure), partitioned to SuiteCRM's site.
  const [pair, ...attributes] = String(res.headers['set-cookie']).split('; ');
  assert.match(pair!, /^crmt_session=[A-Za-z0-9_-]{40,}$/);
  assert.deepEqual(attributes.sort(), ['HttpOnly', 'Partitioned', 'Path=/', 'SameSite=None', 'Secure']);
  const cookie = `crmt_session=${sessionCookie(res)!.value}`;

  // The session is a normal one: Access knows it, /api/me names Alice, the CSRF token works.
  const principal = await t.access.bySession(sessionCookie(res)!.value);
  assert.equal(principal?.user?.id, ids.alice);
  const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal((me.json() as { user: { name: string } }).user.name, 'Alice Agent');
  const session = await t.app.inject({ method: 'GET', url: '/api/crm/session', headers: { cookie, origin: SUITE } });
  assert.deepEqual(session.json(), { user: body.user, csrfToken: body.csrfToken, crmUserId: ALICE_CRM });
  assert.equal(session.headers['access-control-allow-origin'], SUITE);
  assert.equal(session.headers['access-control-allow-credentials'], 'true');
  const noCsrf = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
  assert.equal(noCsrf.statusCode, 403);
});

test('expired: refused with SSO_EXPIRED, no cookie; within the clock skew it still works', async () => {
  const late = await exchange(signWidgetToken(SECRET, ALICE_CRM, nowS() - 61));
  assert.equal(late.statusCode, 401);
  assert.equal(code(late), 'SSO_EXPIRED');
  assert.match((late.json() as { error: { message: string } }).error.message, /Reload the SuiteCRM page/);
  assert.equal(sessionCookie(late), undefined);
  assert.equal((await exchange(signWidgetToken(SECRET, ALICE_CRM, nowS() - 30))).statusCode, 200);
});

test('forged: another secret, a made-up signature, or a stretched expiry are refused with SSO_BAD_TOKEN', async () => {
  const good = signWidgetToken(SECRET, ALICE_CRM, nowS() + 300);
  const [v, u, exp, sig] = good.split('.') as [string, string, string, string];
  for (const token of [
    signWidgetToken('an-attacker-guess-of-the-secret-0123456789', ALICE_CRM, nowS() + 300),
    `${v}.${u}.${exp}.${'f'.repeat(64)}`,
    `${v}.${u}.${Number(exp) + 100}.${sig}`,
  ]) {
    const res = await exchange(token);
    assert.equal(res.statusCode, 401, token);
    assert.equal(code(res), 'SSO_BAD_TOKEN');
    assert.equal(sessionCookie(res), undefined);
  }
});

test("another user's id under a signature made for someone else opens nothing", async () => {
  const [v, , exp, sig] = signWidgetToken(SECRET, ALICE_CRM, nowS() + 300).split('.') as [string, string, string, string];
  const res = await exchange(`${v}.${BOB_CRM}.${exp}.${sig}`);
  assert.equal(res.statusCode, 401);
  assert.equal(code(res), 'SSO_BAD_TOKEN');
  assert.equal(sessionCookie(res), undefined);
  const bobs = await t.store.db.selectFrom('sessions').select('user_id').where('user_id', '=', ids.bob).execute();
  assert.deepEqual(bobs, []);
});

test('a wrong version and garbage are refused; a body without a token is a 400', async () => {
  const exp = nowS() + 300;
  const v2 = signWidgetToken(SECRET, ALICE_CRM, exp).replace(/^v1\./, 'v2.');
  for (const token of [v2, 'garbage', '', `v1.${ALICE_CRM}`, 'v1.a.b.c', `v1.${'1'.repeat(40)}.${exp}.${'a'.repeat(64)}`]) {
    const res = await exchange(token);
    assert.equal(res.statusCode, 401, token);
    assert.equal(code(res), 'SSO_BAD_TOKEN');
  }
  for (const payload of [{}, { token: 42 }, { token: 'x'.repeat(301) }, []]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/crm/sso', headers: { origin: SUITE }, payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
  }
  const text = await t.app.inject({ method: 'POST', url: '/api/crm/sso', headers: { origin: SUITE, 'content-type': 'text/plain' }, payload: signWidgetToken(SECRET, ALICE_CRM, exp) });
  assert.equal(text.statusCode, 400, 'a form or text post (no CORS preflight) is not an exchange');
});

test('a token is good once: replayed, it is refused while it would still be valid', async () => {
  const token = signWidgetToken(SECRET, BOB_CRM, nowS() + 200);
  assert.equal((await exchange(token)).statusCode, 200);
  const again = await exchange(token);
  assert.equal(again.statusCode, 401);
  assert.equal(code(again), 'SSO_REPLAYED');
  assert.equal(sessionCookie(again), undefined);
});

test('a SuiteCRM user not (yet) in the directory, or disabled there, gets no session; the token keeps until the sync brings the user', async () => {
  const newcomer = 'e5e5e5e5-1111-2222-3333-444444444444';
  const token = signWidgetToken(SECRET, newcomer, nowS() + 300);
  const first = await exchange(token);
  assert.equal(first.statusCode, 403);
  assert.equal(code(first), 'SSO_UNKNOWN_USER');
  assert.match((first.json() as { error: { message: string } }).error.message, /syncs every few seconds/);
  await t.directory.upsertUser({ login: 'newcomer', name: 'New Comer', source: 'suitecrm', externalId: newcomer });
  assert.equal((await exchange(token)).statusCode, 200);

  const disabled = await exchange(signWidgetToken(SECRET, CAROL_CRM, nowS() + 300));
  assert.equal(disabled.statusCode, 403);
  assert.equal(code(disabled), 'SSO_UNKNOWN_USER');
  // Local users are not SuiteCRM users, whatever their external id.
  const impostor = await exchange(signWidgetToken(SECRET, BOB_CRM.replace('cbd1', 'ffff'), nowS() + 300));
  assert.equal(impostor.statusCode, 403);
});

test('login CSRF: an exchange from an origin outside CORS_ORIGINS, or with no origin, is refused', async () => {
  for (const origin of ['https://evil.example', 'null', `${SUITE}.evil.example`, 'http://crm.example.com']) {
    const res = await exchange(signWidgetToken(SECRET, ALICE_CRM, nowS() + 300), { origin });
    assert.equal(res.statusCode, 403, origin);
    assert.equal(code(res), 'SSO_ORIGIN');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  }
  const none = await t.app.inject({ method: 'POST', url: '/api/crm/sso', payload: { token: signWidgetToken(SECRET, ALICE_CRM, nowS() + 300) } });
  assert.equal(none.statusCode, 403);
});

test("CORS: SuiteCRM's origin may send the exchange and the CSRF header with credentials; other origins may not", async () => {
  const preflight = await t.app.inject({
    method: 'OPTIONS',
    url: '/api/crm/sso',
    headers: { origin: SUITE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
  });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], SUITE);
  assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
  assert.match(String(preflight.headers['access-control-allow-headers']), /x-csrf-token/);
  const other = await t.app.inject({ method: 'OPTIONS', url: '/api/crm/sso', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(other.headers['access-control-allow-origin'], undefined);
});

test("someone else's session in the browser: the exchange must echo that session's CSRF token, then opens the right one", async () => {
  const other = await signIn(t.app, 'bob', 'bob-pw');
  const token = signWidgetToken(SECRET, ALICE_CRM, nowS() + 250);
  const refused = await exchange(token, { cookie: other.cookie });
  assert.equal(refused.statusCode, 403);
  assert.equal(code(refused), 'AUTH_CSRF');
  const res = await exchange(token, { cookie: other.cookie, 'x-csrf-token': other.csrf });
  assert.equal(res.statusCode, 200);
  assert.equal((res.json() as { user: { id: string } }).user.id, ids.alice);
  // Bob's own console session is left alone.
  const bob = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: other.cookie } });
  assert.equal((bob.json() as { user: { login: string } }).user.login, 'bob');
});

test('no secret configured: the exchange says what to set', async () => {
  const res = await exchange(signWidgetToken(SECRET, ALICE_CRM, nowS() + 300), {}, unconfigured.app);
  assert.equal(res.statusCode, 503);
  assert.equal(code(res), 'SSO_NOT_CONFIGURED');
  assert.match((res.json() as { error: { message: string } }).error.message, /CRM_WIDGET_SECRET/);
});

test('ids: a SuiteCRM record maps to ours and back; records only we have say so; signed-in users only', async () => {
  const res = await exchange(signWidgetToken(SECRET, ALICE_CRM, nowS() + 100));
  const cookie = `crmt_session=${sessionCookie(res)!.value}`;
  const ivan = await t.app.inject({ method: 'GET', url: `/api/crm/record?module=Contacts&id=${IVAN_CRM}`, headers: { cookie } });
  assert.deepEqual(ivan.json(), { record: { type: 'contact', id: ids.ivan } });
  const account = await t.app.inject({ method: 'GET', url: `/api/crm/record?module=Accounts&id=${ROMASHKA_CRM}`, headers: { cookie } });
  assert.deepEqual(account.json(), { record: { type: 'account', id: ids.romashka } });
  // The right module matters: Ivan is no account.
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/crm/record?module=Accounts&id=${IVAN_CRM}`, headers: { cookie } })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/crm/record?module=Users&id=${ALICE_CRM}`, headers: { cookie } })).statusCode, 400);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/crm/record?module=Contacts&id=${IVAN_CRM}` })).statusCode, 401);

  const refs = await t.app.inject({ method: 'GET', url: `/api/crm/refs?refs=${encodeURIComponent(`contact:${ids.ivan},account:${ids.romashka},contact:${ids.local},lead:nope`)}`, headers: { cookie } });
  assert.equal(refs.statusCode, 200);
  const got = (refs.json() as { refs: unknown[] }).refs;
  assert.deepEqual(
    new Set(got.map((r) => JSON.stringify(r))),
    new Set([
      JSON.stringify({ type: 'contact', id: ids.ivan, source: 'suitecrm', externalId: IVAN_CRM }),
      JSON.stringify({ type: 'contact', id: ids.local, source: 'embedded', externalId: null }),
      JSON.stringify({ type: 'account', id: ids.romashka, source: 'suitecrm', externalId: ROMASHKA_CRM }),
    ]),
  );
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/crm/refs?refs=person:1', headers: { cookie } })).statusCode, 400);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/crm/refs?refs=contact:${ids.ivan}` })).statusCode, 401);
});

test('the script: JavaScript, revalidated on every load (304 when unchanged), allowed cross-origin; nothing else is served', async () => {
  writeFileSync(join(root, 'build/widget.js'), '(function(){/* widget v2 */})();');
  utimesSync(join(root, 'build/widget.js'), new Date(now), new Date(now));
  const res = await t.app.inject({ method: 'GET', url: '/widget/widget.js' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/javascript/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
  assert.equal(res.body, '(function(){/* widget v2 */})();');
  const again = await t.app.inject({ method: 'GET', url: '/widget/widget.js', headers: { 'if-none-match': String(res.headers.etag) } });
  assert.equal(again.statusCode, 304);
  for (const url of ['/widget/package.json', '/widget/..%2fpackage.json', '/widget/%2e%2e/package.json', '/widget/widget.js.map']) {
    const r = await t.app.inject({ method: 'GET', url });
    assert.ok(r.statusCode === 404, `${url}: ${r.statusCode}`);
    assert.doesNotMatch(r.body, /outside the build/);
  }
  const unbuilt = await unconfigured.app.inject({ method: 'GET', url: '/widget/widget.js' });
  assert.equal(unbuilt.statusCode, 503);
  assert.match(unbuilt.body, /npm run build:widget/);
  assert.equal(unbuilt.headers['cache-control'], 'no-store');
});
