/**
 * The real service (in-process, listening on a free port, serving the built console) against the
 * PBX simulator, and Debian's Chromium driven by playwright-core with a fresh profile.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { AmiSimulator, type AmiSimulatorOptions } from '../../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../../src/service/service.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import type { AmiMessage } from '../../../src/ami/message.ts';
import type { DemoRoutesOptions } from '../../../src/web/routes/demo-routes.ts';
import { ensureUiBuilt } from './ui-build.ts';
import { freshCall, splitAtAnswer } from './calls.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const PBX_ID = 'pbx1';
export const PASSWORDS = { alice: 'alice-password', bob: 'bob-password', admin: 'admin-password' } as const;

export interface ConsoleRig {
  sim: AmiSimulator;
  service: Service;
  url: string;
  ids: { alice: string; bob: string; rita: string; ringgroupAccount: string };
  /** Calls the demo control started: what it asked for, and the rest of the call to replay. */
  demoCalls: { input: DemoInput; callId: string; rest: AmiMessage[] }[];
  stop(): Promise<void>;
}

type DemoInput = Parameters<DemoRoutesOptions['simulateInbound']>[0];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ConsoleRigOptions {
  /** More of the simulator's options (`originatePlaysCall`: click-to-call plays the call). */
  simulator?: Omit<AmiSimulatorOptions, 'port' | 'username' | 'secret'>;
  /** More configuration, as environment variables. */
  env?: Record<string, string>;
}

export async function startConsole(options: ConsoleRigOptions = {}): Promise<ConsoleRig> {
  const root = await ensureUiBuilt();
  const sim = new AmiSimulator({ ...options.simulator, port: 0, username: 'crm', secret: 'crmsecret' });
  const { port: amiPort } = await sim.listen();
  const httpPort = await freePort();
  // The demo control, as in `npm start` without AMI_HOST: here each press rings a fresh copy of
  // capture 02 (an unknown caller) and stops before the end, which the test then plays.
  const demoCalls: ConsoleRig['demoCalls'] = [];
  const demo: DemoRoutesOptions = {
    simulateInbound: async (input) => {
      const call = freshCall('02-inbound-noanswer-101.ami', { pbxId: PBX_ID, copy: 100 + demoCalls.length });
      const [ringing, rest] = splitAtAnswer(call.events);
      demoCalls.push({ input, callId: call.callId, rest });
      await sim.replay(ringing);
      return { callId: call.callId };
    },
  };
  // AGI_PORT 0: no FastAGI server (these tests do not route calls, and 4573 may be taken).
  const config = loadConfig({ DATABASE_URL: ':memory:', HTTP_PORT: String(httpPort), ADMIN_PASSWORD: PASSWORDS.admin, LOG_LEVEL: 'silent', AGI_PORT: '0', CRM_TELEPHONY_SECRET_KEY: 'the console test rig key', ...options.env });
  const service = await startService({
    config,
    log: createLogger('silent'),
    pbx: { id: PBX_ID, host: '127.0.0.1', port: amiPort, username: 'crm', secret: 'crmsecret', authType: 'plain' },
    listen: true,
    demo,
    ui: { root },
  }).catch(async (err: unknown) => {
    await sim.close();
    throw err;
  });
  const d = service.directory;
  const alice = (await d.upsertUser({ login: 'alice', name: 'Alice Agent', password: PASSWORDS.alice, extensions: ['101'] })).id;
  const bob = (await d.upsertUser({ login: 'bob', name: 'Bob Agent', password: PASSWORDS.bob, extensions: ['102'] })).id;
  // The ring-group caller of capture 05 is in the CRM twice: as a contact and as her company.
  const ringgroupAccount = (await d.upsertAccount({ name: 'Ringgroup Supplies Ltd', assignedUserId: bob, phones: [{ kind: 'office', number: '+1 555 123 0005' }], lastActivityAt: new Date(Date.now() - 3 * 86_400_000).toISOString() })).id;
  const rita = (await d.upsertContact({ firstName: 'Rita', lastName: 'Ringgroup', accountId: ringgroupAccount, assignedUserId: bob, phones: [{ kind: 'mobile', number: '(555) 123-0005' }] })).id;

  const deadline = Date.now() + 5000;
  while (service.client.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (service.client.state !== 'ready') throw new Error('the service did not connect to the PBX simulator');
  return {
    sim,
    service,
    url: service.url!,
    ids: { alice, bob, rita, ringgroupAccount },
    demoCalls,
    stop: async () => {
      await service.stop();
      await sim.close();
    },
  };
}

export interface BrowserRig {
  context: BrowserContext;
  close(): Promise<void>;
}

/** `locale`: the browser's language (its Accept-Language and navigator.languages); default British English. */
export async function launchBrowser(options: { locale?: string } = {}): Promise<BrowserRig> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does). No browser is ever downloaded.`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'crmt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
    locale: options.locale ?? 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
