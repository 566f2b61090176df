/**
 * Every error code has its summary in the server's catalogue (`server.error.<CODE>`), so that a new
 * code without one fails here, and `sendError` says it in the request's language.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ErrorCodes, errorSpec, type ErrorCode } from '../errors.ts';
import { CATALOGUES } from '../i18n/messages/index.ts';
import { LOCALES } from '../i18n/locales.ts';
import { sendError } from './errors.ts';

const codes = Object.keys(ErrorCodes) as ErrorCode[];

test('every error code has its server.error. message in every language, English being its catalogue summary', () => {
  assert.ok(codes.length > 80);
  for (const locale of LOCALES) {
    const catalogue = CATALOGUES[locale] as Readonly<Record<string, string>>;
    const missing = codes.filter((code) => typeof catalogue[`server.error.${code}`] !== 'string' || catalogue[`server.error.${code}`] === '');
    assert.deepEqual(missing, [], `${locale} lacks server.error. messages for these codes`);
  }
  // The catalogue's summary, with ’ for ' (an apostrophe is a quote character in ICU).
  for (const code of codes) assert.equal(CATALOGUES.en[`server.error.${code}`], errorSpec(code).summary.replaceAll("'", '’'), code);
  // No message for a code that is not one any more.
  const stale = Object.keys(CATALOGUES.en).filter((k) => k.startsWith('server.error.') && !codes.includes(k.slice('server.error.'.length) as ErrorCode));
  assert.deepEqual(stale, []);
});

test('sendError without a message says the code\'s summary in the request\'s language; a given message is sent as it is', async () => {
  const app = Fastify();
  app.get('/default', (_request, reply) => sendError(reply, 'C2C_PBX_DOWN'));
  app.get('/given', (_request, reply) => sendError(reply, 'NOT_FOUND', 'No such thing.'));
  try {
    const en = await app.inject({ method: 'GET', url: '/default' });
    assert.equal(en.statusCode, 503);
    assert.deepEqual(en.json(), { error: { code: 'C2C_PBX_DOWN', message: 'The phone system is not connected right now: try again in a moment.' } });
    const ru = await app.inject({ method: 'GET', url: '/default', headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' } });
    assert.equal(ru.json().error.message, CATALOGUES.ru['server.error.C2C_PBX_DOWN']);
    assert.match(ru.json().error.message, /Телефонная система/);
    const given = await app.inject({ method: 'GET', url: '/given', headers: { 'accept-language': 'ru' } });
    assert.deepEqual(given.json(), { error: { code: 'NOT_FOUND', message: 'No such thing.' } });
  } finally {
    await app.close();
  }
});
