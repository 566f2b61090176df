import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect } from '../calls/effects.ts';
import { EffectQueue, type OverflowPolicy } from './effect-queue.ts';

const ring = (n: number): Effect => ({ type: 'agent-stopped-ringing', callId: `c${n}`, extension: '101', channel: 'x', reason: 'no-answer', at: null });
const end = (n: number): Effect => ({ type: 'call-ended', callId: `c${n}`, record: {} as never });

function queue(overflow: OverflowPolicy, capacity: number) {
  const handled: string[] = [];
  const done: string[] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  let relieved = 0;
  const q = new EffectQueue({
    name: 'test',
    capacity,
    overflow,
    handle: async (e) => {
      await gate;
      handled.push(`${e.type}:${'callId' in e ? e.callId : ''}`);
    },
    done: (e) => done.push('callId' in e ? (e.callId ?? '') : ''),
    failed: () => undefined,
    relieved: () => relieved++,
  });
  return {
    q,
    handled,
    done,
    relieved: () => relieved,
    open: () => release(),
    close: () => (gate = new Promise<void>((r) => (release = r))),
  };
}

describe('effect queue', () => {
  test('in order, one at a time; flushed() waits only for what was pushed before it', async () => {
    const t = queue('backpressure', 100);
    t.q.push(ring(1), undefined);
    t.q.push(end(1), undefined);
    const flushed = t.q.flushed();
    t.q.push(ring(2), undefined);
    t.open();
    await flushed;
    assert.deepEqual(t.handled.slice(0, 2), ['agent-stopped-ringing:c1', 'call-ended:c1']);
    await t.q.flushed();
    assert.equal(t.q.size, 0);
    assert.deepEqual(t.done, ['c1', 'c1', 'c2']);
  });

  test('backpressure: nothing dropped, full past the bound, relieved under half of it', async () => {
    const t = queue('backpressure', 4);
    for (let i = 1; i <= 6; i++) t.q.push(ring(i), undefined);
    assert.equal(t.q.full, true);
    assert.equal(t.q.stats.fullTimes, 1);
    t.open();
    await t.q.flushed();
    assert.equal(t.q.full, false);
    assert.equal(t.relieved(), 1);
    assert.equal(t.handled.length, 6, 'every effect handled');
    assert.equal(t.q.stats.dropped, 0);
    assert.equal(t.q.stats.highWater, 6);
  });

  test('shed-progress: the oldest progress is dropped and counted, never a call end', async () => {
    const t = queue('shed-progress', 3);
    t.q.push(ring(1), undefined); // being handled (waits at the gate)
    t.q.push(end(2), undefined);
    t.q.push(ring(3), undefined);
    t.q.push(ring(4), undefined); // over the bound: ring 3 goes
    t.q.push(ring(5), undefined); // and then ring 4
    assert.equal(t.q.stats.dropped, 2);
    assert.equal(t.q.full, false, 'a shedding queue never asks to pause the PBX');
    assert.equal(t.q.size, 3, 'held at the bound');
    t.open();
    await t.q.flushed();
    assert.deepEqual(t.handled, ['agent-stopped-ringing:c1', 'call-ended:c2', 'agent-stopped-ringing:c5']);
    assert.deepEqual(t.done.sort(), ['c1', 'c2', 'c3', 'c4', 'c5'], 'a dropped effect is done too (its context is released)');
  });

  test('a failing handler is reported and the queue goes on', async () => {
    const failures: string[] = [];
    const q = new EffectQueue({ name: 'x', capacity: 10, overflow: 'backpressure', handle: (e) => { if ('callId' in e && e.callId === 'c1') throw new Error('boom'); }, done: () => undefined, failed: (err) => failures.push((err as Error).message) });
    q.push(ring(1), undefined);
    q.push(ring(2), undefined);
    await q.flushed();
    assert.deepEqual(failures, ['boom']);
  });
});
