import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decryptSecret, encryptSecret } from './secret-box.ts';

const KEY = 'a long enough passphrase';

test('a sealed secret opens with its key only, and never shows the secret in its text', () => {
  const sealed = encryptSecret('s3cr3t-AMI', KEY);
  assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(!sealed.includes('s3cr3t'));
  assert.notEqual(encryptSecret('s3cr3t-AMI', KEY), sealed, 'a fresh IV each time');
  assert.equal(decryptSecret(sealed, KEY, 'PBX "x"'), 's3cr3t-AMI');
  assert.throws(() => decryptSecret(sealed, 'another passphrase here', 'PBX "x"'), /PBX "x".*cannot be opened with this CRM_TELEPHONY_SECRET_KEY/);
  const parts = sealed.split('.');
  const altered = [...parts.slice(0, 3), Buffer.from('XXXXXXXXXX').toString('base64url')].join('.');
  assert.throws(() => decryptSecret(altered, KEY, 'PBX "x"'), /altered/);
  assert.throws(() => decryptSecret('plain', KEY, 'PBX "x"'), /encrypt-secret/);
  assert.throws(() => decryptSecret(sealed, undefined, 'PBX "x"'), /needs CRM_TELEPHONY_SECRET_KEY/);
  assert.throws(() => encryptSecret('x', 'short'), /at least 16/);
});
