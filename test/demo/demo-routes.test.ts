/**
 * The demo form's route (issue 16): only extensions a user has are rung, `from` must be a phone
 * number and goes on as E.164, and every refusal says what to do in the person's language.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { demoRoutes, type DemoRoutesOptions } from '../../src/web/routes/demo-routes.ts';

let t: TestApp;
const rung: Parameters<DemoRoutesOptions['simulateInbound']>[0][] = [];

before(async () => {
  t = await buildTestApp({}, ({ directory }) => [
    (app) =>
      demoRoutes(app, {
        simulateInbound: async (input) => {
          rung.push(input);
          return { callId: `demo:${rung.length}` };
        },
        extensions: async () => (await directory.listUsers()).filter((u) => u.active).flatMap((u) => u.extensions.map((extension) => ({ extension, name: u.name }))),
        defaultRegion: 'US',
      }),
  ]);
});
after(() => t.close());

async function call(who: { cookie: string; csrf: string }, payload: Record<string, unknown>, language?: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/demo/call',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, ...(language ? { 'accept-language': language } : {}) },
    payload,
  });
  return { status: res.statusCode, body: res.json() as { callId?: string; extension?: string; from?: string; error?: { code: string; message: string } } };
}

test('an extension a user has is rung; a typed number goes on in E.164; none typed: a demo caller', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  const ok = await call(alice, { extension: '102', from: '(555) 123-0001', answer: 'here' });
  assert.equal(ok.status, 202, JSON.stringify(ok.body));
  assert.deepEqual(ok.body, { callId: 'demo:1', extension: '102', from: '+15551230001' });
  assert.deepEqual(rung.at(-1), { extension: '102', answer: 'here', from: '+15551230001' });
  const own = await call(alice, { from: '+7 916 123-45-67' });
  assert.equal(own.status, 202);
  assert.deepEqual(rung.at(-1), { extension: '101', answer: 'none', from: '+79161234567' }, 'no extension: the person’s own');
  const demoCaller = await call(alice, { extension: '101', from: '  ' });
  assert.equal(demoCaller.status, 202);
  assert.deepEqual(rung.at(-1), { extension: '101', answer: 'none' }, 'an empty number: one of the demo callers');
});

test('extension 999 (nobody’s) and "hello" as a number are refused, in words that say what to do; nothing rings', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  const before = rung.length;
  const unknown = await call(alice, { extension: '999' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error?.code, 'BAD_REQUEST');
  assert.equal(unknown.body.error?.message, 'No user has extension 999. Choose one of these: 101, 102.');
  const hello = await call(alice, { extension: '101', from: 'hello' });
  assert.equal(hello.status, 400);
  assert.equal(hello.body.error?.message, '“hello” is not a phone number. Type the caller’s number with its country code, such as +1 555 123 0001, or leave it empty for one of the demo callers.');
  const ext = await call(alice, { extension: '101', from: '102' });
  assert.match(ext.body.error?.message ?? '', /^102 is an extension, not an outside number\./);
  const junk = await call(alice, { extension: 101, answer: 'maybe' });
  assert.equal(junk.status, 400);
  assert.match(junk.body.error?.message ?? '', /^Choose the extension to ring \(such as 101\)/);
  const root = await signIn(t.app, 'root', 'root-pw');
  const none = await call(root, {});
  assert.equal(none.status, 409);
  assert.deepEqual(none.body.error, { code: 'C2C_NO_EXTENSION', message: 'You have no extension of your own, so choose the one to ring: 101, 102.' });
  assert.equal(rung.length, before, 'nothing rang');
});

test('refusals in the person’s language (Russian from the browser)', async () => {
  const bob = await signIn(t.app, 'bob', 'bob-pw');
  const unknown = await call(bob, { extension: '999' }, 'ru-RU,ru;q=0.9');
  assert.equal(unknown.body.error?.message, 'Добавочного номера 999 нет ни у одного пользователя. Выберите один из этих номеров: 101, 102.');
  const hello = await call(bob, { from: 'hello' }, 'ru');
  assert.match(hello.body.error?.message ?? '', /^«hello» — не номер телефона\. Введите номер звонящего с кодом страны/);
});

test('GET /api/demo/extensions lists what may be rung, for the form’s picker; sign-in needed', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  const res = await t.app.inject({ method: 'GET', url: '/api/demo/extensions', headers: { cookie: alice.cookie } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { extensions: [{ extension: '101', name: 'Alice Agent' }, { extension: '102', name: 'Bob Agent' }] });
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/demo/extensions' })).statusCode, 401);
});
