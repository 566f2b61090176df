/**
 * The simulated PBX leaves a recording for each answered, recorded call (issue 16: Play never
 * worked in the demo): a WAV named as the dialplan reported it, as long as the talk (capped), once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { RecordingWriter, toneWav } from '../../src/simulator/recording-writer.ts';
import { buildScenario, type ScenarioKind, type ScenarioParams, type TimedEvent } from '../../src/simulator/scenarios/index.ts';
import { AmiMessage } from '../../src/ami/message.ts';
import { parseWavHeader } from '../../src/recordings/wav.ts';

const root = mkdtempSync(join(tmpdir(), 'crmt-sim-rec-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function varSet(events: readonly TimedEvent[], variable: string): string[] {
  return events
    .filter((e) => e.fields.some(([k, v]) => k === 'Event' && v === 'VarSet') && e.fields.some(([k, v]) => k === 'Variable' && v === variable))
    .map((e) => e.fields.find(([k]) => k === 'Value')![1]);
}

async function play(kind: ScenarioKind, params: Omit<ScenarioParams, 'startEpochMs'>): Promise<{ dir: string; sim: AmiSimulator; events: TimedEvent[] }> {
  const dir = join(root, `monitor-${++n}`);
  const sim = new AmiSimulator({ recordingsDir: dir });
  const events = buildScenario(kind, { startEpochMs: Date.UTC(2026, 2, 1, 9, 30, 0), ...params }, sim.scenarioIds);
  await sim.playScenario(events, { speed: Infinity });
  await sim.close();
  return { dir, sim, events };
}

test('toneWav: PCM 16-bit mono at 8 kHz, as the recordings module reads it, of the length asked; soft, no click at the start', () => {
  const wav = toneWav(2500);
  const parsed = parseWavHeader(wav.subarray(0, 4096), wav.length);
  assert.ok(parsed.ok);
  const info = parsed.wav;
  assert.deepEqual([info.audioFormat, info.channels, info.sampleRate, info.bitsPerSample, info.blockAlign, info.byteRate], [1, 1, 8000, 16, 2, 16000]);
  assert.equal(info.dataOffset, 44);
  assert.equal(info.dataBytes, 2500 * 16);
  assert.equal(info.durationMs, 2500);
  assert.ok(info.hasAudio && info.browserPlayable);
  assert.equal(wav.length, 44 + 2500 * 16);
  let peak = 0;
  for (let i = 44; i < wav.length; i += 2) peak = Math.max(peak, Math.abs(wav.readInt16LE(i)));
  assert.ok(peak > 1000 && peak < 0.2 * 32767, `peak ${peak}: audible but gentle`);
  assert.equal(wav.readInt16LE(44), 0, 'fades in from silence');
  assert.equal(wav.readInt16LE(wav.length - 2) === 0 || Math.abs(wav.readInt16LE(wav.length - 2)) < 100, true, 'fades out');
});

test('an answered inbound call leaves <monitor>/<name>.wav, named as __CRM_RECORDING and CDR(userfield) say, as long as the talk', async () => {
  const { dir, sim, events } = await play('inbound-answered', { talkMs: 3000, extensions: ['101'] });
  const [name] = varSet(events, '__CRM_RECORDING');
  assert.ok(name);
  assert.deepEqual(varSet(events, 'MIXMONITOR_FILENAME'), [`/var/spool/asterisk/monitor/${name}`]);
  assert.deepEqual(readdirSync(dir), [name], 'one file, no temporary left behind');
  const wav = readFileSync(join(dir, name));
  const parsed = parseWavHeader(wav, wav.length);
  assert.ok(parsed.ok);
  assert.equal(parsed.wav.durationMs, 3000);
  assert.equal(sim.recordings?.written, 1);
});

test('unanswered and unrecorded calls leave nothing; a long talk is capped at 30 s; a file is written once', async () => {
  const missed = await play('inbound-noanswer', { ringMs: 1000 });
  assert.ok(!existsSync(missed.dir) || readdirSync(missed.dir).length === 0);
  assert.equal(missed.sim.recordings?.written, 0);
  const unrecorded = await play('inbound-answered', { recording: false });
  assert.equal(unrecorded.sim.recordings?.written, 0);
  const long = await play('inbound-answered', { talkMs: 95_000 });
  const [file] = readdirSync(long.dir);
  const wav = readFileSync(join(long.dir, file!));
  assert.equal((parseWavHeader(wav, wav.length) as { wav: { durationMs: number } }).wav.durationMs, 30_000);
  // A blind transfer: two ANSWERED Cdrs name the one recording; it is written once.
  const transfer = await play('blind-transfer', {});
  const names = new Set(varSet(transfer.events, '__CRM_RECORDING'));
  assert.equal(names.size, 1);
  assert.deepEqual(readdirSync(transfer.dir), [...names]);
  assert.equal(transfer.sim.recordings?.written, 1);
});

test('a Cdr naming a path (not a bare file name) is not followed out of the folder', () => {
  const dir = join(root, 'fenced');
  const writer = new RecordingWriter({ dir });
  for (const name of ['../escape.wav', '/etc/x.wav', 'a/b.wav', '.hidden.wav', 'x.mp3', '']) {
    const cdr = new AmiMessage([['Event', 'Cdr'], ['Disposition', 'ANSWERED'], ['BillableSeconds', '2'], ['UserField', name]]);
    assert.equal(writer.write(cdr), null, name);
  }
  assert.equal(writer.written, 0);
  const ok = writer.write(new AmiMessage([['Event', 'Cdr'], ['Disposition', 'ANSWERED'], ['BillableSeconds', '0'], ['UserField', 'r-1.wav']]));
  assert.equal(ok, join(dir, 'r-1.wav'));
  assert.equal(statSync(ok).size, 44 + 16_000, 'an answered call under a second still has one second of audio');
});
