import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseWavHeader } from './wav.ts';

const DIR = new URL('../../test/fixtures/ami-transcripts/recordings/', import.meta.url);
const wav = (name: string): Buffer => readFileSync(new URL(name, DIR));

/** A canonical 44-byte header followed by `dataBytes` of silence. */
function makeWav(dataBytes: number, o: { format?: number; channels?: number; rate?: number; bits?: number; declared?: number } = {}): Buffer {
  const channels = o.channels ?? 1;
  const rate = o.rate ?? 8000;
  const bits = o.bits ?? 16;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(o.format ?? 1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE((rate * channels * bits) / 8, 28);
  b.writeUInt16LE((channels * bits) / 8, 32);
  b.writeUInt16LE(bits, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(o.declared ?? dataBytes, 40);
  return b;
}

describe('WAV headers', () => {
  test('the real recordings parse: 8 kHz 16-bit mono PCM, their durations from the data chunk', () => {
    const answered = parseWavHeader(wav('20261123-195708-+15551230001-1795463828.0.wav'), 47724);
    assert.ok(answered.ok);
    assert.equal(answered.wav.audioFormat, 1);
    assert.equal(answered.wav.sampleRate, 8000);
    assert.equal(answered.wav.bitsPerSample, 16);
    assert.equal(answered.wav.channels, 1);
    assert.equal(answered.wav.dataOffset, 44);
    assert.equal(answered.wav.dataBytes, 47680);
    assert.equal(answered.wav.durationMs, 2980);
    assert.equal(answered.wav.hasAudio, true);
    assert.equal(answered.wav.browserPlayable, true);
    const c2c = parseWavHeader(wav('20261123-195827-15559876543-1795463905.13.wav'), 64364);
    assert.ok(c2c.ok);
    assert.equal(c2c.wav.durationMs, 4020);
  });

  test('the 44-byte recording of an unanswered call has no audio', () => {
    const bytes = wav('20261123-195720-+15551230002-1795463840.2.wav');
    assert.equal(bytes.length, 44);
    const parsed = parseWavHeader(bytes, 44);
    assert.ok(parsed.ok);
    assert.equal(parsed.wav.dataBytes, 0);
    assert.equal(parsed.wav.durationMs, 0);
    assert.equal(parsed.wav.hasAudio, false);
  });

  test('every fixture recording parses from its first bytes alone', () => {
    for (const name of readdirSync(DIR)) {
      const bytes = wav(name);
      const parsed = parseWavHeader(bytes.subarray(0, 4096), bytes.length);
      assert.ok(parsed.ok, name);
      assert.equal(parsed.wav.dataOffset + parsed.wav.dataBytes, bytes.length, name);
    }
  });

  test('a header never fixed by its writer (data size 0) takes the audio that is there', () => {
    const parsed = parseWavHeader(makeWav(1600, { declared: 0 }), 44 + 1600);
    assert.ok(parsed.ok);
    assert.equal(parsed.wav.dataBytes, 1600);
    assert.equal(parsed.wav.durationMs, 100);
  });

  test('a data size larger than the file is bounded by the file', () => {
    const parsed = parseWavHeader(makeWav(1600, { declared: 0xffffffff }), 44 + 1600);
    assert.ok(parsed.ok);
    assert.equal(parsed.wav.dataBytes, 1600);
  });

  test('chunks before data (LIST, fact) are skipped, odd sizes padded', () => {
    const base = makeWav(160);
    const list = Buffer.alloc(8 + 5 + 1);
    list.write('LIST', 0, 'latin1');
    list.writeUInt32LE(5, 4);
    const b = Buffer.concat([base.subarray(0, 36), list, base.subarray(36)]);
    const parsed = parseWavHeader(b, b.length);
    assert.ok(parsed.ok);
    assert.equal(parsed.wav.dataOffset, 44 + list.length);
    assert.equal(parsed.wav.dataBytes, 160);
  });

  test('GSM and A-law WAV parse but are not browser-playable', () => {
    for (const format of [6, 7, 49]) {
      const parsed = parseWavHeader(makeWav(160, { format, bits: 8 }), 204);
      assert.ok(parsed.ok);
      assert.equal(parsed.wav.browserPlayable, false, String(format));
    }
  });

  test('not a WAV, truncated, or without fmt or data: said so, never thrown', () => {
    assert.deepEqual(parseWavHeader(Buffer.from('ID3\u0004 not a wav file at all')), { ok: false, reason: 'not-wav' });
    assert.deepEqual(parseWavHeader(Buffer.from('RIFF')), { ok: false, reason: 'truncated' });
    assert.deepEqual(parseWavHeader(makeWav(0).subarray(0, 30)), { ok: false, reason: 'truncated' });
    const noFmt = Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVE', 'latin1'), Buffer.from('data\u0000\u0000\u0000\u0000', 'latin1')]);
    assert.deepEqual(parseWavHeader(noFmt), { ok: false, reason: 'no-fmt' });
    assert.deepEqual(parseWavHeader(makeWav(0).subarray(0, 36)), { ok: false, reason: 'no-data' });
  });
});
