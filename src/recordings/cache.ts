/**
 * The on-demand cache (`pbx` mode with a remote source): whole recordings fetched from the PBX,
 * kept in a folder under a size cap, least recently played first out. Files are named by recording
 * id (random, checked), never by anything a request or the PBX said. The index is rebuilt from the
 * folder at start (modification time as last use), so the cap holds across restarts.
 */
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../logger.ts';
import { isRecordingId } from './ids.ts';
import { LocalSource } from './sources/local-source.ts';
import type { OpenedRecording } from './sources/source.ts';
import { RecordingErrorCodes, CrmTelephonyError } from './recording-errors.ts';

export interface RecordingCacheOptions {
  dir: string;
  /** Cap in bytes; 0 turns the cache off. A file larger than the cap is not cached. */
  maxBytes: number;
  log: Log;
}

export class RecordingCache {
  readonly #o: RecordingCacheOptions;
  readonly #local: LocalSource;
  /** id -> size; Map order is the LRU order (oldest first). */
  readonly #index = new Map<string, number>();
  readonly #filling = new Map<string, Promise<void>>();
  #total = 0;

  constructor(options: RecordingCacheOptions) {
    this.#o = options;
    this.#local = new LocalSource({ root: options.dir, label: 'The recordings cache folder', hint: 'It is created at start: check RECORDINGS_CACHE_DIR.' });
  }

  get enabled(): boolean {
    return this.#o.maxBytes > 0;
  }

  get totalBytes(): number {
    return this.#total;
  }

  get source(): LocalSource {
    return this.#local;
  }

  async init(): Promise<void> {
    if (!this.enabled) return;
    await mkdir(this.#o.dir, { recursive: true });
    const found: { id: string; size: number; used: number }[] = [];
    for (const name of await readdir(this.#o.dir)) {
      const path = join(this.#o.dir, name);
      if (!isRecordingId(name)) {
        // Leftovers of a fill cut short (`.part`) and anything else that is not ours to keep.
        if (name.endsWith('.part')) await rm(path, { force: true });
        continue;
      }
      const st = await stat(path);
      if (st.isFile()) found.push({ id: name, size: st.size, used: st.mtimeMs });
    }
    for (const f of found.sort((a, b) => a.used - b.used)) {
      this.#index.set(f.id, f.size);
      this.#total += f.size;
    }
    await this.#evict();
  }

  /** The cached file's location in `source` (and marks it used), or null. */
  hit(id: string): string | null {
    const size = this.#index.get(id);
    if (size === undefined) return null;
    this.#index.delete(id);
    this.#index.set(id, size);
    const now = new Date();
    // Last use survives a restart through the file's time; not waited for, and harmless if it fails.
    void utimes(join(this.#o.dir, id), now, now).catch(() => undefined);
    return id;
  }

  /** Fetches the whole file into the cache, once per id at a time; `open` gives a fresh handle on the original. */
  fill(id: string, open: () => Promise<OpenedRecording>): Promise<void> {
    if (!this.enabled || !isRecordingId(id) || this.#index.has(id)) return Promise.resolve();
    const pending = this.#filling.get(id);
    if (pending) return pending;
    const work = (async () => {
      const opened = await open();
      if (opened.size > this.#o.maxBytes) {
        await opened.close();
        return;
      }
      const written = opened.size === 0 ? 0 : await this.#local.write(id, opened.stream(0, opened.size - 1));
      if (opened.size === 0) await opened.close();
      if (written !== opened.size) {
        await rm(join(this.#o.dir, id), { force: true });
        throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_SIZE_MISMATCH, `Caching a recording gave ${written} bytes, not ${opened.size}.`, { id });
      }
      this.#index.set(id, written);
      this.#total += written;
      await this.#evict();
    })().finally(() => this.#filling.delete(id));
    this.#filling.set(id, work);
    return work;
  }

  async remove(id: string): Promise<void> {
    const size = this.#index.get(id);
    if (size === undefined) return;
    this.#index.delete(id);
    this.#total -= size;
    await rm(join(this.#o.dir, id), { force: true });
  }

  async #evict(): Promise<void> {
    for (const [id, size] of this.#index) {
      if (this.#total <= this.#o.maxBytes) break;
      this.#index.delete(id);
      this.#total -= size;
      // A listener still streaming it keeps reading: on POSIX an open file outlives its name.
      await rm(join(this.#o.dir, id), { force: true });
      this.#o.log.debug({ recordingId: id, size }, 'recording dropped from the cache (size cap)');
    }
  }
}
