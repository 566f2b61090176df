/**
 * The port's remaining duties on both adapters: the CRM's own record pages for pops, a lead or
 * contact created from an unknown caller (in SuiteCRM and at once in our index), and the engine's
 * call-ended effect into the outbox.
 */
import { describe, test, before, after } from 'node:test';
import { sql, type Kysely } from 'kysely';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../support/engines.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import { SuiteCrm } from '../../src/crm/suitecrm/suitecrm-crm.ts';
import { EmbeddedCrm } from '../../src/crm/embedded/embedded-crm.ts';
import { createCallLogger } from '../../src/crm/outbox/call-logger.ts';
import { callLoggerSink } from '../../src/crm/outbox/call-logger-sink.ts';
import { createCrmRuntime } from '../../src/crm/index.ts';
import { suitecrmConfigSchema } from '../../src/crm/config.ts';
import { loadConfig } from '../../src/config.ts';
import type { CallLogEntry } from '../../src/crm/crm-port.ts';
import { markerLine } from '../../src/crm/suitecrm/call-attributes.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import type { FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from '../fakes/fake-suitecrm.ts';
import { IDS, settingsFor, startFake, SUITECRM_VERSIONS } from './support.ts';

for (const version of SUITECRM_VERSIONS) describe(`the CRM port, SuiteCRM ${version}`, () => {
  let t: TestStore;
  let dir: Directory;
  let fake: FakeSuiteCrm;
  before(async () => {
    t = await openTestStore('sqlite');
    dir = new Directory(t.store, { defaultRegion: 'RU' });
    fake = await startFake({ version });
  });
  after(async () => {
    await fake.stop();
    await t.dispose();
  });

  test('record pages: SuiteCRM 7 and 8 links for SuiteCRM records, none for ours; the console page for the embedded CRM', async () => {
    const ref = { type: 'contact' as const, id: `suitecrm:${IDS.C1}`, source: 'suitecrm', externalId: IDS.C1 };
    const sc7Link = `${fake.url}/index.php?module=Contacts&action=DetailView&record=${IDS.C1}`;
    const sc8Link = `${fake.url}/#/contacts/record/${IDS.C1}`;
    const auto = new SuiteCrm(settingsFor(fake, { ui: 'auto' }), { directory: dir });
    // Before the first request SuiteCRM 7's link (SuiteCRM 8 redirects it to the record); after it, the version found.
    assert.equal(auto.recordUrl(ref), sc7Link);
    await auto.api.get('Contacts', IDS.C1, ['last_name']);
    assert.equal(auto.version, version);
    assert.equal(auto.recordUrl(ref), version === '8' ? sc8Link : sc7Link);
    assert.equal(new SuiteCrm(settingsFor(fake, { ui: '8' }), { directory: dir }).recordUrl({ ...ref, type: 'lead' }), `${fake.url}/#/leads/record/${IDS.C1}`);
    assert.equal(new SuiteCrm(settingsFor(fake, { ui: '7' }), { directory: dir }).recordUrl(ref), sc7Link, 'SUITECRM_UI=7 forces it');
    assert.equal(new SuiteCrm(settingsFor(fake, { ui: 'auto', url: `${fake.url}/legacy` }), { directory: dir }).recordUrl(ref), sc8Link, 'SUITECRM_URL ending in /legacy: SuiteCRM 8, links at the site root');
    assert.equal(new SuiteCrm(settingsFor(fake), { directory: dir }).recordUrl({ type: 'contact', id: 'x', source: 'embedded', externalId: null }), null);
    assert.equal(new EmbeddedCrm(dir).recordUrl({ type: 'account', id: 'a b', source: 'embedded', externalId: null }), '/records/account/a%20b');
  });

  test('a lead created from an unknown caller: in SuiteCRM, owned by the agent, and found by the next lookup at once', async () => {
    const crm = new SuiteCrm(settingsFor(fake, { pageSize: 50 }), { directory: dir });
    await crm.syncFull();
    const created = await crm.createRecord({ type: 'lead', firstName: '', lastName: 'Unknown caller', company: 'Acme', phone: '+49 40 5550100', assignedUserId: `suitecrm:${IDS.bob}` });
    const inCrm = fake.store.get('Leads', created.externalId!)!;
    assert.deepEqual([inCrm.attrs['last_name'], inCrm.attrs['phone_work'], inCrm.attrs['assigned_user_id'], inCrm.attrs['status'], inCrm.attrs['account_name']], ['Unknown caller', '+49 40 5550100', IDS.bob, 'New', 'Acme']);
    assert.equal(created.url, version === '8' ? `${fake.url}/#/leads/record/${created.externalId}` : `${fake.url}/index.php?module=Leads&action=DetailView&record=${created.externalId}`);
    const found = await findByPhone(dir, '+49405550100');
    assert.deepEqual(found.candidates.map((c) => [c.type, c.id, c.owner?.id]), [['lead', created.id, `suitecrm:${IDS.bob}`]]);
    // The next sync agrees with it (no duplicate).
    await crm.syncIncremental();
    assert.equal((await findByPhone(dir, '+49405550100')).candidates.length, 1);
  });

  test('the embedded CRM creates in our directory only', async () => {
    const created = await new EmbeddedCrm(dir).createRecord({ type: 'contact', firstName: 'Eve', lastName: 'Local', phone: '+7 812 555-00-99', assignedUserId: null });
    assert.equal(created.externalId, null);
    assert.equal((await findByPhone(dir, '+78125550099')).candidates[0]?.id, created.id);
  });

  test('call-ended into the outbox: the click-to-call record first, then the matches; other effects ignored', async () => {
    const crm = new SuiteCrm(settingsFor(fake, { pageSize: 50 }), { directory: dir });
    const logger = createCallLogger({ store: t.store, crm, backoff: () => 20, pollMs: 50 });
    const sink = callLoggerSink(logger, {
      matchesFor: async (_id, number) => (number ? (await findByPhone(dir, number)).candidates : []),
      originFor: () => ({ type: 'lead', id: `suitecrm:${IDS.L1}` }),
    });
    const record = { id: 'pbx1:c2c.1', pbx: 'pbx1', linkedid: 'c2c.1', status: 'ended', direction: 'outbound', externalNumber: '+74951234567', normalizedNumber: '+74951234567', did: null, callerExtension: '101', rang: [], answeredBy: '101', disposition: 'answered', startedAt: '2026-11-23T21:00:00.000Z', answeredAt: '2026-11-23T21:00:05.000Z', endedAt: '2026-11-23T21:01:05.000Z', ringSeconds: 5, talkSeconds: 60, recording: null, clickToCallId: 'c2c-1' } as unknown as CallRecord;
    await sink({ type: 'call-updated', callId: record.id, record });
    await sink({ type: 'call-ended', callId: record.id, record });
    logger.start();
    await logger.idle(10_000);
    await logger.stop();
    const [call] = fake.callsMentioning(record.id);
    assert.deepEqual([call?.attrs['name'], call?.attrs['parent_type'], call?.attrs['parent_id'], call?.attrs['direction']], ['Outbound call to +7 495 123 45 67', 'Leads', IDS.L1, 'Outbound']);
    assert.deepEqual(fake.store.related('Calls', call!.id, 'leads')?.ids, [IDS.L1]);
    assert.deepEqual(fake.store.related('Calls', call!.id, 'contacts')?.ids, [IDS.C1, IDS.C2]);
    assert.ok(String(call?.attrs['description']).includes('Placed with click-to-call'));
  });

  test('CRM_LANGUAGE=ru from the configuration: the Call is written in Russian, and a retry still finds it by its marker', async () => {
    const env = { SUITECRM_URL: fake.url, SUITECRM_CLIENT_ID: FAKE_CLIENT_ID, SUITECRM_CLIENT_SECRET: FAKE_CLIENT_SECRET, DEFAULT_REGION: 'RU' };
    const entry: CallLogEntry = {
      callId: 'pbx1:lang.1',
      direction: 'inbound',
      answered: false,
      disposition: 'missed',
      externalNumber: '84951234567',
      normalizedNumber: '+74951234567',
      did: '5550100',
      startedAt: '2026-11-23T22:00:00.000Z',
      endedAt: '2026-11-23T22:00:20.000Z',
      talkSeconds: 0,
      ringSeconds: 20,
      agentExtension: null,
      assignedUser: null,
      parent: null,
      related: [],
      users: [],
      recordingUrl: null,
      recordingFile: null,
      clickToCall: false,
    };
    const russian = createCrmRuntime(loadConfig({ ...env, CRM_LANGUAGE: 'ru' }), { directory: dir });
    const first = await russian.crm.logCall(entry, { mayExist: false });
    const retried = await russian.crm.logCall(entry, { mayExist: true });
    assert.deepEqual(retried, { crmCallId: first.crmCallId, found: true }, 'the marker line is never translated');
    const [call] = fake.callsMentioning(entry.callId);
    assert.equal(call?.attrs['name'], 'Пропущенный звонок от +7 495 123 45 67');
    assert.deepEqual([call?.attrs['direction'], call?.attrs['status']], ['Inbound', 'Not Held'], 'SuiteCRM dropdown keys stay keys');
    assert.equal(call?.attrs['description'], ['Номер звонившего: +7 495 123 45 67', 'Итог: пропущен', 'Разговор: 0 с', 'Дозвон: 20 с', 'Линия: 5550100', markerLine(entry.callId)].join('\n'));

    const english = createCrmRuntime(loadConfig(env), { directory: dir });
    const other = { ...entry, callId: 'pbx1:lang.2' };
    await english.crm.logCall(other, { mayExist: false });
    const [written] = fake.callsMentioning(other.callId);
    assert.equal(written?.attrs['name'], 'Missed call from +7 495 123 45 67', 'English by default, as before');
    assert.equal(written?.attrs['description'], ['Caller: +7 495 123 45 67', 'Disposition: missed', 'Talk: 0 s', 'Ring: 20 s', 'Line: 5550100', markerLine(other.callId)].join('\n'));
    await Promise.all([russian.stop(), english.stop()]);
  });

  test('an extension field SuiteCRM does not have: the sync says how to add it', async () => {
    const crm = new SuiteCrm(settingsFor(fake, { extensionField: 'asterlink_ext_c' }), { directory: dir });
    await assert.rejects(crm.syncFull(), (err: unknown) => err instanceof Error && /Users module has no field "asterlink_ext_c" \(a new SuiteCRM 8 has none\)\. Install the crm-telephony package.*Admin -> Studio -> Users/.test(err.message));
  });

  test('a store migrated while 0005-crm was an empty placeholder still gets its CRM tables', async () => {
    const other = await openTestStore('sqlite');
    try {
      await sql`drop table crm_outbox`.execute(other.store.db);
      await sql`drop table crm_sync_state`.execute(other.store.db);
      // As such a store was left: 0005 marked done, no CRM tables, 0007 not run yet; the next start migrates.
      await sql`delete from kysely_migration where name = '0007-crm-outbox-update'`.execute(other.store.db);
      await migrateToLatest(other.store.db as unknown as Kysely<unknown>);
      const crm = new SuiteCrm(settingsFor(fake, { pageSize: 50 }), { directory: new Directory(other.store, { defaultRegion: 'RU' }) });
      await crm.syncFull();
      const logger = createCallLogger({ store: other.store, crm });
      assert.equal(await logger.enqueue({ id: 'pbx1:placeholder.1', direction: 'inbound', status: 'ended', externalNumber: null, normalizedNumber: null, did: null, answeredBy: null, callerExtension: null, rang: [], disposition: 'missed', startedAt: null, answeredAt: null, endedAt: null, ringSeconds: null, talkSeconds: 0, recording: null, clickToCallId: null }), true);
    } finally {
      await other.dispose();
    }
  });

  test('the runtime: embedded without SUITECRM_URL, SuiteCRM with it', async () => {
    const embedded = createCrmRuntime({ ...suitecrmConfigSchema.parse({}), DEFAULT_REGION: 'RU' }, { directory: dir });
    assert.equal(embedded.crm.name, 'embedded');
    assert.equal(embedded.sync, null);
    const suite = createCrmRuntime({ ...suitecrmConfigSchema.parse({ SUITECRM_URL: fake.url, SUITECRM_CLIENT_ID: FAKE_CLIENT_ID, SUITECRM_CLIENT_SECRET: FAKE_CLIENT_SECRET }), DEFAULT_REGION: 'RU' }, { directory: dir });
    assert.equal(suite.crm.name, 'suitecrm');
    // The worker alone (every instance of a cluster) does not sync; startSync (the leading one) does.
    suite.start();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(suite.sync!.status().lastSyncAt, null);
    assert.equal((suite.crm as SuiteCrm).tokens.locator.known?.version, version, 'which SuiteCRM it is was found at start, for the record links of the first pops');
    suite.startSync();
    for (let i = 0; i < 300 && suite.sync!.status().lastSyncAt === null; i++) await new Promise((r) => setTimeout(r, 10));
    await suite.stop();
    assert.ok(suite.sync!.status().lastSyncAt !== null);
  });
});
