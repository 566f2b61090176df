import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialBackoff, noReconnect, retryPace } from './reconnect-strategy.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

const refused = new CrmTelephonyError(ErrorCodes.AMI_ERR_CONNECT_REFUSED, 'refused');
const cause = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes]): CrmTelephonyError => new CrmTelephonyError(code, 'x');

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

test('a refused user or secret and a port that is not AMI are retried slowly, every settingsRetryMs, forever', () => {
  const s = exponentialBackoff({ jitter: 0 });
  for (const code of [ErrorCodes.AMI_ERR_AUTH, ErrorCodes.AMI_ERR_NOT_AMI]) {
    assert.deepEqual([1, 2, 50, 10_000].map((n) => s(n, cause(code))), [60_000, 60_000, 60_000, 60_000], code);
  }
  const quick = exponentialBackoff({ settingsRetryMs: 40, jitter: 0 });
  assert.equal(quick(7, cause(ErrorCodes.AMI_ERR_AUTH)), 40);
  const spread = exponentialBackoff({ settingsRetryMs: 1000, jitter: 0.5, random: () => 0 });
  assert.equal(spread(1, cause(ErrorCodes.AMI_ERR_AUTH)), 500, 'jitter applies to the slow pace too');
});

test('a PBX shutting down, an unknown refusal, a drop, a timeout: normal backoff, never given up', () => {
  const s = exponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
  for (const code of [
    ErrorCodes.AMI_ERR_LOGIN_REFUSED,
    ErrorCodes.AMI_ERR_DISCONNECTED,
    ErrorCodes.AMI_ERR_CONNECT_TIMEOUT,
    ErrorCodes.AMI_ERR_DEAD_PEER,
    ErrorCodes.AMI_ERR_HOST_NOT_FOUND,
  ]) {
    assert.deepEqual([1, 3, 1_000_000].map((n) => s(n, cause(code))), [100, 400, 1000], code);
  }
  assert.equal(s(2, new Error('something else')), 200, 'an error from outside the catalogue passes too');
});

test('only a client closed on purpose stops', () => {
  const s = exponentialBackoff();
  assert.equal(s(1, cause(ErrorCodes.AMI_ERR_CLOSED)), false);
  assert.deepEqual(
    [ErrorCodes.AMI_ERR_CLOSED, ErrorCodes.AMI_ERR_AUTH, ErrorCodes.AMI_ERR_NOT_AMI, ErrorCodes.AMI_ERR_LOGIN_REFUSED, ErrorCodes.AMI_ERR_TIMEOUT].map((c) => retryPace(cause(c))),
    ['stop', 'slow', 'slow', 'backoff', 'backoff'],
  );
});

test('maxAttempts ends the retries, slow ones too; noReconnect never retries', () => {
  const s = exponentialBackoff({ maxAttempts: 2, jitter: 0 });
  assert.notEqual(s(2, refused), false);
  assert.equal(s(3, refused), false);
  assert.equal(s(3, cause(ErrorCodes.AMI_ERR_AUTH)), false);
  assert.equal(noReconnect(1, refused), false);
  assert.equal(noReconnect(1, cause(ErrorCodes.AMI_ERR_AUTH)), false);
});
