/**
 * `crm-telephony doctor` against the PBX simulator: a working setup is all ok (with the warnings
 * Asterisk's defaults deserve), a wrong AMI secret and a taken port are named with what to change,
 * wrong settings exit 2, `--json` is for scripts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { holdPort } from '../support/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'crmt-doctor-'));
let sim: AmiSimulator;
let amiPort: number;

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  amiPort = (await sim.listen()).port;
});
after(async () => {
  await sim.close();
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
  assert.match(res.stdout, new RegExp(`^ok {4}PBX default \\(127\\.0\\.0\\.1:${amiPort}\\): reached; logged in as "crm"`, 'm'));
  assert.match(res.stdout, /^ok {4}PBX default .* events: events flow/m);
  assert.match(res.stdout, /^warn {2}PBX default .* timestampevents: .*timestampevents = yes/m);
  assert.match(res.stdout, /^ok {4}PBX default .* clock: the PBX's clock is \d+ ms (ahead of|behind)/m);
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
