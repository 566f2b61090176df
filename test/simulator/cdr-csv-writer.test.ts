/**
 * The simulator's Master.csv lines against the real one: Asterisk 20.20.1's cdr_csv output in
 * test/fixtures/ami-transcripts/cdr/ (loguniqueid, loguserfield, usegmtime = no on a UTC PBX).
 * Every real line, taken apart and handed to the formatter as a Cdr event's fields, comes back
 * byte for byte; and so does every line rebuilt from its parsed values (names, epoch times) the
 * way the simulator builds a Cdr.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { AmiField } from '../../src/ami/message.ts';
import { AmiMessage } from '../../src/ami/message.ts';
import { epochToWallTime } from '../../src/cdr/local-time.ts';
import { parseMasterCsv } from '../../src/cdr/master-csv.ts';
import type { PbxCdr } from '../../src/cdr/pbx-cdr.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import { CdrCsvWriter, formatCdrCsvLine } from '../../src/simulator/cdr-csv-writer.ts';
import { cdrCallerId, cutUtf8 } from '../../src/simulator/scenarios/pbx-model.ts';

const MASTER = readFileSync(new URL('../fixtures/ami-transcripts/cdr/Master.csv', import.meta.url));
/** The real lines as bytes, without their `\n`. */
const LINE_BYTES: Buffer[] = [];
for (let start = 0; start < MASTER.length;) {
  const end = MASTER.indexOf(0x0a, start);
  LINE_BYTES.push(MASTER.subarray(start, end));
  start = end + 1;
}
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (b: Buffer): boolean => {
  try {
    strictUtf8.decode(b);
    return true;
  } catch {
    return false;
  }
};

/** The Cdr event fields in cdr_csv's column order. */
const EVENT_FIELDS = [
  'AccountCode', 'Source', 'Destination', 'DestinationContext', 'CallerID', 'Channel', 'DestinationChannel',
  'LastApplication', 'LastData', 'StartTime', 'AnswerTime', 'EndTime', 'Duration', 'BillableSeconds',
  'Disposition', 'AMAFlags', 'UniqueID', 'UserField',
] as const;

/** A real line's 18 values as the Cdr event cdr_manager sent for the same CDR. */
function eventOf(line: string): AmiField[] {
  const [values] = parse(line, { relax_column_count: true }) as string[][];
  assert.equal(values!.length, 18);
  return [['Event', 'Cdr'], ['Privilege', 'cdr,all'], ...EVENT_FIELDS.map((k, i): AmiField => [k, values![i]!])];
}

/** The Cdr the simulator would emit for a parsed row: clid through ast_callerid_merge, times on the wall clock. */
function eventFromRow(row: PbxCdr, zone: string): AmiField[] {
  return [
    ['Event', 'Cdr'],
    ['AccountCode', row.accountcode ?? ''],
    ['Source', row.src],
    ['Destination', row.dst],
    ['DestinationContext', row.dcontext],
    ['CallerID', cdrCallerId(row.callerNumber ?? '', row.callerName ?? '')],
    ['Channel', row.channel],
    ['DestinationChannel', row.dstchannel],
    ['LastApplication', row.lastapp],
    ['LastData', row.lastdata],
    ['StartTime', epochToWallTime(row.start, zone)],
    ['AnswerTime', row.answer === null ? '' : epochToWallTime(row.answer, zone)],
    ['EndTime', epochToWallTime(row.end, zone)],
    ['Duration', String(row.duration)],
    ['BillableSeconds', String(row.billsec)],
    ['Disposition', row.disposition],
    ['AMAFlags', 'DOCUMENTATION'],
    ['UniqueID', row.uniqueid],
    ['UserField', row.userfield],
  ];
}

const BOB_LINE = 646; // index of `Bob \"The Boss\" O'Neil`
const CUT_LINE = 649; // a name cut inside a UTF-8 character by the 80-byte clid

describe('formatCdrCsvLine against the real Master.csv', () => {
  it('every real line, as a Cdr event\'s fields, comes back byte for byte', () => {
    assert.equal(LINE_BYTES.length, 1053);
    let compared = 0;
    for (const bytes of LINE_BYTES) {
      if (!isUtf8(bytes)) continue;
      const line = formatCdrCsvLine(eventOf(bytes.toString('utf8')));
      assert.ok(line !== null);
      assert.ok(Buffer.from(line, 'utf8').equals(Buffer.concat([bytes, Buffer.from('\n')])), bytes.toString('utf8'));
      compared++;
    }
    assert.equal(compared, 1052, 'all but the line whose name was cut inside a character');
    assert.ok(!isUtf8(LINE_BYTES[CUT_LINE]!));
  });

  it('the same bytes from the parsed values: quotes doubled, empty answer unquoted, clid escaped as ast_callerid_merge does', () => {
    const { rows, skipped } = parseMasterCsv(MASTER, 'UTC');
    assert.equal(skipped, 0);
    for (const [i, row] of rows.entries()) {
      if (i === CUT_LINE) continue; // its number is unknown once the name is cut
      const line = formatCdrCsvLine(eventFromRow(row, 'UTC'));
      assert.equal(line, `${LINE_BYTES[i]!.toString('utf8')}\n`, `line ${i + 1}`);
    }
    const bob = rows[BOB_LINE]!;
    assert.equal(bob.callerName, 'Bob \\"The Boss\\" O\'Neil');
    assert.equal(
      formatCdrCsvLine(eventFromRow(bob, 'UTC'))!.split(',')[4],
      '"""Bob \\\\\\""The Boss\\\\\\"" O\'Neil"" <2125550111>"',
    );
    const unanswered = formatCdrCsvLine(eventFromRow(rows[10]!, 'UTC'))!;
    assert.match(unanswered, /,"2026-12-06 12:21:57",,"2026-12-06 12:22:12",15,0,"NO ANSWER",/);
  });

  it('a long name is cut to the clid\'s 79 bytes as Asterisk cuts it, short of the split character', () => {
    const real = LINE_BYTES[CUT_LINE]!;
    const name = 'Привет мир 你好世界 😀 Ünïcödé Привет мир 你好世界 😀 and more';
    const clid = cutUtf8(cdrCallerId('2125550114', name), 79);
    assert.equal(Buffer.byteLength(clid), 77, '79 minus the two bytes of the split 世');
    const [values] = parse(real.toString('latin1'), { relax_column_count: true }) as string[][];
    const fields = EVENT_FIELDS.map((k, i): AmiField => [k, k === 'CallerID' ? clid : Buffer.from(values![i]!, 'latin1').toString('utf8')]);
    const line = Buffer.from(formatCdrCsvLine(fields)!, 'utf8');
    const split = real.indexOf(Buffer.from([0xe4, 0xb8, 0x22, 0x2c])); // the partial 世, then `",`
    assert.ok(line.equals(Buffer.concat([real.subarray(0, split), real.subarray(split + 2), Buffer.from('\n')])));
  });
});

describe('formatCdrCsvLine', () => {
  const base: AmiField[] = eventOf(LINE_BYTES[0]!.toString('utf8'));
  const withField = (key: string, value: string): AmiField[] => base.map(([k, v]): AmiField => [k, k === key ? value : v]);

  it('takes an AmiMessage or its fields, and needs no Event line', () => {
    const expected = `${LINE_BYTES[0]!.toString('utf8')}\n`;
    assert.equal(formatCdrCsvLine(new AmiMessage(base)), expected);
    assert.equal(formatCdrCsvLine(base.slice(2)), expected);
  });

  it('writes the times on the PBX\'s wall clock in timeZone, the same instants as the event\'s', () => {
    const summer = formatCdrCsvLine(base, { timeZone: 'Europe/Berlin' })!;
    assert.match(summer, /,"2026-12-06 13:18:29","2026-12-06 13:18:31","2026-12-06 13:18:34",5,3,/, 'CET in December');
    const fromMoscow = formatCdrCsvLine(withField('StartTime', '2026-07-01 03:00:00'), { eventTimeZone: 'Europe/Moscow', timeZone: 'America/New_York' })!;
    assert.match(fromMoscow, /,"2026-06-30 20:00:00","2026-12-06 04:18:31",/);
    const parsed = parseMasterCsv(summer, 'Europe/Berlin').rows[0]!;
    assert.equal(parsed.start, Date.parse('2026-12-06T12:18:29Z'));
  });

  it('refuses an unknown zone with CONFIG_ERR_INVALID', () => {
    assert.throws(() => formatCdrCsvLine(base, { timeZone: 'Mars/Olympus' }), (e) => isCrmTelephonyError(e) && e.code === 'CONFIG_ERR_INVALID');
    assert.throws(() => new CdrCsvWriter({ path: join(tmpdir(), 'never', 'Master.csv'), eventTimeZone: '' }), (e) => isCrmTelephonyError(e) && e.code === 'CONFIG_ERR_INVALID');
  });

  it('keeps commas, quotes and apostrophes inside their quotes; a NUL ends a value as in C', () => {
    const line = formatCdrCsvLine(withField('LastData', 'PJSIP/101&PJSIP/102,20,"tT"'))!;
    assert.match(line, /,"PJSIP\/101&PJSIP\/102,20,""tT""",/);
    assert.equal(parseMasterCsv(line, 'UTC').rows[0]!.lastdata, 'PJSIP/101&PJSIP/102,20,"tT"');
    assert.match(formatCdrCsvLine(withField('UserField', 'rec.wav\0junk'))!, /,"rec\.wav"\n$/);
  });

  it('numbers unquoted; anything not a number is 0, as append_int would print', () => {
    assert.match(formatCdrCsvLine(withField('Duration', 'x'))!, /,0,3,"ANSWERED",/);
  });

  it('a record longer than cdr_csv\'s 1024-byte buffer is not recorded (null); 1017 bytes still are', () => {
    const fixed = formatCdrCsvLine(withField('UserField', ''))!.length - 1; // bytes besides the user field
    const fits = formatCdrCsvLine(withField('UserField', 'u'.repeat(1017 - fixed)))!;
    assert.equal(Buffer.byteLength(fits), 1018, '1017 and the newline');
    assert.equal(formatCdrCsvLine(withField('UserField', 'u'.repeat(1018 - fixed))), null);
    assert.equal(formatCdrCsvLine(withField('UserField', '"'.repeat(500))), null, 'doubled quotes count too');
  });
});

describe('CdrCsvWriter', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'cdr-csv-'));
    dirs.push(d);
    return d;
  };
  const event = (i: number): AmiField[] => eventOf(LINE_BYTES[i]!.toString('utf8'));

  it('creates the folder, appends in order (keeping what was there), and the line is on disk when write returns', () => {
    const path = join(tempDir(), 'var', 'log', 'asterisk', 'cdr-csv', 'Master.csv');
    const first = new CdrCsvWriter({ path });
    assert.equal(first.write(event(0)), true);
    assert.equal(readFileSync(path, 'utf8'), `${LINE_BYTES[0]!.toString('utf8')}\n`);
    const again = new CdrCsvWriter({ path }); // a PBX restart: the file goes on
    again.write(event(1));
    again.write(event(2));
    assert.ok(readFileSync(path).equals(Buffer.concat(LINE_BYTES.slice(0, 3).flatMap((b) => [b, Buffer.from('\n')]))));
    assert.equal(again.written, 2);
  });

  it('a file rotated away is started anew by the next record; a removed folder is made again', () => {
    const dir = tempDir();
    const path = join(dir, 'cdr-csv', 'Master.csv');
    const writer = new CdrCsvWriter({ path });
    writer.write(event(0));
    renameSync(path, `${path}.1`);
    writer.write(event(1));
    assert.equal(readFileSync(path, 'utf8'), `${LINE_BYTES[1]!.toString('utf8')}\n`);
    rmSync(join(dir, 'cdr-csv'), { recursive: true });
    writer.write(event(2));
    assert.equal(readFileSync(path, 'utf8'), `${LINE_BYTES[2]!.toString('utf8')}\n`);
    assert.equal(writer.written, 3);
  });

  it('counts what it could not write instead of throwing: too long, or the file not writable', () => {
    const dir = tempDir();
    const path = join(dir, 'Master.csv');
    const writer = new CdrCsvWriter({ path });
    assert.equal(writer.write([['UserField', 'u'.repeat(2000)]]), false);
    assert.equal(writer.notRecorded, 1);
    assert.equal(existsSync(path), false);
    writer.write(event(0));
    rmSync(path);
    mkdirSync(path); // not writable even for root
    assert.equal(writer.write(event(1)), false);
    assert.equal(writer.failed, 1);
    assert.equal(writer.lastError && (writer.lastError as NodeJS.ErrnoException).code, 'EISDIR');
    assert.equal(writer.written, 1);
  });
});
