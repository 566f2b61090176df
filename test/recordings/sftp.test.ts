/**
 * The SFTP source against a real OpenSSH server on loopback (Debian's openssh-server, started by the
 * test with throwaway keys): reads and ranges, one reused connection, a wrong key, a wrong or
 * missing host key, files that disappear, links out of the folder, a dropped and a stalled
 * connection, the cache, and the routes over it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SftpSource, type SftpSourceOptions } from '../../src/recordings/sources/sftp-source.ts';
import { isRecordingError } from '../../src/recordings/recording-errors.ts';
import { startSshd, sshdMissing, type Sshd } from './support/sshd.ts';
import { startProxy } from './support/tcp-proxy.ts';
import { ANSWERED, buildRecordingsApp, FIXTURES, session } from './support/app.ts';
import { loggable } from '../support/calls.ts';

const missing = sshdMissing();
// In CI (.ci/run installs openssh-server) a missing sshd is a failure, not a skip.
const skip = missing !== null && !process.env['CI'] ? `${missing} (skipped outside CI)` : false;
const bytes = readFileSync(new URL(ANSWERED, FIXTURES));

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function rejectsWith(work: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  await work.catch((err: unknown) => {
    caught = err;
  });
  assert.ok(isRecordingError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('SFTP source against a real sshd', { skip }, () => {
  let sshd: Sshd;
  const sources: SftpSource[] = [];
  const source = (over: Partial<SftpSourceOptions> = {}): SftpSource => {
    const s = new SftpSource({ root: sshd.files, host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostKey, timeoutMs: 3000, ...over });
    sources.push(s);
    return s;
  };
  before(async () => {
    sshd = await startSshd();
    copyFileSync(new URL(ANSWERED, FIXTURES), join(sshd.files, ANSWERED));
  });
  after(async () => {
    for (const s of sources) await s.close();
    await sshd?.stop();
  });

  test('reads the whole file and any range, over one connection reused by every operation', async () => {
    const s = source();
    const whole = await s.open(ANSWERED);
    assert.equal(whole.size, bytes.length);
    assert.ok((await readAll(whole.stream(0, whole.size - 1))).equals(bytes));
    for (const [start, end] of [
      [0, 0],
      [bytes.length - 1, bytes.length - 1],
      [44, 44 + 70_000],
      [1000, 30_000],
    ] as const) {
      const o = await s.open(ANSWERED);
      const got = await readAll(o.stream(start, Math.min(end, o.size - 1)));
      assert.ok(got.equals(bytes.subarray(start, Math.min(end, o.size - 1) + 1)), `${start}-${end}`);
    }
    const head = await s.open(ANSWERED);
    assert.deepEqual((await head.read(0, 12)).toString('latin1'), 'RIFF\u0064\u00ba\u0000\u0000WAVE');
    await head.close();
    assert.deepEqual(await s.stat(ANSWERED), { size: bytes.length, mtimeMs: (await s.stat(ANSWERED)).mtimeMs });
    assert.equal(s.connection.connects, 1, 'one SSH connection for all of it');
  });

  test('a wrong key is refused in words, and not retried against the server during the cool-down', async () => {
    const s = source({ privateKey: sshd.wrongKey });
    const err = await rejectsWith(s.stat(ANSWERED), 'RECORDING_ERR_SFTP_AUTH');
    assert.match(err.message, /refused the key in RECORDINGS_SFTP_KEY_FILE/);
    const began = performance.now();
    await rejectsWith(s.stat(ANSWERED), 'RECORDING_ERR_SFTP_AUTH');
    assert.ok(performance.now() - began < 50, 'failed at once, without knocking again');
    assert.equal(s.connection.connects, 0);
  });

  test('a key that is not a key is said so', async () => {
    await rejectsWith(source({ privateKey: 'not a key' }).stat(ANSWERED), 'RECORDING_ERR_SFTP_AUTH');
  });

  test('the host key must be the configured one; with none configured the error names what the server showed', async () => {
    const none = await rejectsWith(source({ hostKey: null }).stat(ANSWERED), 'RECORDING_ERR_SFTP_HOST_KEY');
    assert.ok(none.message.includes(`RECORDINGS_SFTP_HOST_KEY=${sshd.hostKey}`), none.message);
    const wrong = await rejectsWith(source({ hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).stat(ANSWERED), 'RECORDING_ERR_SFTP_HOST_KEY');
    assert.match(wrong.message, /not the configured RECORDINGS_SFTP_HOST_KEY/);
  });

  test('nothing listening: unavailable, in words', async () => {
    const proxy = await startProxy(1);
    const port = proxy.port;
    await proxy.close();
    await rejectsWith(source({ port, timeoutMs: 1500 }).stat(ANSWERED), 'RECORDING_ERR_SOURCE_UNAVAILABLE');
  });

  test('a file that disappears: before opening it is missing; once open, the read completes', async () => {
    const s = source();
    copyFileSync(new URL(ANSWERED, FIXTURES), join(sshd.files, 'gone-1.wav'));
    copyFileSync(new URL(ANSWERED, FIXTURES), join(sshd.files, 'gone-2.wav'));
    rmSync(join(sshd.files, 'gone-1.wav'));
    const err = await rejectsWith(s.open('gone-1.wav'), 'RECORDING_ERR_MISSING');
    assert.match(err.message, /not on the PBX any more/);
    await rejectsWith(s.stat('gone-1.wav'), 'RECORDING_ERR_MISSING');
    const open = await s.open('gone-2.wav');
    rmSync(join(sshd.files, 'gone-2.wav'));
    assert.ok((await readAll(open.stream(0, open.size - 1))).equals(bytes), 'an open file outlives its name');
    await s.remove('gone-2.wav');
  });

  test('a file that shrinks while streamed ends the stream with an error, not short audio', async () => {
    const s = source();
    writeFileSync(join(sshd.files, 'shrink.wav'), Buffer.alloc(2_000_000, 7));
    const open = await s.open('shrink.wav');
    writeFileSync(join(sshd.files, 'shrink.wav'), Buffer.alloc(10, 7));
    await rejectsWith(readAll(open.stream(0, open.size - 1)), 'RECORDING_ERR_SIZE_MISMATCH');
  });

  test('links out of the folder and traversal in locations are refused', async () => {
    const s = source();
    symlinkSync('/etc/passwd', join(sshd.files, 'evil.wav'));
    await rejectsWith(s.open('evil.wav'), 'RECORDING_ERR_OUTSIDE_ROOT');
    for (const loc of ['../monitor/x.wav', '/etc/passwd', 'a/../../x.wav', '.', '', 'x\u0000.wav']) await rejectsWith(s.open(loc), 'RECORDING_ERR_BAD_PATH');
    const wrongRoot = source({ root: '/nonexistent-crmt' });
    const err = await rejectsWith(wrongRoot.stat(ANSWERED), 'RECORDING_ERR_SOURCE_UNAVAILABLE');
    assert.match(err.message, /does not exist on sftp:\/\//);
  });

  test('a dropped connection is reconnected on the next operation', async () => {
    const proxy = await startProxy(sshd.port);
    try {
      const s = source({ port: proxy.port });
      await s.stat(ANSWERED);
      proxy.dropAll();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await s.stat(ANSWERED)).size, bytes.length);
      assert.equal(s.connection.connects, 2);
    } finally {
      await proxy.close();
    }
  });

  test('a stalled connection fails the operation at its deadline, then a fresh connection works', async () => {
    const proxy = await startProxy(sshd.port);
    try {
      // 1.5 s: an SSH handshake on a busy 2-core machine alone can take most of 400 ms.
      const s = source({ port: proxy.port, timeoutMs: 1_500 });
      await s.stat(ANSWERED);
      proxy.pause();
      const began = performance.now();
      await rejectsWith(s.stat(ANSWERED), 'RECORDING_ERR_TIMEOUT');
      assert.ok(performance.now() - began < 5_000);
      proxy.resume();
      assert.equal((await s.stat(ANSWERED)).size, bytes.length);
      assert.ok(s.connection.connects >= 2, 'the stalled session was dropped');
    } finally {
      await proxy.close();
    }
  });

  test('the routes over SFTP: Range, and the cache (a second listen is served even when the PBX file is gone)', async () => {
    const t = await buildRecordingsApp('sqlite', {
      settings: {
        // This "PBX" is the test's sshd: its recordings folder is the test folder it serves.
        sources: { '*': { kind: 'sftp', pbxDir: sshd.files, host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostKey, timeoutMs: 3000 } },
        cache: { dir: join(sshd.dir, 'cache'), maxBytes: 10 * 1024 * 1024 },
      },
    });
    try {
      const file = 'c-1795460001.1.wav';
      copyFileSync(new URL(ANSWERED, FIXTURES), join(sshd.files, file));
      await t.callLog.upsert(loggable({ id: 'default:1795460001.1', answeredBy: '101', rang: ['101'] }));
      await t.recordings.onRecordingLocated({ callId: 'default:1795460001.1', file, path: `${sshd.files}/${file}` });
      await t.recordings.onCallEnded({ id: 'default:1795460001.1', recording: file, recordingFile: file });
      const id = (await t.t.store.db.selectFrom('recordings').select('id').executeTakeFirstOrThrow()).id;
      const alice = await session(t.app, 'alice');
      const first = await t.app.inject({ method: 'GET', url: `/api/recordings/${id}`, headers: { ...alice, range: 'bytes=100-199' } });
      assert.equal(first.statusCode, 206);
      assert.ok(first.rawPayload.equals(bytes.subarray(100, 200)));
      await t.recordings.idle();
      rmSync(join(sshd.files, file));
      const second = await t.app.inject({ method: 'GET', url: `/api/recordings/${id}`, headers: { ...alice, range: 'bytes=-100' } });
      assert.equal(second.statusCode, 206, 'served from the cache');
      assert.ok(second.rawPayload.equals(bytes.subarray(bytes.length - 100)));
      const info = (await t.app.inject({ method: 'GET', url: `/api/recordings/${id}/info`, headers: alice })).json();
      assert.equal(info.recording.durationSeconds, 2.98);
    } finally {
      await t.close();
    }
  });
});
