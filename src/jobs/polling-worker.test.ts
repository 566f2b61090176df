import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PollingWorker } from './polling-worker.ts';

interface Row {
  id: string;
}

/** An in-memory queue: rows due now, claimed once each; the work on a row waits for `release(id)`. */
function queue(ids: string[]) {
  const waiting = [...ids];
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  let claims = 0;
  let dueAsks = 0;
  let failNextClaim = false;
  const errors: unknown[] = [];
  const worker = new PollingWorker<Row>({
    concurrency: 2,
    pollMs: 20,
    keyOf: (row) => row.id,
    claim: async (limit, exclude) => {
      claims++;
      if (failNextClaim) {
        failNextClaim = false;
        throw new Error('database down');
      }
      return waiting.splice(0, limit).filter((id) => !exclude.includes(id)).map((id) => ({ id }));
    },
    nextDueAt: async () => {
      dueAsks++;
      return waiting.length > 0 ? new Date().toISOString() : null;
    },
    process: (row, signal) =>
      new Promise<void>((resolve) => {
        started.push(row.id);
        gates.set(row.id, resolve);
        signal.addEventListener('abort', () => resolve());
      }),
    onQueueError: (err) => errors.push(err),
    now: Date.now,
  });
  return {
    worker,
    started,
    errors,
    add: (id: string) => waiting.push(id),
    release: (id: string) => gates.get(id)?.(),
    claims: () => claims,
    dueAsks: () => dueAsks,
    failNextClaim: () => {
      failNextClaim = true;
    },
  };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

test('no more rows at once than the concurrency; a finished row makes room for the next at once', async () => {
  const q = queue(['a', 'b', 'c']);
  q.worker.start();
  await tick();
  assert.deepEqual(q.started, ['a', 'b']);
  assert.equal(q.worker.inFlight, 2);
  q.release('a');
  await tick();
  assert.deepEqual(q.started, ['a', 'b', 'c']);
  q.release('b');
  q.release('c');
  await q.worker.idle(1000, async () => new Error('busy'));
  assert.equal(q.worker.inFlight, 0);
  await q.worker.stop();
});

test('a row added later is found by the poll without a wake; a wake finds it at once', async () => {
  const q = queue([]);
  q.worker.start();
  await tick();
  q.add('late');
  await tick(40);
  assert.deepEqual(q.started, ['late']);
  q.add('woken');
  q.worker.wake();
  await tick(5);
  assert.deepEqual(q.started, ['late', 'woken']);
  await q.worker.stop();
});

test('the queue failing to read is reported and tried again after the poll interval', async () => {
  const q = queue([]);
  q.failNextClaim();
  q.worker.start();
  await tick();
  assert.equal(q.errors.length, 1);
  q.add('after');
  await tick(40);
  assert.deepEqual(q.started, ['after']);
  await q.worker.stop();
});

test('stop aborts the work in flight, waits for it, says stopping, and takes nothing more', async () => {
  const q = queue(['a']);
  q.worker.start();
  await tick();
  assert.equal(q.worker.stopping, false);
  await q.worker.stop();
  assert.equal(q.worker.signal.aborted, true);
  assert.equal(q.worker.stopping, true);
  assert.equal(q.worker.inFlight, 0);
  const claims = q.claims();
  q.add('b');
  q.worker.wake();
  await tick(40);
  assert.equal(q.claims(), claims);
  assert.deepEqual(q.started, ['a']);
  // Started again: a fresh signal, and the row waiting is taken.
  q.worker.start();
  assert.equal(q.worker.signal.aborted, false);
  await tick();
  assert.deepEqual(q.started, ['a', 'b']);
  await q.worker.stop();
});

test('idle rejects with the owner\'s words when work is still in flight after the timeout', async () => {
  const q = queue(['stuck']);
  q.worker.start();
  await tick();
  await assert.rejects(q.worker.idle(30, async () => new Error('still writing stuck')), /still writing stuck/);
  await q.worker.stop();
});

test('while every slot is busy and more rows wait, the loop waits for a row to finish instead of asking the queue again and again', async () => {
  const q = queue(['a', 'b', 'c', 'd']);
  q.worker.start();
  await tick();
  assert.deepEqual(q.started, ['a', 'b']);
  const asked = { claims: q.claims(), due: q.dueAsks() };
  await tick(200);
  assert.ok(q.claims() - asked.claims <= 1 && q.dueAsks() - asked.due <= 1, `claims +${q.claims() - asked.claims}, due asks +${q.dueAsks() - asked.due} in 200 ms`);
  q.release('a');
  await tick();
  assert.deepEqual(q.started, ['a', 'b', 'c'], 'a finished row makes room at once');
  await q.worker.stop();
});

test('a row that throws out of its work is reported, not an unhandled rejection, and the loop goes on', async () => {
  const errors: unknown[] = [];
  const started: string[] = [];
  const waiting = ['bad', 'good'];
  const worker = new PollingWorker<Row>({
    concurrency: 1,
    pollMs: 20,
    keyOf: (row) => row.id,
    claim: async (limit) => waiting.splice(0, limit).map((id) => ({ id })),
    nextDueAt: async () => null,
    process: async (row) => {
      started.push(row.id);
      if (row.id === 'bad') throw new Error('the owner\'s own bookkeeping failed');
    },
    onQueueError: (err) => errors.push(err),
    now: Date.now,
  });
  worker.start();
  await tick(30);
  assert.deepEqual(started, ['bad', 'good']);
  assert.equal(errors.length, 1);
  await worker.stop();
});
