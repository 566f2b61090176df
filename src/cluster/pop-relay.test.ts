import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import type { CallMessage } from '../pops/wire.ts';
import { CallHub } from '../web/push/call-hub.ts';
import { encode, PopRelay } from './pop-relay.ts';

const log = createLogger('silent');

function message(callId: string, state: CallMessage['state'], extra = ''): CallMessage {
  return { callId, state, direction: 'inbound', extension: '101', externalNumber: '+15551230001', externalName: extra || null } as unknown as CallMessage;
}

/** Two instances joined by an in-memory channel that delivers each batch in order, as NOTIFY does. */
function pair(partChars?: number): { a: PopRelay; b: PopRelay; hubA: CallHub; hubB: CallHub; batches: string[][] } {
  const hubA = new CallHub();
  const hubB = new CallHub();
  const batches: string[][] = [];
  const relays: PopRelay[] = [];
  const send = async (payloads: string[]): Promise<void> => {
    batches.push(payloads);
    await new Promise((resolve) => setImmediate(resolve));
    for (const p of payloads) for (const r of relays) r.receive(p);
  };
  const a = new PopRelay({ hub: hubA, instanceId: 'a', log, send, ...(partChars ? { partChars } : {}) });
  const b = new PopRelay({ hub: hubB, instanceId: 'b', log, send, ...(partChars ? { partChars } : {}) });
  relays.push(a, b);
  return { a, b, hubA, hubB, batches };
}

test('a pop published on one instance reaches the other with the same id, in order; its own echo is skipped', async () => {
  const { a, hubA, hubB, batches } = pair();
  const seenA: number[] = [];
  const seenB: { id: number; state: string }[] = [];
  hubA.subscribe('u1', (d) => seenA.push(d.id));
  hubB.subscribe('u1', (d) => seenB.push({ id: d.id, state: d.message.state }));
  a.publish('u1', message('c1', 'ringing'));
  a.publish('u1', message('c1', 'answered'));
  a.publish('u1', message('c1', 'ended'));
  await a.drained();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seenB.map((s) => s.state), ['ringing', 'answered', 'ended']);
  assert.deepEqual(seenB.map((s) => s.id), seenA, 'the same ids on both');
  assert.equal(seenA.length, 3, 'no echo on the publisher');
  assert.ok(batches.length < 3, `messages that queue up go in one batch (${batches.length} batches)`);
  assert.deepEqual(a.stats, { sent: 3, received: 0, failed: 0 });
});

test('a payload too long for one NOTIFY goes in parts and comes back whole, multi-byte text intact', async () => {
  const { a, hubB } = pair(50);
  const name = 'Ёлка 🎄 '.repeat(40);
  const got: CallMessage[] = [];
  hubB.subscribe('u1', (d) => got.push(d.message));
  a.publish('u1', message('c2', 'ringing', name));
  await a.drained();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(got.length, 1);
  assert.equal(got[0]!.externalName, name);
});

test('encode: never splits a surrogate pair; parts are numbered; a short payload is whole', () => {
  assert.deepEqual(encode('{"x":1}', 100), ['w{"x":1}']);
  const json = JSON.stringify({ s: '🎄'.repeat(30) });
  const parts = encode(json, 7);
  assert.ok(parts.length > 1);
  const bodies = parts.map((p) => {
    const m = /^p[A-Za-z0-9_-]+ (\d+) (\d+) /.exec(p)!;
    assert.equal(Number(m[2]), parts.length);
    return p.slice(m[0].length);
  });
  for (const body of bodies) assert.equal(Buffer.from(body, 'utf8').toString('utf8'), body, 'each part is valid text on its own');
  assert.equal(bodies.join(''), json);
});

test('garbage on the channel is ignored; a failed send is counted and does not stop later ones', async () => {
  const hub = new CallHub();
  let fail = true;
  const sent: string[] = [];
  const relay = new PopRelay({
    hub,
    instanceId: 'a',
    log,
    send: async (p) => {
      if (fail) throw new Error('connection refused');
      sent.push(...p);
    },
  });
  relay.receive('not ours');
  relay.receive('w{not json');
  relay.receive('p#bad 0 1 x');
  assert.equal(relay.stats.received, 0);
  relay.publish('u1', message('c3', 'ringing'));
  await relay.drained();
  fail = false;
  relay.publish('u1', message('c3', 'ended'));
  await relay.drained();
  assert.equal(relay.stats.failed, 1);
  assert.equal(sent.length, 1);
  assert.equal(hub.activeFor('u1').length, 0, 'the local hub had both, the end withdrew the card');
});
