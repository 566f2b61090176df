import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loginRefusedError } from './login-refusal.ts';
import { ErrorCodes } from '../errors.ts';

const refuse = (said: string | undefined, action?: string) => loginRefusedError({ pbx: 'pbx1', username: 'crm', said, ...(action ? { action } : {}) });

test('Authentication failed (a wrong user or secret, or a permit/deny refusal: one text in manager.c) is a settings problem', () => {
  const err = refuse('Authentication failed');
  assert.equal(err.code, ErrorCodes.AMI_ERR_AUTH);
  assert.match(err.message, /refused the AMI login for user "crm"/);
  assert.match(err.message, /AMI_USERNAME and AMI_SECRET/);
  assert.match(err.message, /manager\.conf/);
  assert.match(err.message, /permit\/deny for this host/);
  assert.equal(err.details['said'], 'Authentication failed');
});

test('Asterisk is shutting down is a refusal that passes, not a settings problem', () => {
  const err = refuse('Asterisk is shutting down');
  assert.equal(err.code, ErrorCodes.AMI_ERR_LOGIN_REFUSED);
  assert.match(err.message, /stopping or restarting/);
  assert.doesNotMatch(err.message, /AMI_SECRET/);
  assert.equal(refuse('Asterisk is shutting down', 'Challenge').code, ErrorCodes.AMI_ERR_LOGIN_REFUSED, 'before an MD5 login');
});

test('Login Already In Use (allowmultiplelogin = no) passes when the other session ends', () => {
  const err = refuse('Login Already In Use');
  assert.equal(err.code, ErrorCodes.AMI_ERR_LOGIN_REFUSED);
  assert.match(err.message, /allowmultiplelogin/);
});

test('an unknown or missing reason is a refusal that passes, quoted as the PBX said it', () => {
  const err = refuse('Not today');
  assert.equal(err.code, ErrorCodes.AMI_ERR_LOGIN_REFUSED);
  assert.match(err.message, /\(Not today\)/);
  assert.match(refuse(undefined).message, /no reason given/);
  assert.match(refuse('Must specify AuthType', 'Challenge').message, /\(Challenge: Must specify AuthType\)/);
});

test('the texts are matched whatever their case and surrounding spaces', () => {
  assert.equal(refuse('  authentication FAILED ').code, ErrorCodes.AMI_ERR_AUTH);
  assert.equal(refuse('ASTERISK IS SHUTTING DOWN').code, ErrorCodes.AMI_ERR_LOGIN_REFUSED);
});
