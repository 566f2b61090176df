/**
 * `cdr_csv`'s Master.csv lines to `PbxCdr`s. Pure: text in, rows and a count of skipped lines out.
 *
 * `cdr_csv` appends one line per CDR, columns in a fixed order, strings quoted (`"` doubled inside),
 * numbers and an empty answer time unquoted:
 *
 *     accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
 *     start, answer, end, duration, billsec, disposition, amaflags,
 *     [uniqueid (loguniqueid = yes)], [userfield (loguserfield = yes)],
 *     [peeraccount, linkedid, sequence (newcdrcolumns = yes)]
 *
 * So a line has 16 to 21 fields. With 17 (or 20) one of uniqueid and userfield is missing, and
 * which shows in the value: a uniqueid looks like `1796559509.0`, anything else is a userfield.
 * Times are the PBX's wall clock (`usegmtime = no`) and become epoch ms in the configured zone
 * (with `usegmtime = yes`, configure `UTC`).
 *
 * A line that is not a CDR (cut by a crash mid-write, an editor's stray text) is skipped and
 * counted, never fatal, and costs only itself: csv-parse reads a batch of lines at once, and when a
 * stray quote makes a record run past its line, that batch is read again one line at a time.
 */
import { parse } from 'csv-parse/sync';
import { parseClid } from './clid.ts';
import { wallTimeToEpoch } from './local-time.ts';
import type { PbxCdr } from './pbx-cdr.ts';

export interface ParsedCdrs {
  /** In the order of the lines. */
  rows: PbxCdr[];
  /** Lines that were not empty and not a CDR. */
  skipped: number;
}

const UNIQUEID = /^\d+\.\d+$/;
const INTEGER = /^\d{1,10}$/;
/** Lines handed to csv-parse at once: a stray quote costs a re-read of this many lines, no more. */
const BATCH = 512;
const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: false, record_delimiter: '\n' } as const;

/** Every CDR in Master.csv text (or bytes, read as UTF-8: invalid bytes become U+FFFD). */
export function parseMasterCsv(input: string | Uint8Array, zone: string): ParsedCdrs {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  return parseMasterCsvLines(text.split('\n'), zone);
}

/** Every CDR in whole lines (without their `\n`; a trailing `\r` is dropped). Empty lines are ignored. */
export function parseMasterCsvLines(lines: readonly string[], zone: string): ParsedCdrs {
  const out: ParsedCdrs = { rows: [], skipped: 0 };
  let batch: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    batch.push(line);
    if (batch.length >= BATCH) {
      parseBatch(batch, zone, out);
      batch = [];
    }
  }
  if (batch.length > 0) parseBatch(batch, zone, out);
  return out;
}

/** One CDR from one line's fields, or null when they are not a CDR. */
export function cdrFromFields(fields: readonly string[], zone: string): PbxCdr | null {
  const n = fields.length;
  if (n < 16 || n > 21) return null;
  const f = (i: number): string => fields[i] ?? '';
  let uniqueid = '';
  let userfield = '';
  let linkedid: string | null = null;
  let sequence: number | null = null;
  // newcdrcolumns adds three at the end; its sequence is a bare number.
  let base = n;
  if (n >= 19) {
    const seq = f(n - 1);
    if (!INTEGER.test(seq)) return null;
    sequence = Number(seq);
    linkedid = f(n - 2) === '' ? null : f(n - 2);
    base = n - 3;
  }
  if (base === 18) {
    uniqueid = f(16);
    userfield = f(17);
  } else if (base === 17) {
    if (UNIQUEID.test(f(16))) uniqueid = f(16);
    else userfield = f(16);
  }
  const start = wallTimeToEpoch(f(9), zone);
  const end = wallTimeToEpoch(f(11), zone);
  const answer = f(10) === '' ? null : wallTimeToEpoch(f(10), zone);
  if (start === null || end === null || (answer === null && f(10) !== '')) return null;
  if (!INTEGER.test(f(12)) || !INTEGER.test(f(13)) || f(14) === '') return null;
  const caller = parseClid(f(4));
  return {
    uniqueid,
    linkedid,
    src: f(1),
    dst: f(2),
    dcontext: f(3),
    callerName: caller.name,
    callerNumber: caller.number,
    channel: f(5),
    dstchannel: f(6),
    lastapp: f(7),
    lastdata: f(8),
    start,
    answer,
    end,
    duration: Number(f(12)),
    billsec: Number(f(13)),
    disposition: f(14),
    userfield,
    did: null,
    recordingfile: null,
    sequence,
  };
}

function parseBatch(lines: string[], zone: string, out: ParsedCdrs): void {
  let records: string[][] | null;
  try {
    records = parse(lines.join('\n'), CSV_OPTIONS) as string[][];
  } catch {
    records = null;
  }
  // One record per line, or a stray quote joined lines: then line by line, so it costs one line.
  if (records === null || records.length !== lines.length) {
    records = lines.map((line) => parseOne(line));
  }
  for (const fields of records) {
    const cdr = fields.length === 0 ? null : cdrFromFields(fields, zone);
    if (cdr) out.rows.push(cdr);
    else out.skipped++;
  }
}

function parseOne(line: string): string[] {
  try {
    const records = parse(line, CSV_OPTIONS) as string[][];
    return records.length === 1 ? records[0]! : [];
  } catch {
    return [];
  }
}
