import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore } from '../../test/support/engines.ts';

for (const engine of ENGINES) {
  describe(`store on ${engine}`, () => {
    test('ping answers while the store is open and fails once it is closed (the health check)', async () => {
      const t = await openTestStore(engine);
      try {
        await t.store.ping();
      } finally {
        await t.dispose();
      }
      await assert.rejects(t.store.ping());
    });
  });
}
