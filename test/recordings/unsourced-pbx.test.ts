/**
 * Several PBXs: a PBX whose settings name no recordings source has its recordings left alone (not
 * looked for on another PBX's host, not an error on every call), and the admin is told once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeCapture } from '../../src/calls/analyze-capture.ts';
import { captureTimes } from '../../src/calls/capture-clock.ts';
import { createEngineState, reduce } from '../../src/calls/index.ts';
import type { Log } from '../../src/logger.ts';
import { buildRecordingsApp, PBX_DIR, type RecordingsTestApp } from './support/app.ts';

const TRANSCRIPTS = new URL('../fixtures/ami-transcripts/', import.meta.url);
const warnings: string[] = [];
const errors: string[] = [];
const log: Log = {
  debug() {},
  info() {},
  warn: (fields, message) => void warnings.push(typeof fields === 'string' ? fields : (message ?? '')),
  error: (fields, message) => void errors.push(typeof fields === 'string' ? fields : (message ?? '')),
};
let t: RecordingsTestApp;

before(async () => {
  t = await buildRecordingsApp('sqlite', { recordings: { log, defaultPbx: 'main' } });
});
after(() => t.close());

async function replay(pbxId: string, name: string): Promise<void> {
  const messages = decodeCapture(readFileSync(new URL(name, TRANSCRIPTS)));
  const times = captureTimes(messages);
  const state = createEngineState({ pbxId });
  for (let i = 0; i < messages.length; i++) {
    for (const effect of reduce(state, messages[i]!, times[i]!).effects) {
      if ('record' in effect) await t.callLog.upsert(effect.record);
      await t.recordings.sink(effect);
    }
  }
}

test("a branch with no recordings source: no row, no error per call, one warning that says what to set; the main PBX's recordings as ever", async () => {
  // Only the main PBX has a source (the service gives each PBX its own when there are several).
  t.settings.sources = { main: { kind: 'local', pbxDir: PBX_DIR, localDir: t.monitor } };
  await replay('branch', '01-inbound-answered-101.ami');
  await replay('branch', '02-inbound-noanswer-101.ami');
  const rows = await t.t.store.db.selectFrom('recordings').select(['call_id', 'pbx']).execute();
  assert.deepEqual(rows, []);
  assert.deepEqual(errors, []);
  assert.equal(warnings.filter((w) => w.includes('"branch" has no recordings source')).length, 1);
  assert.match(warnings[0]!, /RECORDINGS_SOURCE/);

  await replay('main', '01-inbound-answered-101.ami');
  const main = await t.t.store.db.selectFrom('recordings').select(['call_id', 'pbx', 'location']).execute();
  assert.deepEqual(main.map((r) => [r.pbx, r.location]), [['main', '20261123-195708-+15551230001-1795463828.0.wav']]);
});
