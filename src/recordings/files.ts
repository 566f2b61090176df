/**
 * Where a recording's bytes are now, and what they hold: our copy (copy mode), the cache, or the
 * PBX (a mounted folder or SFTP, one source per PBX); the first look at a file learns its format,
 * length and whether it has audio, and keeps that on the row. Failures become the player's words.
 */
import type { ErrorCode } from '../errors.ts';
import type { MessageKey } from '../i18n/messages/index.ts';
import type { MessageValues } from '../i18n/translator.ts';
import { said } from '../i18n/said.ts';
import type { Log } from '../logger.ts';
import type { RecordingsSettings, SourceSettings } from './config.ts';
import type { RecordingRow, RecordingRows } from './recording-rows.ts';
import type { RecordingCache } from './cache.ts';
import { LocalSource } from './sources/local-source.ts';
import { sourceOf } from './sources/source-of.ts';
import type { OpenedRecording, RecordingSource } from './sources/source.ts';
import { isRecordingError, RecordingErrorCodes } from './recording-errors.ts';
import { probe } from './probe.ts';
import { formatFromName, type AudioFormat } from './media-type.ts';

/**
 * A file the player cannot have, in words: `message` in English (logs, and what the recording's
 * info says); `messageKey` and `messageValues` the same in the listener's language, which the web
 * layer picks (`web/errors.ts` `sendFailure`).
 */
export interface Failure {
  ok: false;
  status: number;
  code: ErrorCode;
  message: string;
  messageKey: MessageKey;
  messageValues?: MessageValues;
}

export interface RecordingFilesOptions {
  settings: RecordingsSettings;
  rows: RecordingRows;
  cache: RecordingCache;
  log: Log;
  /** Sources by PBX id (`*` for any) that replace those the settings describe. */
  sources?: Record<string, RecordingSource>;
  /** Runs background work (cache fills) that `Recordings.idle()` waits for. */
  track: (work: Promise<unknown>) => void;
}

export class RecordingFiles {
  readonly storage: LocalSource;
  readonly #o: RecordingFilesOptions;
  readonly #sources = new Map<string, RecordingSource>();

  constructor(options: RecordingFilesOptions) {
    this.#o = options;
    this.storage = new LocalSource({ root: options.settings.storageDir, label: 'The recordings storage folder', hint: 'It is created at start: check RECORDINGS_STORAGE_DIR.' });
    for (const [pbx, source] of Object.entries(options.sources ?? {})) this.#sources.set(pbx, source);
  }

  settingsFor(pbx: string): SourceSettings {
    const s = this.#o.settings.sources[pbx] ?? this.#o.settings.sources['*'];
    if (!s) throw new Error(`no recordings source is configured for PBX "${pbx}"`);
    return s;
  }

  knows(pbx: string): boolean {
    return pbx in this.#o.settings.sources || '*' in this.#o.settings.sources;
  }

  sourceFor(pbx: string): RecordingSource {
    const known = this.#sources.get(pbx) ?? this.#sources.get('*');
    if (known) return known;
    const s = this.settingsFor(pbx);
    const source = sourceOf(s);
    this.#sources.set(this.#o.settings.sources[pbx] ? pbx : '*', source);
    return source;
  }

  /** Checks every configured source once (a missing folder, a wrong key) and logs what is wrong, in words. */
  async check(defaultPbx: string): Promise<void> {
    for (const pbx of Object.keys(this.#o.settings.sources)) {
      await this.sourceFor(pbx === '*' ? defaultPbx : pbx)
        .check()
        .catch((err: unknown) => {
          if (isRecordingError(err)) this.#o.log.warn({ pbx, code: err.code }, `recordings: ${err.message}`);
        });
    }
  }

  async close(): Promise<void> {
    for (const source of this.#sources.values()) await source.close().catch(() => undefined);
  }

  /** Opens the bytes where they are now: our copy, the cache, or the PBX (which then fills the cache). */
  async open(row: RecordingRow): Promise<{ opened: OpenedRecording; format: AudioFormat }> {
    if (row.storedLocation !== null) return { opened: await this.storage.open(row.storedLocation), format: row.storedFormat ?? 'wav' };
    const format = row.format ?? formatFromName(row.file);
    const location = row.location!;
    const source = this.sourceFor(row.pbx);
    const { cache } = this.#o;
    if (cache.enabled && source.kind !== 'local') {
      const hit = cache.hit(row.id);
      if (hit !== null) {
        try {
          return { opened: await cache.source.open(hit), format };
        } catch {
          await cache.remove(row.id);
        }
      }
      const opened = await source.open(location);
      // The next seek, and the next listener, read it from here.
      this.#o.track(cache.fill(row.id, () => source.open(location)));
      return { opened, format };
    }
    return { opened: await source.open(location), format };
  }

  /** Reads the file's first bytes once: size, format, length, audio or not; kept on the row. */
  async probeAndKeep(row: RecordingRow, opened: OpenedRecording): Promise<Partial<RecordingRow>> {
    const facts = await probe(opened, row.file);
    const patch = {
      size: row.storedLocation !== null ? (row.size ?? opened.size) : opened.size,
      format: row.storedLocation !== null ? (row.format ?? facts.format) : facts.format,
      durationMs: row.durationMs ?? facts.durationMs,
      playable: facts.playable,
      audio: facts.audio ?? true,
      ...(facts.audio === false ? { noAudioReason: row.noAudioReason ?? ('empty' as const) } : {}),
    };
    await this.#o.rows.update(row.id, patch);
    return patch;
  }

  /** A file that could not be opened, as the player's answer; the cause goes to the log (and to admins). */
  async failure(row: RecordingRow, err: unknown, forAdmin: boolean): Promise<Failure> {
    if (!isRecordingError(err)) throw err;
    this.#o.log.warn({ callId: row.callId, recordingId: row.id, code: err.code }, `recording not reachable: ${err.message}`);
    await this.#o.rows.update(row.id, { problem: err.code });
    if (err.code === RecordingErrorCodes.RECORDING_ERR_MISSING) {
      return { ok: false, status: 404, code: 'RECORDING_MISSING', ...said('server.recordings.missing') };
    }
    if (err.code === RecordingErrorCodes.RECORDING_ERR_OUTSIDE_ROOT || err.code === RecordingErrorCodes.RECORDING_ERR_BAD_PATH) {
      return { ok: false, status: 404, code: 'RECORDING_UNLOCATABLE', ...said('server.recordings.unlocatable') };
    }
    // Admins get the cause in words (which folder, which host); agents a sentence without internals.
    return { ok: false, status: 503, code: 'RECORDING_UNAVAILABLE', ...(forAdmin ? said('server.recordings.unavailableBecause', { detail: err.message }) : said('server.recordings.unavailable')) };
  }
}
