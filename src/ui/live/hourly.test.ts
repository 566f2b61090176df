import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callsPerHour } from './hourly.ts';

const at = (h: number, min = 0, day = 10): string => new Date(2026, 2, day, h, min).toISOString();

test('counts today\'s calls per hour, answered, missed and other; other days are left out', () => {
  const now = new Date(2026, 2, 10, 17, 0);
  const buckets = callsPerHour(
    [
      { startedAt: at(9, 5), disposition: 'answered', direction: 'inbound' },
      { startedAt: at(9, 40), disposition: 'missed', direction: 'inbound' },
      { startedAt: at(9, 50), disposition: 'failed', direction: 'outbound' },
      { startedAt: at(14), disposition: 'abandoned', direction: 'inbound' },
      { startedAt: at(14, 0, 9), disposition: 'answered', direction: 'inbound' },
      { startedAt: null, disposition: 'answered', direction: 'inbound' },
    ],
    now,
  );
  assert.deepEqual(buckets.map((b) => b.hour), [8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual(buckets.find((b) => b.hour === 9), { hour: 9, answered: 1, missed: 1, elsewhere: 0, other: 1 });
  assert.deepEqual(buckets.find((b) => b.hour === 14), { hour: 14, answered: 0, missed: 1, elsewhere: 0, other: 0 });
});

test('the day widens to include early and late calls', () => {
  const now = new Date(2026, 2, 10, 23, 0);
  const buckets = callsPerHour([{ startedAt: at(6), disposition: 'answered', direction: 'inbound' }, { startedAt: at(21), disposition: 'answered', direction: 'inbound' }], now);
  assert.equal(buckets[0]!.hour, 6);
  assert.equal(buckets.at(-1)!.hour, 21);
});

test('a call a colleague answered is not answered by you; your outgoing call the customer answered is', () => {
  const now = new Date(2026, 2, 10, 17, 0);
  const buckets = callsPerHour(
    [
      { startedAt: at(10, 1), disposition: 'answered', direction: 'inbound', answeredBy: '101', callerExtension: null },
      { startedAt: at(10, 2), disposition: 'answered', direction: 'inbound', answeredBy: '102', callerExtension: null },
      { startedAt: at(10, 3), disposition: 'answered', direction: 'outbound', answeredBy: null, callerExtension: '101' },
      { startedAt: at(10, 4), disposition: 'missed', direction: 'inbound', answeredBy: null, callerExtension: null },
    ],
    now,
    ['101'],
  );
  assert.deepEqual(buckets.find((b) => b.hour === 10), { hour: 10, answered: 2, missed: 1, elsewhere: 1, other: 0 });
});
