/**
 * The Master.csv source on this machine: the real cdr_csv file, any chunking, a 200k-line file of
 * which only the tail is read, rotation and truncation (also while reading), a half-written last
 * line, garbage, and a missing file said in words.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvCdrSource, localCsvAccess, type CsvFileAccess, type PositionedFile } from '../../src/cdr/sources/csv-source.ts';
import { parseMasterCsv } from '../../src/cdr/master-csv.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import type { CdrWindow } from '../../src/cdr/pbx-cdr.ts';

const MASTER = readFileSync(new URL('../fixtures/ami-transcripts/cdr/Master.csv', import.meta.url));
const ALL = parseMasterCsv(MASTER, 'UTC').rows;
const utc = (iso: string): number => Date.parse(iso);
const DAY: CdrWindow = { from: utc('2026-12-06T00:00:00Z'), to: utc('2026-12-07T00:00:00Z') };

function overlapping(window: CdrWindow) {
  return ALL.filter((r) => r.start <= window.to && r.end >= window.from);
}

/** UTC wall-clock text, quickly (200k lines are written). */
const wall = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** A synthetic cdr_csv line for a call of `seconds` that ended at `endMs` (UTC wall clock). */
function line(i: number, endMs: number, seconds = 30): string {
  const start = wall(endMs - seconds * 1000);
  const answer = wall(endMs - (seconds - 5) * 1000);
  const end = wall(endMs);
  return `"","+1555${String(i).padStart(7, '0')}","5550100","from-pstn","""Caller ${i}"" <+1555${String(i).padStart(7, '0')}>","PJSIP/carrier-${i.toString(16).padStart(8, '0')}","PJSIP/101-00000001","Dial","PJSIP/101,15,tT","${start}","${answer}","${end}",${seconds},${seconds - 5},"ANSWERED","DOCUMENTATION","1796559509.${i}","rec-${i}.wav"\n`;
}

async function rejectsWithCode(work: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  await work.catch((err: unknown) => {
    caught = err;
  });
  assert.ok(isCrmTelephonyError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('Master.csv source (local file)', () => {
  let dir: string;
  const source = (path: string, over: Partial<ConstructorParameters<typeof CsvCdrSource>[0]> = {}): CsvCdrSource =>
    new CsvCdrSource({ path, access: localCsvAccess(path), timeZone: 'UTC', ...over });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crmt-cdr-csv-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('the real Master.csv: a whole day is every line, a few minutes are the rows overlapping them', async () => {
    const path = join(dir, 'real', 'Master.csv');
    mkdirSync(join(dir, 'real'));
    writeFileSync(path, MASTER);
    const s = source(path);
    await s.check();
    const day = await s.read(DAY);
    assert.equal(day.rows.length, 1053);
    assert.equal(day.skipped, 0);
    assert.deepEqual(day.rows, ALL);
    const bob: CdrWindow = { from: utc('2026-12-06T12:40:45Z'), to: utc('2026-12-06T12:41:06Z') };
    const got = await s.read(bob);
    assert.deepEqual(got.rows, overlapping(bob));
    assert.ok(got.rows.some((r) => r.callerName === String.raw`Bob \"The Boss\" O'Neil`));
    assert.ok(got.rows.some((r) => r.callerName === "'; DROP TABLE calls;--"));
    assert.equal(s.description, path);
  });

  test('any chunk size and slack give the same rows: lines and UTF-8 names split across chunks survive', async () => {
    const path = join(dir, 'real', 'Master.csv');
    const windows = fc.record({ a: fc.integer({ min: utc('2026-12-06T12:15:00Z'), max: utc('2026-12-06T12:50:00Z') }), len: fc.integer({ min: 0, max: 20 * 60_000 }) });
    // The real file is in end order, so even no slack at all finds every row.
    const slacks = fc.constantFrom(0, 60_000, 2 * 3_600_000);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 70_000 }), slacks, windows, async (chunkBytes, slackMs, { a, len }) => {
        const window = { from: a, to: a + len };
        const got = await source(path, { chunkBytes, slackMs }).read(window);
        assert.deepEqual(got.rows, overlapping(window));
        assert.equal(got.skipped, 0);
      }),
      { numRuns: 30 },
    );
    // Chunks of 7 bytes split every Cyrillic and CJK character somewhere.
    assert.deepEqual((await source(path, { chunkBytes: 7 }).read(DAY)).rows, ALL);
  });

  test('a 200k-line file: reading the last half hour reads only its tail', async () => {
    const path = join(dir, 'big', 'Master.csv');
    mkdirSync(join(dir, 'big'));
    const first = utc('2026-11-01T00:00:00Z');
    const step = 3000; // a CDR every 3 s: 200k lines span about a week
    const lines = 200_000;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on('error', reject);
      let batch = '';
      for (let i = 0; i < lines; i++) {
        batch += line(i, first + i * step);
        if (batch.length > 1 << 20) {
          out.write(batch);
          batch = '';
        }
      }
      out.end(batch, () => resolve());
    });
    const size = readFileSync(path).length;
    const lastEnd = first + (lines - 1) * step;
    const window = { from: lastEnd - 30 * 60_000, to: lastEnd };
    const s = source(path);
    const got = await s.read(window);
    assert.equal(got.skipped, 0);
    assert.equal(got.rows.length, (30 * 60) / 3 + 1, 'the calls that ended in the half hour');
    assert.equal(got.rows.at(-1)!.uniqueid, `1796559509.${lines - 1}`);
    // The window and the 2-hour slack before it: 3000 lines of ~330 bytes, plus one chunk.
    const tail = (2.5 * 3_600_000 / step) * (size / lines) + 64 * 1024;
    assert.ok(s.bytesRead <= tail, `read ${s.bytesRead} bytes of ${size}; expected at most ${Math.round(tail)}`);
    assert.ok(s.bytesRead < size / 50, `read ${s.bytesRead} of ${size} bytes`);
    // A shorter slack reads less.
    const tight = source(path, { slackMs: 60_000 });
    assert.deepEqual((await tight.read(window)).rows, got.rows);
    assert.ok(tight.bytesRead < s.bytesRead / 3, `${tight.bytesRead} vs ${s.bytesRead}`);
  });

  test('lines written out of end order within the slack are found', async () => {
    const path = join(dir, 'order', 'Master.csv');
    mkdirSync(join(dir, 'order'));
    const t0 = utc('2026-12-06T10:00:00Z');
    // A batch-mode PBX wrote the 10:00 call after calls of 10:40 and later.
    writeFileSync(path, [line(1, t0 - 3_600_000), line(2, t0 + 40 * 60_000), line(3, t0), line(4, t0 + 50 * 60_000), line(5, t0 + 60 * 60_000)].join(''));
    const got = await source(path, { chunkBytes: 200 }).read({ from: t0 - 60_000, to: t0 + 60_000 });
    assert.deepEqual(got.rows.map((r) => r.uniqueid), ['1796559509.3']);
  });

  test('a half-written last line is left for the next read, not counted; garbage is counted', async () => {
    const path = join(dir, 'partial', 'Master.csv');
    mkdirSync(join(dir, 'partial'));
    const t0 = utc('2026-12-06T10:00:00Z');
    const whole = line(3, t0 + 2000);
    writeFileSync(path, line(1, t0) + 'garbage from an editor\n' + line(2, t0 + 1000) + whole.slice(0, 150));
    const s = source(path);
    const window = { from: t0 - 60_000, to: t0 + 60_000 };
    const first = await s.read(window);
    assert.deepEqual(first.rows.map((r) => r.uniqueid), ['1796559509.1', '1796559509.2']);
    assert.equal(first.skipped, 1, 'the editor line; the half-written line is not garbage yet');
    appendFileSync(path, whole.slice(150));
    const second = await s.read(window);
    assert.deepEqual(second.rows.map((r) => r.uniqueid), ['1796559509.1', '1796559509.2', '1796559509.3']);
    // A file without a final newline that parses: its last line counts.
    writeFileSync(path, line(1, t0) + whole.slice(0, -1));
    assert.equal((await s.read(window)).rows.length, 2);
  });

  test('a file rotated or truncated (smaller than before) is read from its new end; Master.csv.1 is read when the window starts before the new file', async () => {
    const folder = join(dir, 'rotate');
    mkdirSync(folder);
    const path = join(folder, 'Master.csv');
    const t0 = utc('2026-12-06T10:00:00Z');
    const old = Array.from({ length: 100 }, (_, i) => line(i, t0 + i * 60_000)).join('');
    writeFileSync(path, old);
    const warnings: unknown[] = [];
    const s = source(path, { logger: { warn: (obj: unknown) => warnings.push(obj) } as never });
    const window = { from: t0 + 90 * 60_000, to: t0 + 200 * 60_000 };
    assert.equal((await s.read(window)).rows.length, 10);
    // logrotate: Master.csv → Master.csv.1, a new Master.csv with two lines.
    writeFileSync(join(folder, 'Master.csv.1'), old);
    writeFileSync(path, line(100, t0 + 100 * 60_000) + line(101, t0 + 101 * 60_000));
    const after = await s.read(window);
    assert.deepEqual(after.rows.map((r) => r.uniqueid), Array.from({ length: 12 }, (_, i) => `1796559509.${90 + i}`));
    assert.equal(warnings.length, 1, 'the shrink is logged');
    // Without a rotated file, a truncated Master.csv gives what it has.
    rmSync(join(folder, 'Master.csv.1'));
    truncateSync(path, 0);
    assert.deepEqual(await s.read(window), { rows: [], skipped: 0 });
    // A window the file covers (with its slack) does not touch Master.csv.1.
    writeFileSync(join(folder, 'Master.csv.1'), 'not read\n');
    writeFileSync(path, old);
    assert.deepEqual(await s.read({ from: t0 + 150 * 60_000, to: t0 + 200 * 60_000 }), { rows: [], skipped: 0 });
  });

  test('a file truncated while it is read is read again from its new end', async () => {
    const t0 = utc('2026-12-06T10:00:00Z');
    const full = Buffer.from(Array.from({ length: 50 }, (_, i) => line(i, t0 + i * 60_000)).join(''));
    const short = Buffer.from(line(60, t0 + 60 * 60_000));
    let opens = 0;
    const file = (bytes: Buffer, cutAfterReads: number | null): PositionedFile => {
      let reads = 0;
      return {
        size: bytes.length,
        read: async (position, length) => (cutAfterReads !== null && ++reads > cutAfterReads ? Buffer.alloc(0) : bytes.subarray(position, position + length)),
        close: async () => undefined,
      };
    };
    const access: CsvFileAccess = {
      kind: 'local',
      description: 'fake',
      open: async (name) => (name === 'Master.csv' ? (++opens === 1 ? file(full, 2) : file(short, null)) : null),
      close: async () => undefined,
    };
    const s = new CsvCdrSource({ path: '/fake/Master.csv', access, timeZone: 'UTC', chunkBytes: 1000, readRotated: false });
    const got = await s.read({ from: t0, to: t0 + 3_600_000 * 2 });
    assert.equal(opens, 2);
    assert.deepEqual(got.rows.map((r) => r.uniqueid), ['1796559509.60']);
    // One that never stops shrinking is said in words.
    const always: CsvFileAccess = { ...access, open: async () => file(full, 0) };
    const err = await rejectsWithCode(new CsvCdrSource({ path: '/fake/Master.csv', access: always, timeZone: 'UTC' }).read(DAY), 'CDR_ERR_UNREACHABLE');
    assert.match(err.message, /kept getting shorter/);
  });

  test('a missing file says which path, and that cdr_csv must be enabled or CDR_CSV_PATH set', async () => {
    const path = join(dir, 'nowhere', 'Master.csv');
    const s = source(path);
    const err = await rejectsWithCode(s.read(DAY), 'CDR_ERR_UNREACHABLE');
    assert.ok(err.message.includes(path), err.message);
    assert.match(err.message, /cdr_csv/);
    assert.match(err.message, /CDR_CSV_PATH/);
    await rejectsWithCode(s.check(), 'CDR_ERR_UNREACHABLE');
  });

  test('a folder where the file should be is refused in words', async () => {
    mkdirSync(join(dir, 'folder', 'Master.csv'), { recursive: true });
    await rejectsWithCode(source(join(dir, 'folder', 'Master.csv')).read(DAY), 'CDR_ERR_INVALID');
  });

  test('an unreadable file says to give this service read access', { skip: process.getuid?.() === 0 ? 'root reads everything' : false }, async () => {
    const path = join(dir, 'locked', 'Master.csv');
    mkdirSync(join(dir, 'locked'));
    writeFileSync(path, MASTER, { mode: 0o000 });
    const err = await rejectsWithCode(source(path).read(DAY), 'CDR_ERR_UNREACHABLE');
    assert.match(err.message, /read access/);
  });
});
