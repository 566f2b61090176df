/**
 * How the service serves the console (src/web/routes/ui-routes.ts), with inject(): the page for
 * every non-API path, long caching for hashed assets only, a strict Content-Security-Policy, JSON
 * 404s under /api, and a clear word when the console has not been built.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestApp, type TestApp } from '../support/web-app.ts';
import { CONTENT_SECURITY_POLICY, uiRoutes } from '../../src/web/routes/ui-routes.ts';

let built: TestApp;
let unbuilt: TestApp;
let root: string;
const INDEX = '<!doctype html><title>Phone console</title><script type="module" src="/assets/index-abc123.js"></script>';

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'crmt-ui-'));
  mkdirSync(join(root, 'build/assets'), { recursive: true });
  writeFileSync(join(root, 'build/index.html'), INDEX);
  writeFileSync(join(root, 'build/assets/index-abc123.js'), 'console.log("console");');
  writeFileSync(join(root, 'build/favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'secret.txt'), 'outside the build');
  built = await buildTestApp({ routes: [(app) => uiRoutes(app, { root: join(root, 'build') })] });
  unbuilt = await buildTestApp({ routes: [(app) => uiRoutes(app, { root: join(root, 'nothing-here') })] });
});

after(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(root, { recursive: true, force: true });
});

test('the page: revalidated on every load, with a strict Content-Security-Policy', async () => {
  const res = await built.app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.equal(res.body, INDEX);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
});

test('every console path gets the page (the browser routes it); HEAD works too', async () => {
  for (const url of ['/records', '/records/contact/42?x=1', '/missed', '/admin/users']) {
    const res = await built.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.body, INDEX, url);
  }
  const head = await built.app.inject({ method: 'HEAD', url: '/records/lead/7' });
  assert.equal(head.statusCode, 200);
});

test('hashed assets are cached for a year; a missing asset is a 404, not the page', async () => {
  const res = await built.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /javascript/);
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  const missing = await built.app.inject({ method: 'GET', url: '/assets/index-old999.js' });
  assert.equal(missing.statusCode, 404);
  assert.notEqual(missing.body, INDEX);
});

test('other files by name (favicon), and a missing one is a 404', async () => {
  const icon = await built.app.inject({ method: 'GET', url: '/favicon.svg' });
  assert.equal(icon.statusCode, 200);
  assert.match(String(icon.headers['content-type']), /^image\/svg\+xml/);
  assert.equal((await built.app.inject({ method: 'GET', url: '/robots.txt' })).statusCode, 404);
});

test('nothing outside the build folder is served', async () => {
  for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/.env']) {
    const res = await built.app.inject({ method: 'GET', url });
    assert.ok(res.statusCode >= 400 || res.body === INDEX, `${url}: ${res.statusCode}`);
    assert.doesNotMatch(res.body, /outside the build/, url);
  }
});

test('unknown API paths answer JSON 404s; the API routes themselves are untouched', async () => {
  const res = await built.app.inject({ method: 'GET', url: '/api/nope' });
  assert.equal(res.statusCode, 404);
  assert.equal((res.json() as { error: { code: string } }).error.code, 'NOT_FOUND');
  const me = await built.app.inject({ method: 'GET', url: '/api/me' });
  assert.equal(me.statusCode, 401);
  assert.equal((me.json() as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
});

test('a console that was not built says how to build it', async () => {
  const res = await unbuilt.app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /npm run build:ui/);
  assert.equal(res.headers['cache-control'], 'no-store');
});
