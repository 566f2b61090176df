import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suitecrmConfigSchema, suiteCrmSettings, usesSuiteCrm } from './config.ts';
import { CrmErrorCodes, isCrmError } from './crm-errors.ts';

test('defaults run out of the box: no URL, the embedded CRM', () => {
  const c = suitecrmConfigSchema.parse({});
  assert.equal(usesSuiteCrm(c), false);
  assert.equal(c.SUITECRM_EXTENSION_FIELD, 'asterisk_ext_c');
  assert.equal(c.SUITECRM_SYNC_INTERVAL_MS, 5000);
  assert.deepEqual(c.SUITECRM_MODULES, ['Users', 'Accounts', 'Contacts', 'Leads']);
  assert.deepEqual(c.SUITECRM_ACCOUNT_PHONE_FIELDS, ['phone_office', 'phone_alternate', 'phone_fax']);
  assert.equal(c.SUITECRM_UI, 'auto', 'record links follow the SuiteCRM found');
});

test('a SuiteCRM configuration; the URL loses its trailing slash; lists are checked', () => {
  const c = suitecrmConfigSchema.parse({ SUITECRM_URL: 'https://crm.example.com/', SUITECRM_CLIENT_ID: 'id', SUITECRM_CLIENT_SECRET: 's', SUITECRM_MODULES: 'Leads,Users', SUITECRM_CONTACT_PHONE_FIELDS: 'phone_mobile,assistant_phone' });
  const s = suiteCrmSettings({ ...c, DEFAULT_REGION: 'RU' });
  assert.equal(s.url, 'https://crm.example.com');
  assert.deepEqual(s.modules, ['Users', 'Leads'], 'in sync order');
  assert.deepEqual(s.phoneFields.Contacts, ['phone_mobile', 'assistant_phone']);
  assert.equal(s.legacy, null);
  assert.equal(s.language, 'en', 'calls are written in English unless CRM_LANGUAGE says otherwise');
  assert.equal(suiteCrmSettings({ ...c, DEFAULT_REGION: 'RU', CRM_LANGUAGE: 'ru' }).language, 'ru');
  assert.equal(suitecrmConfigSchema.safeParse({ SUITECRM_MODULES: 'Contacts,Opportunities' }).success, false);
  assert.equal(suitecrmConfigSchema.safeParse({ SUITECRM_SYNC_OVERLAP_MS: '1000' }).success, false, 'at least a minute');
  assert.equal(suitecrmConfigSchema.safeParse({ SUITECRM_URL: 'crm.example.com' }).success, false);
});

test('what is missing is said in words', () => {
  const c = suitecrmConfigSchema.parse({ SUITECRM_URL: 'https://crm.example.com' });
  assert.throws(() => suiteCrmSettings({ ...c, DEFAULT_REGION: 'US' }), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_CONFIG) && /OAuth2 Clients and Tokens/.test(err.message));
  const half = suitecrmConfigSchema.parse({ SUITECRM_URL: 'https://x.example', SUITECRM_CLIENT_ID: 'a', SUITECRM_CLIENT_SECRET: 'b', SUITECRM_USERNAME: 'admin' });
  assert.throws(() => suiteCrmSettings({ ...half, DEFAULT_REGION: 'US' }), /SUITECRM_USERNAME and SUITECRM_PASSWORD/);
});

test('SUITECRM_URL may be a SuiteCRM 8 site root or its /legacy folder; SUITECRM_UI forces 7 or 8 links', () => {
  const legacy = suitecrmConfigSchema.parse({ SUITECRM_URL: 'https://crm.example.com/legacy/', SUITECRM_CLIENT_ID: 'id', SUITECRM_CLIENT_SECRET: 's', SUITECRM_UI: '8' });
  assert.equal(suiteCrmSettings({ ...legacy, DEFAULT_REGION: 'RU' }).url, 'https://crm.example.com/legacy');
  assert.equal(suiteCrmSettings({ ...legacy, DEFAULT_REGION: 'RU' }).ui, '8');
  assert.equal(suitecrmConfigSchema.safeParse({ SUITECRM_UI: '9' }).success, false);
});
