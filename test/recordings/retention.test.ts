/**
 * Retention: recordings older than N days are removed (our copies always, the PBX's files only when
 * configured); the call, the row and the audit stay and say "removed by retention".
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES } from '../support/engines.ts';
import { ANSWERED, buildRecordingsApp, FIXTURES, PBX_DIR, session, type RecordingsTestApp } from './support/app.ts';
import { loggable } from '../support/calls.ts';

const DAY = 86_400_000;

async function add(t: RecordingsTestApp, uniqueid: string): Promise<string> {
  const file = `r-${uniqueid}.wav`;
  copyFileSync(new URL(ANSWERED, FIXTURES), join(t.monitor, file));
  await t.callLog.upsert(loggable({ id: `default:${uniqueid}`, answeredBy: '101', rang: ['101'] }));
  await t.recordings.onRecordingLocated({ callId: `default:${uniqueid}`, file, path: `${PBX_DIR}/${file}` });
  await t.recordings.onCallEnded({ id: `default:${uniqueid}`, recording: file, recordingFile: file });
  return (await t.t.store.db.selectFrom('recordings').select('id').where('file', '=', file).executeTakeFirstOrThrow()).id;
}

for (const engine of ENGINES) {
  describe(`retention on ${engine}`, () => {
    test('off by default: nothing is removed, however old', async () => {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const t = await buildRecordingsApp(engine, { recordings: { now: () => clock } });
      try {
        await add(t, '1795480001.1');
        clock += 3650 * DAY;
        assert.equal(await t.recordings.runRetention(), 0);
      } finally {
        await t.close();
      }
    });

    test('copies are deleted, PBX files kept unless configured; the row, the call and the audit remain and say so', async () => {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const t = await buildRecordingsApp(engine, {
        settings: { mode: 'copy', retention: { days: 30, deleteFromPbx: false }, copy: { delayMs: 0, maxAttempts: 3, maxBackoffMs: 60_000, deleteFromPbx: false } },
        recordings: { now: () => clock, copyQueue: { worker: false } },
      });
      try {
        const old = await add(t, '1795480002.1');
        const alice = await session(t.app, 'alice');
        const root = await session(t.app, 'root');
        await t.recordings.runCopies();
        assert.equal((await t.app.inject({ method: 'GET', url: `/api/recordings/${old}`, headers: alice })).statusCode, 200);
        const stored = (await t.t.store.db.selectFrom('recordings').select('stored_location').where('id', '=', old).executeTakeFirstOrThrow()).stored_location!;
        assert.ok(existsSync(join(t.settings.storageDir, stored)));
        clock += 20 * DAY;
        const young = await add(t, '1795480003.1');
        await t.recordings.runCopies();
        clock += 11 * DAY;
        assert.equal(await t.recordings.runRetention(), 1, 'only the one older than 30 days');
        assert.equal(existsSync(join(t.settings.storageDir, stored)), false, 'our copy is gone');
        assert.equal(existsSync(join(t.monitor, 'r-1795480002.1.wav')), true, 'the PBX file stays (RECORDINGS_RETENTION_DELETE_PBX off)');
        const info = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795480002.1/recording', headers: alice })).json().recording;
        assert.deepEqual([info.status, info.audio, info.code, info.url], ['removed', false, 'RECORDING_REMOVED', null]);
        assert.equal(info.reason, `The recording was removed by retention on ${new Date(clock).toISOString().slice(0, 10)} (recordings are kept 30 days).`);
        const gone = await t.app.inject({ method: 'GET', url: `/api/recordings/${old}`, headers: alice });
        assert.equal(gone.statusCode, 410);
        assert.equal(gone.json().error.code, 'RECORDING_REMOVED');
        assert.equal((await t.app.inject({ method: 'GET', url: `/api/recordings/${young}`, headers: alice })).statusCode, 200);
        assert.ok(await t.callLog.get('default:1795480002.1'), 'the call record remains');
        const audit = (await t.app.inject({ method: 'GET', url: `/api/admin/recordings/audit?recording=${old}`, headers: root })).json().entries;
        assert.ok(audit.length >= 1, 'the audit remains');
        assert.equal(await t.recordings.runRetention(), 0, 'a second run finds nothing more');
      } finally {
        await t.close();
      }
    });

    test('with RECORDINGS_RETENTION_DELETE_PBX the PBX file is deleted too', async () => {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const t = await buildRecordingsApp(engine, { settings: { retention: { days: 7, deleteFromPbx: true } }, recordings: { now: () => clock } });
      try {
        await add(t, '1795480004.1');
        clock += 8 * DAY;
        assert.equal(await t.recordings.runRetention(), 1);
        assert.equal(existsSync(join(t.monitor, 'r-1795480004.1.wav')), false);
        const row = await t.t.store.db.selectFrom('recordings').select(['state', 'pbx_deleted', 'removed_at']).executeTakeFirstOrThrow();
        assert.deepEqual(row, { state: 'removed_by_retention', pbx_deleted: 1, removed_at: new Date(clock).toISOString() });
      } finally {
        await t.close();
      }
    });
  });
}
