import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dateOfDay, dayNumber, localDayOf, offsetSegments, periodKey, periodsOf, reportWindow } from './periods.ts';

const localDate = (ms: number, zone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

test('dates and day numbers: real dates only', () => {
  assert.equal(dayNumber('1970-01-01'), 0);
  assert.equal(dateOfDay(dayNumber('2026-11-23')!), '2026-11-23');
  for (const bad of ['2026-02-29', '2026-13-01', '2026-1-1', '23.11.2026', '', '1969-12-31']) assert.equal(dayNumber(bad), null, bad);
  assert.equal(dateOfDay(dayNumber('2028-02-29')!), '2028-02-29');
});

test('a window spans local midnights in UTC: Berlin in winter, Moscow, Kolkata (+05:30)', () => {
  assert.deepEqual([reportWindow('2026-11-23', '2026-11-29', 'Europe/Berlin').fromIso, reportWindow('2026-11-23', '2026-11-29', 'Europe/Berlin').toIso], ['2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z']);
  assert.equal(reportWindow('2026-11-23', '2026-11-23', 'Europe/Moscow').fromIso, '2026-11-22T21:00:00.000Z');
  assert.equal(reportWindow('2026-11-23', '2026-11-23', 'Asia/Kolkata').toIso, '2026-11-23T18:30:00.000Z');
});

test('offset segments: the year of Berlin has its two changes, to the second; UTC and Moscow have none', () => {
  const w = reportWindow('2026-01-01', '2026-12-31', 'Europe/Berlin');
  assert.deepEqual(w.segments, [
    { startSec: null, offsetSec: 3600 },
    { startSec: Date.UTC(2026, 2, 29, 1) / 1000, offsetSec: 7200 },
    { startSec: Date.UTC(2026, 9, 25, 1) / 1000, offsetSec: 3600 },
  ]);
  assert.equal(reportWindow('2026-01-01', '2026-12-31', 'UTC').segments.length, 1);
  assert.equal(reportWindow('2026-01-01', '2026-12-31', 'Europe/Moscow').segments.length, 1);
});

test('the local day of any instant is the one Intl says, across daylight-saving changes (property)', () => {
  for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago']) {
    const fromMs = Date.UTC(2026, 0, 1);
    const toMs = Date.UTC(2027, 0, 1);
    const segments = offsetSegments(fromMs, toMs, zone);
    fc.assert(
      fc.property(fc.integer({ min: fromMs / 1000, max: toMs / 1000 - 1 }), (sec) => dateOfDay(localDayOf(sec, segments)) === localDate(sec * 1000, zone)),
      { numRuns: 3000 },
    );
    // And right at each change.
    for (const s of segments.slice(1)) for (const d of [-1, 0, 1]) assert.equal(dateOfDay(localDayOf(s.startSec! + d, segments)), localDate((s.startSec! + d) * 1000, zone), `${zone} ${s.startSec! + d}`);
  }
});

test('periods: weeks begin on Monday and are clipped to the range; months by calendar', () => {
  const from = dayNumber('2026-11-25')!;
  const to = dayNumber('2026-12-08')!;
  assert.deepEqual(periodsOf(from, to, 'week'), [
    { key: '2026-11-23', from: '2026-11-25', to: '2026-11-29' },
    { key: '2026-11-30', from: '2026-11-30', to: '2026-12-06' },
    { key: '2026-12-07', from: '2026-12-07', to: '2026-12-08' },
  ]);
  assert.deepEqual(periodsOf(from, to, 'month'), [
    { key: '2026-11', from: '2026-11-25', to: '2026-11-30' },
    { key: '2026-12', from: '2026-12-01', to: '2026-12-08' },
  ]);
  assert.equal(periodsOf(from, to, 'day').length, 14);
  assert.equal(periodKey(dayNumber('2026-11-29')!, 'week'), '2026-11-23', 'a Sunday belongs to the week of the Monday before');
});
