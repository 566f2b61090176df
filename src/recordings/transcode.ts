/**
 * Optional transcoding of our copies with ffmpeg (Debian's `ffmpeg` package), to MP3 or Opus: a
 * telephone WAV (8 kHz, 16-bit: 57.6 MB an hour) becomes ~7 MB (MP3 at 16 kbit/s) or ~5 MB
 * (Opus at 12 kbit/s). Never required: when ffmpeg is not there, copies stay WAV and the start-up
 * log says so. ffmpeg is run without a shell, on paths inside our storage folder only.
 */
import { execFile } from 'node:child_process';
import { RecordingErrorCodes, CrmTelephonyError } from './recording-errors.ts';

export type TranscodeTarget = 'mp3' | 'opus';

/** True when `ffmpeg -version` runs. */
export function ffmpegAvailable(ffmpeg: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-hide_banner', '-version'], { timeout: 5000 }, (err) => resolve(!err));
  });
}

export function transcodeArgs(input: string, output: string, to: TranscodeTarget): string[] {
  const codec = to === 'mp3' ? ['-codec:a', 'libmp3lame', '-b:a', '16k', '-ar', '8000'] : ['-codec:a', 'libopus', '-b:a', '12k', '-application', 'voip'];
  return ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-vn', '-map_metadata', '-1', ...codec, output];
}

export function transcode(ffmpeg: string, input: string, output: string, to: TranscodeTarget, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(ffmpeg, transcodeArgs(input, output, to), { timeout: 10 * 60_000, ...(signal ? { signal } : {}) }, (err, _stdout, stderr) => {
      if (err) {
        reject(new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_TRANSCODE, `ffmpeg could not transcode a recording to ${to}: ${String(stderr).trim().slice(0, 300) || err.message}`, {}, { cause: err }));
      } else resolve();
    });
  });
}
