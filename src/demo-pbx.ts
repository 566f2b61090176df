/**
 * The demo PBX that `npm start` runs when no AMI_HOST is configured: the simulator, replaying the
 * real captured call scenarios in a loop so that a newcomer sees calls flow with nothing installed.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from './simulator/ami-simulator.ts';
import type { Logger } from './logger.ts';

const SCENARIOS = fileURLToPath(new URL('../test/fixtures/ami-transcripts/', import.meta.url));

export interface DemoPbx {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Starts replaying the scenarios (call once a client is connected, so that it sees whole calls). */
  play(): void;
  stop(): Promise<void>;
}

export async function startDemoPbx(log: Logger, intervalMs: number): Promise<DemoPbx> {
  // A random secret: the demo listens on loopback only, and nothing else should log in to it.
  const secret = `demo-${Math.random().toString(36).slice(2)}`;
  const sim = new AmiSimulator({ host: '127.0.0.1', port: 0, username: 'crm', secret });
  const { host, port } = await sim.listen();
  const abort = new AbortController();
  const scenarios = readdirSync(SCENARIOS)
    .filter((f) => /^(0[1-9]|1[0-1]|16|17|a[1-4])-.*\.ami$/.test(f))
    .sort();
  let loop: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      for (const file of scenarios) {
        if (abort.signal.aborted) break;
        log.info({ scenario: file }, 'demo PBX: replaying a captured call');
        await sim.replay(SCENARIOS + file, { intervalMs, speed: 1, signal: abort.signal });
      }
    }
  };
  return {
    host,
    port,
    username: 'crm',
    secret,
    play: () => {
      loop ??= run().catch((err: unknown) => log.error({ err }, 'demo PBX replay stopped'));
    },
    stop: async () => {
      abort.abort();
      await loop;
      await sim.close();
    },
  };
}
