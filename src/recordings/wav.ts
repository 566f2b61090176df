/**
 * Reads a WAV (RIFF/WAVE) header: the format, and the length of the audio from the `data` chunk.
 * Pure: bytes in, facts out. Asterisk's MixMonitor writes a 44-byte canonical header and fixes its
 * sizes when the file is closed; an unanswered call recorded with option `b` leaves the header
 * alone (data size 0), which is how "no audio" is told.
 */

export interface WavInfo {
  /** 1 = PCM, 3 = IEEE float, 6 = A-law, 7 = mu-law, 49 = GSM 6.10 (an extensible header's sub-format). */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** Where the audio starts in the file. */
  dataOffset: number;
  /** Bytes of audio: the `data` chunk's size, bounded by the file's size when that is known. */
  dataBytes: number;
  /** Length of the audio in ms (null when the byte rate is 0). */
  durationMs: number | null;
  /** True when there is at least one whole sample frame of audio. */
  hasAudio: boolean;
  /** Chromium and every other browser play PCM and float WAV; A-law, mu-law and GSM WAV they do not. */
  browserPlayable: boolean;
}

export type WavParse = { ok: true; wav: WavInfo } | { ok: false; reason: 'not-wav' | 'truncated' | 'no-fmt' | 'no-data' };

/** Enough bytes to find the `data` chunk behind the usual `fmt `, `LIST` and `fact` chunks. */
export const WAV_HEADER_PROBE_BYTES = 4096;

/**
 * Parses the header from the file's first bytes. `fileSize`, when known, bounds the data size (a
 * header still holding a placeholder, or a file cut short) and fills in a size of 0 left by a writer
 * that never finished (audio after the header but a header saying none).
 */
export function parseWavHeader(head: Buffer, fileSize?: number): WavParse {
  if (head.length < 12) return { ok: false, reason: head.length >= 4 && head.toString('latin1', 0, 4) !== 'RIFF' ? 'not-wav' : 'truncated' };
  if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return { ok: false, reason: 'not-wav' };
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationMs' | 'hasAudio' | 'browserPlayable'> | null = null;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > head.length) return { ok: false, reason: 'truncated' };
      let audioFormat = head.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the SubFormat GUID.
      if (audioFormat === 0xfffe && size >= 40 && body + 26 <= head.length) audioFormat = head.readUInt16LE(body + 24);
      fmt = {
        audioFormat,
        channels: head.readUInt16LE(body + 2),
        sampleRate: head.readUInt32LE(body + 4),
        byteRate: head.readUInt32LE(body + 8),
        blockAlign: head.readUInt16LE(body + 12),
        bitsPerSample: head.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (fmt === null) return { ok: false, reason: 'no-fmt' };
      let dataBytes = size;
      if (fileSize !== undefined) {
        const available = Math.max(0, fileSize - body);
        // 0 or 0xFFFFFFFF: a writer that never came back to fix the size; take what is there.
        if (dataBytes === 0 || dataBytes === 0xffffffff || dataBytes > available) dataBytes = available;
      }
      const frame = Math.max(1, fmt.blockAlign);
      const hasAudio = dataBytes >= frame;
      const durationMs = fmt.byteRate > 0 ? Math.round((dataBytes * 1000) / fmt.byteRate) : null;
      return {
        ok: true,
        wav: { ...fmt, dataOffset: body, dataBytes, durationMs, hasAudio, browserPlayable: fmt.audioFormat === 1 || fmt.audioFormat === 3 },
      };
    }
    // Chunks are padded to an even size.
    offset = body + size + (size & 1);
  }
  return { ok: false, reason: fmt === null ? 'no-fmt' : 'no-data' };
}
