/**
 * The cards on the phone rows (migration 0008) stay what the record tables say through every write
 * path: record upserts, bulk writes, a CRM's sync, CSV imports, deletes, renames of accounts and
 * users, touches; and the migration fills them for rows written before it. On both engines.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import type { Store } from '../store/store.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { down as dropCards } from '../store/migrations/0008-lookup-covering.ts';
import { bulkUpsert } from './bulk-write.ts';
import { Directory } from './directory.ts';
import { importCsv } from './import/importer.ts';
import { findByPhone, type Candidate } from './lookup.ts';
import { readCards, type PhoneCard } from './phone-cards.ts';
import { RECORD_TYPES } from './record-types.ts';

/** Every phone row's card against the card read from the record tables now. */
async function assertCardsTrue(store: Store): Promise<number> {
  const rows = await store.db.selectFrom('phones').selectAll().execute();
  let checked = 0;
  for (const type of RECORD_TYPES) {
    const mine = rows.filter((r) => r.record_type === type);
    const truth = await readCards(store.db, type, [...new Set(mine.map((r) => r.record_id))]);
    for (const row of mine) {
      const expected = truth.get(row.record_id);
      assert.ok(expected, `${type} ${row.record_id} has phone rows but no record`);
      const card: PhoneCard = {
        first_name: row.first_name,
        last_name: row.last_name,
        name: row.name,
        account_id: row.account_id,
        account_name: row.account_name,
        owner_id: row.owner_id,
        owner_login: row.owner_login,
        owner_name: row.owner_name,
        last_activity_at: row.last_activity_at,
        source: row.source,
        external_id: row.external_id,
      };
      assert.deepEqual(card, expected, `card of ${type} ${row.record_id}`);
      checked++;
    }
  }
  return checked;
}

/** What a pop shows of the best match for a number. */
function shown(c: Candidate | undefined): unknown {
  return c && { name: c.name, account: c.account, owner: c.owner?.name ?? null, lastActivityAt: c.lastActivityAt, source: c.source, externalId: c.externalId };
}

const csv = (text: string): Readable => Readable.from([Buffer.from(text)]);

for (const engine of ENGINES) {
  describe(`phone cards on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    let alice: string;
    let bob: string;

    before(async () => {
      t = await openTestStore(engine);
      // No memory of recent lookups: every assertion below reads the phone rows themselves.
      dir = new Directory(t.store, { defaultRegion: 'US', recentLookups: { entries: 0 } });
      alice = (await dir.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] })).id;
      bob = (await dir.upsertUser({ login: 'bob', name: 'Bob Agent', extensions: ['102'] })).id;
    });
    after(() => t.dispose());

    test('record upserts write the card: name, account, owner, activity, source', async () => {
      const acme = (await dir.upsertAccount({ name: 'ACME', assignedUserId: bob, phones: [{ kind: 'office', number: '+1 415 555 0100' }] })).id;
      await dir.upsertContact({
        firstName: ' Jane ',
        lastName: 'Doe',
        accountId: acme,
        assignedUserId: alice,
        source: 'suitecrm',
        externalId: 'c-1',
        lastActivityAt: '2026-12-01T10:00:00.000Z',
        phones: [{ kind: 'mobile', number: '+1 415 555 0101' }],
      });
      await dir.upsertLead({ firstName: 'Lena', lastName: 'Lead', accountName: 'Startup', phones: [{ kind: 'work', number: '+1 415 555 0102' }] });
      assert.deepEqual(shown((await findByPhone(dir, '+14155550101')).candidates[0]), {
        name: 'Jane Doe',
        account: { id: acme, name: 'ACME' },
        owner: 'Alice Agent',
        lastActivityAt: '2026-12-01T10:00:00.000Z',
        source: 'suitecrm',
        externalId: 'c-1',
      });
      assert.deepEqual(shown((await findByPhone(dir, '+14155550100')).candidates[0]), { name: 'ACME', account: null, owner: 'Bob Agent', lastActivityAt: null, source: 'embedded', externalId: null });
      assert.deepEqual(shown((await findByPhone(dir, '+14155550102')).candidates[0]), { name: 'Lena Lead', account: { id: null, name: 'Startup' }, owner: null, lastActivityAt: null, source: 'embedded', externalId: null });
      assert.ok((await assertCardsTrue(t.store)) >= 3);
    });

    test('an update without lastActivityAt keeps the stored one on the card', async () => {
      const id = (await dir.upsertContact({ firstName: 'Kept', lastName: 'Activity', lastActivityAt: '2026-11-01T00:00:00.000Z', phones: [{ kind: 'work', number: '+1 415 555 0110' }] })).id;
      await dir.upsertContact({ id, firstName: 'Kept', lastName: 'Activity', assignedUserId: bob, phones: [{ kind: 'work', number: '+1 415 555 0110' }] });
      const c = (await findByPhone(dir, '+14155550110')).candidates[0];
      assert.equal(c?.lastActivityAt, '2026-11-01T00:00:00.000Z');
      assert.equal(c?.owner?.login, 'bob');
      await assertCardsTrue(t.store);
    });

    test('renaming an account renames it on its contacts\' cards, one by one and in bulk', async () => {
      const acc = (await dir.upsertAccount({ id: 'acc-rename', name: 'Old Name', phones: [{ kind: 'office', number: '+1 415 555 0200' }] })).id;
      await dir.upsertContact({ firstName: 'Carl', lastName: 'Contact', accountId: acc, phones: [{ kind: 'work', number: '+1 415 555 0201' }] });
      await dir.upsertAccount({ id: acc, name: 'New Name', phones: [{ kind: 'office', number: '+1 415 555 0200' }] });
      assert.deepEqual((await findByPhone(dir, '+14155550201')).candidates[0]?.account, { id: acc, name: 'New Name' });
      assert.equal((await findByPhone(dir, '+14155550200')).candidates[0]?.name, 'New Name');
      await bulkUpsert(dir, 'account', [{ id: acc, name: 'Bulk Name', phones: [] }]);
      assert.deepEqual((await findByPhone(dir, '+14155550201')).candidates[0]?.account, { id: acc, name: 'Bulk Name' });
      assert.equal((await findByPhone(dir, '+14155550200')).candidates.length, 0, 'the account\'s own phone was removed by the bulk write');
      await assertCardsTrue(t.store);
    });

    test('deleting an account takes it off its contacts\' cards', async () => {
      const acc = (await dir.upsertAccount({ name: 'Doomed' })).id;
      await dir.upsertContact({ firstName: 'Orphan', lastName: 'Soon', accountId: acc, phones: [{ kind: 'work', number: '+1 415 555 0300' }] });
      assert.equal((await findByPhone(dir, '+14155550300')).candidates[0]?.account?.name, 'Doomed');
      assert.equal(await dir.deleteRecord('account', acc), true);
      const c = (await findByPhone(dir, '+14155550300')).candidates[0];
      assert.equal(c?.name, 'Orphan Soon');
      assert.equal(c?.account, null);
      await assertCardsTrue(t.store);
    });

    test('deleting a contact or a lead removes it from lookups', async () => {
      const id = (await dir.upsertLead({ lastName: 'Gone', phones: [{ kind: 'work', number: '+1 415 555 0310' }] })).id;
      assert.equal((await findByPhone(dir, '+14155550310')).candidates.length, 1);
      await dir.deleteRecord('lead', id);
      assert.equal((await findByPhone(dir, '+14155550310')).candidates.length, 0);
    });

    test('renaming a user renames them on the cards of every record they are responsible for', async () => {
      const dora = (await dir.upsertUser({ login: 'dora', name: 'Dora Old' })).id;
      await dir.upsertContact({ firstName: 'C', lastName: 'One', assignedUserId: dora, phones: [{ kind: 'work', number: '+1 415 555 0400' }] });
      await dir.upsertAccount({ name: 'A One', assignedUserId: dora, phones: [{ kind: 'office', number: '+1 415 555 0401' }] });
      await dir.upsertLead({ lastName: 'L One', assignedUserId: dora, phones: [{ kind: 'work', number: '+1 415 555 0402' }] });
      await dir.upsertUser({ login: 'dora', name: 'Dora New' });
      for (const n of ['+14155550400', '+14155550401', '+14155550402']) {
        assert.deepEqual((await findByPhone(dir, n)).candidates[0]?.owner, { id: dora, login: 'dora', name: 'Dora New' }, n);
      }
      await assertCardsTrue(t.store);
    });

    test('a CRM sync: synced users renamed, records written in bulk, users deactivated', async () => {
      const synced = dir.syncedFrom('suitecrm');
      await synced.writeUsers([{ id: 'u-sync', login: 'sync.user', name: 'Sync Old', externalId: 'x-1', extensions: ['501'] }]);
      await bulkUpsert(dir, 'contact', [{ id: 'c-sync', firstName: 'Synced', lastName: 'Contact', assignedUserId: 'u-sync', source: 'suitecrm', externalId: 'sc-1', phones: [{ kind: 'work', number: '+1 415 555 0500' }] }]);
      assert.equal((await findByPhone(dir, '+14155550500')).candidates[0]?.owner?.name, 'Sync Old');
      await synced.writeUsers([{ id: 'u-sync', login: 'sync.user', name: 'Sync New', externalId: 'x-1', extensions: ['501'] }]);
      assert.equal((await findByPhone(dir, '+14155550500')).candidates[0]?.owner?.name, 'Sync New');
      await bulkUpsert(dir, 'contact', [{ id: 'c-sync', firstName: 'Synced', lastName: 'Renamed', assignedUserId: null, source: 'suitecrm', externalId: 'sc-1', phones: [{ kind: 'work', number: '+1 415 555 0500' }] }]);
      const c = (await findByPhone(dir, '+14155550500')).candidates[0];
      assert.equal(c?.name, 'Synced Renamed');
      assert.equal(c?.owner, null);
      assert.equal(await synced.deactivateUsers(['u-sync']), 1);
      await assertCardsTrue(t.store);
    });

    test('CSV imports of accounts, contacts, leads and users keep the cards true', async () => {
      await importCsv(dir, csv('login,name,extensions\nimp.user,Imported User,601\n'), { type: 'users' });
      await importCsv(dir, csv('id,name,phone_office,assigned_user\nimp-acc,Imported Co,+1 415 555 0600,imp.user\n'), { type: 'accounts' });
      await importCsv(dir, csv('id,first_name,last_name,account_id,phone_work,assigned_user\nimp-c,Ima,Ported,imp-acc,+1 415 555 0601,imp.user\n'), { type: 'contacts' });
      await importCsv(dir, csv('id,first_name,last_name,account_name,phone_work\nimp-l,Lee,Ported,Some Co,+1 415 555 0602\n'), { type: 'leads' });
      assert.deepEqual(shown((await findByPhone(dir, '+14155550601')).candidates[0]), {
        name: 'Ima Ported',
        account: { id: 'imp-acc', name: 'Imported Co' },
        owner: 'Imported User',
        lastActivityAt: null,
        source: 'embedded',
        externalId: null,
      });
      // Re-importing the account under a new name, and the user under a new name.
      await importCsv(dir, csv('id,name,phone_office,assigned_user\nimp-acc,Renamed Co,+1 415 555 0600,imp.user\n'), { type: 'accounts' });
      await importCsv(dir, csv('login,name,extensions\nimp.user,Renamed User,601\n'), { type: 'users' });
      const c = (await findByPhone(dir, '+14155550601')).candidates[0];
      assert.deepEqual(c?.account, { id: 'imp-acc', name: 'Renamed Co' });
      assert.equal(c?.owner?.name, 'Renamed User');
      await assertCardsTrue(t.store);
    });

    test('a touch moves the card\'s last activity, and the ranking with it', async () => {
      const first = (await dir.upsertContact({ firstName: 'Aaa', lastName: 'Same', phones: [{ kind: 'work', number: '+1 415 555 0700' }] })).id;
      const second = (await dir.upsertContact({ firstName: 'Zzz', lastName: 'Same', phones: [{ kind: 'work', number: '+1 415 555 0700' }] })).id;
      assert.deepEqual((await findByPhone(dir, '+14155550700')).candidates.map((c) => c.id), [first, second]);
      await dir.touch('contact', second, '2026-12-06T12:00:00.000Z');
      const after = await findByPhone(dir, '+14155550700');
      assert.deepEqual(after.candidates.map((c) => c.id), [second, first]);
      assert.equal(after.candidates[0]?.lastActivityAt, '2026-12-06T12:00:00.000Z');
      await assertCardsTrue(t.store);
    });

    test('migration 0008 fills the cards of phone rows written before it', async () => {
      const before = await findByPhone(dir, '+14155550101');
      const db = t.store.db as unknown as Kysely<unknown>;
      await dropCards(db);
      await sql`delete from kysely_migration where name = '0008-lookup-covering'`.execute(db);
      const schema = engine === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
      assert.deepEqual(await migrateToLatest(db, schema), ['0008-lookup-covering']);
      assert.ok((await assertCardsTrue(t.store)) > 10);
      assert.deepEqual(await findByPhone(dir, '+14155550101'), before);
    });
  });
}
