/**
 * `npm start` with no AMI_HOST: the built-in PBX simulator as the demo PBX, a seeded demo directory
 * (agents 101-104 whose passwords are printed), and a "simulate an incoming call" control.
 */
import { randomBytes } from 'node:crypto';
import { AmiSimulator } from '../simulator/ami-simulator.ts';
import type { Log } from '../logger.ts';
import type { Directory } from '../directory/directory.ts';
import { seedDemoDirectory } from '../directory/seed.ts';
import type { DemoRoutesOptions } from '../web/routes/demo-routes.ts';
import type { PbxTarget } from '../service/service.ts';
import { DEMO_CALLERS, simulateDemoCall } from './demo-calls.ts';

export interface Demo {
  pbx: PbxTarget;
  routes: DemoRoutesOptions;
  seed(directory: Directory): Promise<void>;
  printWelcome(): void;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** The demo agents' password (DEMO_PASSWORD). Default: a new one, printed by `printWelcome`. */
  password?: string | undefined;
}

export async function startDemo(log: Log, options: DemoOptions = {}): Promise<Demo> {
  // Random secrets: the demo listens on loopback only, and nothing else should log in to it.
  const secret = randomBytes(12).toString('base64url');
  const password = options.password ?? randomBytes(6).toString('base64url');
  const sim = new AmiSimulator({ host: '127.0.0.1', port: 0, username: 'crm', secret });
  const { host, port } = await sim.listen();
  log.info({ host, port }, 'AMI_HOST is not set: running the built-in demo PBX (set AMI_HOST and AMI_SECRET to use your Asterisk)');
  return {
    pbx: { id: 'demo', host, port, username: 'crm', secret, authType: 'md5' },
    routes: { simulateInbound: (input) => simulateDemoCall(sim, input) },
    seed: async (directory) => {
      await seedDemoDirectory(directory, { contacts: 500, password });
      for (const c of DEMO_CALLERS) {
        await directory.upsertContact({ id: c.id, firstName: c.firstName, lastName: c.lastName, assignedUserId: (await directory.userByLogin(c.owner))?.id ?? null, phones: [{ kind: 'mobile', number: c.number }] });
      }
    },
    printWelcome: () => {
      console.log(
        [
          'Demo mode (no AMI_HOST): a simulated PBX and a demo directory.',
          `Sign in as alice (admin, extension 101), bob (102), carol (103) or dave (104), password: ${password}`,
          'Then press "Simulate an incoming call" to see a screen pop.',
          '',
        ].join('\n'),
      );
    },
    stop: () => sim.close(),
  };
}
