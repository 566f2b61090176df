/**
 * A web app with the recordings routes over a test store (SQLite in memory, or a fresh PostgreSQL
 * schema), four people, and a PBX recordings folder in a temporary directory mounted under another
 * path than the PBX's (the prefix mapping). For route tests with inject().
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Engine } from '../../../src/store/store.ts';
import { reopenableStore } from './reopen.ts';
import type { Store } from '../../../src/store/store.ts';
import { Directory } from '../../../src/directory/directory.ts';
import { Access } from '../../../src/web/auth/access.ts';
import { buildWebServer } from '../../../src/web/server.ts';
import { CallLog } from '../../../src/store/call-log.ts';
import { Recordings, type RecordingsOptions } from '../../../src/recordings/recordings.ts';
import { defaultRecordingSettings, type RecordingsSettings } from '../../../src/recordings/config.ts';
import { recordingsRoutes } from '../../../src/web/routes/recordings-routes.ts';

export const PBX_DIR = '/var/spool/asterisk/monitor';
export const FIXTURES = new URL('../../fixtures/ami-transcripts/recordings/', import.meta.url);
export const ANSWERED = '20261123-195708-+15551230001-1795463828.0.wav';
export const UNANSWERED = '20261123-195720-+15551230002-1795463840.2.wav';
export const C2C = '20261123-195827-15559876543-1795463905.13.wav';

export const silentLog = pino({ level: 'silent' });

export interface RecordingsTestApp {
  engine: Engine;
  app: FastifyInstance;
  /** The store (`t.store`), and its disposal. */
  t: { store: Store; dispose(): Promise<void> };
  directory: Directory;
  access: Access;
  callLog: CallLog;
  recordings: Recordings;
  settings: RecordingsSettings;
  /** The PBX's recordings folder as mounted here. */
  monitor: string;
  /** Temporary root: monitor/, storage/, cache/. */
  dir: string;
  users: { alice: string; bob: string; carol: string; root: string };
  close(): Promise<void>;
}

export interface BuildOptions {
  settings?: Partial<RecordingsSettings>;
  recordings?: Partial<RecordingsOptions>;
}

export async function buildRecordingsApp(engine: Engine, options: BuildOptions = {}): Promise<RecordingsTestApp> {
  // Our own store helper rather than openTestStore: it survives the concurrent-DROP race (see reopen.ts).
  const db = reopenableStore(engine);
  const store = await db.open();
  const t = {
    store,
    dispose: async () => {
      await store.close();
      await db.dispose();
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'crmt-rec-'));
  const monitor = join(dir, 'monitor');
  mkdirSync(monitor);
  for (const name of [ANSWERED, UNANSWERED, C2C]) copyFileSync(new URL(name, FIXTURES), join(monitor, name));
  const directory = new Directory(t.store, { defaultRegion: 'US' });
  const users = {
    alice: (await directory.upsertUser({ login: 'alice', name: 'Alice Agent', password: 'alice-pw', extensions: ['101'] })).id,
    bob: (await directory.upsertUser({ login: 'bob', name: 'Bob Agent', password: 'bob-pw', extensions: ['102'] })).id,
    carol: (await directory.upsertUser({ login: 'carol', name: 'Carol Owner', password: 'carol-pw', extensions: ['103'] })).id,
    root: (await directory.upsertUser({ login: 'root', name: 'Admin', role: 'admin', password: 'root-pw', extensions: [] })).id,
  };
  const access = new Access(t.store, directory);
  const settings = defaultRecordingSettings({
    sources: { '*': { kind: 'local', pbxDir: PBX_DIR, localDir: monitor } },
    storageDir: join(dir, 'storage'),
    cache: { dir: join(dir, 'cache'), maxBytes: 0 },
    ...options.settings,
  });
  const recordings = new Recordings({ store: t.store, settings, log: silentLog, ...options.recordings });
  await recordings.start();
  const app = await buildWebServer({
    access,
    secureCookies: false,
    health: { pbxs: () => [], database: async () => true },
    routes: [(a) => recordingsRoutes(a, { recordings, access })],
  });
  return {
    engine,
    app,
    t,
    directory,
    access,
    callLog: new CallLog(t.store),
    recordings,
    settings,
    monitor,
    dir,
    users,
    close: async () => {
      await app.close();
      await recordings.stop();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


/** Signs in through the API (one sign-in per person per app: the login route is rate-limited). */
export async function session(app: FastifyInstance, login: string): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { login, password: `${login}-pw` } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name === 'crmt_session');
  return { cookie: `crmt_session=${set!.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken, 'user-agent': `test-browser (${login})` };
}
