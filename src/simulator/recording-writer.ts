/**
 * The PBX's recordings, as MixMonitor leaves them: for each answered call the dialplan recorded,
 * a WAV file of the name it reported (`__CRM_RECORDING`, `CDR(userfield)`) in the folder standing
 * for /var/spool/asterisk/monitor. There is no audio to record, so the file holds a gentle tone,
 * two notes taking turns, as long as the conversation (capped: a demo needs no hour of sine wave).
 *
 * The Cdr event is the cue: it names the file (UserField), says the call was answered
 * (Disposition) and how long it talked (BillableSeconds), and arrives before the call's last
 * Hangup, so the file is in place when the service learns that the call ended. The file is written
 * once, whole (a temporary file renamed), synchronously like cdr_csv's Master.csv
 * (cdr-csv-writer.ts): when the event reaches the service, the file is there.
 *
 * `toneWav` is pure; `RecordingWriter` writes files.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AmiMessage } from '../ami/message.ts';

/** What MixMonitor writes by default for an 8 kHz phone call: PCM, 16-bit, mono. */
export const RECORDING_SAMPLE_RATE = 8000;
const BYTES_PER_SAMPLE = 2;
const HEADER_BYTES = 44;

/** The longest recording written, in ms. */
export const DEFAULT_MAX_RECORDING_MS = 30_000;

/** A file name the dialplan could have made: no folder, no hidden file, a .wav at the end. */
const RECORDING_NAME = /^[0-9A-Za-z+_-][0-9A-Za-z+_.-]*\.wav$/;

/**
 * A canonical 44-byte-header WAV (PCM 16-bit mono at 8 kHz, as src/recordings/wav.ts parses it)
 * of `durationMs` of sound: two soft notes (G4 and C5) taking turns every second, each faded in
 * and out so that nothing clicks.
 */
export function toneWav(durationMs: number): Buffer {
  const samples = Math.max(0, Math.round((durationMs * RECORDING_SAMPLE_RATE) / 1000));
  const dataBytes = samples * BYTES_PER_SAMPLE;
  const wav = Buffer.alloc(HEADER_BYTES + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(RECORDING_SAMPLE_RATE, 24);
  wav.writeUInt32LE(RECORDING_SAMPLE_RATE * BYTES_PER_SAMPLE, 28);
  wav.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  wav.writeUInt16LE(8 * BYTES_PER_SAMPLE, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  const notes = [392, 523.25];
  const turn = RECORDING_SAMPLE_RATE; // one second per note
  const fade = RECORDING_SAMPLE_RATE / 20; // 50 ms in, 50 ms out
  const amplitude = 0.12 * 32767;
  for (let i = 0; i < samples; i++) {
    const inTurn = i % turn;
    const left = Math.min(turn, samples - (i - inTurn)) - inTurn;
    const envelope = Math.min(1, inTurn / fade, left / fade);
    const hz = notes[Math.floor(i / turn) % notes.length]!;
    const value = Math.round(amplitude * envelope * Math.sin((2 * Math.PI * hz * i) / RECORDING_SAMPLE_RATE));
    wav.writeInt16LE(value, HEADER_BYTES + i * BYTES_PER_SAMPLE);
  }
  return wav;
}

export interface RecordingWriterOptions {
  /** The folder that stands for the PBX's /var/spool/asterisk/monitor; created when missing. */
  dir: string;
  /** The longest recording, in ms. Default 30 s. */
  maxMs?: number;
}

/** Writes one WAV per answered, recorded call, from the call's Cdr events. */
export class RecordingWriter {
  readonly dir: string;
  readonly #maxMs: number;
  /** Files written. */
  written = 0;
  /** Files that could not be written (the folder is not writable, the disk is full). */
  failures = 0;
  /** The last write's failure, for a test or a log to show. */
  lastError: Error | undefined;

  constructor(options: RecordingWriterOptions) {
    this.dir = options.dir;
    this.#maxMs = options.maxMs ?? DEFAULT_MAX_RECORDING_MS;
  }

  /**
   * Called with each Cdr event: an ANSWERED one whose UserField names a recording that is not
   * there yet gets its file, as long as the billable seconds (at least one) and at most `maxMs`.
   * Other Cdrs of the same call (a transfer's second leg) find the file there and leave it.
   * Returns the file written, or null.
   */
  write(cdr: AmiMessage): string | null {
    if (cdr.get('Disposition') !== 'ANSWERED') return null;
    const name = cdr.get('UserField') ?? '';
    if (!RECORDING_NAME.test(name)) return null;
    const path = join(this.dir, name);
    if (existsSync(path)) return null;
    const billsec = Number.parseInt(cdr.get('BillableSeconds') ?? '', 10);
    const durationMs = Math.min(this.#maxMs, Math.max(1, Number.isFinite(billsec) ? billsec : 0) * 1000);
    const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, toneWav(durationMs));
      renameSync(tmp, path);
      this.written++;
      return path;
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // The folder refuses even that: nothing was left to remove.
      }
      this.failures++;
      this.lastError = err as Error;
      return null;
    }
  }
}
