import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialBackoff } from './retry.ts';

const cause = new Error('down');

test('the delay doubles from the initial one and is capped', () => {
  const s = exponentialBackoff({ initialDelayMs: 5000, maxDelayMs: 60_000, jitter: 0 });
  assert.deepEqual([1, 2, 3, 4, 5, 6, 1000].map((n) => s(n, cause)), [5000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
});

test('jitter spreads each delay within its share either side, the cap included', () => {
  const at = (r: number) => exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 8000, jitter: 0.25, random: () => r });
  assert.deepEqual([1, 2, 10].map((n) => at(0)(n, cause)), [750, 1500, 6000]);
  assert.deepEqual([1, 2, 10].map((n) => at(0.5)(n, cause)), [1000, 2000, 8000]);
  assert.deepEqual([1, 2, 10].map((n) => at(0.999999)(n, cause)), [1250, 2500, 10_000]);
  const random = exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 8000, jitter: 0.25 });
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const d = random(4, cause) as number;
    assert.ok(d >= 6000 && d <= 10_000, String(d));
    seen.add(d);
  }
  assert.ok(seen.size > 1, 'the delays differ');
});

test('maxAttempts gives up after that many; a cause paced stop at once; slow ones wait slowDelayMs', () => {
  const s = exponentialBackoff({ maxAttempts: 2, jitter: 0 });
  assert.notEqual(s(2, cause), false);
  assert.equal(s(3, cause), false);
  const paced = exponentialBackoff({ jitter: 0, slowDelayMs: 40, pace: (c) => (c.message === 'closed' ? 'stop' : c.message === 'settings' ? 'slow' : 'backoff') });
  assert.equal(paced(1, new Error('closed')), false);
  assert.deepEqual([1, 9].map((n) => paced(n, new Error('settings'))), [40, 40]);
  assert.deepEqual([1, 2].map((n) => paced(n, cause)), [500, 1000], 'the defaults: 0.5 s doubling');
});
