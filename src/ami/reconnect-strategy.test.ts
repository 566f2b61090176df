import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialBackoff, noReconnect } from './reconnect-strategy.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

const refused = new CrmTelephonyError(ErrorCodes.AMI_ERR_CONNECT_REFUSED, 'refused');

test('backoff doubles from the initial delay and is capped', () => {
  const s = exponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
  assert.deepEqual([1, 2, 3, 4, 5, 10].map((n) => s(n, refused)), [100, 200, 400, 800, 1000, 1000]);
});

test('jitter stays within its share of the delay', () => {
  const low = exponentialBackoff({ initialDelayMs: 1000, jitter: 0.5, random: () => 0 });
  const high = exponentialBackoff({ initialDelayMs: 1000, jitter: 0.5, random: () => 0.999999 });
  assert.equal(low(1, refused), 500);
  assert.equal(high(1, refused), 1500);
});

test('a wrong password, a non-AMI port and a closed client are never retried', () => {
  const s = exponentialBackoff();
  for (const code of [ErrorCodes.AMI_ERR_AUTH, ErrorCodes.AMI_ERR_NOT_AMI, ErrorCodes.AMI_ERR_CLOSED]) {
    assert.equal(s(1, new CrmTelephonyError(code, 'x')), false, code);
  }
});

test('maxAttempts ends the retries; noReconnect never retries', () => {
  const s = exponentialBackoff({ maxAttempts: 2, jitter: 0 });
  assert.notEqual(s(2, refused), false);
  assert.equal(s(3, refused), false);
  assert.equal(noReconnect(1, refused), false);
});
