/**
 * Locating recordings: the call engine's effects from real captured calls, the PBX's report (JSON
 * and form bodies, bearer and query token), refusals, and path traversal in every parameter.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCapture } from '../../src/calls/analyze-capture.ts';
import { captureTimes } from '../../src/calls/capture-clock.ts';
import { createEngineState, reduce } from '../../src/calls/index.ts';
import { ENGINES } from '../support/engines.ts';
import { ANSWERED, buildRecordingsApp, C2C, PBX_DIR, session, UNANSWERED, type RecordingsTestApp } from './support/app.ts';

const TRANSCRIPTS = new URL('../fixtures/ami-transcripts/', import.meta.url);

/** Replays a capture through the engine, the call log and the recordings sink, as the service does. */
async function replay(t: RecordingsTestApp, name: string): Promise<void> {
  const messages = decodeCapture(readFileSync(new URL(name, TRANSCRIPTS)));
  const times = captureTimes(messages);
  const state = createEngineState({ pbxId: 'default' });
  for (let i = 0; i < messages.length; i++) {
    for (const effect of reduce(state, messages[i]!, times[i]!).effects) {
      if (effect.type === 'call-ended' || effect.type === 'call-updated' || effect.type === 'call-started') await t.callLog.upsert(effect.record);
      await t.recordings.sink(effect);
    }
  }
}

for (const engine of ENGINES) {
  describe(`locating recordings on ${engine}`, () => {
    let t: RecordingsTestApp;
    let routing: string;
    let alice: Record<string, string>;
    before(async () => {
      t = await buildRecordingsApp(engine);
      routing = (await t.access.createToken('routing', 'dialplan', null)).token;
      alice = await session(t.app, 'alice');
      for (const f of ['01-inbound-answered-101.ami', '02-inbound-noanswer-101.ami', '07-click-to-call-originate-101-to-customer.ami', '17-click-to-call-agent-noanswer.ami']) await replay(t, f);
    });
    after(() => t.close());

    const report = (payload: Record<string, unknown>, token = routing) =>
      t.app.inject({ method: 'POST', url: '/api/recordings/report', headers: { authorization: `Bearer ${token}` }, payload });

    test('real calls: one row per recording, named by CRM_RECORDING, located in the folder; the unanswered one has no audio', async () => {
      const rows = await t.t.store.db.selectFrom('recordings').select(['id', 'call_id', 'file', 'location', 'state', 'audio', 'no_audio_reason']).orderBy('call_id').execute();
      assert.deepEqual(
        rows.map((r) => [r.call_id, r.file, r.location, r.state, r.audio, r.no_audio_reason]),
        [
          ['default:1795463828.0', ANSWERED, ANSWERED, 'ready', null, null],
          ['default:1795463840.2', UNANSWERED, UNANSWERED, 'ready', 0, 'not-answered'],
          ['default:1795463905.13', C2C, C2C, 'ready', null, null],
        ],
      );
      for (const r of rows) assert.match(r.id, /^rec_[A-Za-z0-9_-]{22}$/);
      const info = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795463905.13/recording', headers: alice })).json();
      assert.equal(info.recording.audio, true, 'Alice placed the click-to-call');
      assert.equal(info.recording.durationSeconds, 4.02);
      const none = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795464053.33/recording', headers: alice })).json();
      assert.equal(none.recording, null, 'the click-to-call nobody answered made no recording');
    });

    test('the report confirms the file with its size (JSON, bearer token); the size and length are learned', async () => {
      const res = await report({ linkedid: '1795463828.0', uniqueid: '1795463828.0', path: `${PBX_DIR}/${ANSWERED}`, size: 47724 });
      assert.equal(res.statusCode, 202, res.body);
      assert.deepEqual(res.json(), { ok: true, callId: 'default:1795463828.0' });
      await t.recordings.idle();
      const row = await t.t.store.db.selectFrom('recordings').selectAll().where('call_id', '=', 'default:1795463828.0').executeTakeFirstOrThrow();
      assert.ok(row.confirmed_at);
      assert.equal(Number(row.reported_size), 47724);
      assert.equal(Number(row.size), 47724);
      assert.equal(row.duration_ms, 2980);
      assert.equal(row.audio, 1);
    });

    test('the report as curl --data-urlencode and CURL() send it: a form body, the token in the query', async () => {
      const body = new URLSearchParams({ linkedid: '1795463905.13', path: `${PBX_DIR}/${C2C}`, size: '64364' }).toString();
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/recordings/report?token=${routing}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      });
      assert.equal(res.statusCode, 202, res.body);
    });

    test('a report for a file the engine never saw: accepted when its name carries the call\'s id', async () => {
      writeFileSync(join(t.monitor, 'extra-1795469999.7.wav'), readFileSync(join(t.monitor, ANSWERED)));
      const res = await report({ uniqueid: '1795469999.7', path: `${PBX_DIR}/extra-1795469999.7.wav`, size: 47724 });
      assert.equal(res.statusCode, 202, res.body);
      const row = await t.t.store.db.selectFrom('recordings').select(['call_id', 'state']).where('file', '=', 'extra-1795469999.7.wav').executeTakeFirstOrThrow();
      assert.deepEqual(row, { call_id: 'default:1795469999.7', state: 'ready' });
    });

    test('a report cannot tie one call\'s recording to another call', async () => {
      const other = await report({ linkedid: '1795463905.13', path: `${PBX_DIR}/${ANSWERED}`, size: 47724 });
      assert.equal(other.statusCode, 409);
      assert.equal(other.json().error.code, 'RECORDING_REPORT_MISMATCH');
      const unrelated = await report({ linkedid: '1795463905.13', path: `${PBX_DIR}/somebody-else.wav` });
      assert.equal(unrelated.statusCode, 409);
    });

    test('path traversal in the report: every field refused before any file is touched', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ linkedid: '1795463828.0', path: '/etc/passwd' }, 400, 'RECORDING_OUTSIDE_ROOT'],
        [{ linkedid: '1795463828.0', path: `${PBX_DIR}/../../../etc/passwd` }, 400, 'RECORDING_OUTSIDE_ROOT'],
        [{ linkedid: '1795463828.0', path: '../../etc/passwd' }, 400, 'RECORDING_OUTSIDE_ROOT'],
        [{ linkedid: '1795463828.0', path: `${PBX_DIR}/a/./../x-1795463828.0.wav` }, 400, 'RECORDING_OUTSIDE_ROOT'],
        [{ linkedid: '1795463828.0', path: `${PBX_DIR}/x%2f..%2f-1795463828.0.wav` }, 400, 'RECORDING_BAD_PATH'],
        [{ linkedid: '1795463828.0', path: `${PBX_DIR}/x\u0000-1795463828.0.wav` }, 400, 'RECORDING_BAD_PATH'],
        [{ linkedid: '1795463828.0', path: `${PBX_DIR}/..\\..\\x-1795463828.0.wav` }, 400, 'RECORDING_BAD_PATH'],
        [{ linkedid: '../../etc', path: `${PBX_DIR}/${ANSWERED}` }, 400, 'BAD_REQUEST'],
        [{ uniqueid: '1795463828.0/..', path: `${PBX_DIR}/${ANSWERED}` }, 400, 'BAD_REQUEST'],
        [{ pbx: '../default', linkedid: '1795463828.0', path: `${PBX_DIR}/${ANSWERED}` }, 400, 'RECORDING_UNKNOWN_PBX'],
        [{ linkedid: '1795463828.0', path: `${PBX_DIR}/${ANSWERED}`, size: '../1' }, 400, 'BAD_REQUEST'],
        [{ path: `${PBX_DIR}/${ANSWERED}` }, 400, 'BAD_REQUEST'],
      ];
      for (const [payload, status, code] of cases) {
        const res = await report(payload);
        assert.equal(res.statusCode, status, JSON.stringify(payload));
        assert.equal(res.json().error.code, code, JSON.stringify(payload));
      }
    });

    test('a symbolic link in the PBX folder leading out of it is refused when played', async () => {
      symlinkSync('/etc/passwd', join(t.monitor, 'link-1795463011.1.wav'));
      mkdirSync(join(t.dir, 'outside'));
      writeFileSync(join(t.dir, 'outside', 'dir-1795463012.1.wav'), 'RIFF');
      symlinkSync(join(t.dir, 'outside'), join(t.monitor, 'sub'));
      const root = await session(t.app, 'root');
      for (const [uniqueid, path] of [
        ['1795463011.1', `${PBX_DIR}/link-1795463011.1.wav`],
        ['1795463012.1', `${PBX_DIR}/sub/dir-1795463012.1.wav`],
      ] as const) {
        assert.equal((await report({ uniqueid, path })).statusCode, 202, path);
        await t.recordings.idle();
        const row = await t.t.store.db.selectFrom('recordings').select('id').where('call_id', '=', `default:${uniqueid}`).executeTakeFirstOrThrow();
        const res = await t.app.inject({ method: 'GET', url: `/api/recordings/${row.id}`, headers: root });
        assert.equal(res.statusCode, 404, path);
        assert.equal(res.json().error.code, 'RECORDING_UNLOCATABLE', path);
        assert.ok(!res.body.includes('root:'), 'not one byte of the target');
      }
    });

    test('path traversal in URL parameters: refused before a query, never a file', async () => {
      const root = await session(t.app, 'root');
      for (const url of [
        '/api/recordings/..%2F..%2Fetc%2Fpasswd',
        '/api/recordings/rec_..%2F..%2F..%2Fetc%2Fpasswd',
        '/api/recordings/%2Fetc%2Fpasswd/info',
        `/api/recordings/${encodeURIComponent(`${PBX_DIR}/${ANSWERED}`)}`,
        `/api/recordings/${encodeURIComponent(ANSWERED)}`,
        '/api/recordings/1795463828.0',
        '/api/recordings/rec_AAAAAAAAAAAAAAAAAAAAAA',
        '/api/recordings/rec_AAAAAAAAAAAAAAAAAAAAAA/info',
        '/api/calls/..%2F..%2Fetc%2Fpasswd/recording',
        '/api/calls/default:..%2F..%2Fetc/recording',
      ]) {
        const res = await t.app.inject({ method: 'GET', url, headers: root });
        assert.equal(res.statusCode, 404, url);
        assert.ok(!res.body.includes('root:'), url);
      }
      const audit = await t.app.inject({ method: 'GET', url: `/api/admin/recordings/audit?recording=${encodeURIComponent('../../etc/passwd')}&call=${encodeURIComponent("' or 1=1 --")}`, headers: root });
      assert.equal(audit.statusCode, 200);
      assert.deepEqual(audit.json().entries, []);
    });
  });
}
