import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import { ClusterBus, pack, split } from './cluster-bus.ts';
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
  assert.equal(batches[0]!.length, 1, '... and, being small, in one payload');
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

test('pack: whole messages per payload, in order, each payload under its size; an oversized one in parts', () => {
  const messages = [1, 2, 3, 4, 5].map((n) => JSON.stringify(['note', { n, pad: 'x'.repeat(20) }]));
  const one = pack('a', messages, 7800);
  assert.deepEqual(one, [`ma [${messages.join(',')}]`], 'five small messages: one payload');
  const small = pack('a', messages, 120);
  assert.ok(small.length > 1 && small.length < messages.length, `several per payload: ${small.length}`);
  for (const p of small) assert.ok(Buffer.byteLength(p) <= 120, `${Buffer.byteLength(p)} bytes`);
  assert.deepEqual(
    small.flatMap((p) => JSON.parse(p.slice(p.indexOf(' ') + 1)) as unknown[]),
    messages.map((m) => JSON.parse(m) as unknown),
  );
  const big = JSON.stringify(['note', { s: '🎄'.repeat(100) }]);
  const mixed = pack('a', [messages[0]!, big, messages[1]!], 120);
  assert.match(mixed[0]!, /^ma \[/);
  assert.match(mixed.at(-1)!, /^ma \[/);
  assert.ok(mixed.slice(1, -1).every((p) => p.startsWith('qa ')) && mixed.length > 3, 'the long one alone, in parts, between the others');
  for (const p of mixed) assert.ok(Buffer.byteLength(p) <= 120, `${Buffer.byteLength(p)} bytes`);
});

test('split: never splits a surrogate pair; parts are numbered; they join into the text', () => {
  const json = JSON.stringify({ s: '🎄'.repeat(30) });
  const parts = split('a', json, 40);
  assert.ok(parts.length > 1);
  const bodies = parts.map((p) => {
    const m = /^qa [A-Za-z0-9_-]+ (\d+) (\d+) /.exec(p)!;
    assert.equal(Number(m[2]), parts.length);
    assert.ok(Buffer.byteLength(p) <= 40);
    return p.slice(m[0].length);
  });
  for (const body of bodies) assert.equal(Buffer.from(body, 'utf8').toString('utf8'), body, 'each part is valid text on its own');
  assert.equal(bodies.join(''), json);
});

test("an instance skips its own payloads unread, and still reads those of an instance from before packing", () => {
  const warnings: string[] = [];
  const log = createLogger('silent');
  const bus = new ClusterBus({ instanceId: 'me', log: { ...log, warn: (...args: unknown[]) => void warnings.push(String(args.at(-1))) } as typeof log, send: async () => undefined });
  const got: string[] = [];
  bus.on('note', (body, from) => got.push(`${from}:${JSON.stringify(body)}`));
  assert.equal(bus.receive('mme {not json at all'), true);
  assert.equal(bus.receive('qme k1 0 2 {half'), true);
  assert.deepEqual(warnings, [], 'our own echo is not even parsed');
  assert.equal(bus.receive('w{"i":"old","k":"note","b":{"n":1}}'), true);
  assert.equal(bus.receive('pk2 0 2 {"i":"old","k":"no'), true);
  assert.equal(bus.receive('pk2 1 2 te","b":{"n":2}}'), true);
  assert.equal(bus.receive('mnew [["note",{"n":3}],["other",0],["note",{"n":4}]]'), true);
  assert.deepEqual(got, ['old:{"n":1}', 'old:{"n":2}', 'new:{"n":3}', 'new:{"n":4}']);
  assert.throws(() => new ClusterBus({ instanceId: 'a b', log, send: async () => undefined }), /letters, digits/);
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

test('a message that may wait goes with the next one that does not, or alone once its wait is over; order kept', async () => {
  const { buses, batches } = busesOn(['a', 'b']);
  const got: number[] = [];
  buses.get('b')!.on('note', (body) => got.push((body as { n: number }).n));
  const a = buses.get('a')!;
  a.publish('note', { n: 1 }, { waitMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(batches.length, 0, 'nothing sent for a message that may wait');
  a.publish('note', { n: 2 });
  await settled(buses);
  assert.deepEqual(got, [1, 2]);
  assert.equal(batches.length, 1, 'both in one statement');
  a.publish('note', { n: 3 }, { waitMs: 30 });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(batches.length, 1);
  await settled(buses);
  assert.deepEqual(got, [1, 2, 3], 'sent alone after its wait');
  assert.equal(batches.length, 2);
});
