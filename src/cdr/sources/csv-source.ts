/**
 * CDRs from `cdr_csv`'s Master.csv, on this machine or on the PBX over SFTP.
 *
 * Master.csv only grows: `cdr_csv` appends a line as each CDR ends, so lines are (nearly) in order
 * of their end time, and a busy PBX's file reaches hundreds of MB. A window is read from the END of
 * the file backwards, in chunks, until a line ends before `window.from - slack`: reading the last
 * hour costs the last hour's bytes whatever the file's size (a window a month back costs the month's
 * bytes after it; only the rows in the window are kept). A CDR overlapping the window ended inside
 * or after it, however long it lasted, so it lies after the stopping point; the slack covers lines
 * written out of end order (batched CDRs, a clock stepped back).
 *
 * Nothing is remembered between reads but the size last seen, so a file rotated or truncated
 * (smaller than before) is simply read from its new end. When the read reaches the start of the
 * file before the window's start, the rotated file `Master.csv.1` (logrotate's first generation,
 * uncompressed) is read too when it exists. A file that shrinks while it is being read is read
 * again from its new end.
 *
 * Bytes are split into lines on `\n` (never inside a UTF-8 character) and only whole lines are
 * decoded, so a name split across two chunks survives. The last line may be half written (cdr_csv
 * is writing it right now): when it does not parse it is left for the next read, not counted.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { CrmTelephonyError, ErrorCodes, isCrmTelephonyError } from '../../errors.ts';
import type { Log } from '../../logger.ts';
import { isRecordingError, RecordingErrorCodes } from '../../recordings/recording-errors.ts';
import { SftpSource } from '../../recordings/sources/sftp-source.ts';
import type { SftpConnectionOptions } from '../../recordings/sources/sftp-connection.ts';
import { parseMasterCsvLines } from '../master-csv.ts';
import type { CdrSource, CdrWindow, PbxCdr } from '../pbx-cdr.ts';

/** A file read at positions: what the backward reader needs, on this machine or over SFTP. */
export interface PositionedFile {
  /** The file's size as of opening. */
  readonly size: number;
  /** Up to `length` bytes from `position`; fewer only at the end of the file. */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Where Master.csv is opened from. `open` throws a CDR_ERR_UNREACHABLE in words, or returns null when the file does not exist. */
export interface CsvFileAccess {
  readonly kind: 'local' | 'sftp';
  /** `/var/log/asterisk/cdr-csv/Master.csv` or `sftp://asterisk@pbx:22/var/log/asterisk/cdr-csv/Master.csv`. */
  readonly description: string;
  /** `name` is the file's name in Master.csv's folder (Master.csv itself, or a rotated Master.csv.1). */
  open(name: string): Promise<PositionedFile | null>;
  close(): Promise<void>;
}

export interface CsvSourceOptions {
  /** Master.csv's full path (on the PBX for SFTP). */
  path: string;
  /** How the file is reached. */
  access: CsvFileAccess;
  /** The PBX's IANA time zone, in which cdr_csv wrote its times. */
  timeZone: string;
  /** How far before `window.from` the backward read goes on, for lines written out of end order. Default 2 hours. */
  slackMs?: number;
  /** Bytes per read. Default 64 KiB. */
  chunkBytes?: number;
  /** Also read `<name>.1` when the window starts before Master.csv does. Default true. */
  readRotated?: boolean;
  logger?: Pick<Log, 'warn'>;
}

const DEFAULT_SLACK_MS = 2 * 3_600_000;
const DEFAULT_CHUNK = 64 * 1024;
/** A "line" longer than this (cdr_csv writes at most 1 KiB) is garbage: dropped, counted once. */
const MAX_LINE = 1024 * 1024;
const NEWLINE = 0x0a;

export class CsvCdrSource implements CdrSource {
  readonly kind = 'csv' as const;
  readonly description: string;
  readonly #o: CsvSourceOptions;
  readonly #name: string;
  readonly #slackMs: number;
  readonly #chunk: number;
  #lastSize: number | null = null;
  #bytesRead = 0;

  constructor(options: CsvSourceOptions) {
    this.#o = options;
    this.#name = basename(options.path);
    this.#slackMs = Math.max(0, options.slackMs ?? DEFAULT_SLACK_MS);
    this.#chunk = Math.max(1, Math.floor(options.chunkBytes ?? DEFAULT_CHUNK));
    this.description = options.access.description;
  }

  /** Bytes read from the file(s) so far: what a window's read costs. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  async read(window: CdrWindow): Promise<{ rows: PbxCdr[]; skipped: number }> {
    // A file truncated in place while read (logrotate's copytruncate) is read again from its new end.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#readOnce(window);
      } catch (err) {
        if (!isCrmTelephonyError(err, ErrorCodes.CDR_ERR_FILE_SHRANK)) throw err;
        if (attempt >= 3) {
          throw new CrmTelephonyError(
            ErrorCodes.CDR_ERR_UNREACHABLE,
            `${this.#o.path} kept getting shorter while it was read (${attempt} times): check what truncates it; reading the window again later will work once it stops.`,
            { path: this.#o.path },
          );
        }
      }
    }
  }

  async #readOnce(window: CdrWindow): Promise<{ rows: PbxCdr[]; skipped: number }> {
    const file = await this.#o.access.open(this.#name);
    if (!file) throw missing(this.#o.path, this.#o.access.kind);
    let result: Tail;
    try {
      if (this.#lastSize !== null && file.size < this.#lastSize) {
        this.#o.logger?.warn({ path: this.#o.path, was: this.#lastSize, now: file.size }, 'Master.csv is smaller than before (rotated or truncated); reading it from its new end');
      }
      this.#lastSize = file.size;
      result = await this.#tail(file, window, true);
    } finally {
      await file.close().catch(() => undefined);
    }
    if (!result.reachedCutoff && (this.#o.readRotated ?? true)) {
      // Best effort: an unreadable rotated file leaves the window to what Master.csv holds.
      const older = await this.#o.access.open(`${this.#name}.1`).catch(() => null);
      if (older) {
        try {
          const before = await this.#tail(older, window, false);
          result = { rows: [...before.rows, ...result.rows], skipped: before.skipped + result.skipped, reachedCutoff: true };
        } finally {
          await older.close().catch(() => undefined);
        }
      }
    }
    return { rows: result.rows, skipped: result.skipped };
  }

  async check(): Promise<void> {
    const file = await this.#o.access.open(this.#name);
    if (!file) throw missing(this.#o.path, this.#o.access.kind);
    try {
      await file.read(Math.max(0, file.size - 1), 1);
    } finally {
      await file.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#o.access.close();
  }

  /**
   * The CDRs overlapping `window`, in file order, from the end of `file` back to the first line that
   * ended before the window's start minus the slack (or the file's start). `live`: the file is being
   * appended to, so its last line may be half written.
   */
  async #tail(file: PositionedFile, window: CdrWindow, live: boolean): Promise<Tail> {
    const zone = this.#o.timeZone;
    const cutoff = window.from - this.#slackMs;
    const parts: PbxCdr[][] = [];
    let skipped = 0;
    let pos = file.size;
    /** The start of a line whose beginning lies in an earlier chunk. */
    let carry: Buffer = Buffer.alloc(0);
    let last = true;
    while (pos > 0) {
      const length = Math.min(this.#chunk, pos);
      const chunk = await this.#readFully(file, pos - length, length);
      pos -= length;
      let data = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let from = 0;
      if (pos > 0) {
        const nl = data.indexOf(NEWLINE);
        if (nl < 0) {
          if (data.length > MAX_LINE) {
            skipped++;
            carry = Buffer.alloc(0);
          } else carry = data;
          continue;
        }
        carry = data.subarray(0, nl);
        from = nl + 1;
      } else carry = Buffer.alloc(0);
      let tailSkippable = false;
      if (last) {
        last = false;
        // The bytes after the last newline: a line cdr_csv may be writing right now.
        tailSkippable = live && data.length > 0 && data[data.length - 1] !== NEWLINE;
        if (data.length > 0 && data[data.length - 1] === NEWLINE) data = data.subarray(0, data.length - 1);
      }
      const lines = data.toString('utf8', from).split('\n');
      const parsed = parseMasterCsvLines(lines, zone);
      let lost = parsed.skipped;
      if (tailSkippable && lost > 0 && parseMasterCsvLines(lines.slice(-1), zone).rows.length === 0) lost--;
      skipped += lost;
      parts.push(parsed.rows.filter((r) => r.start <= window.to && r.end >= window.from));
      if (parsed.rows.some((r) => r.end < cutoff)) return { rows: parts.reverse().flat(), skipped, reachedCutoff: true };
    }
    return { rows: parts.reverse().flat(), skipped, reachedCutoff: false };
  }

  async #readFully(file: PositionedFile, position: number, length: number): Promise<Buffer> {
    const got: Buffer[] = [];
    let have = 0;
    while (have < length) {
      const b = await file.read(position + have, length - have);
      this.#bytesRead += b.length;
      if (b.length === 0) throw new CrmTelephonyError(ErrorCodes.CDR_ERR_FILE_SHRANK, `${this.#o.path} ended before byte ${position + have}, where it reached when opened.`, { path: this.#o.path });
      got.push(b);
      have += b.length;
    }
    return got.length === 1 ? got[0]! : Buffer.concat(got);
  }
}

interface Tail {
  rows: PbxCdr[];
  skipped: number;
  /** A line ending before the cutoff was met: nothing older is needed. */
  reachedCutoff: boolean;
}

function missing(path: string, kind: 'local' | 'sftp'): CrmTelephonyError {
  return new CrmTelephonyError(
    ErrorCodes.CDR_ERR_UNREACHABLE,
    `There is no CDR file at ${path}${kind === 'sftp' ? ' on the PBX' : ''}. Enable cdr_csv on the PBX (a [csv] section in cdr.conf, module cdr_csv.so loaded), or set CDR_CSV_PATH to the Master.csv it writes (cdr_csv writes /var/log/asterisk/cdr-csv/Master.csv), or choose another CDR_SOURCE.`,
    { path },
  );
}

/** Master.csv on this machine (the PBX's own host, or its log folder mounted here). */
export function localCsvAccess(path: string): CsvFileAccess {
  const folder = dirname(path);
  return {
    kind: 'local',
    description: path,
    async open(name) {
      const full = `${folder}/${name}`;
      let handle: FileHandle;
      try {
        handle = await openFile(full, 'r');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw new CrmTelephonyError(
          ErrorCodes.CDR_ERR_UNREACHABLE,
          `${full} cannot be read (${code ?? (err as Error).message}): give this service's user read access to it (for example add it to the asterisk group), or set CDR_CSV_PATH.`,
          { path: full, errno: code },
          { cause: err },
        );
      }
      try {
        const st = await handle.stat();
        if (!st.isFile()) {
          throw new CrmTelephonyError(ErrorCodes.CDR_ERR_INVALID, `${full} is not a file: set CDR_CSV_PATH to cdr_csv's Master.csv.`, { path: full });
        }
        return {
          size: st.size,
          read: async (position, length) => {
            const buffer = Buffer.allocUnsafe(length);
            const { bytesRead } = await handle.read(buffer, 0, length, position);
            return buffer.subarray(0, bytesRead);
          },
          close: () => handle.close(),
        };
      } catch (err) {
        await handle.close().catch(() => undefined);
        throw err;
      }
    },
    close: async () => undefined,
  };
}

/**
 * Master.csv on the PBX over SFTP: an `SftpSource` (the recordings' SFTP code: one kept-open SSH
 * connection, host key pinned, refused keys not retried) rooted at Master.csv's folder.
 */
export function sftpCsvAccess(path: string, connection: SftpConnectionOptions): CsvFileAccess {
  const folder = dirname(path);
  const sftp = new SftpSource({ ...connection, root: folder });
  const description = `${sftp.connection.where}${path}`;
  return {
    kind: 'sftp',
    description,
    async open(name) {
      try {
        const opened = await sftp.open(name);
        return { size: opened.size, read: (position, length) => opened.read(position, length), close: () => opened.close() };
      } catch (err) {
        if (isRecordingError(err, RecordingErrorCodes.RECORDING_ERR_MISSING)) return null;
        if (isRecordingError(err) && 'root' in err.details) {
          throw new CrmTelephonyError(
            ErrorCodes.CDR_ERR_UNREACHABLE,
            `The folder ${folder} does not exist on ${sftp.connection.where}, or RECORDINGS_SFTP_USER may not read it: set CDR_CSV_PATH to where cdr_csv writes Master.csv (/var/log/asterisk/cdr-csv/Master.csv by default) and let that user read it.`,
            { path, folder },
            { cause: err },
          );
        }
        throw new CrmTelephonyError(
          ErrorCodes.CDR_ERR_UNREACHABLE,
          `Reading the PBX's CDRs (${description}) failed: ${(err as Error).message}`,
          { path },
          { cause: err },
        );
      }
    },
    close: () => sftp.close(),
  };
}
