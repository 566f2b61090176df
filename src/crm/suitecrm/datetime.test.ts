import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSuiteDateTime, suiteDateToIso, toSuiteDateTime } from './datetime.ts';

test('writes are YYYY-MM-DD HH:MM:SS in UTC (an ISO string would be stored as NULL)', () => {
  assert.equal(toSuiteDateTime('2026-11-23T20:15:37.123Z'), '2026-11-23 20:15:37');
  assert.equal(toSuiteDateTime('2026-11-23T23:15:37+03:00'), '2026-11-23 20:15:37');
  assert.equal(toSuiteDateTime(Date.UTC(2026, 0, 2, 3, 4, 5)), '2026-01-02 03:04:05');
  assert.throws(() => toSuiteDateTime('yesterday'), RangeError);
});

test('reads: v8 ISO with an offset, v4_1 database format (UTC), and "" for NULL', () => {
  assert.equal(suiteDateToIso('2026-11-23T20:08:00+00:00'), '2026-11-23T20:08:00.000Z');
  assert.equal(suiteDateToIso('2026-11-23T23:08:00+03:00'), '2026-11-23T20:08:00.000Z');
  assert.equal(suiteDateToIso('2026-11-23T15:08:00-0500'), '2026-11-23T20:08:00.000Z');
  assert.equal(suiteDateToIso('2026-11-23 20:14:42'), '2026-11-23T20:14:42.000Z');
  assert.equal(suiteDateToIso(''), null);
  assert.ok(Number.isNaN(parseSuiteDateTime('11/23/2026 19:39')), "current-user's display format is not read as a date");
  assert.ok(Number.isNaN(parseSuiteDateTime(null)));
});
