/**
 * A place recordings are read from: the PBX's folder mounted here (`local`), the PBX over SFTP
 * (`sftp`), and, reusing `local`, our own storage and cache folders. Every operation takes a
 * location already checked by `locationUnder` (relative, no dots, safe characters), checks it again,
 * and refuses whatever resolves outside the root after following symbolic links.
 */
import type { Readable } from 'node:stream';
import { RecordingErrorCodes, CrmTelephonyError } from '../recording-errors.ts';
import { isSafeFileName } from '../location.ts';

export interface SourceStat {
  size: number;
  mtimeMs: number;
}

/** An open file: its size and time as of opening, reads, and one stream. */
export interface OpenedRecording {
  readonly size: number;
  readonly mtimeMs: number;
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Promise<Buffer>;
  /**
   * Bytes `start`..`end` inclusive. The stream takes over the open file and closes it when it ends,
   * fails or is destroyed (a listener who goes away). At most one stream per opened file.
   */
  stream(start: number, end: number): Readable;
  /** Closes the file when no stream took it over; harmless to call twice. */
  close(): Promise<void>;
}

export interface RecordingSource {
  readonly kind: 'local' | 'sftp';
  /** For logs and admins: the folder, or `sftp://user@host:port/folder`. Never secrets. */
  readonly description: string;
  open(location: string): Promise<OpenedRecording>;
  stat(location: string): Promise<SourceStat>;
  /** Deletes the file; a file already gone is not an error. */
  remove(location: string): Promise<void>;
  /** Throws (in words) when the root cannot be reached: not mounted, unreachable host, refused key. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** The second text fence: a location is relative segments of safe characters, or nothing is opened. */
export function checkLocation(location: string): string[] {
  const segments = location.split('/');
  if (location.length === 0 || location.length > 1024 || segments.length > 8 || !segments.every(isSafeFileName)) {
    throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_BAD_PATH, 'A recording location is not a plain relative path; it is refused.');
  }
  return segments;
}
