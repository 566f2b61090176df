/**
 * The server answers in the person's language: the one they picked in the console
 * (`PUT /api/me/language`), else their browser's (`Accept-Language`), else English. Errors with a
 * route's own message, errors that say their code's summary, and click-to-call's banner alike.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { callsRoutes } from '../../src/web/routes/calls-routes.ts';
import { CallLog } from '../../src/store/call-log.ts';
import { CrmTelephonyError } from '../../src/errors.ts';
import { translator } from '../../src/i18n/translator.ts';

let t: TestApp;

before(async () => {
  t = await buildTestApp({}, ({ store }) => [
    (app) =>
      callsRoutes(app, {
        callLog: new CallLog(store),
        defaultRegion: 'US',
        placeCall: async (r) =>
          r.number === '12'
            ? { ok: false, status: 400, code: 'C2C_BAD_NUMBER', message: 'Cannot call "12": Too few digits (2) for a phone number.', messageKey: 'server.c2c.badNumber.TOO_SHORT', messageValues: { number: '12', digits: 2 } }
            : { ok: true, clickToCallId: 'crm-x', extension: r.user.primaryExtension ?? '', dialled: '+15551230001' },
      }),
    async (app) => {
      // A failure of ours on the server's side: the answer is its code's summary, never its message.
      app.get('/api/test/crm-timeout', async () => {
        throw new CrmTelephonyError('CRM_ERR_TIMEOUT', 'POST https://crm.internal/Api/V8/module timed out after 10000 ms');
      });
    },
  ]);
});
after(() => t.close());

const english = translator('en');
const russian = translator('ru');

test('an error answer is in Russian with Accept-Language: ru-RU, in English without', async () => {
  const ru = await t.app.inject({ method: 'GET', url: '/api/calls', headers: { 'accept-language': 'ru-RU,ru;q=0.9,en-US;q=0.8' } });
  assert.equal(ru.statusCode, 401);
  assert.equal(ru.json().error.code, 'AUTH_REQUIRED');
  assert.equal(ru.json().error.message, russian.t('server.auth.signIn'));
  assert.match(ru.json().error.message, /^Сначала войдите/);

  const none = await t.app.inject({ method: 'GET', url: '/api/calls' });
  assert.equal(none.json().error.message, 'Sign in first (or send an API token as "Authorization: Bearer ...").');
  const other = await t.app.inject({ method: 'GET', url: '/api/calls', headers: { 'accept-language': 'de-DE,fr;q=0.8' } });
  assert.equal(other.json().error.message, english.t('server.auth.signIn'), 'a language we do not have: English');

  // The code's summary (no message of the route's own), too.
  const summaryRu = await t.app.inject({ method: 'GET', url: '/api/test/crm-timeout', headers: { 'accept-language': 'ru-RU' } });
  assert.equal(summaryRu.statusCode, 504);
  assert.deepEqual(summaryRu.json(), { error: { code: 'CRM_ERR_TIMEOUT', message: 'CRM не ответила вовремя; мы попробуем снова.' } });
  const summaryEn = await t.app.inject({ method: 'GET', url: '/api/test/crm-timeout' });
  assert.deepEqual(summaryEn.json(), { error: { code: 'CRM_ERR_TIMEOUT', message: 'The CRM did not answer in time; we try again.' } });

  // Fastify's own refusals: a body that is not JSON.
  const badJson = await t.app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json', 'accept-language': 'ru' }, payload: '{"login":' });
  assert.equal(badJson.statusCode, 400);
  assert.equal(badJson.json().error.message, russian.t('server.request.badJson'));
});

test('a signed-in person who picked Russian gets Russian even with an English Accept-Language', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  const headers = { cookie: alice.cookie, 'x-csrf-token': alice.csrf, 'accept-language': 'en-US,en;q=0.9' };

  const before = await t.app.inject({ method: 'GET', url: '/api/calls?limit=abc', headers });
  assert.equal(before.statusCode, 400);
  assert.equal(before.json().error.message, 'limit must be a whole number from 1 to 500; got "abc".');

  const picked = await t.app.inject({ method: 'PUT', url: '/api/me/language', headers, payload: { locale: 'ru' } });
  assert.equal(picked.statusCode, 200);

  const after = await t.app.inject({ method: 'GET', url: '/api/calls?limit=abc', headers });
  assert.equal(after.statusCode, 400);
  assert.equal(after.json().error.code, 'BAD_REQUEST');
  assert.equal(after.json().error.message, 'limit должен быть целым числом от 1 до 500; получено «abc».');

  // Click-to-call's banner, and its refusal worded away from the request (messageKey).
  const placed = await t.app.inject({ method: 'POST', url: '/api/calls', headers, payload: { number: '+1 555 123 0001' } });
  assert.equal(placed.statusCode, 202);
  assert.equal(placed.json().message, 'Звоним на ваш телефон (101); снимите трубку, чтобы позвонить на +15551230001.');
  const refused = await t.app.inject({ method: 'POST', url: '/api/calls', headers, payload: { number: '12' } });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json().error.message, /^Невозможно позвонить на «12»: для номера телефона слишком мало цифр \(2\)/);

  // Without the CSRF token: refused in the picked language too (the session is known by then).
  const noCsrf = await t.app.inject({ method: 'PUT', url: '/api/me/language', headers: { cookie: alice.cookie }, payload: { locale: null } });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal(noCsrf.json().error.message, russian.t('server.auth.csrf'));

  // Back to the browser's language: English again.
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/me/language', headers, payload: { locale: null } })).statusCode, 200);
  const again = await t.app.inject({ method: 'GET', url: '/api/calls?limit=abc', headers });
  assert.equal(again.json().error.message, 'limit must be a whole number from 1 to 500; got "abc".');
});

test('too many sign-in attempts are refused in the browser\'s language, saying when to try again', async () => {
  let last;
  for (let i = 0; i < 12; i++) {
    last = await t.app.inject({ method: 'POST', url: '/api/login', headers: { 'accept-language': 'ru-RU' }, payload: { login: 'alice', password: 'wrong' } });
    if (last.statusCode === 429) break;
  }
  assert.equal(last!.statusCode, 429);
  assert.match(last!.json().error.message, /^Слишком много запросов: попробуйте снова через \d+ секунд/);
});
