/**
 * What kind of audio a recording is: from its first bytes when we have them, else its name. Pure.
 * The content type sent to browsers follows; `playable` says whether Chromium can play it as is.
 */

export type AudioFormat = 'wav' | 'mp3' | 'ogg' | 'gsm' | 'raw' | 'unknown';

export const CONTENT_TYPES: Record<AudioFormat, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  // Asterisk's raw GSM 06.10 frames; no browser plays them.
  gsm: 'audio/x-gsm',
  raw: 'application/octet-stream',
  unknown: 'application/octet-stream',
};

/** The file extension we give a format in our storage and in download names. */
export const EXTENSIONS: Record<AudioFormat, string> = { wav: 'wav', mp3: 'mp3', ogg: 'ogg', gsm: 'gsm', raw: 'raw', unknown: 'bin' };

/** By name: `.wav`/`.WAV` (Asterisk's `WAV` is GSM in a WAV container: the header tells), `.mp3`, `.ogg`/`.opus`/`.oga`, `.gsm`, `.sln*`/`.ulaw`/`.alaw`. */
export function formatFromName(name: string): AudioFormat {
  const dot = name.lastIndexOf('.');
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (ext === 'wav' || ext === 'wav49') return 'wav';
  if (ext === 'mp3') return 'mp3';
  if (ext === 'ogg' || ext === 'oga' || ext === 'opus') return 'ogg';
  if (ext === 'gsm') return 'gsm';
  if (/^(sln\d*|ulaw|alaw|ul|al|g722|g729)$/.test(ext)) return 'raw';
  return 'unknown';
}

/** By magic bytes; null when they do not tell (too few, or a format without a signature). */
export function formatFromBytes(head: Buffer): AudioFormat | null {
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return 'wav';
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'OggS') return 'ogg';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame sync: 11 set bits.
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return 'mp3';
  return null;
}
