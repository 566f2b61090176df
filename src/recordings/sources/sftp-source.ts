/**
 * Recordings on the PBX, read over SFTP (ssh2) through one shared connection. Locations are
 * resolved under the PBX's folder with the server's `realpath` (which follows symbolic links) and
 * refused unless the result is still inside it; the resolved path is what gets opened.
 */
import type { SFTPWrapper, Stats } from 'ssh2';
import { type RecordingError, RecordingErrorCodes, isRecordingError, CrmTelephonyError } from '../recording-errors.ts';
import { SftpConnection, type SftpConnectionOptions } from './sftp-connection.ts';
import { SftpReadStream } from './sftp-read-stream.ts';
import { checkLocation, type OpenedRecording, type RecordingSource, type SourceStat } from './source.ts';

/** SFTP status codes (draft-ietf-secsh-filexfer-02 §7). */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const RESOLVED_TTL_MS = 60_000;
const RESOLVED_MAX = 10_000;

export interface SftpSourceOptions extends SftpConnectionOptions {
  /** The PBX's recordings folder (absolute, normalized). */
  root: string;
  /** Reads in flight per stream. Default 4. */
  readAhead?: number;
}

export class SftpSource implements RecordingSource {
  readonly kind = 'sftp' as const;
  readonly description: string;
  readonly connection: SftpConnection;
  readonly #root: string;
  readonly #readAhead: number;
  /** The root as the server resolves it, per connection (a reconnect may land on another mount). */
  #rootReal: { generation: number; path: string } | null = null;
  /**
   * Locations already resolved and found inside the root, for a minute, per connection: a round
   * trip less per request. What is opened is the resolved path, so a link changed since cannot lead outside.
   */
  readonly #resolved = new Map<string, { path: string; at: number; generation: number }>();

  constructor(options: SftpSourceOptions) {
    this.connection = new SftpConnection(options);
    this.#root = options.root;
    this.#readAhead = options.readAhead ?? 4;
    this.description = `${this.connection.where}${options.root}`;
  }

  async open(location: string): Promise<OpenedRecording> {
    const segments = checkLocation(location);
    return this.connection.run(async (sftp) => {
      const path = await this.#resolve(sftp, segments, location);
      // Open and stat in one round trip (SFTP answers requests in flight out of order; each waits for its own).
      const [opened, stat] = await Promise.allSettled([call<Buffer>((cb) => sftp.open(path, 'r', cb)), call<Stats>((cb) => sftp.stat(path, cb))]);
      if (opened.status === 'rejected') {
        this.#resolved.delete(location);
        throw this.#fileError(opened.reason, location);
      }
      const handle = opened.value;
      try {
        const attrs = stat.status === 'fulfilled' ? stat.value : await call<Stats>((cb) => sftp.fstat(handle, cb));
        if ((attrs.mode & S_IFMT) !== S_IFREG) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_MISSING, 'The recording is not a regular file.', { location });
        return new SftpOpened(this.connection, sftp, handle, attrs, this.#readAhead);
      } catch (err) {
        sftp.close(handle, () => undefined);
        throw isRecordingError(err) ? err : this.#fileError(err, location);
      }
    });
  }

  async stat(location: string): Promise<SourceStat> {
    const segments = checkLocation(location);
    return this.connection.run(async (sftp) => {
      const path = await this.#resolve(sftp, segments, location);
      const attrs = await call<Stats>((cb) => sftp.stat(path, cb)).catch((err: unknown) => {
        throw this.#fileError(err, location);
      });
      if ((attrs.mode & S_IFMT) !== S_IFREG) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_MISSING, 'The recording is not a regular file.', { location });
      return { size: attrs.size, mtimeMs: attrs.mtime * 1000 };
    });
  }

  async remove(location: string): Promise<void> {
    const segments = checkLocation(location);
    await this.connection.run(async (sftp) => {
      let path: string;
      try {
        path = await this.#resolve(sftp, segments, location);
      } catch (err) {
        if (isRecordingError(err, RecordingErrorCodes.RECORDING_ERR_MISSING)) return;
        throw err;
      }
      await call<void>((cb) => sftp.unlink(path, cb)).catch((err: unknown) => {
        if ((err as { code?: number }).code !== SFTP_NO_SUCH_FILE) throw this.#fileError(err, location);
      });
    });
  }

  async check(): Promise<void> {
    await this.connection.run(async (sftp) => {
      await this.#rootOf(sftp);
    });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  async #resolve(sftp: SFTPWrapper, segments: string[], location: string): Promise<string> {
    const generation = this.connection.generationOf(sftp) ?? -1;
    const known = this.#resolved.get(location);
    if (known && known.generation === generation && performance.now() - known.at < RESOLVED_TTL_MS) return known.path;
    const root = await this.#rootOf(sftp);
    const real = await call<string>((cb) => sftp.realpath(`${root}/${segments.join('/')}`, cb)).catch((err: unknown) => {
      throw this.#fileError(err, location);
    });
    if (!real.startsWith(root === '/' ? '/' : `${root}/`)) {
      throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT, `A recording resolves (through a symbolic link) outside ${this.#root} on the PBX; it is refused.`, { location });
    }
    if (this.#resolved.size >= RESOLVED_MAX) this.#resolved.clear();
    this.#resolved.set(location, { path: real, at: performance.now(), generation });
    return real;
  }

  /** The root as this session's server resolves it; a missing folder is said in words. */
  async #rootOf(sftp: SFTPWrapper): Promise<string> {
    const generation = this.connection.generationOf(sftp) ?? -1;
    let root = this.#rootReal?.generation === generation ? this.#rootReal.path : null;
    if (root === null) {
      const unavailable = (err: unknown): never => {
        throw new CrmTelephonyError(
          RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE,
          (err as { code?: number }).code === SFTP_NO_SUCH_FILE
            ? `The PBX's recordings folder ${this.#root} does not exist on ${this.connection.where}: set RECORDINGS_PBX_DIR to the folder MixMonitor writes to.`
            : `The PBX's recordings folder ${this.#root} cannot be read over SFTP (${(err as Error).message}): let RECORDINGS_SFTP_USER read it.`,
          { root: this.#root },
          { cause: err },
        );
      };
      // OpenSSH resolves a path whose last part does not exist; the stat tells a missing folder.
      root = await call<string>((cb) => sftp.realpath(this.#root, cb)).catch(unavailable);
      const resolved = root;
      const attrs = await call<Stats>((cb) => sftp.stat(resolved, cb)).catch(unavailable);
      if ((attrs.mode & S_IFMT) !== S_IFDIR) unavailable({ code: SFTP_NO_SUCH_FILE });
      this.#rootReal = { generation, path: root };
    }
    return root;
  }

  #fileError(err: unknown, location: string): RecordingError {
    if (isRecordingError(err)) return err;
    const code = (err as { code?: unknown }).code;
    if (code === SFTP_NO_SUCH_FILE) {
      return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_MISSING, 'The recording file is not on the PBX any more (it may have been deleted there).', { location }, { cause: err });
    }
    if (code === SFTP_PERMISSION_DENIED) {
      return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE, 'The PBX refused to let RECORDINGS_SFTP_USER read the recording: give that user read access to the recordings.', { location }, { cause: err });
    }
    if (typeof code === 'number') {
      return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE, `The PBX could not read the recording (${(err as Error).message}).`, { location }, { cause: err });
    }
    // Not an SFTP status: the session itself failed. The connection retries such errors once.
    return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE, `The connection to the PBX failed (${(err as Error).message}).`, { location, connection: true }, { cause: err });
  }
}

class SftpOpened implements OpenedRecording {
  readonly size: number;
  readonly mtimeMs: number;
  readonly #connection: SftpConnection;
  readonly #sftp: SFTPWrapper;
  readonly #handle: Buffer;
  readonly #readAhead: number;
  /** Counts this open file against its session until closed or streamed to the end. */
  readonly #release: () => void;
  #done = false;

  constructor(connection: SftpConnection, sftp: SFTPWrapper, handle: Buffer, attrs: Stats, readAhead: number) {
    this.#connection = connection;
    this.#sftp = sftp;
    this.#handle = handle;
    this.size = attrs.size;
    this.mtimeMs = attrs.mtime * 1000;
    this.#readAhead = readAhead;
    this.#release = connection.hold(sftp);
  }

  async read(position: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - position));
    if (want === 0) return Buffer.alloc(0);
    const buffer = Buffer.allocUnsafe(want);
    const bytes = await this.#connection.run(() => call<number>((cb) => this.#sftp.read(this.#handle, buffer, 0, want, position, (err, n) => cb(err, n))));
    return buffer.subarray(0, bytes);
  }

  stream(start: number, end: number): SftpReadStream {
    if (this.#done) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CLOSED, 'This opened recording was already streamed or closed.');
    this.#done = true;
    const stream = new SftpReadStream({
      sftp: this.#sftp,
      handle: this.#handle,
      start,
      end,
      depth: this.#readAhead,
      timeoutMs: this.#connection.timeoutMs,
      onStall: () => this.#connection.reset(this.#sftp),
    });
    stream.once('close', this.#release);
    return stream;
  }

  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#release();
    await call<void>((cb) => this.#sftp.close(this.#handle, cb)).catch(() => undefined);
  }
}

/** A node-style call as a promise; a synchronous throw (ssh2 checks its arguments) becomes a rejection. */
function call<T>(fn: (cb: (err: Error | undefined | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((err, value) => (err ? reject(err) : resolve(value as T)));
    } catch (err) {
      reject(err as Error);
    }
  });
}
