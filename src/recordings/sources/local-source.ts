/**
 * Recordings in a folder on this machine: the PBX's spool mounted here (NFS, SMB, a bind mount, or
 * the same host), and our own storage and cache folders.
 *
 * The root is resolved (`realpath`) at most every few seconds, so a remount is seen soon and a
 * missing folder is reported in words. A location is resolved under it, symbolic links followed, and
 * refused unless the result is still inside the root; the file is then opened with O_NOFOLLOW and
 * checked to be the same file (device and inode) that was resolved, so swapping a link in between
 * does not get another file read.
 */
import { randomUUID } from 'node:crypto';
import { constants, createWriteStream, type Stats } from 'node:fs';
import { mkdir, open, realpath, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isRecordingError, type RecordingError, RecordingErrorCodes, CrmTelephonyError } from '../recording-errors.ts';
import { checkLocation, type OpenedRecording, type RecordingSource, type SourceStat } from './source.ts';

export interface LocalSourceOptions {
  /** The folder on this machine. */
  root: string;
  /** What the folder is, for messages: "the PBX's recordings folder" (default) or "the recordings storage". */
  label?: string;
  /** What to do when the root is missing, for the message. */
  hint?: string;
}

const ROOT_TTL_MS = 5000;
const PIN_TTL_MS = 60_000;
const PIN_MAX = 10_000;

interface Pinned {
  real: string;
  dev: number;
  ino: number;
  at: number;
}

export class LocalSource implements RecordingSource {
  readonly kind = 'local' as const;
  readonly description: string;
  readonly #root: string;
  readonly #label: string;
  readonly #hint: string;
  /** The root resolved, briefly remembered: one system call less per request under load. */
  #rootReal: { path: string; at: number } | null = null;
  /**
   * Files opened lately: their resolved path and identity. A listener's next request (a seek) then
   * costs an open and an fstat, not five system calls in turn, each a trip through the thread pool,
   * which on a busy machine is what time to first byte is made of.
   */
  readonly #pinned = new Map<string, Pinned>();

  constructor(options: LocalSourceOptions) {
    this.#root = options.root;
    this.#label = options.label ?? 'The PBX\'s recordings folder';
    this.#hint =
      options.hint ?? 'Mount the PBX\'s recordings folder there (read-only is enough), set RECORDINGS_LOCAL_DIR to where it is mounted, or use RECORDINGS_SOURCE=sftp.';
    this.description = options.root;
  }

  get root(): string {
    return this.#root;
  }

  async open(location: string): Promise<OpenedRecording> {
    const pin = this.#pinned.get(location);
    if (pin && performance.now() - pin.at < PIN_TTL_MS) {
      const opened = await this.#openPinned(pin);
      if (opened) return opened;
      this.#pinned.delete(location);
    }
    const real = await this.#resolve(location);
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      throw this.#fsError(err, location);
    }
    try {
      // Resolved again after opening: a folder on the way swapped for a link in between shows here.
      const [st, again] = await Promise.all([handle.stat(), realpath(real)]);
      if (!st.isFile()) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_MISSING, 'The recording is not a regular file.', { location });
      const now = await stat(again);
      if (again !== real || st.ino !== now.ino || st.dev !== now.dev) {
        throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT, 'The recording changed while it was opened (a link was swapped); it is refused.', { location });
      }
      if (this.#pinned.size >= PIN_MAX) this.#pinned.clear();
      this.#pinned.set(location, { real, dev: st.dev, ino: st.ino, at: performance.now() });
      return new LocalOpened(handle, st);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw isRecordingError(err) ? err : this.#fsError(err, location);
    }
  }

  /**
   * The fast way for a file opened before: its resolved path opened directly, accepted only if it is
   * still the same file (device and inode) that was resolved inside the root. A link swapped in since
   * leads to another inode and is refused here; the caller then resolves from scratch.
   */
  async #openPinned(pin: Pinned): Promise<OpenedRecording | null> {
    let handle: FileHandle;
    try {
      handle = await open(pin.real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    try {
      const st = await handle.stat();
      if (st.isFile() && st.ino === pin.ino && st.dev === pin.dev) return new LocalOpened(handle, st);
    } catch {
      // Fall through: resolved from scratch.
    }
    await handle.close().catch(() => undefined);
    return null;
  }

  async stat(location: string): Promise<SourceStat> {
    const real = await this.#resolve(location);
    let st: Stats;
    try {
      st = await stat(real);
    } catch (err) {
      throw this.#fsError(err, location);
    }
    if (!st.isFile()) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_MISSING, 'The recording is not a regular file.', { location });
    return { size: st.size, mtimeMs: st.mtimeMs };
  }

  async remove(location: string): Promise<void> {
    let real: string;
    try {
      real = await this.#resolve(location);
    } catch (err) {
      if ((err as RecordingError).code === RecordingErrorCodes.RECORDING_ERR_MISSING) return;
      throw err;
    }
    await unlink(real).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw this.#fsError(err, location);
    });
  }

  async check(): Promise<void> {
    await this.#rootPath();
  }

  async close(): Promise<void> {}

  /**
   * Writes `body` to `location` through a temporary file, flushed to disk, then renamed into place:
   * a crash leaves either the old state or the whole file, never half of one. Returns the bytes written.
   */
  async write(location: string, body: Readable): Promise<number> {
    const segments = checkLocation(location);
    const target = join(this.#root, ...segments);
    await mkdir(dirname(target), { recursive: true });
    // A name of its own per write: two writers of one file (a lease that ran out on a slow copy) never share a temporary file.
    const part = `${target}.${randomUUID()}.part`;
    const out = createWriteStream(part, { flags: 'w' });
    try {
      await pipeline(body, out);
      const handle = await open(part, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const { size } = await stat(part);
      await rename(part, target);
      return size;
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }

  /** The absolute path of a location, for handing to ffmpeg; resolved and checked like a read. */
  async pathOf(location: string): Promise<string> {
    return this.#resolve(location);
  }

  async #resolve(location: string): Promise<string> {
    const segments = checkLocation(location);
    const root = await this.#rootPath();
    let real: string;
    try {
      real = await realpath(join(root, ...segments));
    } catch (err) {
      throw this.#fsError(err, location);
    }
    if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT, `A recording resolves (through a symbolic link) outside ${this.#root}; it is refused.`, { location });
    }
    return real;
  }

  async #rootPath(): Promise<string> {
    let root: string;
    try {
      const cached = this.#rootReal;
      if (cached && performance.now() - cached.at < ROOT_TTL_MS) root = cached.path;
      else {
        root = await realpath(this.#root);
        this.#rootReal = { path: root, at: performance.now() };
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CrmTelephonyError(
        RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE,
        code === 'ENOENT' || code === 'ENOTDIR'
          ? `${this.#label} ${this.#root} does not exist on this server. ${this.#hint}`
          : `${this.#label} ${this.#root} cannot be read (${code ?? 'error'}): give this service's user read access to it.`,
        { root: this.#root, errno: code },
        { cause: err },
      );
    }
    return root;
  }

  #fsError(err: unknown, location: string): RecordingError {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_MISSING, 'The recording file is not there any more (it may have been deleted on the PBX).', { location }, { cause: err });
    }
    if (code === 'ELOOP') {
      return new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT, 'The recording is a symbolic link; it is refused.', { location }, { cause: err });
    }
    return new CrmTelephonyError(
      RecordingErrorCodes.RECORDING_ERR_SOURCE_UNAVAILABLE,
      `The recording cannot be read (${code ?? 'error'}): check that this service's user may read ${this.#root}.`,
      { location, errno: code },
      { cause: err },
    );
  }
}

class LocalOpened implements OpenedRecording {
  readonly size: number;
  readonly mtimeMs: number;
  readonly #handle: FileHandle;
  #taken = false;
  #closed = false;

  constructor(handle: FileHandle, st: Stats) {
    this.#handle = handle;
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
  }

  async read(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(Math.max(0, Math.min(length, this.size - position)));
    if (buffer.length === 0) return buffer;
    const { bytesRead } = await this.#handle.read(buffer, 0, buffer.length, position);
    return buffer.subarray(0, bytesRead);
  }

  stream(start: number, end: number): Readable {
    if (this.#taken || this.#closed) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CLOSED, 'This opened recording was already streamed or closed.');
    this.#taken = true;
    // 256 KiB reads: a player's typical Range is one read (the thread pool is shared by every listener).
    return this.#handle.createReadStream({ start, end, autoClose: true, highWaterMark: 256 * 1024 });
  }

  async close(): Promise<void> {
    if (this.#taken || this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}
