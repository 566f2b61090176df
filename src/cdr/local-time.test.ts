import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { epochToWallTime, hostTimeZone, isValidTimeZone, wallTimeToEpoch } from './local-time.ts';

const utc = (iso: string): number => Date.parse(iso);

describe('PBX wall-clock time and epoch ms', () => {
  test('UTC, and a zone without DST', () => {
    assert.equal(wallTimeToEpoch('2026-12-06 12:18:31', 'UTC'), utc('2026-12-06T12:18:31Z'));
    assert.equal(wallTimeToEpoch('2026-12-06T12:18:31', 'UTC'), utc('2026-12-06T12:18:31Z'), 'a T between date and time is taken too');
    assert.equal(wallTimeToEpoch('2026-12-06 12:18:31', 'Asia/Kolkata'), utc('2026-12-06T06:48:31Z'));
    assert.equal(epochToWallTime(utc('2026-12-06T06:48:31.999Z'), 'Asia/Kolkata'), '2026-12-06 12:18:31');
  });

  test('Europe/Berlin across the change to summer time (29 March 2026, 02:00 → 03:00)', () => {
    const z = 'Europe/Berlin';
    assert.equal(wallTimeToEpoch('2026-01-15 10:00:00', z), utc('2026-01-15T09:00:00Z'));
    assert.equal(wallTimeToEpoch('2026-03-29 01:59:59', z), utc('2026-03-29T00:59:59Z'));
    assert.equal(wallTimeToEpoch('2026-03-29 03:00:00', z), utc('2026-03-29T01:00:00Z'));
    assert.equal(wallTimeToEpoch('2026-07-15 10:00:00', z), utc('2026-07-15T08:00:00Z'));
    // 02:30 never happened: read as the clock would have gone on, 03:30 summer time.
    assert.equal(wallTimeToEpoch('2026-03-29 02:30:00', z), utc('2026-03-29T01:30:00Z'));
    assert.equal(epochToWallTime(utc('2026-03-29T00:59:59Z'), z), '2026-03-29 01:59:59');
    assert.equal(epochToWallTime(utc('2026-03-29T01:00:00Z'), z), '2026-03-29 03:00:00');
  });

  test('Europe/Berlin across the change back (25 October 2026, 03:00 → 02:00): a doubled time is its first occurrence', () => {
    const z = 'Europe/Berlin';
    assert.equal(wallTimeToEpoch('2026-10-25 01:59:59', z), utc('2026-10-24T23:59:59Z'));
    assert.equal(wallTimeToEpoch('2026-10-25 02:30:00', z), utc('2026-10-25T00:30:00Z'));
    assert.equal(wallTimeToEpoch('2026-10-25 03:00:00', z), utc('2026-10-25T02:00:00Z'));
    assert.equal(epochToWallTime(utc('2026-10-25T00:30:00Z'), z), '2026-10-25 02:30:00');
    assert.equal(epochToWallTime(utc('2026-10-25T01:30:00Z'), z), '2026-10-25 02:30:00', 'the second 02:30');
  });

  test('America/New_York across both changes (8 March and 1 November 2026)', () => {
    const z = 'America/New_York';
    assert.equal(wallTimeToEpoch('2026-03-08 01:59:59', z), utc('2026-03-08T06:59:59Z'));
    assert.equal(wallTimeToEpoch('2026-03-08 02:15:00', z), utc('2026-03-08T07:15:00Z'), 'in the gap');
    assert.equal(wallTimeToEpoch('2026-03-08 03:00:00', z), utc('2026-03-08T07:00:00Z'));
    assert.equal(wallTimeToEpoch('2026-11-01 00:59:59', z), utc('2026-11-01T04:59:59Z'));
    assert.equal(wallTimeToEpoch('2026-11-01 01:30:00', z), utc('2026-11-01T05:30:00Z'), 'first 01:30, still summer time');
    assert.equal(wallTimeToEpoch('2026-11-01 02:00:00', z), utc('2026-11-01T07:00:00Z'));
    assert.equal(wallTimeToEpoch('2026-12-06 12:18:31', z), utc('2026-12-06T17:18:31Z'));
    assert.equal(epochToWallTime(utc('2026-11-01T06:30:00Z'), z), '2026-11-01 01:30:00', 'the second 01:30');
    assert.equal(epochToWallTime(utc('2026-12-06T17:18:31Z'), z), '2026-12-06 12:18:31');
  });

  test('a half-hour change inside an hour (Australia/Lord_Howe, 4 October 2026, 02:00 → 02:30)', () => {
    const z = 'Australia/Lord_Howe';
    assert.equal(wallTimeToEpoch('2026-10-04 01:59:59', z), utc('2026-10-03T15:29:59Z'));
    assert.equal(wallTimeToEpoch('2026-10-04 02:15:00', z), utc('2026-10-03T15:45:00Z'), 'in the gap: 02:45 summer time');
    assert.equal(wallTimeToEpoch('2026-10-04 02:45:00', z), utc('2026-10-03T15:45:00Z'));
    assert.equal(wallTimeToEpoch('2026-10-04 02:45:00', z), utc('2026-10-03T15:45:00Z'), 'the same the second time (cache)');
  });

  test('what is not a wall-clock time is null', () => {
    for (const bad of ['', '2026-12-06', '2026-12-06 12:18', '2026-13-01 00:00:00', '2026-02-29 00:00:00', '2026-04-31 10:00:00', '2026-12-06 24:00:00', '0000-00-00 00:00:00', ' 2026-12-06 12:18:31', '2026-12-06 12:18:31.5']) {
      assert.equal(wallTimeToEpoch(bad, 'UTC'), null, JSON.stringify(bad));
    }
    assert.equal(wallTimeToEpoch('2028-02-29 00:00:00', 'UTC'), utc('2028-02-29T00:00:00Z'), 'a leap day');
  });

  test('zones: IANA names are valid, others are not; the host has one', () => {
    for (const z of ['UTC', 'Europe/Berlin', 'America/New_York', 'Europe/Moscow']) assert.ok(isValidTimeZone(z), z);
    for (const z of ['', 'Mars/Olympus', 'CEST+2', ' Europe/Berlin']) assert.ok(!isValidTimeZone(z), z);
    assert.ok(isValidTimeZone(hostTimeZone()));
  });

  test('property: epoch → wall → epoch is the same instant, or the first occurrence of a doubled hour', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Europe/Moscow'];
    fc.assert(
      fc.property(fc.integer({ min: utc('2000-01-01T00:00:00Z') / 1000, max: utc('2040-01-01T00:00:00Z') / 1000 }), fc.constantFrom(...zones), (sec, zone) => {
        const ms = sec * 1000;
        const text = epochToWallTime(ms, zone);
        const back = wallTimeToEpoch(text, zone);
        assert.ok(back !== null);
        assert.equal(epochToWallTime(back, zone), text);
        assert.ok(back === ms || (back < ms && ms - back <= 3_600_000), `${zone} ${new Date(ms).toISOString()} → ${text} → ${new Date(back).toISOString()}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: every minute of both DST days in Berlin and New York goes back to its own text (gap minutes excepted)', () => {
    for (const [zone, days] of [
      ['Europe/Berlin', ['2026-03-29', '2026-10-25']],
      ['America/New_York', ['2026-03-08', '2026-11-01']],
    ] as const) {
      for (const day of days) {
        for (let minute = 0; minute < 24 * 60; minute++) {
          const text = `${day} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
          const ms = wallTimeToEpoch(text, zone);
          assert.ok(ms !== null);
          const again = epochToWallTime(ms, zone);
          const inGap = again !== text;
          if (inGap) assert.equal(again.slice(11, 13), String(Number(text.slice(11, 13)) + 1).padStart(2, '0'), `${zone} ${text} → ${again}`);
        }
      }
    }
  });
});
