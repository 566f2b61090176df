/**
 * A dormant session (a standby instance of a cluster): it reads nothing from the store and ends
 * nothing until it is woken; woken, it reads the open calls as the store holds them then.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmiClient } from '../ami/client.ts';
import type { StoredCall } from '../calls/index.ts';
import { createLogger } from '../logger.ts';
import { PbxSession } from './pbx-session.ts';

test('dormant: no store read and no timer until wake(); woken once, it reads the store as it is then', async () => {
  // Never connected: the client is only there for its events.
  const client = new AmiClient({ id: 'pbx1', host: '127.0.0.1', port: 1, username: 'crm', secret: 'x', keepaliveIntervalMs: 0 });
  let reads = 0;
  const effects: string[] = [];
  const session = new PbxSession({
    client,
    engine: { pbxId: 'pbx1' },
    sinks: [(e) => void effects.push(e.type)],
    log: createLogger('silent'),
    openCallsAtStart: async () => {
      reads++;
      return [] as StoredCall[];
    },
    tickIntervalMs: 5,
    disconnectedGiveUpMs: 1,
    dormant: true,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(reads, 0, 'a standby does not read the calls the leader is following');
    assert.deepEqual(effects, [], 'nor ends anything, however long it waits without the PBX');
    session.wake();
    session.wake(); // twice is once
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(reads, 1);
  } finally {
    session.stop();
    await client.close();
  }
});
