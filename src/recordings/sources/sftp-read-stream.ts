/**
 * Bytes `start`..`end` of an open SFTP file as a Readable, with a few reads in flight so that the
 * round trip does not bound the throughput (one 64 KiB read per round trip would). Results are
 * pushed in order; a short read (the server may return fewer bytes than asked) re-asks for the rest.
 * Every read has a deadline; the handle is closed when the stream ends, fails or is destroyed.
 */
import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { RecordingErrorCodes, CrmTelephonyError } from '../recording-errors.ts';

export interface SftpReadStreamOptions {
  sftp: SFTPWrapper;
  handle: Buffer;
  start: number;
  /** Inclusive. */
  end: number;
  /** Bytes per read. Default 64 KiB. */
  chunkBytes?: number;
  /** Reads in flight. Default 4. */
  depth?: number;
  /** Deadline per read, in ms. */
  timeoutMs: number;
  /** Told when a read stalls past its deadline (the connection is then reset). */
  onStall?: () => void;
}

interface Pending {
  offset: number;
  length: number;
  result: Promise<Buffer>;
}

export class SftpReadStream extends Readable {
  readonly #o: SftpReadStreamOptions;
  readonly #chunk: number;
  readonly #depth: number;
  #next: number;
  #pending: Pending[] = [];
  #closed = false;

  constructor(options: SftpReadStreamOptions) {
    super({ highWaterMark: (options.chunkBytes ?? 64 * 1024) * 2 });
    this.#o = options;
    this.#chunk = options.chunkBytes ?? 64 * 1024;
    this.#depth = options.depth ?? 4;
    this.#next = options.start;
  }

  override _read(): void {
    this.#fill();
    const head = this.#pending.shift();
    if (head === undefined) {
      this.push(null);
      return;
    }
    head.result.then(
      (buf) => {
        if (this.destroyed) return;
        if (buf.length === 0) {
          this.destroy(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SIZE_MISMATCH, 'The recording ended sooner than its size said (it shrank while being read).'));
          return;
        }
        if (buf.length < head.length) {
          // A short read: forget the reads queued behind it (their bytes would leave a gap) and go on from here.
          this.#pending = [];
          this.#next = head.offset + buf.length;
        }
        this.push(buf);
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#pending = [];
    this.#closeHandle();
    callback(err);
  }

  #fill(): void {
    while (this.#pending.length < this.#depth && this.#next <= this.#o.end) {
      const offset = this.#next;
      const length = Math.min(this.#chunk, this.#o.end - offset + 1);
      this.#next += length;
      const result = this.#readAt(offset, length);
      // Reads dropped after a short read may still fail; that is no one's error.
      result.catch(() => undefined);
      this.#pending.push({ offset, length, result });
    }
  }

  #readAt(offset: number, length: number): Promise<Buffer> {
    const { sftp, handle, timeoutMs } = this.#o;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#o.onStall?.();
        reject(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_TIMEOUT, `The PBX did not send the recording's bytes within ${timeoutMs} ms.`));
      }, timeoutMs);
      const buffer = Buffer.allocUnsafe(length);
      sftp.read(handle, buffer, 0, length, offset, (err, bytesRead) => {
        clearTimeout(timer);
        if (err) {
          // SFTP status EOF: nothing there (the file shrank).
          if ((err as { code?: number }).code === 1) resolve(Buffer.alloc(0));
          else reject(err);
          return;
        }
        resolve(buffer.subarray(0, bytesRead));
      });
    });
  }

  #closeHandle(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#o.sftp.close(this.#o.handle, () => undefined);
    } catch {
      // The session is gone already: so is the handle.
    }
  }
}
