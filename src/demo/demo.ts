/**
 * `npm start` with no AMI_HOST: the built-in PBX simulator as the demo PBX, a seeded demo directory
 * (agents 101-104 whose password is printed, and kept for the next start), a "simulate an incoming
 * call" control, click-to-call that rings and connects, and recordings that play.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AmiSimulator, type OriginateCallOptions } from '../simulator/ami-simulator.ts';
import type { Config } from '../config.ts';
import type { Log } from '../logger.ts';
import type { Directory } from '../directory/directory.ts';
import { seedDemoDirectory } from '../directory/seed.ts';
import type { DemoRoutesOptions } from '../web/routes/demo-routes.ts';
import type { PbxTarget } from '../service/service.ts';
import { sqlitePathOf } from '../store/store.ts';
import { DEMO_CALLERS, simulateDemoCall } from './demo-calls.ts';

export interface Demo {
  pbx: PbxTarget;
  routes: DemoRoutesOptions;
  /** Where the demo PBX leaves its recordings (`<data>/demo-recordings`). */
  recordingsDir: string;
  /**
   * The recordings settings that play them: RECORDINGS_LOCAL_DIR at `recordingsDir` (and the
   * simulator's RECORDINGS_PBX_DIR); empty when a folder was configured (RECORDINGS_LOCAL_DIR) or
   * recordings come over SFTP. The service's configuration takes them (run-service's whenNoPbx).
   */
  recordingsSettings: Partial<Pick<Config, 'RECORDINGS_LOCAL_DIR' | 'RECORDINGS_PBX_DIR'>>;
  /** The demo agents' password: DEMO_PASSWORD, else the one kept in `passwordFile`. */
  password: string;
  /** Where a generated password is kept (`<data>/demo-password`, mode 0600); null with DEMO_PASSWORD. */
  passwordFile: string | null;
  seed(directory: Directory): Promise<void>;
  printWelcome(): void;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** The service's configuration: DEMO_PASSWORD, DATABASE_URL (where the demo keeps its files), DEFAULT_REGION, RECORDINGS_*. */
  config: Config;
  /** Folder for the demo's own files. Default: the SQLite database's folder, else `./data`. */
  dataDir?: string;
  /**
   * Playback speed of simulated calls and of the calls click-to-call places (tests pass more).
   * Default 1: real time.
   */
  speed?: number;
}

/** The call click-to-call places in the demo: the agent picks up, the customer answers after a few seconds, talks ~20 s, hangs up. */
const DEMO_ORIGINATE: OriginateCallOptions = { agentRingMs: 2000, ringMs: 4000, talkMs: 20_000, hangupBy: 'caller' };

/** The folder MixMonitor writes to on the demo PBX, as the simulator's dialplan names it. */
const DEMO_PBX_RECORDINGS = '/var/spool/asterisk/monitor';

export async function startDemo(log: Log, options: DemoOptions): Promise<Demo> {
  const { config } = options;
  const dataDir = resolve(options.dataDir ?? demoDataDir(config.DATABASE_URL));
  const recordingsDir = join(dataDir, 'demo-recordings');
  mkdirSync(recordingsDir, { recursive: true });
  const kept = config.DEMO_PASSWORD ? null : keptPassword(join(dataDir, 'demo-password'));
  const password = config.DEMO_PASSWORD ?? kept!.password;
  // A random AMI secret: the demo listens on loopback only, and nothing else should log in to it.
  const secret = randomBytes(12).toString('base64url');
  const sim = new AmiSimulator({
    host: '127.0.0.1',
    port: 0,
    username: 'crm',
    secret,
    recordingsDir,
    originatePlaysCall: { ...DEMO_ORIGINATE, ...(options.speed === undefined ? {} : { speed: options.speed }) },
  });
  const { host, port } = await sim.listen();
  log.info({ host, port }, 'AMI_HOST is not set: running the built-in demo PBX (set AMI_HOST and AMI_SECRET to use your Asterisk)');
  // The service plays the demo PBX's recordings from where the simulator writes them, unless a
  // folder was configured (RECORDINGS_LOCAL_DIR, or recordings fetched over SFTP).
  const ownRecordings = config.RECORDINGS_SOURCE === 'local' && config.RECORDINGS_LOCAL_DIR === undefined;
  const recordingsSettings = ownRecordings ? { RECORDINGS_PBX_DIR: DEMO_PBX_RECORDINGS, RECORDINGS_LOCAL_DIR: recordingsDir } : {};
  let directory: Directory | undefined;
  return {
    pbx: { id: 'demo', host, port, username: 'crm', secret, authType: 'md5' },
    routes: {
      simulateInbound: (input) => simulateDemoCall(sim, input, options.speed === undefined ? {} : { speed: options.speed }),
      // The directory is the service's, handed over by seed(), which runs as soon as the service is up.
      extensions: async () => {
        const users = directory ? await directory.listUsers() : [];
        return users.filter((u) => u.active).flatMap((u) => u.extensions.map((extension) => ({ extension, name: u.name })));
      },
      defaultRegion: config.DEFAULT_REGION,
    },
    recordingsDir,
    recordingsSettings,
    password,
    passwordFile: kept?.file ?? null,
    seed: async (d) => {
      directory = d;
      await seedDemoDirectory(d, { contacts: 500, password });
      for (const c of DEMO_CALLERS) {
        await d.upsertContact({ id: c.id, firstName: c.firstName, lastName: c.lastName, assignedUserId: (await d.userByLogin(c.owner))?.id ?? null, phones: [{ kind: 'mobile', number: c.number }] });
      }
    },
    printWelcome: () => {
      console.log(
        [
          'Demo mode (no AMI_HOST): a simulated PBX and a demo directory.',
          `Sign in as alice (admin, extension 101), bob (102), carol (103) or dave (104), password: ${password}`,
          ...(kept ? [`(kept in ${kept.file} for the next start; DEMO_PASSWORD sets another)`] : []),
          'Then press "Simulate an incoming call" to see a screen pop.',
          '',
        ].join('\n'),
      );
    },
    stop: () => sim.close(),
  };
}

/** The folder the demo keeps its files in: the SQLite database's, or `./data` (PostgreSQL, `:memory:`). */
export function demoDataDir(databaseUrl: string): string {
  const file = sqlitePathOf(databaseUrl);
  return file === null || file === '' || file === ':memory:' ? './data' : dirname(file);
}

/**
 * The demo password kept in `file` (readable by this user only), made on first use: the same
 * password at every start, so a browser's saved sign-in keeps working.
 */
export function keptPassword(file: string): { password: string; file: string } {
  const existing = readKept(file);
  if (existing !== null) return { password: existing, file };
  const password = randomBytes(9).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  try {
    // `wx`: another start that got here first keeps its password, and this one reads it.
    writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = readKept(file);
    if (raced !== null) return { password: raced, file };
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { password, file };
}

function readKept(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const password = text.trim();
  if (password === '') return null;
  // Kept for this user's eyes only, whatever made the file looser since.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return password;
}
