import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';
import { isCrmTelephonyError } from './errors.ts';

test('an empty environment gives working embedded defaults', () => {
  const c = loadConfig({});
  assert.equal(c.AMI_HOST, undefined);
  assert.equal(c.AMI_PORT, 5038);
  assert.equal(c.DATABASE_URL, './data/crm-telephony.sqlite');
  assert.equal(c.DEFAULT_REGION, 'US');
});

test('values are coerced and checked; errors name the variable and what to do', () => {
  assert.equal(loadConfig({ AMI_PORT: '5039', DEFAULT_REGION: 'ru' }).DEFAULT_REGION, 'RU');
  for (const env of [{ AMI_PORT: '70000' }, { DEFAULT_REGION: 'UK' }, { AMI_AUTH: 'sha1' }]) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && e.message.includes(Object.keys(env)[0]!),
    );
  }
});

test('a real PBX needs its secret', () => {
  assert.throws(() => loadConfig({ AMI_HOST: 'pbx.example.com' }), (e: unknown) => isCrmTelephonyError(e, 'CONFIG_ERR_INVALID') && /AMI_SECRET/.test(e.message));
  assert.equal(loadConfig({ AMI_HOST: 'pbx.example.com', AMI_SECRET: 's' }).AMI_HOST, 'pbx.example.com');
});
