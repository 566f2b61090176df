import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presetRange, todayIn } from './report-presets.ts';

test('quick ranges from a Wednesday: this and last week from Monday, this month, the last 30 days', () => {
  assert.deepEqual(presetRange('thisWeek', '2026-11-25'), { from: '2026-11-23', to: '2026-11-25' });
  assert.deepEqual(presetRange('lastWeek', '2026-11-25'), { from: '2026-11-16', to: '2026-11-22' });
  assert.deepEqual(presetRange('thisMonth', '2026-11-25'), { from: '2026-11-01', to: '2026-11-25' });
  assert.deepEqual(presetRange('last30', '2026-11-25'), { from: '2026-10-27', to: '2026-11-25' });
  // A Sunday is the last day of its week; a Monday the first.
  assert.deepEqual(presetRange('thisWeek', '2026-11-29'), { from: '2026-11-23', to: '2026-11-29' });
  assert.deepEqual(presetRange('lastWeek', '2026-11-30'), { from: '2026-11-23', to: '2026-11-29' });
});

test('today is the company zone\'s date, not the browser\'s', () => {
  const now = new Date('2026-11-29T23:30:00Z');
  assert.equal(todayIn('Europe/Moscow', now), '2026-11-30');
  assert.equal(todayIn('America/New_York', now), '2026-11-29');
});
