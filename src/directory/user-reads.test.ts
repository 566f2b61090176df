/** The prepared user reads (`Directory.userById`, `userByLogin`, `userByExtension`) on both engines. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { Directory } from './directory.ts';

for (const engine of ENGINES) {
  describe(`user reads on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
    });
    after(() => t.dispose());

    test('a user with extensions: the primary first, then the others in order, by id, login or any extension', async () => {
      const id = (await dir.upsertUser({ login: 'ann', name: 'Ann Agent', role: 'admin', extensions: ['305', '120', '7'] })).id;
      const expected = { id, login: 'ann', name: 'Ann Agent', role: 'admin', active: true, extensions: ['305', '120', '7'], primaryExtension: '305' };
      assert.deepEqual(await dir.userById(id), expected);
      assert.deepEqual(await dir.userByLogin('ann'), expected);
      for (const ext of ['305', '120', '7']) assert.deepEqual(await dir.userByExtension(ext), expected, ext);
    });

    test('a user without extensions, an inactive one, and nobody', async () => {
      const id = (await dir.upsertUser({ login: 'ben', name: 'Ben', active: false })).id;
      assert.deepEqual(await dir.userById(id), { id, login: 'ben', name: 'Ben', role: 'agent', active: false, extensions: [], primaryExtension: null });
      await dir.upsertUser({ login: 'ben', name: 'Ben', extensions: ['444'] });
      assert.deepEqual((await dir.userByExtension('444'))?.active, false, 'inactive users are returned: callers decide');
      assert.equal(await dir.userById('nobody'), undefined);
      assert.equal(await dir.userByLogin("ann' or '1'='1"), undefined);
      assert.equal(await dir.userByExtension('999'), undefined);
    });

    test('what is read follows the writes: a moved extension, a renamed user', async () => {
      await dir.upsertUser({ login: 'ann', name: 'Ann Renamed', extensions: ['120'] });
      assert.equal(await dir.userByExtension('305'), undefined);
      assert.deepEqual((await dir.userByExtension('120'))?.extensions, ['120']);
      assert.equal((await dir.userByLogin('ann'))?.name, 'Ann Renamed');
      assert.deepEqual(await dir.listUsers().then((users) => users.find((u) => u.login === 'ann')), await dir.userByLogin('ann'));
    });
  });
}
