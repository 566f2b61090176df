/**
 * What a recording holds, from its first bytes: the format, whether there is audio, how long it
 * is. One small read (4 KiB), done once per recording and kept on its row.
 */
import type { OpenedRecording } from './sources/source.ts';
import { formatFromBytes, formatFromName, type AudioFormat } from './media-type.ts';
import { parseWavHeader, WAV_HEADER_PROBE_BYTES } from './wav.ts';

export interface ProbeFacts {
  format: AudioFormat;
  /** null when the format does not tell (not a WAV). */
  audio: boolean | null;
  durationMs: number | null;
  /** Chromium plays it as is. */
  playable: boolean;
}

export async function probe(opened: OpenedRecording, name: string): Promise<ProbeFacts> {
  if (opened.size === 0) return { format: formatFromName(name), audio: false, durationMs: 0, playable: false };
  const head = await opened.read(0, WAV_HEADER_PROBE_BYTES);
  const format = formatFromBytes(head) ?? formatFromName(name);
  if (format === 'wav') {
    const parsed = parseWavHeader(head, opened.size);
    if (parsed.ok) return { format, audio: parsed.wav.hasAudio, durationMs: parsed.wav.durationMs, playable: parsed.wav.browserPlayable };
    return { format, audio: null, durationMs: null, playable: false };
  }
  return { format, audio: null, durationMs: null, playable: format === 'mp3' || format === 'ogg' };
}
