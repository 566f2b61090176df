/**
 * Copy mode: recordings copied into our storage when calls end, verified by size, retried with
 * backoff, optionally deleted from the PBX, and a durable queue that a restart in the middle of a
 * copy does not lose (a graceful stop and a crash), on SQLite and PostgreSQL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ENGINES } from '../support/engines.ts';
import type { Store } from '../../src/store/store.ts';
import { Recordings } from '../../src/recordings/recordings.ts';
import { defaultRecordingSettings, type RecordingsSettings } from '../../src/recordings/config.ts';
import { LocalSource } from '../../src/recordings/sources/local-source.ts';
import type { OpenedRecording, RecordingSource } from '../../src/recordings/sources/source.ts';
import { ANSWERED, FIXTURES, PBX_DIR, silentLog, UNANSWERED } from './support/app.ts';
import { reopenableStore } from './support/reopen.ts';

const bytes = readFileSync(new URL(ANSWERED, FIXTURES));
const T0 = Date.parse('2026-11-23T20:00:00.000Z');

/** The PBX's folder through a source whose streams stop after the first 8 KiB until released. */
class StallingSource implements RecordingSource {
  readonly kind = 'local' as const;
  readonly description = 'stalling test source';
  readonly inner: LocalSource;
  #release: () => void = () => undefined;
  readonly released: Promise<void>;
  /** Resolves once a stream has sent its first chunk and stalled. */
  readonly stalled: Promise<void>;
  #onStall: () => void = () => undefined;

  constructor(root: string) {
    this.inner = new LocalSource({ root });
    this.released = new Promise((r) => (this.#release = r));
    this.stalled = new Promise((r) => (this.#onStall = r));
  }

  release(): void {
    this.#release();
  }

  async open(location: string): Promise<OpenedRecording> {
    const opened = await this.inner.open(location);
    const released = this.released;
    const onStall = (): void => this.#onStall();
    return {
      size: opened.size,
      mtimeMs: opened.mtimeMs,
      read: (p, n) => opened.read(p, n),
      close: () => opened.close(),
      stream(start: number, end: number): Readable {
        let sent = false;
        const source = opened.stream(start, end);
        return new Readable({
          read() {
            if (!sent) {
              sent = true;
              void opened.read(start, 8192).then((chunk) => {
                this.push(chunk);
                onStall();
              });
              return;
            }
            void released.then(async () => {
              source.destroy();
              const rest = await opened.read(start + 8192, end - start + 1 - 8192).catch(() => Buffer.alloc(0));
              this.push(rest);
              this.push(null);
            });
          },
          destroy(err, cb) {
            source.destroy();
            cb(err);
          },
        });
      },
    };
  }

  stat(location: string) {
    return this.inner.stat(location);
  }

  remove(location: string) {
    return this.inner.remove(location);
  }

  check() {
    return this.inner.check();
  }

  async close(): Promise<void> {}
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

for (const engine of ENGINES) {
  describe(`copy mode on ${engine}`, () => {
    let dir: string;
    let monitor: string;
    let storageDir: string;
    let clock = T0;
    const now = (): number => clock;
    const settings = (over: Partial<RecordingsSettings> = {}): RecordingsSettings =>
      defaultRecordingSettings({
        mode: 'copy',
        sources: { '*': { kind: 'local', pbxDir: PBX_DIR, localDir: monitor } },
        storageDir,
        copy: { delayMs: 10_000, maxAttempts: 3, maxBackoffMs: 60_000, deleteFromPbx: false },
        ...over,
      });
    const make = (store: Store, over: Partial<ConstructorParameters<typeof Recordings>[0]> = {}) =>
      new Recordings({ store, settings: settings(), log: silentLog, now, copyQueue: { leaseMs: 60_000, worker: false }, ...over });

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'crmt-copy-'));
      monitor = join(dir, 'monitor');
      storageDir = join(dir, 'storage');
      mkdirSync(monitor);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    async function endCall(r: Recordings, uniqueid: string, file: string, answered = true): Promise<void> {
      await r.onRecordingLocated({ callId: `default:${uniqueid}`, file, path: `${PBX_DIR}/${file}` });
      await r.onCallEnded({ id: `default:${uniqueid}`, recording: answered ? file : null, recordingFile: file });
    }

    async function rowOf(store: Store, uniqueid: string) {
      return store.db.selectFrom('recordings').selectAll().where('call_id', '=', `default:${uniqueid}`).executeTakeFirstOrThrow();
    }

    test('a call ends, the copy waits for the delay, then lands in storage verified; the player reads our copy', async () => {
      const db = reopenableStore(engine);
      const store = await db.open();
      const r = make(store);
      try {
        await r.start();
        copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'a-1795470001.1.wav'));
        await endCall(r, '1795470001.1', 'a-1795470001.1.wav');
        assert.equal(await r.runCopies(), 0, 'not due before the delay');
        clock += 10_000;
        assert.equal(await r.runCopies(), 1);
        const row = await rowOf(store, '1795470001.1');
        assert.match(String(row.stored_location), /^2026\/11\/rec_[A-Za-z0-9_-]{22}\.wav$/);
        assert.equal(Number(row.stored_size), bytes.length);
        assert.equal(row.duration_ms, 2980);
        assert.ok(readFileSync(join(storageDir, row.stored_location!)).equals(bytes));
        assert.deepEqual(await r.copyJobs(), []);
        assert.equal(existsSync(join(monitor, 'a-1795470001.1.wav')), true, 'the PBX file stays unless deletion is on');
        rmSync(join(monitor, 'a-1795470001.1.wav'));
        const opened = await r.openForListening(row.id, { user: { id: 'x', login: 'root', role: 'admin', extensions: [] }, via: 'session', ip: '127.0.0.1', userAgent: 't' }, { download: false });
        assert.ok(opened.ok);
        assert.equal(opened.value.size, bytes.length, 'served from our storage with the PBX file gone');
        await opened.value.opened.close();
      } finally {
        await r.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('the worker copies on its own once started (no one calls runCopies)', async () => {
      const db = reopenableStore(engine);
      const store = await db.open();
      const r = new Recordings({ store, settings: settings({ copy: { delayMs: 0, maxAttempts: 3, maxBackoffMs: 60_000, deleteFromPbx: false } }), log: silentLog });
      try {
        await r.start();
        copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'w-1795470010.1.wav'));
        await endCall(r, '1795470010.1', 'w-1795470010.1.wav');
        // The enqueue wakes the worker at once; waiting on its result, not on a clock.
        for (let i = 0; i < 250 && (await rowOf(store, '1795470010.1')).stored_location === null; i++) await new Promise((res) => setTimeout(res, 20));
        assert.equal(Number((await rowOf(store, '1795470010.1')).stored_size), bytes.length);
      } finally {
        await r.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('the PBX\'s report makes the copy due at once; an unanswered call\'s empty file is not copied', async () => {
      const db = reopenableStore(engine);
      const store = await db.open();
      const r = make(store);
      try {
        await r.start();
        copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'b-1795470002.1.wav'));
        copyFileSync(new URL(UNANSWERED, FIXTURES), join(monitor, 'u-1795470003.1.wav'));
        await endCall(r, '1795470002.1', 'b-1795470002.1.wav');
        await endCall(r, '1795470003.1', 'u-1795470003.1.wav', false);
        const rep = await r.report({ linkedid: '1795470002.1', path: `${PBX_DIR}/b-1795470002.1.wav`, size: bytes.length });
        assert.ok(rep.ok);
        assert.equal(await r.runCopies(), 1);
        assert.ok((await rowOf(store, '1795470002.1')).stored_location);
        assert.equal((await rowOf(store, '1795470003.1')).stored_location, null);
        assert.deepEqual(await r.copyJobs(), []);
      } finally {
        await r.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('restart in the middle of a copy (graceful stop): the queue survives and the next start finishes it', async () => {
      const db = reopenableStore(engine);
      copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'c-1795470004.1.wav'));
      const stalling = new StallingSource(monitor);
      let store = await db.open();
      const a = make(store, { sources: { '*': stalling }, instanceId: 'instance-a' });
      await a.start();
      await endCall(a, '1795470004.1', 'c-1795470004.1.wav');
      clock += 10_000;
      const running = a.runCopies();
      await stalling.stalled;
      // Mid-copy: 8 KiB of 47 KiB are in a temporary file; the service is stopped.
      const [job] = await a.copyJobs();
      assert.equal(job?.lockedBy, 'instance-a');
      await a.stop();
      await running;
      await store.close();
      assert.deepEqual(filesUnder(storageDir).filter((f) => f.includes('.part')), [], 'no half copy is left behind');

      store = await db.open();
      const b = make(store, { instanceId: 'instance-b' });
      try {
        await b.start();
        const jobs = await b.copyJobs();
        assert.equal(jobs.length, 1, 'the job was kept');
        assert.equal(jobs[0]!.lockedBy, null, 'its lease was given back');
        assert.equal(jobs[0]!.attempts, 0, 'a stop is not a failed attempt');
        assert.equal(await b.runCopies(), 1);
        const row = await rowOf(store, '1795470004.1');
        assert.ok(readFileSync(join(storageDir, row.stored_location!)).equals(bytes));
      } finally {
        await b.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('restart after a crash in the middle of a copy: the job comes back when the lease runs out', async () => {
      const db = reopenableStore(engine);
      copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'd-1795470005.1.wav'));
      const stalling = new StallingSource(monitor);
      const storeA = await db.open();
      const a = make(storeA, { sources: { '*': stalling }, instanceId: 'crashed' });
      await a.start();
      await endCall(a, '1795470005.1', 'd-1795470005.1.wav');
      clock += 10_000;
      const running = a.runCopies();
      await stalling.stalled;
      // The process "dies" here: nothing is released. A new instance starts on the same database.
      const storeB = await db.open();
      const b = make(storeB, { instanceId: 'restarted' });
      try {
        await b.start();
        assert.equal(await b.runCopies(), 0, 'the crashed instance\'s lease still holds');
        clock += 60_001;
        assert.equal(await b.runCopies(), 1, 'taken over once the lease ran out');
        const row = await rowOf(storeB, '1795470005.1');
        assert.ok(readFileSync(join(storageDir, row.stored_location!)).equals(bytes));
        assert.deepEqual(await b.copyJobs(), []);
      } finally {
        stalling.release();
        await running.catch(() => 0);
        await a.stop();
        await b.stop();
        await storeA.close();
        await storeB.close();
        await db.dispose();
      }
    });


    test('a missing file is retried with backoff, then given up and listed for admins', async () => {
      const db = reopenableStore(engine);
      const store = await db.open();
      const r = make(store);
      try {
        await r.start();
        await endCall(r, '1795470006.1', 'm-1795470006.1.wav');
        clock += 10_000;
        assert.equal(await r.runCopies(), 1);
        let [job] = await r.copyJobs();
        assert.deepEqual([job?.state, job?.attempts, job?.lastErrorCode], ['pending', 1, 'RECORDING_ERR_MISSING']);
        const firstDelay = Date.parse(job!.dueAt) - clock;
        assert.ok(firstDelay >= 4000 && firstDelay <= 6000, `first retry in ~5 s, not ${firstDelay}`);
        assert.equal(await r.runCopies(), 0, 'not before its time');
        clock += firstDelay;
        await r.runCopies();
        [job] = await r.copyJobs();
        const secondDelay = Date.parse(job!.dueAt) - clock;
        assert.ok(secondDelay >= 8000 && secondDelay <= 12000, `then ~10 s, not ${secondDelay}`);
        clock += secondDelay;
        await r.runCopies();
        [job] = await r.copyJobs();
        assert.deepEqual([job?.state, job?.attempts], ['failed', 3], 'RECORDINGS_COPY_MAX_ATTEMPTS=3');
        // The file turns up: a failed job stays failed (an admin sees it), the player still reads the PBX's file.
        copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'm-1795470006.1.wav'));
        clock += 3_600_000;
        assert.equal(await r.runCopies(), 0);
      } finally {
        await r.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('a size other than the reported one is not accepted as a copy', async () => {
      const db = reopenableStore(engine);
      const store = await db.open();
      const r = make(store);
      try {
        await r.start();
        copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 's-1795470007.1.wav'));
        await endCall(r, '1795470007.1', 's-1795470007.1.wav');
        assert.ok((await r.report({ linkedid: '1795470007.1', path: `${PBX_DIR}/s-1795470007.1.wav`, size: bytes.length + 1 })).ok);
        await r.runCopies();
        const [job] = await r.copyJobs();
        assert.equal(job?.lastErrorCode, 'RECORDING_ERR_SIZE_MISMATCH');
        assert.equal((await rowOf(store, '1795470007.1')).stored_location, null);
      } finally {
        await r.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('delete from the PBX after a verified copy, and only then', async () => {
      const db = reopenableStore(engine);
      const store = await db.open();
      const r = new Recordings({ store, settings: settings({ copy: { delayMs: 0, maxAttempts: 3, maxBackoffMs: 60_000, deleteFromPbx: true } }), log: silentLog, now, copyQueue: { worker: false } });
      try {
        await r.start();
        copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, 'x-1795470008.1.wav'));
        await endCall(r, '1795470008.1', 'x-1795470008.1.wav');
        await r.runCopies();
        const row = await rowOf(store, '1795470008.1');
        assert.equal(row.pbx_deleted, 1);
        assert.equal(existsSync(join(monitor, 'x-1795470008.1.wav')), false);
        assert.ok(readFileSync(join(storageDir, row.stored_location!)).equals(bytes));
      } finally {
        await r.stop();
        await store.close();
        await db.dispose();
      }
    });

    test('transcoding with ffmpeg when present: the copy becomes MP3; a failing ffmpeg keeps the WAV', async () => {
      // A stand-in for ffmpeg: the real one is optional, and not what this test is about.
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      const fake = join(bin, 'ffmpeg');
      writeFileSync(fake, '#!/bin/sh\nif [ "$2" = "-version" ] || [ "$1" = "-version" ]; then echo ffmpeg version fake; exit 0; fi\nfor a; do last="$a"; done\nprintf "ID3fake-mp3" > "$last"\n');
      chmodSync(fake, 0o755);
      const broken = join(bin, 'ffmpeg-broken');
      writeFileSync(broken, '#!/bin/sh\nif [ "$2" = "-version" ]; then exit 0; fi\necho "Unknown encoder libmp3lame" >&2\nexit 1\n');
      chmodSync(broken, 0o755);
      for (const [ffmpeg, expected] of [
        [fake, 'mp3'],
        [broken, 'wav'],
        [join(bin, 'no-such-ffmpeg'), 'wav'],
      ] as const) {
        const db = reopenableStore(engine);
        const store = await db.open();
        const r = new Recordings({ store, settings: settings({ transcode: { to: 'mp3', ffmpeg }, copy: { delayMs: 0, maxAttempts: 3, maxBackoffMs: 60_000, deleteFromPbx: false } }), log: silentLog, now, copyQueue: { worker: false } });
        try {
          await r.start();
          const file = `t-${expected}-${ffmpeg.length}-1795470009.1.wav`;
          copyFileSync(new URL(ANSWERED, FIXTURES), join(monitor, file));
          await endCall(r, '1795470009.1', file);
          await r.runCopies();
          const row = await rowOf(store, '1795470009.1');
          assert.equal(row.stored_format, expected, ffmpeg);
          assert.ok(String(row.stored_location).endsWith(`.${expected}`), ffmpeg);
          assert.equal(row.duration_ms, 2980, 'the length comes from the original WAV');
          const siblings = readdirSync(join(storageDir, '2026', '11')).filter((f) => f.startsWith(row.id));
          assert.deepEqual(siblings, [`${row.id}.${expected}`], 'one file per recording');
        } finally {
          await r.stop();
          await store.close();
          await db.dispose();
        }
      }
    });
  });
}
