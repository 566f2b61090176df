import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cdrFromFields, parseMasterCsv, parseMasterCsvLines } from './master-csv.ts';

/** The real Master.csv of Asterisk 20.20.1's cdr_csv (loguniqueid, loguserfield, usegmtime = no on a UTC PBX). */
const MASTER = readFileSync(new URL('../../test/fixtures/ami-transcripts/cdr/Master.csv', import.meta.url));
const LINES = MASTER.toString('utf8').split('\n').filter((l) => l !== '');
const utc = (iso: string): number => Date.parse(iso);

describe('Master.csv: cdr_csv lines to PbxCdr', () => {
  const all = parseMasterCsv(MASTER, 'UTC');

  test('every one of the 1053 real lines is a CDR; none skipped', () => {
    assert.equal(LINES.length, 1053);
    assert.equal(all.rows.length, 1053);
    assert.equal(all.skipped, 0);
  });

  test('the first line, field by field', () => {
    assert.deepEqual(all.rows[0], {
      uniqueid: '1796559509.0',
      linkedid: null,
      src: '+15551234567',
      dst: '5550100',
      dcontext: 'from-pstn',
      callerName: 'Test Caller',
      callerNumber: '+15551234567',
      channel: 'PJSIP/carrier-00000000',
      dstchannel: 'PJSIP/101-00000001',
      lastapp: 'Dial',
      lastdata: 'PJSIP/101,15,tT',
      start: utc('2026-12-06T12:18:29Z'),
      answer: utc('2026-12-06T12:18:31Z'),
      end: utc('2026-12-06T12:18:34Z'),
      duration: 5,
      billsec: 3,
      disposition: 'ANSWERED',
      userfield: '20261206-121829-+15551234567-1796559509.0.wav',
      did: null,
      recordingfile: null,
      sequence: null,
    });
  });

  test('a leg never answered (NO ANSWER): its empty, unquoted answer time is null', () => {
    const row = all.rows[10]!; // line 11
    assert.equal(row.uniqueid, '1796559717.16');
    assert.equal(row.disposition, 'NO ANSWER');
    assert.equal(row.answer, null);
    assert.equal(row.start, utc('2026-12-06T12:21:57Z'));
    assert.equal(row.end, utc('2026-12-06T12:22:12Z'));
    assert.equal(row.duration, 15);
    assert.equal(row.billsec, 0);
    assert.equal(all.rows[11]!.dstchannel, '', 'the Hangup leg dialled nothing');
    assert.equal(all.rows.filter((r) => r.disposition === 'NO ANSWER').length, 8);
    assert.ok(all.rows.filter((r) => r.disposition === 'NO ANSWER').every((r) => r.answer === null));
  });

  test('hostile caller names come out as the caller sent them', () => {
    const byUniqueid = (id: string, src: string) => all.rows.find((r) => r.uniqueid === id && r.src === src)!;
    const bob = byUniqueid('1796560847.8', '2125550111'); // line 647
    assert.equal(bob.callerName, String.raw`Bob \"The Boss\" O'Neil`);
    assert.equal(bob.callerNumber, '2125550111');
    const drop = byUniqueid('1796560861.12', '2125550113'); // line 649
    assert.equal(drop.callerName, "'; DROP TABLE calls;--");
    assert.equal(drop.callerNumber, '2125550113');
    assert.equal(all.rows.find((r) => r.src === '2125550110')!.callerName, String.raw`Evil\r\nX-Injected: 1 %0d%0a`);
    assert.equal(all.rows.find((r) => r.src === '2125550112')!.callerName, '<script>alert(1)</script>');
  });

  test('raw UTF-8 names, and a name Asterisk cut at 80 bytes inside a character (line 650)', () => {
    assert.equal(all.rows[5]!.callerName, 'Проверка Связи');
    const cut = all.rows.find((r) => r.src === '2125550114')!;
    assert.equal(cut.callerName, 'Привет мир 你好世界 😀 Ünïcödé Привет мир 你好');
    assert.equal(cut.callerNumber, null, 'cut off with the closing quote');
    assert.equal(cut.uniqueid, '1796560868.14');
    assert.equal(cut.billsec, 3);
  });

  test('times are the PBX wall clock read in the configured zone', () => {
    const ny = parseMasterCsv(MASTER, 'America/New_York');
    assert.equal(ny.rows[0]!.start, utc('2026-12-06T17:18:29Z'));
    assert.equal(ny.rows[0]!.answer, utc('2026-12-06T17:18:31Z'));
    assert.equal(parseMasterCsv(MASTER, 'Europe/Berlin').rows[0]!.end, utc('2026-12-06T11:18:34Z'));
  });

  test('text and bytes give the same rows; CRLF line ends and a missing last newline are fine', () => {
    assert.deepEqual(parseMasterCsv(MASTER.toString('utf8'), 'UTC'), all);
    const crlf = parseMasterCsv(LINES.slice(0, 5).join('\r\n'), 'UTC');
    assert.deepEqual(crlf, { rows: all.rows.slice(0, 5), skipped: 0 });
  });

  test('garbage lines are skipped and counted; the lines around them still count', () => {
    const first = LINES[0]!;
    const garbage = [
      'hello world',
      first.slice(0, 120), // a line cut mid-write by a crash
      '"","+1555","5550100","from-pstn","""Unclosed <+1555>","PJSIP/x","","Dial","",', // an unclosed quote, cut
      first.replace('"2026-12-06 12:18:29"', '"2026-13-06 12:18:29"'), // no 13th month
      first.replace(',5,3,', ',five,3,'),
      first.split(',').slice(0, 15).join(','), // 15 columns
      `${first},"x","y","z","w"`, // 22 columns
      'a"b,c', // a quote inside an unquoted field
    ];
    const lines = [LINES[0]!, ...garbage.slice(0, 3), LINES[1]!, ...garbage.slice(3), LINES[2]!, ''];
    const got = parseMasterCsvLines(lines, 'UTC');
    assert.equal(got.skipped, garbage.length);
    assert.deepEqual(
      got.rows.map((r) => r.uniqueid),
      ['1796559509.0', '1796559546.0', '1796559559.4'],
    );
  });

  test('an unclosed quote costs its own line only, even inside a large batch', () => {
    const lines = [...LINES.slice(0, 300), '"never closed,', ...LINES.slice(300, 600)];
    const got = parseMasterCsvLines(lines, 'UTC');
    assert.equal(got.skipped, 1);
    assert.deepEqual(got.rows, all.rows.slice(0, 600));
  });

  describe('the optional columns: loguniqueid, loguserfield, newcdrcolumns', () => {
    const base = ['', '+15551234567', '5550100', 'from-pstn', '"Test Caller" <+15551234567>', 'PJSIP/carrier-00000000', 'PJSIP/101-00000001', 'Dial', 'PJSIP/101,15,tT', '2026-12-06 12:18:29', '2026-12-06 12:18:31', '2026-12-06 12:18:34', '5', '3', 'ANSWERED', 'DOCUMENTATION'];

    test('16 columns: neither uniqueid nor userfield', () => {
      const r = cdrFromFields(base, 'UTC')!;
      assert.equal(r.uniqueid, '');
      assert.equal(r.userfield, '');
      assert.equal(r.billsec, 3);
    });

    test('17 columns: a uniqueid when it looks like one, else a userfield', () => {
      assert.equal(cdrFromFields([...base, '1796559509.0'], 'UTC')!.uniqueid, '1796559509.0');
      const uf = cdrFromFields([...base, 'call.wav'], 'UTC')!;
      assert.equal(uf.uniqueid, '');
      assert.equal(uf.userfield, 'call.wav');
    });

    test('19 to 21 columns (newcdrcolumns = yes): peeraccount, linkedid, sequence at the end', () => {
      const r = cdrFromFields([...base, '1796559509.2', 'call.wav', '', '1796559509.0', '7'], 'UTC')!;
      assert.equal(r.uniqueid, '1796559509.2');
      assert.equal(r.userfield, 'call.wav');
      assert.equal(r.linkedid, '1796559509.0');
      assert.equal(r.sequence, 7);
      const noLog = cdrFromFields([...base, '', '1796559509.0', '8'], 'UTC')!;
      assert.equal(noLog.uniqueid, '');
      assert.equal(noLog.linkedid, '1796559509.0');
      assert.equal(cdrFromFields([...base, 'a', 'b', 'not a number'], 'UTC'), null);
    });

    test('an empty start or end, an answer that is not a time, an empty disposition: not a CDR', () => {
      const withField = (i: number, v: string): string[] => base.map((x, j) => (j === i ? v : x));
      assert.equal(cdrFromFields(withField(9, ''), 'UTC'), null);
      assert.equal(cdrFromFields(withField(11, ''), 'UTC'), null);
      assert.equal(cdrFromFields(withField(10, 'soon'), 'UTC'), null);
      assert.equal(cdrFromFields(withField(14, ''), 'UTC'), null);
      assert.equal(cdrFromFields(withField(14, 'CONGESTION'), 'UTC')!.disposition, 'CONGESTION');
    });
  });
});
