import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import { ClusterBus, encode } from './cluster-bus.ts';
import { busesOn, settled } from './test-bus.ts';

test('messages reach every other instance in order, by kind; the sender\'s echo is skipped; queued ones share a batch', async () => {
  const { buses, batches } = busesOn(['a', 'b', 'c']);
  const got: Record<string, string[]> = { a: [], b: [], c: [] };
  for (const [name, bus] of buses) bus.on('note', (body, from) => got[name]!.push(`${from}:${(body as { n: number }).n}`));
  const a = buses.get('a')!;
  for (let n = 1; n <= 5; n++) a.publish('note', { n });
  a.publish('unknown-kind', {});
  await settled(buses);
  assert.deepEqual(got, { a: [], b: ['a:1', 'a:2', 'a:3', 'a:4', 'a:5'], c: ['a:1', 'a:2', 'a:3', 'a:4', 'a:5'] });
  assert.equal(batches.length, 1, 'messages published in one turn of the event loop go in one statement');
  assert.deepEqual(a.stats, { sent: 6, received: 0, failed: 0 });
  assert.equal(buses.get('b')!.stats.received, 5, 'a kind nobody handles is not counted');
});

test('a message too long for one NOTIFY goes in parts and comes back whole, multi-byte text intact', async () => {
  const { buses } = busesOn(['a', 'b'], 50);
  const name = 'Ёлка 🎄 '.repeat(40);
  const got: unknown[] = [];
  buses.get('b')!.on('note', (body) => got.push(body));
  buses.get('a')!.publish('note', { name });
  await settled(buses);
  assert.deepEqual(got, [{ name }]);
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

test('garbage on the channel is ignored; a failed send is counted and later ones still go; a throwing handler is contained', async () => {
  let fail = true;
  const sent: string[] = [];
  const bus = new ClusterBus({
    instanceId: 'a',
    log: createLogger('silent'),
    send: async (p) => {
      if (fail) throw new Error('connection refused');
      sent.push(...p);
    },
  });
  bus.on('boom', () => {
    throw new Error('bad body');
  });
  assert.equal(bus.receive('c{"a click-to-call"}'), false, 'not the bus\'s');
  assert.equal(bus.receive('w{not json'), true);
  assert.equal(bus.receive('p#bad 0 1 x'), true);
  assert.equal(bus.receive('w{"i":"b","k":"boom","b":1}'), true);
  bus.publish('note', 1);
  await bus.drained();
  fail = false;
  bus.publish('note', 2);
  await bus.drained();
  assert.deepEqual(bus.stats, { sent: 2, received: 1, failed: 1 });
  assert.equal(sent.length, 1);
});
