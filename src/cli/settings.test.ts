import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCrmTelephonyError } from '../errors.ts';
import { cliLocale, setting } from './settings.ts';

test('a flag wins over its variable, which is read by its schema entry; neither gives undefined', () => {
  const env = { AMI_PORT: '5039', DEFAULT_REGION: 'de' };
  assert.equal(setting(env, 'AMI_PORT'), 5039);
  assert.equal(setting(env, 'AMI_PORT', { flag: { name: '--port', value: '6000' } }), 6000);
  assert.equal(setting(env, 'AMI_PORT', { flag: { name: '--port', value: undefined } }), 5039);
  assert.equal(setting(env, 'DEFAULT_REGION'), 'DE');
  assert.equal(setting({}, 'AMI_PORT'), undefined);
  assert.equal(setting({}, 'DEBUG'), undefined);
});

test('an empty variable counts as not set; an empty flag is a value', () => {
  assert.equal(setting({ AMI_HOST: '' }, 'AMI_HOST'), undefined);
  assert.equal(setting({ DEBUG: '' }, 'DEBUG'), undefined);
  assert.throws(() => setting({}, 'AMI_HOST', { flag: { name: '--host', value: '' } }), (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && /^--host is not valid/.test(e.message));
});

test('only the variable asked for is read: another one, however wrong, never stops a command', () => {
  assert.equal(setting({ AMI_PORT: 'not a port', HTTP_PORT: '-1', AMI_AUTH: 'sha1', DATABASE_URL: './x.sqlite' }, 'DATABASE_URL'), './x.sqlite');
});

test('a bad value is a usage error naming where it came from; the default words never quote the value', () => {
  const secret = 'short-secret';
  assert.throws(
    () => setting({ CRM_WIDGET_SECRET: secret }, 'CRM_WIDGET_SECRET'),
    (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && e.message.startsWith('CRM_WIDGET_SECRET is not valid: ') && !e.message.includes(secret),
  );
  const invalid = (text: string, from: string): string => `${from} must be an AMI port; got ${JSON.stringify(text)}.`;
  assert.throws(() => setting({ AMI_PORT: '70000' }, 'AMI_PORT', { invalid }), { message: 'AMI_PORT must be an AMI port; got "70000".' });
  assert.throws(() => setting({ AMI_PORT: '5038' }, 'AMI_PORT', { flag: { name: '--AMI_PORT', value: 'x' }, invalid }), { message: '--AMI_PORT must be an AMI port; got "x".' });
});

test('the language: CRM_TELEPHONY_LANG, else LC_ALL, LC_MESSAGES, LANG, the first set deciding; C and POSIX are English', () => {
  assert.equal(cliLocale({}), 'en');
  assert.equal(cliLocale({ LANG: 'ru_RU.UTF-8' }), 'ru');
  assert.equal(cliLocale({ LANG: 'ru_RU.UTF-8', LC_MESSAGES: 'en_US.UTF-8' }), 'en');
  assert.equal(cliLocale({ LANG: 'en_US.UTF-8', LC_ALL: 'ru_RU.UTF-8' }), 'ru');
  assert.equal(cliLocale({ LC_ALL: 'C', LANG: 'ru_RU.UTF-8' }), 'en', 'LC_ALL=C means English, whatever LANG says');
  assert.equal(cliLocale({ LC_ALL: 'C.UTF-8' }), 'en');
  assert.equal(cliLocale({ LANG: 'POSIX' }), 'en');
  assert.equal(cliLocale({ CRM_TELEPHONY_LANG: 'ru', LC_ALL: 'en_US.UTF-8' }), 'ru');
  assert.equal(cliLocale({ CRM_TELEPHONY_LANG: '', LANG: 'ru_RU.UTF-8' }), 'ru', 'an empty variable is not set');
  assert.equal(cliLocale({ CRM_TELEPHONY_LANG: 'de', LANG: 'ru_RU.UTF-8' }), 'en', 'a language without messages is English');
});
