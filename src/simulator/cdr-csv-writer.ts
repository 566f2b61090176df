/**
 * The PBX's own Master.csv, as Asterisk 20's `cdr_csv` writes it (cdr/cdr_csv.c, with the
 * fixtures' cdr.conf: `loguniqueid = yes`, `loguserfield = yes`, `usegmtime = no`,
 * `accountlogs = no`), from the simulator's `Cdr` events: cdr_manager and cdr_csv are handed the
 * same CDR, so the line carries the event's values.
 *
 *     "accountcode","src","dst","dcontext","clid","channel","dstchannel","lastapp","lastdata",
 *     "start","answer","end",duration,billsec,"disposition","amaflags","uniqueid","userfield"
 *
 * Every value is quoted with `"` doubled inside, except the two numbers, and an answer time the
 * leg never had is nothing between the commas. `clid` is written as the CDR holds it (the event's
 * CallerID: `ast_escape_quoted`, not AMI's C-escaping). A record longer than cdr_csv's 1024-byte
 * buffer is not written at all, as cdr_csv logs "CDR not recorded!".
 *
 * `formatCdrCsvLine` is pure; `CdrCsvWriter` appends lines to a file.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AmiMessage, type AmiField } from '../ami/message.ts';
import { epochToWallTime, isValidTimeZone, wallTimeToEpoch } from '../cdr/local-time.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export interface CdrCsvFormat {
  /**
   * The PBX's time zone (IANA name): with `usegmtime = no` cdr_csv writes start, answer and end on
   * its wall clock. Default `UTC` (the fixtures' PBX).
   */
  timeZone?: string;
  /**
   * The zone the Cdr events' own times are written in. Default `UTC`: generated calls with their
   * default `utcOffsetMinutes: 0`, and the captures' PBX. For a script built with
   * `utcOffsetMinutes: 180`, say `Etc/GMT-3`. The Master.csv line gets the same instants, in
   * `timeZone`.
   */
  eventTimeZone?: string;
}

type Kind = 'text' | 'time' | 'number';

/** cdr_csv's columns in its order, each with the Cdr event field it comes from. */
const COLUMNS: readonly (readonly [field: string, kind: Kind])[] = [
  ['AccountCode', 'text'],
  ['Source', 'text'],
  ['Destination', 'text'],
  ['DestinationContext', 'text'],
  ['CallerID', 'text'],
  ['Channel', 'text'],
  ['DestinationChannel', 'text'],
  ['LastApplication', 'text'],
  ['LastData', 'text'],
  ['StartTime', 'time'],
  ['AnswerTime', 'time'],
  ['EndTime', 'time'],
  ['Duration', 'number'],
  ['BillableSeconds', 'number'],
  ['Disposition', 'text'],
  ['AMAFlags', 'text'],
  ['UniqueID', 'text'],
  ['UserField', 'text'],
];

/**
 * csv_log's `char buf[1024]`: build_csv_record gives up unless the record with its trailing comma
 * stays under 1019 bytes, so the longest line written is 1017 bytes before its `\n`.
 */
const MAX_LINE_BYTES = 1017;
const WALL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const INTEGER = /^-?\d+$/;

/**
 * One Master.csv line (ending in `\n`) for a Cdr event, given as a message or its fields (the
 * `Event:` line is not needed). Null when cdr_csv would not record it: the line would not fit in
 * its 1024-byte buffer. Throws CONFIG_ERR_INVALID for an unknown time zone.
 */
export function formatCdrCsvLine(cdr: AmiMessage | readonly AmiField[], format: CdrCsvFormat = {}): string | null {
  const message = cdr instanceof AmiMessage ? cdr : new AmiMessage(cdr);
  const toZone = checkedZone(format.timeZone, 'timeZone');
  const fromZone = checkedZone(format.eventTimeZone, 'eventTimeZone');
  let line = '';
  for (const [field, kind] of COLUMNS) {
    const value = message.get(field) ?? '';
    if (kind === 'number') line += `${integer(value)},`;
    // append_date: a zero time (the leg was never answered) is just the comma.
    else if (kind === 'time') line += value === '' ? ',' : `${quote(wallClock(value, fromZone, toZone))},`;
    else line += `${quote(value)},`;
  }
  line = line.slice(0, -1);
  return Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES ? null : `${line}\n`;
}

/** append_string: quoted, every `"` doubled; C strings end at a NUL. */
function quote(value: string): string {
  const nul = value.indexOf('\0');
  const text = nul < 0 ? value : value.slice(0, nul);
  return `"${text.replaceAll('"', '""')}"`;
}

/** append_int writes `%d`; a Cdr event always carries a number here, anything else is 0. */
function integer(value: string): string {
  return INTEGER.test(value) ? String(Number(value)) : '0';
}

/** The event's wall-clock time moved to the PBX's zone; text that is not such a time is kept. */
function wallClock(text: string, fromZone: string, toZone: string): string {
  if (fromZone === toZone || !WALL_TIME.test(text)) return text;
  const ms = wallTimeToEpoch(text, fromZone);
  return ms === null ? text : epochToWallTime(ms, toZone);
}

function checkedZone(zone: string | undefined, option: string): string {
  if (zone === undefined) return 'UTC';
  if (!isValidTimeZone(zone)) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `The Master.csv ${option} must be an IANA time zone such as UTC or Europe/Berlin, got ${JSON.stringify(zone)}.`,
      { [option]: zone },
    );
  }
  return zone;
}

export interface CdrCsvOptions extends CdrCsvFormat {
  /**
   * The file to append to (Asterisk's is /var/log/asterisk/cdr-csv/Master.csv). Its folder is
   * created; an existing file is appended to, never truncated.
   */
  path: string;
}

/**
 * Appends Master.csv lines the way cdr_csv does: the file is opened, written and closed for every
 * record, synchronously, so a line is on disk when `write` returns, and a file moved away (log
 * rotation) is simply created anew by the next record. A failed write is counted, never thrown:
 * the PBX goes on with its calls.
 */
export class CdrCsvWriter {
  readonly path: string;
  readonly #format: Required<CdrCsvFormat>;
  #written = 0;
  #notRecorded = 0;
  #failed = 0;
  #lastError: Error | undefined;

  /** Throws CONFIG_ERR_INVALID for an unknown time zone, before any file is touched. */
  constructor(options: CdrCsvOptions) {
    this.path = options.path;
    this.#format = {
      timeZone: checkedZone(options.timeZone, 'timeZone'),
      eventTimeZone: checkedZone(options.eventTimeZone, 'eventTimeZone'),
    };
    mkdirSync(dirname(this.path), { recursive: true });
  }

  /** Lines appended. */
  get written(): number {
    return this.#written;
  }

  /** Records too long for cdr_csv's buffer, so not written (as cdr_csv drops them). */
  get notRecorded(): number {
    return this.#notRecorded;
  }

  /** Appends that failed (folder gone, no permission); see `lastError`. */
  get failed(): number {
    return this.#failed;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Appends the line of one Cdr event; false when nothing was written. */
  write(cdr: AmiMessage | readonly AmiField[]): boolean {
    const line = formatCdrCsvLine(cdr, this.#format);
    if (line === null) {
      this.#notRecorded++;
      return false;
    }
    try {
      this.#append(line);
    } catch (err) {
      this.#failed++;
      this.#lastError = err instanceof Error ? err : new Error(String(err));
      return false;
    }
    this.#written++;
    return true;
  }

  #append(line: string): void {
    try {
      appendFileSync(this.path, line);
    } catch (err) {
      // The folder was removed under us (a test's cleanup, a careless rotation): make it again once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, line);
    }
  }
}
