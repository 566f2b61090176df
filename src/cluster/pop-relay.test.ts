import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallMessage } from '../pops/wire.ts';
import { CallHub } from '../web/push/call-hub.ts';
import { PopRelay } from './pop-relay.ts';
import { busesOn, settled } from './test-bus.ts';

function message(callId: string, state: CallMessage['state']): CallMessage {
  return { callId, state, direction: 'inbound', extension: '101', externalNumber: '+15551230001' } as unknown as CallMessage;
}

test('a pop published on the leader reaches the agent on another instance with the same id, in order; the leader\'s hub has it once', async () => {
  const { buses } = busesOn(['a', 'b']);
  const hubA = new CallHub();
  const hubB = new CallHub();
  const relayA = new PopRelay(hubA, buses.get('a')!);
  new PopRelay(hubB, buses.get('b')!);
  const seenA: number[] = [];
  const seenB: { id: number; state: string }[] = [];
  hubA.subscribe('u1', (d) => seenA.push(d.id));
  hubB.subscribe('u1', (d) => seenB.push({ id: d.id, state: d.message.state }));
  relayA.publish('u1', message('c1', 'ringing'));
  relayA.publish('u1', message('c1', 'answered'));
  relayA.publish('u1', message('c1', 'ended'));
  await settled(buses);
  assert.deepEqual(seenB.map((s) => s.state), ['ringing', 'answered', 'ended']);
  assert.deepEqual(seenB.map((s) => s.id), seenA, 'the same ids on both');
  assert.equal(seenA.length, 3, 'no echo on the publisher');
  assert.deepEqual(hubB.activeFor('u1'), [], 'the end withdrew the card on b too');
});

test('a relayed id moves the receiving hub\'s clock: its own next id is larger', async () => {
  const { buses } = busesOn(['a', 'b']);
  const future = Date.now() * 1000 + 60_000_000;
  const hubB = new CallHub();
  new PopRelay(hubB, buses.get('b')!);
  buses.get('a')!.publish('pop', { u: 'u1', d: future, m: message('c2', 'ringing') });
  await settled(buses);
  assert.ok(hubB.publish('u1', message('c3', 'ringing')).id > future);
});
