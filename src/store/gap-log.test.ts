import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { GapLog } from './gap-log.ts';

const T0 = Date.parse('2026-12-06T12:00:00.000Z');

for (const engine of ENGINES) {
  describe(`gap log on ${engine}`, () => {
    let t: TestStore;
    let log: GapLog;
    before(async () => {
      t = await openTestStore(engine);
      log = new GapLog(t.store);
    });
    after(() => t.dispose());

    test('the last heartbeat wins, per PBX', async () => {
      assert.equal(await log.lastAlive('p1'), null);
      await log.heartbeat('p1', T0);
      await log.heartbeat('p1', T0 + 5_000);
      await log.heartbeat('p2', T0 + 1_000);
      assert.equal(await log.lastAlive('p1'), T0 + 5_000);
      assert.equal(await log.lastAlive('p2'), T0 + 1_000);
    });

    test('a gap is due until done; progress moves its next attempt and counts what was filled', async () => {
      const gap = await log.add('p1', { from: T0, to: T0 + 3_000, cause: 'link-cut' }, T0 + 3_000);
      await log.add('p1', { from: T0 + 10_000, to: T0 + 12_000, cause: 'restart', state: 'skipped' }, T0 + 12_000);
      assert.deepEqual((await log.due('p1', T0 + 4_000)).map((g) => g.id), [gap.id]);
      assert.equal(await log.pendingCount('p1'), 1);
      await log.progress(gap.id, { corrected: 2, rebuilt: 1 }, T0 + 60_000, 'still open');
      assert.deepEqual(await log.due('p1', T0 + 5_000), [], 'not due before its next attempt');
      const [again] = await log.due('p1', T0 + 60_000);
      assert.equal(again?.corrected, 2);
      assert.equal(again?.lastError, 'still open');
      await log.done(gap.id, { corrected: 1, rebuilt: 0 }, T0 + 61_000);
      assert.deepEqual(await log.due('p1', T0 + 120_000), []);
      const [latest, first] = await log.recent('p1');
      assert.equal(latest?.state, 'skipped');
      assert.equal(first?.state, 'done');
      assert.equal(first?.corrected, 3);
      assert.equal(first?.rebuilt, 1);
      assert.equal(first?.attempts, 2);
      assert.equal(first?.from, T0);
      assert.equal(await log.pendingCount('p1'), 0);
    });
  });
}
