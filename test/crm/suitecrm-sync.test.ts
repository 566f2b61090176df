/**
 * The directory sync from SuiteCRM (the fake) into our store, on SQLite and PostgreSQL: the first
 * full sync, lookups by any formatting of stored numbers, incremental sync with edits and deletions
 * spread across pages, deletions through the legacy API and through the full reconcile, extensions
 * moving between users, and the scheduler's status.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import { SuiteCrm } from '../../src/crm/suitecrm/suitecrm-crm.ts';
import { SuiteCrmSync } from '../../src/crm/suitecrm/suitecrm-sync.ts';
import type { SyncProgress } from '../../src/crm/crm-port.ts';
import type { FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { IDS, settingsFor, startFake, SUITECRM_VERSIONS } from './support.ts';

const sid = (id: string): string => `suitecrm:${id}`;

for (const engine of ENGINES) for (const version of SUITECRM_VERSIONS) {
  describe(`SuiteCRM directory sync on ${engine}, SuiteCRM ${version}`, () => {
    let t: TestStore;
    let dir: Directory;
    let fake: FakeSuiteCrm;
    let crm: SuiteCrm;
    let clock = Date.parse('2026-11-24T09:00:00Z');

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'RU' });
      fake = await startFake({ now: () => clock, version });
      crm = new SuiteCrm(settingsFor(fake), { directory: dir });
    });
    after(async () => {
      await fake.stop();
      await t.dispose();
    });

    test('the first full sync brings users (with extensions), accounts, contacts (with accounts) and leads', async () => {
      const progress: SyncProgress[] = [];
      const report = await crm.syncFull({ onProgress: (p) => progress.push(p) });
      assert.deepEqual(Object.fromEntries(Object.entries(report.modules).map(([m, c]) => [m, c.listed])), { Users: 3, Accounts: 3, Contacts: 5, Leads: 3 });
      const alice = await dir.userByExtension('101');
      assert.equal(alice?.id, sid(IDS.alice));
      assert.equal(alice?.name, 'Alice Agent');
      assert.equal((await dir.userByExtension('102'))?.name, 'Bob Agent');
      const row = await t.store.db.selectFrom('users').selectAll().where('id', '=', sid(IDS.admin)).executeTakeFirstOrThrow();
      assert.deepEqual([row.source, row.external_id, row.password_hash, row.login], ['suitecrm', IDS.admin, null, sid(IDS.admin)]);
      const c1 = await t.store.db.selectFrom('contacts').selectAll().where('id', '=', sid(IDS.C1)).executeTakeFirstOrThrow();
      assert.deepEqual([c1.first_name, c1.last_name, c1.account_id, c1.assigned_user_id, c1.source, c1.external_id], ['Ivan', 'Petrov', sid(IDS.A1), sid(IDS.alice), 'suitecrm', IDS.C1]);
      const klaus = await t.store.db.selectFrom('contacts').select('last_name').where('id', '=', sid(IDS.C5)).executeTakeFirstOrThrow();
      assert.equal(klaus.last_name, 'Müller');
      const lead = await t.store.db.selectFrom('leads').selectAll().where('id', '=', sid(IDS.L3)).executeTakeFirstOrThrow();
      assert.deepEqual([lead.first_name, lead.status], ['Jürgen', 'In Process']);
      assert.ok(progress.some((p) => p.module === 'Contacts' && p.done === 5 && p.total === 5));
    });

    test('lookup finds SuiteCRM contacts by any formatting of their stored numbers (region RU)', async () => {
      // C1 stores "+7 (495) 123-45-67", C2 "8 495 123 45 67" and "+7 (495) 123-45-67"; A1's office is the same number.
      for (const caller of ['+74951234567', '84951234567', '74951234567', '8 495 123 45 67']) {
        const found = await findByPhone(dir, caller);
        const ids = found.candidates.map((c) => `${c.type}:${c.externalId}`).sort();
        assert.deepEqual(ids, [`account:${IDS.A1}`, `contact:${IDS.C1}`, `contact:${IDS.C2}`].sort(), caller);
        assert.ok(found.candidates.every((c) => c.source === 'suitecrm'));
      }
      const klaus = await findByPhone(dir, '+49 30 1234567');
      assert.ok(klaus.candidates.some((c) => c.externalId === IDS.C5));
    });

    test('incremental: edits, a new record and deletions reach the index; nothing unchanged is written again', async () => {
      clock += 60_000;
      fake.edit('Contacts', IDS.C3, { phone_mobile: '+1 415 555 9999', last_name: "O'Brien & <Smith>" });
      const added = fake.add('Contacts', { first_name: 'Nina', last_name: 'New', phone_work: '8 (812) 555-12-34', assigned_user_id: IDS.bob, account_id: IDS.A2 });
      fake.remove('Contacts', IDS.C4);
      fake.remove('Leads', IDS.L2);
      const report = await crm.syncIncremental();
      assert.equal(report.modules['Contacts']!.written, 2);
      assert.equal(report.modules['Contacts']!.removed, 1);
      assert.equal(report.modules['Leads']!.removed, 1);
      const c3 = await t.store.db.selectFrom('contacts').select('last_name').where('id', '=', sid(IDS.C3)).executeTakeFirstOrThrow();
      assert.equal(c3.last_name, "O'Brien & <Smith>", 'HTML entities decoded');
      assert.equal((await findByPhone(dir, '+14155559999')).candidates[0]?.externalId, IDS.C3);
      assert.equal((await findByPhone(dir, '+78125551234')).candidates[0]?.externalId, added);
      assert.equal(await t.store.db.selectFrom('contacts').select('id').where('id', '=', sid(IDS.C4)).executeTakeFirst(), undefined);
      assert.equal((await findByPhone(dir, '(415) 555 2672')).candidates.length, 0, 'the deleted contact no longer pops');
      // The overlap lists the same rows again; they are not written twice.
      const again = await crm.syncIncremental();
      assert.equal(again.modules['Contacts']!.written, 0);
      assert.ok(again.modules['Contacts']!.unchanged >= 2);
    });

    test('two edits within one minute (SuiteCRM drops the seconds) are both picked up', async () => {
      fake.edit('Contacts', IDS.C5, { phone_home: '+49 30 7000001' });
      await crm.syncIncremental();
      clock += 20_000;
      fake.edit('Contacts', IDS.C5, { phone_home: '+49 30 7000002' });
      await crm.syncIncremental();
      assert.equal((await findByPhone(dir, '+49307000002')).candidates[0]?.externalId, IDS.C5);
      assert.equal((await findByPhone(dir, '+49307000001')).candidates.length, 0);
    });

    test('an extension moved from one SuiteCRM user to another follows; a user deleted in SuiteCRM is deactivated', async () => {
      clock += 60_000;
      fake.edit('Users', IDS.alice, { asterisk_ext_c: '' });
      fake.edit('Users', IDS.bob, { asterisk_ext_c: '102,101' });
      await crm.syncIncremental();
      assert.equal((await dir.userByExtension('101'))?.id, sid(IDS.bob));
      assert.deepEqual((await dir.userById(sid(IDS.bob)))?.extensions, ['102', '101']);
      fake.remove('Users', IDS.bob);
      await crm.syncIncremental();
      const bob = await dir.userById(sid(IDS.bob));
      assert.equal(bob?.active, false);
      assert.equal(await dir.userByExtension('102'), undefined);
    });
  });

  describe(`SuiteCRM sync across pages on ${engine}, SuiteCRM ${version}`, () => {
    let t: TestStore;
    let dir: Directory;
    let fake: FakeSuiteCrm;
    let clock = Date.parse('2026-11-24T10:00:00Z');

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'RU' });
      fake = await startFake({ now: () => clock, version });
      fake.generate({ contacts: 60 });
    });
    after(async () => {
      await fake.stop();
      await t.dispose();
    });

    test('edits and deletions while paging, and across pages, all land; the full reconcile removes what the legacy API is not there to see', async () => {
      const noLegacy = new SuiteCrm(settingsFor(fake, { pageSize: 7, legacy: null, modules: ['Users', 'Accounts', 'Contacts'] }), { directory: dir });
      const contacts = [...fake.store.inIdOrder('Contacts')].map((r) => r.id);
      // While the first full listing runs (3rd page of contacts), a person edits a contact already
      // listed and deletes one not yet listed.
      let listing = 0;
      fake.latencyMs = (req) => {
        if (req.path === '/Api/V8/module/Contacts' && ++listing === 3) {
          clock += 1000;
          fake.edit('Contacts', contacts[1]!, { phone_mobile: '+7 916 000-00-01' });
          fake.remove('Contacts', contacts[40]!);
        }
        return 0;
      };
      const first = await noLegacy.syncFull();
      fake.latencyMs = 0;
      assert.equal(first.modules['Contacts']!.listed, contacts.length - 1);
      // The edit on an already-listed page is caught by the next incremental sync (date_modified moved).
      await noLegacy.syncIncremental();
      assert.equal((await findByPhone(dir, '+79160000001')).candidates[0]?.externalId, contacts[1]);

      // Edits spread over every page, deletions too.
      clock += 60_000;
      const edited = contacts.filter((_, i) => i % 9 === 2);
      for (const [i, id] of edited.entries()) fake.edit('Contacts', id, { phone_other: `+7 499 100-00-${String(i).padStart(2, '0')}` });
      const deleted = contacts.filter((_, i) => i % 13 === 5);
      for (const id of deleted) fake.remove('Contacts', id);
      const inc = await noLegacy.syncIncremental();
      assert.equal(inc.modules['Contacts']!.written, edited.filter((id) => !deleted.includes(id)).length);
      for (const [i, id] of edited.entries()) {
        if (deleted.includes(id)) continue;
        assert.equal((await findByPhone(dir, `+749910000${String(i).padStart(2, '0')}`)).candidates[0]?.externalId, id);
      }
      // Without the legacy API, v8 cannot show deletions: they stay until the full reconcile.
      const stillThere = await t.store.db.selectFrom('contacts').select('external_id').where('external_id', 'in', deleted).execute();
      assert.equal(stillThere.length, deleted.length);
      const full = await noLegacy.syncFull();
      assert.equal(full.modules['Contacts']!.removed, deleted.length);
      const total = await t.store.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(total.n), contacts.length - 1 - deleted.length);
    });

    test('a quiet CRM is not listed again and again: past the overlap, an incremental sync lists nothing', async () => {
      const crm = new SuiteCrm(settingsFor(fake, { pageSize: 7, legacy: null, modules: ['Contacts'] }), { directory: dir });
      clock += 60_000;
      fake.edit('Contacts', [...fake.store.inIdOrder('Contacts')].find((r) => !r.deleted)!.id, { phone_home: '+7 495 700-00-01' });
      const soon = await crm.syncIncremental();
      assert.ok(soon.modules['Contacts']!.listed >= 1);
      clock += 5 * 60_000; // nothing happens in SuiteCRM for five minutes
      await crm.syncIncremental();
      const later = await crm.syncIncremental();
      assert.equal(later.modules['Contacts']!.listed, 0);
    });

    test('with the legacy API, deletions go within one incremental sync', async () => {
      const withLegacy = new SuiteCrm(settingsFor(fake, { pageSize: 7, modules: ['Users', 'Accounts', 'Contacts'] }), { directory: dir });
      await withLegacy.syncFull();
      clock += 60_000;
      const victim = [...fake.store.inIdOrder('Contacts')].find((r) => !r.deleted)!.id;
      fake.remove('Contacts', victim);
      const inc = await withLegacy.syncIncremental();
      assert.equal(inc.modules['Contacts']!.removed, 1);
      assert.equal(await t.store.db.selectFrom('contacts').select('id').where('external_id', '=', victim).executeTakeFirst(), undefined);
    });
  });
}

describe('SuiteCrmSync (the scheduler)', () => {
  test('a full sync first, then incremental ones; status says when, how much and how far behind', async () => {
    const t = await openTestStore('sqlite');
    const fake = await startFake();
    try {
      const dir = new Directory(t.store, { defaultRegion: 'RU' });
      const crm = new SuiteCrm(settingsFor(fake, { pageSize: 50 }), { directory: dir });
      const sync = new SuiteCrmSync({ target: crm, intervalMs: 20, reconcileIntervalMs: 0 });
      assert.equal(sync.status().state, 'stopped');
      sync.start();
      const kinds: string[] = [];
      for (let i = 0; i < 200 && kinds.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        const last = sync.status().lastRun;
        if (last && kinds[kinds.length - 1] !== last.finishedAt) kinds.push(last.finishedAt);
      }
      await sync.stop();
      const s = sync.status();
      assert.equal(s.state, 'stopped');
      assert.deepEqual(s.counts, { users: 3, accounts: 3, contacts: 5, leads: 3 });
      assert.ok(s.lastFullSyncAt !== null && s.lastSyncAt !== null);
      assert.equal(s.lastRun?.kind, 'incremental');
      assert.ok(s.lagMs !== null && s.lagMs < 5000);
      assert.deepEqual(s.errors, []);
    } finally {
      await fake.stop();
      await t.dispose();
    }
  });

  test('a failure is kept in words, and a success clears it', async () => {
    const t = await openTestStore('sqlite');
    const fake = await startFake();
    try {
      const dir = new Directory(t.store, { defaultRegion: 'RU' });
      const sync = new SuiteCrmSync({ target: new SuiteCrm(settingsFor(fake, { clientSecret: 'wrong' }), { directory: dir }), intervalMs: 10, reconcileIntervalMs: 0, fatalRetryMs: 10 });
      await assert.rejects(sync.runNow('full'));
      assert.equal(sync.status().state, 'failing');
      assert.match(sync.status().errors[0]!, /SUITECRM_CLIENT_SECRET/);
      const ok = new SuiteCrmSync({ target: new SuiteCrm(settingsFor(fake), { directory: dir }), intervalMs: 10, reconcileIntervalMs: 0 });
      await ok.runNow('full');
      assert.deepEqual(ok.status().errors, []);
      assert.equal(ok.status().state, 'stopped');
    } finally {
      await fake.stop();
      await t.dispose();
    }
  });
});
