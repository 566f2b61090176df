import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { bulkUpsert, type RecordInput } from './bulk-write.ts';
import { Directory } from './directory.ts';
import type { SyncedRows } from './synced-rows.ts';

const user = (n: string, extensions: string[], name = `User ${n}`) => ({ id: `crm:${n}`, login: `crm:${n}`, name, externalId: n, extensions });

for (const engine of ENGINES) {
  describe(`synced rows on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    let crm: SyncedRows;

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
      crm = dir.syncedFrom('crm');
      await dir.upsertUser({ login: 'local', name: 'Local Agent', extensions: ['100'] });
    });
    after(() => t.dispose());

    test('users are written by our id, without a password, active, with exactly their extensions', async () => {
      assert.deepEqual(await crm.writeUsers([user('u1', ['201', '202'], 'Ann'), user('u2', [])]), []);
      const ann = await dir.userById('crm:u1');
      assert.deepEqual({ login: ann?.login, name: ann?.name, role: ann?.role, active: ann?.active, extensions: ann?.extensions, primary: ann?.primaryExtension }, { login: 'crm:u1', name: 'Ann', role: 'agent', active: true, extensions: ['201', '202'], primary: '201' });
      assert.equal(await dir.passwordHashOf('crm:u1'), null);
      assert.deepEqual(await dir.userByExternalId('crm', 'u1'), ann);

      assert.deepEqual(await crm.writeUsers([user('u1', ['203'], 'Ann B.')]), []);
      const again = await dir.userById('crm:u1');
      assert.deepEqual([again?.name, again?.extensions], ['Ann B.', ['203']], 'renamed, and the extensions replaced');
      assert.deepEqual(await crm.writeUsers([]), []);
    });

    test('an extension moves between users of the CRM, stays with a user of ours, and a clash is told once', async () => {
      await crm.writeUsers([user('u3', ['301'], 'Cid')]);
      const clashes = await crm.writeUsers([user('u4', ['301', '100', '302'], 'Dee'), user('u5', ['302'], 'Eve')]);
      assert.deepEqual(clashes, [
        { kind: 'held-locally', extension: '100', user: 'Dee', holderLogin: 'local' },
        { kind: 'listed-twice', extension: '302', first: 'Dee', last: 'Eve' },
      ]);
      assert.deepEqual((await dir.userById('crm:u3'))?.extensions, [], 'moved from Cid without a word: the CRM moved it');
      assert.deepEqual((await dir.userById('crm:u4'))?.extensions, ['301']);
      assert.deepEqual((await dir.userById('crm:u5'))?.extensions, ['302'], 'the last listed keeps it');
      assert.equal((await dir.userByExtension('100'))?.login, 'local');
    });

    test('deactivating frees extensions, keeps the users, counts only those active; long lists in chunks', async () => {
      await crm.writeUsers([user('u6', ['601']), user('u7', ['701'])]);
      assert.equal(await crm.deactivateUsers(['crm:u6', 'crm:u7', 'crm:nobody']), 2);
      assert.equal(await crm.deactivateUsers(['crm:u6']), 0, 'already inactive');
      const u6 = await dir.userById('crm:u6');
      assert.deepEqual([u6?.active, u6?.extensions], [false, []]);
      assert.equal(await dir.userByExtension('701'), undefined);
      const many = Array.from({ length: 1100 }, (_, i) => user(`m${i}`, []));
      await crm.writeUsers(many);
      assert.equal(await crm.deactivateUsers(many.map((u) => u.id)), 1100);

      const users = await crm.users();
      assert.ok(users.every((u) => u.id.startsWith('crm:')), 'only this CRM\'s users');
      assert.deepEqual(users.find((u) => u.id === 'crm:u6'), { id: 'crm:u6', externalId: 'u6', active: false });
      assert.deepEqual(users.find((u) => u.id === 'crm:u1'), { id: 'crm:u1', externalId: 'u1', active: true });
      assert.equal(users.length, 7 + 1100);
      assert.deepEqual(await dir.syncedFrom('other').users(), []);
    });

    test('records read back in the shape that wrote them, so an unchanged record compares equal', async () => {
      const contact: RecordInput<'contact'> = {
        id: 'crm:c1',
        source: 'crm',
        externalId: 'c1',
        assignedUserId: 'crm:u1',
        phones: [
          { kind: 'mobile', number: '(415) 555-2671' },
          { kind: 'work', number: '+1 212 555 0100' },
        ],
        firstName: 'Jo',
        lastName: 'Smith',
        accountId: null,
        lastActivityAt: '2026-01-02T03:04:05.000Z',
      };
      const account: RecordInput<'account'> = { id: 'crm:a1', source: 'crm', externalId: 'a1', assignedUserId: null, phones: [], name: 'ACME', lastActivityAt: null };
      const lead: RecordInput<'lead'> = { id: 'crm:l1', source: 'crm', externalId: 'l1', assignedUserId: null, phones: [{ kind: 'other', number: '555 0199' }], firstName: 'Lee', lastName: 'Ray', accountName: 'Startup', status: 'New', lastActivityAt: null };
      await bulkUpsert(dir, 'contact', [contact], { analyze: false });
      await bulkUpsert(dir, 'account', [account], { analyze: false });
      await bulkUpsert(dir, 'lead', [lead], { analyze: false });
      const stored = await crm.storedInputs('contact', ['crm:c1', 'crm:nothing']);
      assert.deepEqual([...stored.keys()], ['crm:c1']);
      assert.equal(JSON.stringify(stored.get('crm:c1')), JSON.stringify(contact), 'same keys in the same order, phones in order');
      assert.equal(JSON.stringify((await crm.storedInputs('account', ['crm:a1'])).get('crm:a1')), JSON.stringify(account));
      assert.equal(JSON.stringify((await crm.storedInputs('lead', ['crm:l1'])).get('crm:l1')), JSON.stringify(lead));
      assert.equal((await crm.storedInputs('lead', ['crm:c1'])).size, 0, 'the type is part of the key');
      assert.equal((await crm.storedInputs('contact', [])).size, 0);

      const many = Array.from({ length: 1001 }, (_, i): RecordInput<'contact'> => ({ id: `crm:m${i}`, source: 'crm', externalId: `m${i}`, lastName: `M${i}`, phones: [{ kind: 'work', number: `+1 212 555 ${String(i).padStart(4, '0')}` }] }));
      await bulkUpsert(dir, 'contact', many, { analyze: false });
      const back = await crm.storedInputs('contact', many.map((m) => m.id!));
      assert.equal(back.size, 1001);
      assert.deepEqual(back.get('crm:m1000')?.phones, [{ kind: 'work', number: '+1 212 555 1000' }]);
    });

    test('the CRM\'s record ids and counts are its own rows only', async () => {
      await dir.upsertContact({ lastName: 'Ours' });
      await dir.upsertContact({ lastName: 'Another CRM\'s', source: 'other', externalId: 'x1' });
      const ids = await crm.externalIds('contact');
      assert.equal(ids.length, 1002);
      assert.ok(ids.includes('c1') && !ids.includes('x1'));
      assert.deepEqual(await crm.externalIds('account'), ['a1']);
      assert.deepEqual(await dir.syncedFrom('other').externalIds('contact'), ['x1']);
      const active = (await crm.users()).filter((u) => u.active).length;
      assert.deepEqual(await crm.counts(), { users: active, accounts: 1, contacts: 1002, leads: 1 });
    });
  });
}
