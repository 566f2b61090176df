/**
 * The simulator's refusal controls, read with a bare socket: a PBX shutting down answers every
 * action as manager.c's process_message does and keeps the connection open; a secret changed at
 * run time (an admin's `manager reload`) is the one Login accepts from then on.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AmiDecoder, encodeAction } from '../../src/ami/codec.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A bare AMI peer: raw bytes in, decoded messages out, and whether the PBX closed. */
async function peer(port: number): Promise<{ send(name: string, fields?: Record<string, string>): void; next(): Promise<AmiMessage>; raw: () => string; closed: () => boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  const decoder = new AmiDecoder();
  const queue: AmiMessage[] = [];
  let bytes = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.toString('latin1');
    for (const item of decoder.push(chunk)) if (item.kind === 'message') queue.push(item.message);
  });
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return {
    send: (name, fields = {}) => socket.write(encodeAction(name, fields)),
    next: async () => {
      const deadline = Date.now() + 2000;
      while (queue.length === 0) {
        if (Date.now() > deadline) throw new Error('no message came');
        await new Promise((r) => setTimeout(r, 2));
      }
      return queue.shift()!;
    },
    raw: () => bytes,
    closed: () => closed,
  };
}

async function simulator(): Promise<AmiSimulator> {
  const sim = new AmiSimulator({ port: 0 });
  await sim.listen();
  cleanups.push(() => sim.close());
  return sim;
}

test('shutting down: Login, Challenge and any action get exactly Asterisk\'s error, and the connection stays open', async () => {
  const sim = await simulator();
  const logged = await peer(sim.port);
  logged.send('Login', { ActionID: 'l0', Username: 'crm', Secret: 'crmsecret', Events: 'on' });
  assert.equal((await logged.next()).get('Message'), 'Authentication accepted');

  sim.setShuttingDown(true);
  const p = await peer(sim.port);
  p.send('Login', { ActionID: 'l1', Username: 'crm', Secret: 'crmsecret' });
  const refused = await p.next();
  assert.deepEqual(refused.fields, [
    ['Response', 'Error'],
    ['ActionID', 'l1'],
    ['Message', 'Asterisk is shutting down'],
  ]);
  assert.ok(p.raw().endsWith('Response: Error\r\nActionID: l1\r\nMessage: Asterisk is shutting down\r\n\r\n'), JSON.stringify(p.raw()));
  p.send('Challenge', { ActionID: 'c1', AuthType: 'MD5' });
  assert.equal((await p.next()).get('Message'), 'Asterisk is shutting down');
  assert.equal(p.closed(), false, 'process_message returns 0: Asterisk does not hang up');

  // A session logged in before the shutdown began is refused too, and still gets events.
  logged.send('Ping', { ActionID: 'p1' });
  let answer = await logged.next();
  while (answer.event !== undefined) answer = await logged.next(); // FullyBooted
  assert.deepEqual([answer.response, answer.get('Message')], ['Error', 'Asterisk is shutting down']);
  sim.emitEvent({ Event: 'Shutdown', Privilege: 'system,all', Shutdown: 'Cleanly', Restart: 'True' });
  assert.equal((await logged.next()).event, 'Shutdown');

  sim.setShuttingDown(false);
  p.send('Login', { ActionID: 'l2', Username: 'crm', Secret: 'crmsecret', Events: 'off' });
  assert.equal((await p.next()).get('Message'), 'Authentication accepted');
});

test('setSecret: the old secret is refused from then on, the new one accepted, sessions already in stay', async () => {
  const sim = await simulator();
  const before = await peer(sim.port);
  before.send('Login', { ActionID: 'a', Username: 'crm', Secret: 'crmsecret', Events: 'off' });
  assert.equal((await before.next()).get('Message'), 'Authentication accepted');

  sim.setSecret('fixed-secret');
  const old = await peer(sim.port);
  old.send('Login', { ActionID: 'b', Username: 'crm', Secret: 'crmsecret' });
  assert.equal((await old.next()).get('Message'), 'Authentication failed');
  const fresh = await peer(sim.port);
  fresh.send('Login', { ActionID: 'c', Username: 'crm', Secret: 'fixed-secret' });
  assert.equal((await fresh.next()).get('Message'), 'Authentication accepted');
  before.send('Ping', { ActionID: 'd' });
  assert.equal((await before.next()).get('Ping'), 'Pong');
});
