/** `crm-telephony suitecrm sync`, in-process against the fake SuiteCRM, on both engines. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { suitecrmSync } from '../../src/cli/suitecrm-sync.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { Store } from '../../src/store/store.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD, type FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { startFake, SUITECRM_VERSIONS } from './support.ts';

const borrowed = (store: Store) => ({ openStore: async (): Promise<Store> => ({ ...store, close: async () => {} }) });

for (const engine of ENGINES) for (const version of SUITECRM_VERSIONS) {
  describe(`suitecrm sync command on ${engine}, SuiteCRM ${version}`, () => {
    let t: TestStore;
    let fake: FakeSuiteCrm;
    let env: Record<string, string>;
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const out = { stdout: '', stderr: '' };
      const io: CliIo = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env: { ...env, ...extra }, signal: new AbortController().signal };
      const code = await suitecrmSync(args, io, borrowed(t.store));
      return { code, ...out };
    };
    before(async () => {
      t = await openTestStore(engine);
      fake = await startFake({ version });
      env = { SUITECRM_URL: fake.url, SUITECRM_CLIENT_ID: FAKE_CLIENT_ID, SUITECRM_CLIENT_SECRET: FAKE_CLIENT_SECRET, SUITECRM_USERNAME: 'admin', SUITECRM_PASSWORD: FAKE_USER_PASSWORD, DEFAULT_REGION: 'RU', SUITECRM_PAGE_SIZE: '2' };
    });
    after(async () => {
      await fake.stop();
      await t.dispose();
    });

    test('the first run syncs everything and says so in words', async () => {
      const r = await run([]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\(first sync: everything\):/);
      assert.match(r.stdout, /Contacts {2}5 listed, 5 written, 0 unchanged, 0 removed/);
      assert.match(r.stdout, /3 active users, 3 accounts, 5 contacts, 3 leads\./);
    });

    test('--full --json: the report as JSON', async () => {
      const r = await run(['--full', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { kind: string; modules: Record<string, { listed: number }>; directory: { contacts: number } };
      assert.equal(report.kind, 'full');
      assert.equal(report.modules['Leads']!.listed, 3);
      assert.equal(report.directory.contacts, 5);
    });

    test('a wrong secret: exit 1, what to fix, and never the secret itself', async () => {
      const r = await run([], { SUITECRM_CLIENT_SECRET: 'hunter2-secret' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /SUITECRM_CLIENT_ID and SUITECRM_CLIENT_SECRET/);
      assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
    });

    test('SuiteCRM unreachable: exit 1 in words', async () => {
      const r = await run([], { SUITECRM_URL: 'http://127.0.0.1:1' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Could not reach SuiteCRM at http:\/\/127\.0\.0\.1:1/);
    });

    test('missing settings are a usage error (exit 2 through main)', async () => {
      await assert.rejects(run([], { SUITECRM_URL: '' }), (err: unknown) => (err as { code?: string }).code === ErrorCodes.CONFIG_ERR_INVALID && /SUITECRM_URL is not set/.test((err as Error).message));
      await assert.rejects(run([], { SUITECRM_MODULES: 'Cases' }), (err: unknown) => (err as { code?: string }).code === ErrorCodes.CONFIG_ERR_INVALID);
    });
  });
}
