import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { bulkUpsert } from './bulk-write.ts';
import { Directory } from './directory.ts';
import { DirectoryOrigins } from './origins.ts';

for (const engine of ENGINES) {
  describe(`directory origins on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    let origins: DirectoryOrigins;
    let carol: string;
    let alice: string;

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
      origins = new DirectoryOrigins(t.store);
      alice = (await dir.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] })).id;
      carol = (await dir.upsertUser({ login: 'carol.crm', name: 'Carol CRM', source: 'suitecrm', externalId: 'u-carol', extensions: ['301', '302'], active: false })).id;
    });
    after(() => t.dispose());

    test('a user by extension or by id: our id, source, the CRM\'s id and the name; inactive users too', async () => {
      assert.deepEqual(await origins.userByExtension('302'), { id: carol, source: 'suitecrm', externalId: 'u-carol', name: 'Carol CRM' });
      assert.deepEqual(await origins.userByExtension('101'), { id: alice, source: 'embedded', externalId: null, name: 'Alice Agent' });
      assert.deepEqual(await origins.userById(carol), await origins.userByExtension('301'));
      assert.equal(await origins.userByExtension('999'), undefined);
      assert.equal(await origins.userByExtension("101' or '1'='1"), undefined);
      assert.equal(await origins.userById('no-such-user'), undefined);
    });

    test('records of one type with their responsible user; missing ids left out; long id lists in chunks', async () => {
      const synced = (await dir.upsertContact({ lastName: 'Synced', source: 'suitecrm', externalId: 'c-1', assignedUserId: carol })).id;
      const local = (await dir.upsertContact({ lastName: 'Local' })).id;
      const found = await origins.records('contact', [synced, 'no-such-contact', local]);
      assert.deepEqual(
        new Map(found.map((o) => [o.id, o])),
        new Map([
          [synced, { id: synced, source: 'suitecrm', externalId: 'c-1', assignedUserId: carol }],
          [local, { id: local, source: 'embedded', externalId: null, assignedUserId: null }],
        ]),
      );
      assert.deepEqual(await origins.records('lead', [synced]), [], 'the type is part of the key');
      assert.deepEqual(await origins.records('account', []), []);

      const many = Array.from({ length: 1203 }, (_, i) => ({ id: `acc-${String(i).padStart(4, '0')}`, name: `Account ${i}` }));
      await bulkUpsert(dir, 'account', many, { analyze: false });
      const asked = [...many.map((a) => a.id), ...Array.from({ length: 300 }, (_, i) => `missing-${i}`)];
      const got = await origins.records('account', asked);
      assert.deepEqual(got.map((o) => o.id).sort(), many.map((a) => a.id));
      assert.deepEqual(
        (await dir.recordOrigins('account', asked)).map((o) => o.id).sort(),
        many.map((a) => a.id),
        'Directory.recordOrigins answers through the same query, without the owner',
      );
      assert.deepEqual(Object.keys((await dir.recordOrigins('contact', [synced]))[0]!), ['id', 'source', 'externalId']);
    });
  });
}
