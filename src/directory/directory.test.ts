import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { Directory } from './directory.ts';
import { findByPhone } from './lookup.ts';
import { verifyPassword } from './passwords.ts';
import { isCrmTelephonyError } from '../errors.ts';

for (const engine of ENGINES) {
  describe(`directory on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    let alice: string;
    let bob: string;

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
      alice = (await dir.upsertUser({ login: 'alice', name: 'Alice Agent', password: 'pw-alice', extensions: ['101', '201'] })).id;
      bob = (await dir.upsertUser({ login: 'bob', name: 'Bob Agent', role: 'admin', extensions: ['102'] })).id;
    });
    after(() => t.dispose());

    test('users own extensions; the first is primary; an extension cannot belong to two users', async () => {
      const u = await dir.userByExtension('201');
      assert.equal(u?.login, 'alice');
      assert.equal(u?.primaryExtension, '101');
      assert.deepEqual(u?.extensions, ['101', '201']);
      assert.equal((await dir.userByExtension('999')), undefined);
      await assert.rejects(dir.upsertUser({ login: 'carol', name: 'Carol', extensions: ['102'] }), (e) => isCrmTelephonyError(e, 'DIRECTORY_ERR_CONFLICT'));
      assert.equal(await dir.userByLogin('carol'), undefined, 'the failed write left nothing behind');
      await assert.rejects(dir.upsertUser({ login: 'dave', name: 'Dave', extensions: ["1'; DROP TABLE users;--"] }), (e) => isCrmTelephonyError(e, 'DIRECTORY_ERR_INVALID'));
    });

    test('passwords are stored as scrypt hashes and verify', async () => {
      const hash = await dir.passwordHashOf('alice');
      assert.match(hash ?? '', /^scrypt\$/);
      assert.equal(await verifyPassword('pw-alice', hash), true);
      assert.equal(await verifyPassword('wrong', hash), false);
      assert.equal(await dir.passwordHashOf('bob'), null);
    });

    test('a CRM\'s ids map to ours and back: users by (source, external id), records by type', async () => {
      const carol = (await dir.upsertUser({ login: 'carol.crm', name: 'Carol CRM', source: 'suitecrm', externalId: 'u-carol', extensions: ['301'] })).id;
      assert.deepEqual(await dir.userByExternalId('suitecrm', 'u-carol'), await dir.userById(carol));
      assert.equal(await dir.userByExternalId('suitecrm', 'u-nobody'), undefined);
      assert.equal(await dir.userByExternalId('other-crm', 'u-carol'), undefined, 'an id means something only in its own CRM');
      assert.equal(await dir.externalUserId(carol, 'suitecrm'), 'u-carol');
      assert.equal(await dir.externalUserId(carol, 'other-crm'), null);
      assert.equal(await dir.externalUserId(alice, 'suitecrm'), null, 'an embedded user has no CRM id');
      assert.equal(await dir.externalUserId('no-such-user', 'suitecrm'), null);

      const synced = (await dir.upsertLead({ lastName: 'Synced', source: 'suitecrm', externalId: 'l-1' })).id;
      const local = (await dir.upsertLead({ lastName: 'Local' })).id;
      assert.equal(await dir.recordIdByExternalId('lead', 'suitecrm', 'l-1'), synced);
      assert.equal(await dir.recordIdByExternalId('contact', 'suitecrm', 'l-1'), undefined, 'the type is part of the key');
      assert.equal(await dir.recordIdByExternalId('lead', 'suitecrm', "l-1' or '1'='1"), undefined);
      const origins = await dir.recordOrigins('lead', [synced, local, 'no-such-lead']);
      assert.deepEqual(
        new Map(origins.map((o) => [o.id, o])),
        new Map([
          [synced, { id: synced, source: 'suitecrm', externalId: 'l-1' }],
          [local, { id: local, source: 'embedded', externalId: null }],
        ]),
      );
      assert.deepEqual(await dir.recordOrigins('account', []), []);
      await dir.deleteRecord('lead', synced);
      await dir.deleteRecord('lead', local);
    });

    test('lookup finds every matching contact, account and lead, ranked, with owner and account', async () => {
      const acme = (await dir.upsertAccount({ name: 'ACME Corp', assignedUserId: bob, phones: [{ kind: 'office', number: '+1 (415) 555-2671' }] })).id;
      const john = (
        await dir.upsertContact({
          firstName: 'John',
          lastName: 'Customer',
          accountId: acme,
          assignedUserId: alice,
          phones: [
            { kind: 'mobile', number: '(415) 555 2671 ext. 12' },
            { kind: 'work', number: '+1 212 555 0100' },
          ],
        })
      ).id;
      const lead = (await dir.upsertLead({ firstName: 'Lena', lastName: 'Lead', accountName: 'Startup', phones: [{ kind: 'work', number: '415.555.2671' }] })).id;
      await dir.upsertContact({ firstName: 'Other', lastName: 'Person', phones: [{ kind: 'work', number: '+44 20 7946 0958' }] });

      const res = await findByPhone(dir, '+14155552671');
      assert.equal(res.number.kind, 'number');
      assert.deepEqual(
        res.candidates.map((c) => [c.type, c.id]),
        [
          ['contact', john],
          ['lead', lead],
          ['account', acme],
        ],
      );
      const c = res.candidates[0]!;
      assert.equal(c.name, 'John Customer');
      assert.deepEqual(c.account, { id: acme, name: 'ACME Corp' });
      assert.equal(c.owner?.login, 'alice');
      assert.equal(c.matched.kind, 'mobile');
      assert.equal(c.quality, 'exact');
      assert.equal(res.candidates[1]!.owner, null);
      assert.deepEqual(res.candidates[1]!.account, { id: null, name: 'Startup' });
    });

    test('numbers that merely end alike are not matches; a record edit re-indexes its phones', async () => {
      const id = (await dir.upsertContact({ firstName: 'Ivan', lastName: 'Petrov', phones: [{ kind: 'mobile', number: '+7 916 123-45-67' }] })).id;
      assert.equal((await findByPhone(dir, '+1 650 123 4567')).candidates.length, 0);
      assert.deepEqual((await findByPhone(dir, '+79161234567')).candidates.map((c) => c.id), [id]);
      await dir.upsertContact({ id, firstName: 'Ivan', lastName: 'Petrov', phones: [{ kind: 'mobile', number: '+7 903 000-00-01' }] });
      assert.equal((await findByPhone(dir, '+79161234567')).candidates.length, 0);
      assert.deepEqual((await findByPhone(dir, '+79030000001')).candidates.map((c) => c.id), [id]);
      assert.equal(await dir.deleteRecord('contact', id), true);
      assert.equal((await findByPhone(dir, '+79030000001')).candidates.length, 0);
    });

    test('anonymous and internal callers match nothing; hostile caller IDs return nothing and raise nothing', async () => {
      for (const raw of ['anonymous', '<unknown>', '', '101', "' OR 1=1 --", "5551234'; DROP TABLE phones; --", '\u0000\r\n\t', 'x'.repeat(10_000), '%', '_']) {
        const res = await findByPhone(dir, raw);
        assert.deepEqual(res.candidates, [], JSON.stringify(raw.slice(0, 40)));
      }
      assert.ok((await dir.listUsers()).length >= 2, 'tables intact');
    });

    test('an unparseable stored number still matches by its digits', async () => {
      const id = (await dir.upsertContact({ firstName: 'Odd', lastName: 'Number', phones: [{ kind: 'other', number: 'tel 9 9 9 8 8 8 7 7 7 6 6 6 6 (call me)' }] })).id;
      const res = await findByPhone(dir, 'weird 9998887776666');
      assert.ok(res.candidates.some((c) => c.id === id && c.quality === 'suffix'), JSON.stringify(res));
    });

    test('planner statistics refresh on demand (after a big load), on either engine', async () => {
      await dir.refreshStatistics();
      assert.ok((await findByPhone(dir, '+14155552671')).candidates.length > 0, 'lookups still answer');
    });
  });
}
