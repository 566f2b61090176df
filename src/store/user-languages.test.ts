import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { UserLanguages } from './user-languages.ts';

for (const engine of ENGINES) {
  describe(`each person's language on ${engine}`, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(engine);
      const now = new Date().toISOString();
      await t.store.db.insertInto('users').values({ id: 'u1', login: 'anna', name: 'Anna', role: 'agent', active: 1, password_hash: null, source: 'embedded', external_id: null, created_at: now, updated_at: now }).execute();
    });
    after(async () => t.dispose());

    it('none until picked, then the pick, changed, and forgotten', async () => {
      const languages = new UserLanguages(t.store);
      assert.equal(await languages.get('u1'), null);
      await languages.set('u1', 'ru');
      assert.equal(await languages.get('u1'), 'ru');
      await languages.set('u1', 'en');
      assert.equal(await languages.get('u1'), 'en');
      await languages.set('u1', null);
      assert.equal(await languages.get('u1'), null);
    });
  });
}
