/**
 * Copies one recording from the PBX into our storage (copy mode): streamed into a temporary file,
 * flushed, renamed into place, and accepted only when its size equals the original's, which must
 * not have changed while it was copied (nor differ from the size the PBX reported). Optionally
 * transcoded, and optionally deleted from the PBX once the copy is verified.
 */
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Log } from '../logger.ts';
import type { RecordingRow, RecordingPatch } from './recording-rows.ts';
import type { RecordingSource } from './sources/source.ts';
import type { LocalSource } from './sources/local-source.ts';
import { type RecordingError, RecordingErrorCodes, CrmTelephonyError } from './recording-errors.ts';
import { probe } from './probe.ts';
import { EXTENSIONS, type AudioFormat } from './media-type.ts';
import { transcode, type TranscodeTarget } from './transcode.ts';

export interface CopyOptions {
  row: RecordingRow;
  source: RecordingSource;
  storage: LocalSource;
  /** Transcode with this ffmpeg, or null. */
  transcode: { ffmpeg: string; to: TranscodeTarget } | null;
  deleteFromPbx: boolean;
  signal: AbortSignal;
  log: Log;
  now: () => number;
}

/** Does the copy; returns what to write on the recording's row. Throws (to be retried) when it cannot. */
export async function copyRecording(o: CopyOptions): Promise<RecordingPatch> {
  const { row } = o;
  if (row.location === null) {
    throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_BAD_PATH, 'The PBX put this recording outside its recordings folder; it cannot be copied.', { recordingId: row.id });
  }
  o.signal.throwIfAborted();
  const opened = await o.source.open(row.location);
  let streamed = false;
  try {
    if (row.reportedSize !== null && opened.size !== row.reportedSize) {
      throw new CrmTelephonyError(
        RecordingErrorCodes.RECORDING_ERR_SIZE_MISMATCH,
        `The recording on the PBX is ${opened.size} bytes, not the ${row.reportedSize} the PBX reported (still being written?).`,
        { recordingId: row.id },
      );
    }
    const facts = await probe(opened, row.file);
    const when = new Date(o.now());
    const base = `${when.getUTCFullYear()}/${String(when.getUTCMonth() + 1).padStart(2, '0')}/${row.id}`;
    const stored = `${base}.${EXTENSIONS[facts.format]}`;
    o.signal.throwIfAborted();
    streamed = true;
    const body = opened.size === 0 ? Readable.from([]) : opened.stream(0, opened.size - 1);
    const onAbort = (): void => void body.destroy(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CLOSED, 'The copy was stopped.'));
    o.signal.addEventListener('abort', onAbort, { once: true });
    let written: number;
    try {
      written = await o.storage.write(stored, body);
    } finally {
      o.signal.removeEventListener('abort', onAbort);
    }
    o.signal.throwIfAborted();
    const after = await o.source.stat(row.location);
    if (written !== opened.size || after.size !== opened.size) {
      await o.storage.remove(stored);
      throw new CrmTelephonyError(
        RecordingErrorCodes.RECORDING_ERR_SIZE_MISMATCH,
        `The copy is ${written} bytes; the original was ${opened.size} and is now ${after.size} (it changed while copied).`,
        { recordingId: row.id },
      );
    }
    const patch: RecordingPatch = {
      storedLocation: stored,
      storedFormat: facts.format,
      storedSize: written,
      copiedAt: new Date(o.now()).toISOString(),
      size: opened.size,
      format: facts.format,
      audio: facts.audio,
      durationMs: facts.durationMs,
      playable: facts.playable,
      problem: null,
      ...(facts.audio === false ? { noAudioReason: row.noAudioReason ?? 'empty' } : {}),
    };
    if (o.transcode && facts.format === 'wav' && facts.audio === true) Object.assign(patch, await transcodeCopy(o, stored, base, o.transcode));
    if (o.deleteFromPbx) {
      try {
        await o.source.remove(row.location);
        patch.pbxDeleted = true;
      } catch (err) {
        o.log.warn({ recordingId: row.id, code: (err as RecordingError).code }, `the copy is verified but the PBX's file could not be deleted: ${(err as Error).message}`);
      }
    }
    return patch;
  } finally {
    if (!streamed) await opened.close();
  }
}

/** Replaces the WAV copy with a transcoded one; on any failure keeps the WAV (and says so in the log). */
async function transcodeCopy(o: CopyOptions, wav: string, base: string, t: { ffmpeg: string; to: TranscodeTarget }): Promise<RecordingPatch> {
  const format: AudioFormat = t.to === 'mp3' ? 'mp3' : 'ogg';
  const target = `${base}.${EXTENSIONS[format]}`;
  try {
    const input = await o.storage.pathOf(wav);
    // The output's folder exists (the WAV is in it); its name is ours: the id and a fixed extension.
    const output = `${input.slice(0, input.lastIndexOf('/'))}/${target.slice(target.lastIndexOf('/') + 1)}`;
    await transcode(t.ffmpeg, input, output, t.to, o.signal);
    const st = await o.storage.stat(target);
    if (st.size === 0) throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_TRANSCODE, 'ffmpeg wrote an empty file.');
    await o.storage.remove(wav);
    return { storedLocation: target, storedFormat: format, storedSize: st.size, playable: true };
  } catch (err) {
    await o.storage.pathOf(target).then((p) => rm(p, { force: true })).catch(() => undefined);
    o.log.warn({ recordingId: o.row.id, code: (err as RecordingError).code }, `kept the WAV copy: ${(err as Error).message}`);
    return {};
  }
}
