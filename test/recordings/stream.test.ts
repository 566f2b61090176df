/**
 * Streaming: Range edge cases on the real recordings, content types, caching headers, and every
 * state the player must show in words (no audio, still recording, missing, unreachable, removed).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES } from '../support/engines.ts';
import { ANSWERED, buildRecordingsApp, FIXTURES, PBX_DIR, session, UNANSWERED, type RecordingsTestApp } from './support/app.ts';
import { loggable } from '../support/calls.ts';

const CALL = 'default:1795463828.0';
const bytes = readFileSync(new URL(ANSWERED, FIXTURES));
const SIZE = bytes.length;

async function addRecording(t: RecordingsTestApp, callId: string, file: string, o: { answered?: boolean; ended?: boolean } = {}): Promise<string> {
  await t.callLog.upsert(loggable({ id: callId, answeredBy: '101', rang: ['101'] }));
  await t.recordings.onRecordingLocated({ callId, file, path: `${PBX_DIR}/${file}` });
  if (o.ended ?? true) await t.recordings.onCallEnded({ id: callId, recording: o.answered === false ? null : file, recordingFile: file });
  return (await t.t.store.db.selectFrom('recordings').select('id').where('call_id', '=', callId).where('file', '=', file).executeTakeFirstOrThrow()).id;
}

for (const engine of ENGINES) {
  describe(`recordings streaming on ${engine}`, () => {
    let t: RecordingsTestApp;
    let id: string;
    let h: Record<string, string>;
    let admin: Record<string, string>;
    before(async () => {
      t = await buildRecordingsApp(engine);
      id = await addRecording(t, CALL, ANSWERED);
      h = await session(t.app, 'alice');
      admin = await session(t.app, 'root');
    });
    after(() => t.close());

    const get = (range?: string, extra: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: `/api/recordings/${id}`, headers: { ...h, ...(range ? { range } : {}), ...extra } });

    test('no Range: the whole file, 200, with Accept-Ranges, type, length, private caching and a validator', async () => {
      const res = await get();
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['accept-ranges'], 'bytes');
      assert.equal(res.headers['content-type'], 'audio/wav');
      assert.equal(res.headers['content-length'], String(SIZE));
      assert.equal(res.headers['cache-control'], 'private, no-cache');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['etag']), /^"[A-Za-z0-9_-]+-[0-9a-z]+"$/);
      assert.equal(res.headers['content-disposition'], 'inline; filename="call-20261123-195708.wav"');
      assert.ok(res.rawPayload.equals(bytes));
      assert.ok(!String(res.headers['etag']).includes('1795463828'), 'nothing of the uniqueid');
    });

    test('first byte, last byte, suffix, open range, a range cut at the end', async () => {
      const cases: [string, number, number][] = [
        ['bytes=0-0', 0, 0],
        [`bytes=${SIZE - 1}-${SIZE - 1}`, SIZE - 1, SIZE - 1],
        ['bytes=-44', SIZE - 44, SIZE - 1],
        ['bytes=44-', 44, SIZE - 1],
        [`bytes=${SIZE - 10}-${SIZE + 1000}`, SIZE - 10, SIZE - 1],
        ['bytes=-99999999', 0, SIZE - 1],
      ];
      for (const [range, start, end] of cases) {
        const res = await get(range);
        assert.equal(res.statusCode, 206, range);
        assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${SIZE}`, range);
        assert.equal(res.headers['content-length'], String(end - start + 1), range);
        assert.equal(res.headers['content-type'], 'audio/wav', range);
        assert.ok(res.rawPayload.equals(bytes.subarray(start, end + 1)), range);
      }
    });

    test('beyond the end: 416 with the size, and JSON saying so', async () => {
      for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 5}-${SIZE + 10}`, 'bytes=-0']) {
        const res = await get(range);
        assert.equal(res.statusCode, 416, range);
        assert.equal(res.headers['content-range'], `bytes */${SIZE}`, range);
        assert.equal(res.json().error.code, 'RANGE_NOT_SATISFIABLE');
      }
    });

    test('several ranges: merged into one 206 when they touch, else the whole file (200)', async () => {
      const merged = await get('bytes=0-9,10-19');
      assert.equal(merged.statusCode, 206);
      assert.equal(merged.headers['content-range'], `bytes 0-19/${SIZE}`);
      const apart = await get('bytes=0-9,100-109');
      assert.equal(apart.statusCode, 200);
      assert.equal(apart.headers['content-length'], String(SIZE));
      assert.ok(apart.rawPayload.equals(bytes));
    });

    test('malformed or foreign ranges are ignored: 200, the whole file', async () => {
      for (const range of ['bytes=abc', 'bytes=10-5', 'bytes=', 'bytes=--1', 'items=0-1', 'bytes=0-1-2', 'bytes 0-1']) {
        const res = await get(range);
        assert.equal(res.statusCode, 200, range);
        assert.equal(res.headers['content-length'], String(SIZE), range);
      }
    });

    test('If-Range with another validator gets the whole file; If-None-Match with ours a 304; HEAD only headers', async () => {
      const etag = String((await get()).headers['etag']);
      assert.equal((await get('bytes=0-9', { 'if-range': etag })).statusCode, 206);
      assert.equal((await get('bytes=0-9', { 'if-range': '"other"' })).statusCode, 200);
      const notModified = await get(undefined, { 'if-none-match': etag });
      assert.equal(notModified.statusCode, 304);
      assert.equal(notModified.rawPayload.length, 0);
      const head = await t.app.inject({ method: 'HEAD', url: `/api/recordings/${id}`, headers: { ...h, range: 'bytes=0-99' } });
      assert.equal(head.statusCode, 206);
      assert.equal(head.headers['content-length'], '100');
      assert.equal(head.rawPayload.length, 0);
    });

    test('download: an attachment with a neutral name (no number, no path)', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/recordings/${id}?download=1`, headers: h });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-disposition'], 'attachment; filename="call-20261123-195708.wav"');
    });

    test('content types from the file itself: MP3 and Ogg', async () => {
      writeFileSync(join(t.monitor, 'c-1795463001.1.mp3'), Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1'), Buffer.alloc(100, 1)]));
      writeFileSync(join(t.monitor, 'c-1795463002.1.ogg'), Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(100, 1)]));
      for (const [call, file, type] of [
        ['default:1795463001.1', 'c-1795463001.1.mp3', 'audio/mpeg'],
        ['default:1795463002.1', 'c-1795463002.1.ogg', 'audio/ogg'],
      ] as const) {
        const rid = await addRecording(t, call, file);
        const res = await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}`, headers: { ...h, range: 'bytes=0-3' } });
        assert.equal(res.statusCode, 206, file);
        assert.equal(res.headers['content-type'], type, file);
        const info = (await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}/info`, headers: h })).json();
        assert.equal(info.recording.contentType, type);
        assert.equal(info.recording.playable, true);
      }
    });

    test('the empty 44-byte recording of an unanswered call: "no audio" in the info, 204 on the stream', async () => {
      const rid = await addRecording(t, 'default:1795463840.2', UNANSWERED, { answered: false });
      const info = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795463840.2/recording', headers: h })).json();
      assert.equal(info.recording.id, rid);
      assert.equal(info.recording.audio, false);
      assert.equal(info.recording.status, 'no-audio');
      assert.equal(info.recording.code, 'RECORDING_NO_AUDIO');
      assert.equal(info.recording.reason, 'No audio: the call was not answered.');
      assert.equal(info.recording.url, null);
      const res = await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}`, headers: h });
      assert.equal(res.statusCode, 204);
      assert.equal(res.headers['x-recording-status'], 'no-audio');
    });

    test('an empty recording the engine thought answered is found empty by its header', async () => {
      writeFileSync(join(t.monitor, 'e-1795463003.1.wav'), readFileSync(new URL(UNANSWERED, FIXTURES)));
      const rid = await addRecording(t, 'default:1795463003.1', 'e-1795463003.1.wav');
      const info = (await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}/info`, headers: h })).json();
      assert.equal(info.recording.status, 'no-audio');
      assert.equal(info.recording.reason, 'No audio: the recording is empty.');
      assert.equal(info.recording.durationSeconds, 0);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}`, headers: h })).statusCode, 204);
    });

    test('still recording: 409 and words; a call with no recording: null and words', async () => {
      const rid = await addRecording(t, 'default:1795463004.1', 'r-1795463004.1.wav', { ended: false });
      const res = await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}`, headers: h });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().error.code, 'RECORDING_IN_PROGRESS');
      await t.callLog.upsert(loggable({ id: 'default:1795463005.1', answeredBy: '101', rang: ['101'] }));
      const none = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795463005.1/recording', headers: h })).json();
      assert.deepEqual({ recording: none.recording, reason: none.reason }, { recording: null, reason: 'No recording was made of this call.' });
      // In the listener's language: the browser's, here Russian.
      const ru = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795463005.1/recording', headers: { ...h, 'accept-language': 'ru-RU,ru;q=0.9' } })).json();
      assert.equal(ru.reason, 'Этот звонок не записывался.');
      const unknown = await t.app.inject({ method: 'GET', url: '/api/calls/default:1.1/recording', headers: admin });
      assert.equal(unknown.statusCode, 404);
    });

    test('a file that disappeared: 404 RECORDING_MISSING, and the info says so', async () => {
      writeFileSync(join(t.monitor, 'g-1795463006.1.wav'), bytes);
      const rid = await addRecording(t, 'default:1795463006.1', 'g-1795463006.1.wav');
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}/info`, headers: h })).json().recording.status, 'ready');
      rmSync(join(t.monitor, 'g-1795463006.1.wav'));
      const res = await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}`, headers: h });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'RECORDING_MISSING');
      const info = (await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}/info`, headers: h })).json().recording;
      assert.deepEqual([info.status, info.audio, info.code, info.url], ['missing', false, 'RECORDING_MISSING', null]);
      assert.match(info.reason, /no longer on the PBX/);
      const ru = (await t.app.inject({ method: 'GET', url: `/api/recordings/${rid}/info`, headers: { ...h, 'accept-language': 'ru' } })).json().recording;
      assert.match(ru.reason, /[А-Яа-я]/, ru.reason);
      assert.equal(ru.code, 'RECORDING_MISSING');
    });

    test('the recordings folder not mounted: 503 in words (the folder named for admins only)', async () => {
      const t2 = await buildRecordingsApp(engine, { settings: { sources: { '*': { kind: 'local', pbxDir: PBX_DIR, localDir: '/nonexistent/crmt/monitor' } } } });
      try {
        const rid = await addRecording(t2, CALL, ANSWERED);
        const alice = await session(t2.app, 'alice');
        const root = await session(t2.app, 'root');
        const res = await t2.app.inject({ method: 'GET', url: `/api/recordings/${rid}`, headers: alice });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json().error.code, 'RECORDING_UNAVAILABLE');
        assert.doesNotMatch(res.json().error.message, /nonexistent/);
        const forAdmin = (await t2.app.inject({ method: 'GET', url: `/api/recordings/${rid}/info`, headers: root })).json().recording;
        assert.equal(forAdmin.status, 'unavailable');
        assert.match(forAdmin.reason, /\/nonexistent\/crmt\/monitor does not exist on this server/);
      } finally {
        await t2.close();
      }
    });

    test('a recording the PBX put outside its folder cannot be played, and says why', async () => {
      await t.recordings.onRecordingLocated({ callId: 'default:1795463007.1', file: 'o-1795463007.1.wav', path: '/tmp/o-1795463007.1.wav' });
      await t.recordings.onCallEnded({ id: 'default:1795463007.1', recording: 'o-1795463007.1.wav', recordingFile: 'o-1795463007.1.wav' });
      await t.callLog.upsert(loggable({ id: 'default:1795463007.1', answeredBy: '101', rang: ['101'] }));
      const rows = await t.t.store.db.selectFrom('recordings').select(['id', 'location']).where('call_id', '=', 'default:1795463007.1').execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.location, null, 'the bare name at the end does not undo the refusal');
      const info = (await t.app.inject({ method: 'GET', url: '/api/calls/default:1795463007.1/recording', headers: h })).json().recording;
      assert.deepEqual([info.audio, info.status, info.code], [false, 'unavailable', 'RECORDING_UNLOCATABLE']);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/recordings/${info.id}`, headers: h })).statusCode, 404);
    });
  });
}
