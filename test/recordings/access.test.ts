/**
 * Who may listen: the access matrix on every recordings route, on SQLite and PostgreSQL, with
 * every refusal and the audit it leaves.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { ANSWERED, buildRecordingsApp, PBX_DIR, session, type RecordingsTestApp } from './support/app.ts';
import { loggable } from '../support/calls.ts';

const CALL = 'default:1795463828.0';

async function setUp(t: RecordingsTestApp): Promise<string> {
  const contact = (await t.directory.upsertContact({ firstName: 'John', lastName: 'Customer', assignedUserId: t.users.carol, phones: [{ kind: 'mobile', number: '+1 555 123 0001' }] })).id;
  // 101 (Alice) answered; 102 (Bob) only rang: a ring group.
  await t.callLog.upsert(loggable({ id: CALL, answeredBy: '101', rang: ['101', '102'], recording: ANSWERED }), [{ type: 'contact', id: contact, link: 'matched' }]);
  await t.recordings.onRecordingLocated({ callId: CALL, file: ANSWERED, path: `${PBX_DIR}/${ANSWERED}` });
  await t.recordings.onCallEnded({ id: CALL, recording: ANSWERED, recordingFile: ANSWERED });
  const row = await t.t.store.db.selectFrom('recordings').select('id').where('call_id', '=', CALL).executeTakeFirstOrThrow();
  return row.id;
}

for (const engine of ENGINES) {
  describe(`recordings access on ${engine}`, () => {
    let t: RecordingsTestApp;
    let id: string;
    const as: Record<string, Record<string, string>> = {};
    before(async () => {
      t = await buildRecordingsApp(engine);
      id = await setUp(t);
      for (const login of ['alice', 'bob', 'carol', 'root']) as[login] = await session(t.app, login);
      as['routing'] = { authorization: `Bearer ${(await t.access.createToken('routing', 'dialplan', null)).token}` };
      as['alice-api'] = { authorization: `Bearer ${(await t.access.createToken('api', 'alice script', t.users.alice)).token}`, 'user-agent': 'script' };
      as['nobody'] = {};
      // A signed-in agent with no phone (a manager): no extension, so no part in any call.
      await t.directory.upsertUser({ login: 'dora', name: 'Dora No-Phone', password: 'dora-pw', extensions: [] });
      as['dora'] = await session(t.app, 'dora');
    });
    after(() => t.close());

    const urls = (): string[] => [`/api/recordings/${id}`, `/api/recordings/${id}/info`, `/api/calls/${CALL}/recording`];

    test('the matrix: admin, participant, record owner and API token hear it; another agent, no session and a routing token do not', async () => {
      const expected: [string, number, string | null][] = [
        ['root', 200, null],
        ['alice', 200, null],
        ['carol', 200, null],
        ['alice-api', 200, null],
        ['bob', 403, 'RECORDING_FORBIDDEN'],
        ['dora', 403, 'RECORDING_FORBIDDEN'],
        ['nobody', 401, 'AUTH_REQUIRED'],
        ['routing', 401, 'AUTH_REQUIRED'],
      ];
      for (const [who, status, code] of expected) {
        for (const url of urls()) {
          const res = await t.app.inject({ method: 'GET', url, headers: as[who] });
          assert.equal(res.statusCode, status, `${who} GET ${url}: ${res.body.slice(0, 200)}`);
          if (code) assert.equal(res.json().error.code, code, `${who} ${url}`);
        }
      }
      const info = (await t.app.inject({ method: 'GET', url: `/api/calls/${CALL}/recording`, headers: as['carol'] })).json();
      assert.equal(info.recording.id, id);
      assert.equal(info.recording.audio, true);
      assert.equal(info.recording.durationSeconds, 2.98);
      assert.equal(info.recording.canDownload, true);
      assert.equal(info.recording.url, `/api/recordings/${id}`);
    });

    test('a phone that only rang is not taking part; answering, placing or taking a transfer is', async () => {
      const other = 'default:1795463999.1';
      await t.callLog.upsert(loggable({ id: other, rang: ['102'], answeredBy: null, callerExtension: '101', direction: 'outbound', transfers: [{ to: '103' }] }));
      await t.recordings.onRecordingLocated({ callId: other, file: 'x-1795463999.1.wav', path: null });
      await t.recordings.onCallEnded({ id: other, recording: 'x-1795463999.1.wav', recordingFile: 'x-1795463999.1.wav' });
      const status = async (who: string): Promise<number> => (await t.app.inject({ method: 'GET', url: `/api/calls/${other}/recording`, headers: as[who] })).statusCode;
      assert.equal(await status('alice'), 200, 'placed the call');
      assert.equal(await status('carol'), 200, 'took the transfer');
      assert.equal(await status('bob'), 403, 'only rang');
    });

    test('every listen and refusal is audited with who, when, where from; admins read the audit, nobody else', async () => {
      await t.app.inject({ method: 'GET', url: `/api/recordings/${id}`, headers: { ...as['alice'], range: 'bytes=0-' } });
      await t.app.inject({ method: 'GET', url: `/api/recordings/${id}`, headers: { ...as['alice'], range: 'bytes=1000-' } });
      await t.app.inject({ method: 'GET', url: `/api/recordings/${id}?download=1`, headers: as['root'] });
      await t.app.inject({ method: 'GET', url: `/api/recordings/${id}`, headers: as['bob'] });
      await t.app.inject({ method: 'HEAD', url: `/api/recordings/${id}`, headers: as['carol'] });
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/admin/recordings/audit', headers: as['alice'] })).statusCode, 403);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/admin/recordings/audit', headers: as['routing'] })).statusCode, 401);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/admin/recordings/audit' })).statusCode, 401);
      const res = await t.app.inject({ method: 'GET', url: `/api/admin/recordings/audit?recording=${id}`, headers: as['root'] });
      assert.equal(res.statusCode, 200);
      const entries = res.json().entries as { userLogin: string; action: string; outcome: string; requests: number; ip: string; userAgent: string; callId: string; via: string }[];
      const by = (login: string, action: string, outcome: string) => entries.find((e) => e.userLogin === login && e.action === action && e.outcome === outcome);
      const alice = by('alice', 'listen', 'allowed');
      assert.ok(alice, JSON.stringify(entries));
      assert.ok(alice.requests >= 3, 'the matrix GET and both range requests are one entry with a count');
      assert.equal(alice.ip, '127.0.0.1');
      assert.equal(alice.userAgent, 'test-browser (alice)');
      assert.equal(alice.callId, CALL);
      assert.ok(by('root', 'download', 'allowed'));
      assert.ok(by('bob', 'listen', 'denied'), 'refusals are audited too');
      assert.ok(by('alice', 'listen', 'allowed') && entries.some((e) => e.userLogin === 'alice' && e.via === 'token'), 'API-token listens are told apart');
      assert.equal(entries.filter((e) => e.userLogin === 'carol' && e.action === 'listen').length, 1, 'HEAD adds no listen (only the matrix GET)');
    });

    test('RECORDINGS_DOWNLOAD=admins: listeners may not download, admins may', async () => {
      const t2 = await buildRecordingsApp(engine, { settings: { download: 'admins' } });
      try {
        const id2 = await setUp(t2);
        const alice = await session(t2.app, 'alice');
        const root = await session(t2.app, 'root');
        const denied = await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}?download=1`, headers: alice });
        assert.equal(denied.statusCode, 403);
        assert.equal(denied.json().error.code, 'RECORDING_DOWNLOAD_FORBIDDEN');
        assert.equal((await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}`, headers: alice })).statusCode, 200, 'listening is still allowed');
        const info = (await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}/info`, headers: alice })).json();
        assert.equal(info.recording.canDownload, false);
        assert.equal(info.recording.downloadUrl, null);
        const ok = await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}?download=1`, headers: root });
        assert.equal(ok.statusCode, 200);
        assert.match(String(ok.headers['content-disposition']), /^attachment; filename="call-20261123-195708\.wav"$/);
        const audit = await t2.recordings.audit({ recordingId: id2 });
        assert.ok(audit.some((e) => e.userLogin === 'alice' && e.action === 'download' && e.outcome === 'denied'));
      } finally {
        await t2.close();
      }
    });

    test('RECORDINGS_ACCESS=everyone: any signed-in person listens, still not a routing token or nobody', async () => {
      const t2 = await buildRecordingsApp(engine, { settings: { access: 'everyone' } });
      try {
        const id2 = await setUp(t2);
        const bob = await session(t2.app, 'bob');
        assert.equal((await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}`, headers: bob })).statusCode, 200);
        const routing = (await t2.access.createToken('routing', 'dialplan', null)).token;
        assert.equal((await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}`, headers: { authorization: `Bearer ${routing}` } })).statusCode, 401);
        assert.equal((await t2.app.inject({ method: 'GET', url: `/api/recordings/${id2}` })).statusCode, 401);
      } finally {
        await t2.close();
      }
    });

    test('the report is for the PBX: a routing token only', async () => {
      const payload = { linkedid: '1795463828.0', path: `${PBX_DIR}/${ANSWERED}`, size: 47724 };
      for (const who of ['nobody', 'alice', 'alice-api', 'root']) {
        const res = await t.app.inject({ method: 'POST', url: '/api/recordings/report', headers: as[who], payload });
        assert.equal(res.statusCode, 401, who);
        assert.equal(res.json().error.code, 'AUTH_REQUIRED', who);
      }
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/recordings/report', headers: as['routing'], payload })).statusCode, 202);
    });
  });
}
