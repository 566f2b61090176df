import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import { PbxLead, type LockSession } from './pbx-lead.ts';

/** A lock server in memory: one holder per key per connection generation, as advisory locks. */
class FakeLink implements LockSession {
  generation = 1;
  free = true;
  asked: string[] = [];
  async tryLock(key: string): Promise<boolean> {
    this.asked.push(key);
    if (!this.free) return false;
    this.free = false;
    return true;
  }
}

async function settle(ms = 30): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

test('a standby takes the lead when the lock comes free, and only once', async () => {
  const link = new FakeLink();
  link.free = false;
  let leads = 0;
  const lead = new PbxLead({ pbxId: 'hq', link, log: createLogger('silent'), onLead: () => leads++, onLost: () => assert.fail('not lost'), retryMs: 5 });
  await lead.start();
  assert.equal(lead.state, 'standby');
  link.free = true;
  await settle();
  assert.equal(lead.state, 'leading');
  assert.equal(leads, 1);
  assert.ok(lead.leadingSince !== null);
  assert.equal(link.asked[0], 'pbx/hq');
  lead.stop();
});

test('a leader whose link came back takes its lock again; when another has it, it gives the PBX up', async () => {
  const link = new FakeLink();
  let lost = 0;
  const lead = new PbxLead({ pbxId: 'hq', link, log: createLogger('silent'), onLead: () => undefined, onLost: () => lost++, retryMs: 5 });
  await lead.start();
  assert.equal(lead.state, 'leading');
  // New connection, lock free again (nobody took it meanwhile): still leading.
  link.generation++;
  link.free = true;
  await settle();
  assert.equal(lead.state, 'leading');
  assert.equal(link.free, false, 'it took its lock back');
  // New connection, another instance holds the lock now: lost, once.
  link.generation++;
  await settle();
  assert.equal(lead.state, 'lost');
  assert.equal(lost, 1);
  assert.equal(lead.leadingSince, null);
  lead.stop();
});
