/**
 * `crm-telephony doctor` against the PBX simulator: a working setup is all ok (with the warnings
 * Asterisk's defaults deserve), a wrong AMI secret and a taken port are named with what to change,
 * wrong settings exit 2, `--json` is for scripts; against the fake SuiteCRM 7.14.6, a missing
 * extension field and a wrong phone field are named with what to do; against the fake SuiteCRM 8.7.1
 * (as installed: no custom field), what is missing is named with SuiteCRM 8's menus.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { holdPort } from '../support/ports.ts';
import { startSshd, sshdMissing } from '../recordings/support/sshd.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD, FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';

const dir = mkdtempSync(join(tmpdir(), 'crmt-doctor-'));
let sim: AmiSimulator;
let amiPort: number;
const suitecrm = new FakeSuiteCrm();
/** SuiteCRM 8.7.1 as recorded: APIs under /legacy, no extension field. */
const suitecrm8 = new FakeSuiteCrm({ version: '8', recordings: 'suitecrm8-api' });
/** SuiteCRM 8 with the package's field (the 7.14.6 data behind SuiteCRM 8's paths). */
const suitecrm8Ready = new FakeSuiteCrm({ version: '8' });

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  amiPort = (await sim.listen()).port;
  await Promise.all([suitecrm.start(), suitecrm8.start(), suitecrm8Ready.start()]);
});
after(async () => {
  await sim.close();
  await Promise.all([suitecrm.stop(), suitecrm8.stop(), suitecrm8Ready.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await main(['doctor', ...args], { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env });
  return { code, ...out };
}

async function setup(): Promise<Record<string, string>> {
  const held = await holdPort();
  await held.close();
  return { AMI_HOST: '127.0.0.1', AMI_PORT: String(amiPort), AMI_USERNAME: 'crm', AMI_SECRET: 'crmsecret', DATABASE_URL: join(dir, 'store.sqlite'), HTTP_PORT: String(held.port), AGI_PORT: '0', RECORDINGS_LOCAL_DIR: dir };
}

test('a working setup: every check ok but the warnings Asterisk\'s defaults deserve; exit 0', async () => {
  const res = await run([], await setup());
  assert.equal(res.code, 0, res.stdout);
  assert.match(res.stdout, /^ok {4}store: .*store\.sqlite: opened, migrations up to date/m);
  // The machine's own Node.js may be an unsupported line (CI's is 20): then a warning that says what to install.
  assert.match(res.stdout, /^(ok {4}Node\.js: \d+\.\d+\.\d+|warn {2}Node\.js: .*install Node\.js)/m);
  assert.match(res.stdout, new RegExp(`^ok {4}PBX default \\(127\\.0\\.0\\.1:${amiPort}\\): reached; logged in as "crm"`, 'm'));
  assert.match(res.stdout, /^ok {4}PBX default .* events: events flow/m);
  assert.match(res.stdout, /^warn {2}PBX default .* timestampevents: .*timestampevents = yes/m);
  assert.match(res.stdout, /^ok {4}PBX default .* clock: the PBX’s clock is \d+ ms (ahead of|behind)/m);
  assert.match(res.stdout, /^warn {2}PBX default CDRs: /m);
  assert.match(res.stdout, /^ok {4}HTTP port: .* is free/m);
  assert.match(res.stdout, /^ok {4}recordings: .* is readable/m);
  assert.match(res.stdout, /^All checks passed, \d+ warnings?\.$/m);
  assert.doesNotMatch(res.stdout, /crmsecret/, 'no secret printed');
});

test('a wrong AMI secret is named, with what to check; exit 1', async () => {
  const res = await run([], { ...(await setup()), AMI_SECRET: 'not-the-secret' });
  assert.equal(res.code, 1);
  assert.match(res.stdout, /^FAIL {2}PBX default .*AMI_SECRET/m);
  assert.doesNotMatch(res.stdout, /not-the-secret/);
  assert.match(res.stdout, /^1 check failed/m);
});

test('HTTP_PORT held by another program fails with the variable; --json for scripts', async () => {
  const held = await holdPort();
  try {
    const res = await run(['--json'], { ...(await setup()), HTTP_PORT: String(held.port) });
    assert.equal(res.code, 1);
    const report = JSON.parse(res.stdout) as { ok: boolean; checks: { check: string; status: string; message: string }[] };
    assert.equal(report.ok, false);
    const http = report.checks.find((c) => c.check === 'HTTP port')!;
    assert.equal(http.status, 'fail');
    assert.match(http.message, /already in use.*Set HTTP_PORT/);
    assert.ok(report.checks.some((c) => c.check === 'store' && c.status === 'ok'));
  } finally {
    await held.close();
  }
});

test('wrong settings: exit 2 with what is wrong', async () => {
  const res = await run([], { AMI_HOST: '127.0.0.1', AMI_PORT: 'not-a-port', DATABASE_URL: join(dir, 'x.sqlite') });
  assert.equal(res.code, 2);
  assert.match(res.stdout, /^FAIL {2}settings: The configuration is not valid:\n {2}AMI_PORT: /m);
});

const WIDGET_SECRET = 'w'.repeat(40);

function suitecrmEnv(): Record<string, string> {
  return { SUITECRM_URL: suitecrm.url, SUITECRM_CLIENT_ID: FAKE_CLIENT_ID, SUITECRM_CLIENT_SECRET: FAKE_CLIENT_SECRET, CRM_WIDGET_SECRET: WIDGET_SECRET };
}

test('SuiteCRM: the token, the extension field with who has one, a lookup of each module, the widget secret', async () => {
  const res = await run([], { ...(await setup()), ...suitecrmEnv() });
  assert.equal(res.code, 0, res.stdout);
  assert.match(res.stdout, /^ok {4}SuiteCRM: SuiteCRM 7\.14\.6 at http:\/\/127\.0\.0\.1:\d+: its APIs answer at the site root$/m);
  assert.match(res.stdout, /^ok {4}SuiteCRM: http:\/\/127\.0\.0\.1:\d+: the OAuth2 client got a token/m);
  // The recorded fixture: agent101 and agent102 have extensions, admin has none.
  assert.match(res.stdout, /^ok {4}SuiteCRM extension field: "asterisk_ext_c": 2 of 3 users have an extension/m);
  assert.match(res.stdout, /^ok {4}SuiteCRM lookup: 3 Accounts, 5 Contacts, 3 Leads readable with their phone fields/m);
  assert.match(res.stdout, /^ok {4}SuiteCRM widget: CRM_WIDGET_SECRET set \(one secret/m);
  assert.doesNotMatch(res.stdout, new RegExp(`${FAKE_CLIENT_SECRET}|${WIDGET_SECRET}`), 'no secret printed');
});

test('SuiteCRM without the extension field: named, with the package or SUITECRM_EXTENSION_FIELD as the way out; exit 1', async () => {
  const res = await run([], { ...(await setup()), ...suitecrmEnv(), SUITECRM_EXTENSION_FIELD: 'phone_ext_c' });
  assert.equal(res.code, 1, res.stdout);
  assert.match(res.stdout, /^FAIL {2}SuiteCRM extension field: SuiteCRM’s Users module has no field "phone_ext_c": install the crm-telephony package .*SUITECRM_EXTENSION_FIELD/m);
});

test('SuiteCRM: a phone field it lacks names the variable; no widget secret is a warning', async () => {
  const env = { ...(await setup()), ...suitecrmEnv(), SUITECRM_CONTACT_PHONE_FIELDS: 'phone_work,phone_cell' };
  delete (env as Record<string, string | undefined>)['CRM_WIDGET_SECRET'];
  const res = await run(['--json'], env);
  assert.equal(res.code, 1, res.stdout);
  const report = JSON.parse(res.stdout) as { checks: { check: string; status: string; message: string }[] };
  const lookup = report.checks.find((c) => c.check === 'SuiteCRM lookup')!;
  assert.equal(lookup.status, 'fail');
  assert.match(lookup.message, /phone_cell.*SUITECRM_CONTACT_PHONE_FIELDS/);
  const widget = report.checks.find((c) => c.check === 'SuiteCRM widget')!;
  assert.equal(widget.status, 'warn');
  assert.match(widget.message, /CRM_WIDGET_SECRET is not set/);
});

test('SuiteCRM 8 as installed: found under /legacy from its site root; the missing extension field named with SuiteCRM 8’s menus; Calls need no field; exit 1', async () => {
  const res = await run([], { ...(await setup()), ...suitecrmEnv(), SUITECRM_URL: suitecrm8.url, SUITECRM_USERNAME: 'admin', SUITECRM_PASSWORD: FAKE_USER_PASSWORD });
  assert.equal(res.code, 1, res.stdout);
  const root = `${suitecrm8.url.replace(/[.]/g, '\\.')}/legacy`;
  assert.match(res.stdout, new RegExp(`^ok {4}SuiteCRM: SuiteCRM 8\\.7\\.1 at http://127\\.0\\.0\\.1:\\d+: its APIs answer under ${root}$`, 'm'));
  assert.match(res.stdout, new RegExp(`^ok {4}SuiteCRM: ${root}: the OAuth2 client got a token`, 'm'));
  assert.match(
    res.stdout,
    /^FAIL {2}SuiteCRM extension field: SuiteCRM’s Users module has no field "asterisk_ext_c" \(a new SuiteCRM 8 has none\): install the crm-telephony package \(npx crm-telephony suitecrm package --suitecrm 8, then Administration -> Module Loader\), which adds it, or add it yourself \(Administration -> Studio -> Users/m,
  );
  assert.match(res.stdout, /^ok {4}SuiteCRM lookup: 3 Accounts, 3 Contacts, 2 Leads readable/m);
  assert.match(res.stdout, /^ok {4}SuiteCRM Calls: readable; no custom Calls field is needed/m);
  assert.match(res.stdout, new RegExp(`^ok {4}SuiteCRM deletions: ${root}/service/v4_1/rest\\.php: logged in as "admin"`, 'm'));
  assert.match(res.stdout, /^1 check failed/m);
});

test('SuiteCRM 8: a wrong OAuth2 client is named (invalid_client) with where to make one on SuiteCRM 8; nothing answering is said in words', async () => {
  const wrong = await run(['--json'], { ...(await setup()), ...suitecrmEnv(), SUITECRM_URL: suitecrm8.url, SUITECRM_CLIENT_SECRET: 'WrongSecret' });
  assert.equal(wrong.code, 1, wrong.stdout);
  const checks = (JSON.parse(wrong.stdout) as { checks: { check: string; status: string; message: string }[] }).checks.filter((c) => c.check === 'SuiteCRM');
  assert.deepEqual(checks.map((c) => c.status), ['ok', 'fail']);
  assert.match(checks[1]!.message, /SuiteCRM 8 refused the OAuth2 client \(invalid_client\).*SUITECRM_CLIENT_SECRET.*Administration -> OAuth2 Clients and Tokens -> New Client Credentials Client/);
  assert.doesNotMatch(wrong.stdout, /WrongSecret/);

  const nothing = await run([], { ...(await setup()), ...suitecrmEnv(), SUITECRM_URL: `http://127.0.0.1:${amiPort}` });
  assert.equal(nothing.code, 1, nothing.stdout);
  assert.match(nothing.stdout, /^FAIL {2}SuiteCRM: http:\/\/127\.0\.0\.1:\d+: /m);
});

test('SuiteCRM 8 with the package’s field installed: every SuiteCRM check ok', async () => {
  const res = await run([], { ...(await setup()), ...suitecrmEnv(), SUITECRM_URL: suitecrm8Ready.url });
  assert.equal(res.code, 0, res.stdout);
  assert.match(res.stdout, /^ok {4}SuiteCRM extension field: "asterisk_ext_c": 2 of 3 users have an extension/m);
  assert.match(res.stdout, /^ok {4}SuiteCRM deletions: SUITECRM_USERNAME is not set/m);
});

test('recordings over SFTP: a login with the host key and the folder is ok; a wrong host key is named with the one shown', { skip: sshdMissing() ?? false }, async () => {
  const sshd = await startSshd();
  try {
    const keyFile = join(dir, 'sftp-key');
    writeFileSync(keyFile, sshd.clientKey, { mode: 0o600 });
    const sftp = { RECORDINGS_SOURCE: 'sftp', RECORDINGS_SFTP_HOST: sshd.host, RECORDINGS_SFTP_PORT: String(sshd.port), RECORDINGS_SFTP_USER: sshd.user, RECORDINGS_SFTP_KEY_FILE: keyFile, RECORDINGS_PBX_DIR: sshd.files };
    const good = await run([], { ...(await setup()), ...sftp, RECORDINGS_SFTP_HOST_KEY: sshd.hostKey });
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, new RegExp(`^ok {4}recordings: SFTP ${sshd.user}@${sshd.host}:${sshd.port}: logged in \\(host key as set\\), ${sshd.files} is readable`, 'm'));
    const wrong = await run([], { ...(await setup()), ...sftp, RECORDINGS_SFTP_HOST_KEY: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    assert.equal(wrong.code, 1, wrong.stdout);
    assert.match(wrong.stdout, /^FAIL {2}recordings: SFTP .*RECORDINGS_SFTP_HOST_KEY/m);
    assert.ok(wrong.stdout.includes(sshd.hostKey), 'the fingerprint the server showed is named');
  } finally {
    await sshd.stop();
  }
});
