/**
 * The fake SuiteCRM for bench/suitecrm.ts, in its own process: SuiteCRM runs on its own server, so
 * the fake's work (filtering 100k records, writing JSON) must not eat the CPU the sync is measured
 * on. Driven over IPC: start with a size and a latency, edit records (as a person in SuiteCRM), stop.
 */
import { FakeSuiteCrm } from '../test/fakes/fake-suitecrm.ts';

export type FakeServerCommand =
  | { type: 'start'; contacts: number; latencyMs: number }
  | { type: 'edit'; module: string; id: string; attrs: Record<string, unknown>; seq: number }
  | { type: 'stats' }
  | { type: 'stop' };

export type FakeServerReply =
  | { type: 'started'; url: string; contacts: number; accounts: number; contactIds: string[] }
  | { type: 'edited'; seq: number }
  | { type: 'stats'; requests: number; bytes: number }
  | { type: 'error'; message: string };

let fake: FakeSuiteCrm | null = null;
const reply = (m: FakeServerReply): void => void process.send?.(m);

process.on('message', (cmd: FakeServerCommand) => {
  void (async () => {
    try {
      switch (cmd.type) {
        case 'start': {
          fake = new FakeSuiteCrm({ latencyMs: cmd.latencyMs, logRequests: false });
          const made = fake.generate({ contacts: cmd.contacts });
          const url = await fake.start();
          reply({ type: 'started', url, contacts: made.contacts.length, accounts: made.accounts.length, contactIds: made.contacts });
          break;
        }
        case 'edit':
          fake!.edit(cmd.module, cmd.id, cmd.attrs);
          reply({ type: 'edited', seq: cmd.seq });
          break;
        case 'stats':
          reply({ type: 'stats', requests: fake?.answered ?? 0, bytes: fake?.bytesSent ?? 0 });
          break;
        case 'stop':
          await fake?.stop();
          process.exit(0);
      }
    } catch (err) {
      reply({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  })();
});
