/**
 * The PBX file from the outside (issue 14): `crm-telephony encrypt-secret` seals a secret piped in,
 * the real service process opens it and follows both PBXs; a broken file stops the start in words.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type CliIo } from '../../src/cli/main.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { freePort } from '../support/ports.ts';

const BIN = fileURLToPath(new URL('../../bin/crm-telephony.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const KEY = 'a service key of some length';
const dir = mkdtempSync(join(tmpdir(), 'crmt-pbxs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { PATH: process.env['PATH'], ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('encrypt-secret refuses arguments, a missing key and empty input, in words', async () => {
  const out = { stdout: '', stderr: '' };
  const io = (env: Record<string, string>, stdin: string): CliIo => ({
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    env,
    readStdin: async () => stdin,
  });
  assert.equal(await main(['encrypt-secret', 'the-secret'], io({ CRM_TELEPHONY_SECRET_KEY: KEY }, '')), 2);
  assert.match(out.stderr, /pipe the secret in/);
  assert.equal(await main(['encrypt-secret'], io({}, 'x')), 2);
  assert.match(out.stderr, /set CRM_TELEPHONY_SECRET_KEY/);
  assert.equal(await main(['encrypt-secret'], io({ CRM_TELEPHONY_SECRET_KEY: KEY }, '\n')), 2);
  assert.match(out.stderr, /no secret came/);
  assert.equal(out.stdout, '');
});

test('a secret sealed by the command opens in the real service, which follows both PBXs of the file', async () => {
  const sealed = await run(process.execPath, [BIN, 'encrypt-secret'], { CRM_TELEPHONY_SECRET_KEY: KEY }, 'hamburg-secret\n');
  assert.equal(sealed.code, 0, sealed.stderr);
  const secretEncrypted = sealed.stdout.trim();
  assert.ok(!secretEncrypted.includes('hamburg-secret'));

  const main = new AmiSimulator({ port: 0, username: 'crm', secret: 'main-secret' });
  const hamburg = new AmiSimulator({ port: 0, username: 'crm', secret: 'hamburg-secret' });
  const [m, h] = await Promise.all([main.listen(), hamburg.listen()]);
  const file = join(dir, 'pbxs.json');
  writeFileSync(file, JSON.stringify({ pbxs: [{ id: 'hamburg', name: 'Hamburg office', ami: { host: '127.0.0.1', port: h.port, secretEncrypted, auth: 'md5' } }] }));
  const env = {
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(m.port),
    AMI_SECRET: 'main-secret',
    CRM_TELEPHONY_CONFIG: file,
    CRM_TELEPHONY_SECRET_KEY: KEY,
    DATABASE_URL: join(dir, 'store.sqlite'),
    ADMIN_PASSWORD: 'admin-password',
    HTTP_PORT: String(await freePort()),
    AGI_PORT: '0',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((r) => child.once('exit', r));
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const deadline = Date.now() + 20_000;
    const loggedIn = () => [main, hamburg].every((sim) => sim.actions.some((a) => a.get('Action')?.toLowerCase() === 'login'));
    while (!(loggedIn() && /following 2 PBXs/.test(output)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(loggedIn(), `both PBXs logged in to; output:\n${output}`);
    assert.match(output, /following 2 PBXs/);
    assert.ok(!output.includes('hamburg-secret') && !output.includes('main-secret'), 'no secret in the output');
  } finally {
    child.kill('SIGTERM');
    await exited;
    await Promise.all([main.close(), hamburg.close()]);
  }
});

test('a broken PBX file stops the start with where the problem is, and exit status 2', async () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, JSON.stringify({ pbxs: [{ id: 'Hamburg', ami: { host: 'x', secretEnv: 'NOPE' } }] }));
  const res = await run(process.execPath, ['--import', 'tsx', MAIN], { CRM_TELEPHONY_CONFIG: file, DATABASE_URL: join(dir, 'b.sqlite') });
  assert.equal(res.code, 2);
  assert.match(res.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\n.*pbxs\\.0\\.id: lower-case letters`));
  const missing = await run(process.execPath, ['--import', 'tsx', MAIN], { CRM_TELEPHONY_CONFIG: join(dir, 'nope.json'), DATABASE_URL: join(dir, 'b.sqlite') });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json cannot be read \(ENOENT\)/);
});
