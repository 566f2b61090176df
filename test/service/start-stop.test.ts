/**
 * The service process starts and stops like a service (issue 15): a port already taken stops the
 * start at once, in words that name the variable, before the one-time administrator password is
 * made (so it is not lost); SIGTERM to the process itself stops it in a few seconds.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { freePort, holdPort } from '../support/ports.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/crm-telephony.js', import.meta.url));
/** `npm start` runs src/main.ts; a process manager runs `crm-telephony serve`. */
const AS_NPM_START = ['--import', 'tsx', MAIN];
const AS_SERVE = [BIN, 'serve'];
const dir = mkdtempSync(join(tmpdir(), 'crmt-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  pid: number;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  kill: (signal: NodeJS.Signals) => void;
}

function startService(env: Record<string, string>, args: string[] = AS_NPM_START): Running {
  const began = performance.now();
  const child = spawn(process.execPath, args, { env: { PATH: process.env['PATH'], LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, afterMs: performance.now() - began })),
  );
  return { pid: child.pid!, output: () => ({ stdout, stderr }), exited, kill: (signal) => child.kill(signal) };
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

test('HTTP_PORT taken: the start stops at once, names HTTP_PORT, makes no administrator; the next start shows the password', async () => {
  const sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'secret' });
  const { port: amiPort } = await sim.listen();
  const held = await holdPort();
  const env = { AMI_HOST: '127.0.0.1', AMI_PORT: String(amiPort), AMI_USERNAME: 'crm', AMI_SECRET: 'secret', DATABASE_URL: join(dir, 'taken.sqlite'), AGI_PORT: '0' };
  try {
    const taken = startService({ ...env, HTTP_PORT: String(held.port) });
    const end = await within(taken.exited, 20_000, 'the start with HTTP_PORT taken should end');
    const { stdout, stderr } = taken.output();
    assert.equal(end.code, 1, stderr);
    assert.match(stderr, new RegExp(`Port ${held.port} on 127\\.0\\.0\\.1 is already in use.*Set HTTP_PORT to a free port`));
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(stdout, /Created the administrator/, 'the one-time password is not spent on a start that fails');

    const ok = startService({ ...env, HTTP_PORT: String(await freePort()) });
    try {
      const deadline = Date.now() + 20_000;
      while (!/crm-telephony is running/.test(ok.output().stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(ok.output().stdout, /Created the administrator "admin" with the password: \S+/);
    } finally {
      ok.kill('SIGTERM');
      await ok.exited;
    }
  } finally {
    await held.close();
    await sim.close();
  }
});

test('AGI_PORT taken: the start ends with AGI_PORT named instead of hanging half started', async () => {
  const held = await holdPort();
  try {
    const taken = startService({ DATABASE_URL: join(dir, 'agi.sqlite'), HTTP_PORT: String(await freePort()), AGI_PORT: String(held.port), ADMIN_PASSWORD: 'admin-password' });
    const end = await within(taken.exited, 20_000, 'the start with AGI_PORT taken should end');
    assert.equal(end.code, 1, taken.output().stderr);
    assert.match(taken.output().stderr, /so FastAGI \(routing for the dialplan\) cannot listen.*Set AGI_PORT to a free port \(or 0 to turn FastAGI off\)/);
  } finally {
    await held.close();
  }
});

for (const [how, args] of [
  ['src/main.ts (npm start)', AS_NPM_START],
  ['crm-telephony serve', AS_SERVE],
] as const) {
  test(`${how}: SIGTERM to the process itself stops it cleanly within 5 s, status 0`, async () => {
    const sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'secret' });
    const { port: amiPort } = await sim.listen();
    try {
      const env = { AMI_HOST: '127.0.0.1', AMI_PORT: String(amiPort), AMI_USERNAME: 'crm', AMI_SECRET: 'secret', DATABASE_URL: join(dir, `stop-${args.length}.sqlite`), HTTP_PORT: String(await freePort()), AGI_PORT: String(await freePort()), ADMIN_PASSWORD: 'admin-password' };
      const running = startService(env, [...args]);
      const deadline = Date.now() + 20_000;
      while (!(/crm-telephony is running/.test(running.output().stdout) && /connected to the PBX/.test(running.output().stdout)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(running.output().stdout, /connected to the PBX/, running.output().stderr);
      const sent = performance.now();
      process.kill(running.pid, 'SIGTERM');
      const end = await within(running.exited, 10_000, 'SIGTERM should stop the service');
      assert.equal(end.code, 0, running.output().stderr);
      assert.ok(performance.now() - sent < 5_000, `stopped in ${Math.round(performance.now() - sent)} ms`);
      assert.match(running.output().stdout, /shutting down/);
    } finally {
      await sim.close();
    }
  });
}

test('npm start: SIGTERM to npm\'s own process stops the service (npm runs it directly, no shell or wrapper in between)', async () => {
  const port = await freePort();
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'info', DATABASE_URL: join(dir, 'npm.sqlite'), HTTP_PORT: String(port), AGI_PORT: '0', ADMIN_PASSWORD: 'admin-password' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own: whatever npm leaves behind when the test fails is killed with it.
    detached: true,
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!/crm-telephony is running/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(stdout, /crm-telephony is running/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/health`)).status, 200);
    const sent = performance.now();
    process.kill(child.pid!, 'SIGTERM');
    await within(exited, 10_000, 'npm should end with the service');
    assert.ok(performance.now() - sent < 5_000, `stopped in ${Math.round(performance.now() - sent)} ms`);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/api/health`), 'nothing listens any more: the service itself stopped');
    assert.match(stdout, /shutting down/);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already: everything stopped
    }
  }
});

test('demo mode (no AMI_HOST): the password printed at the first start is printed again at the next, kept in data/demo-password (0600)', async () => {
  // Not made beforehand: a first `npm start` in a fresh checkout has no data folder yet.
  const data = join(dir, 'demo-data');
  const env = { DATABASE_URL: join(data, 'crm-telephony.sqlite'), AGI_PORT: '0', ADMIN_PASSWORD: 'admin-password' };
  const passwords: string[] = [];
  for (let start = 1; start <= 2; start++) {
    const running = startService({ ...env, HTTP_PORT: String(await freePort()) });
    try {
      const deadline = Date.now() + 30_000;
      while (!/password: \S+\n/.test(running.output().stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const printed = /Sign in as alice .*password: (\S+)\n/.exec(running.output().stdout);
      assert.ok(printed, `start ${start}: ${running.output().stdout}\n${running.output().stderr}`);
      passwords.push(printed[1]!);
    } finally {
      running.kill('SIGTERM');
      await within(running.exited, 10_000, 'the demo should stop');
    }
  }
  assert.equal(passwords[1], passwords[0]);
  assert.equal(readFileSync(join(data, 'demo-password'), 'utf8').trim(), passwords[0]);
  assert.equal(statSync(join(data, 'demo-password')).mode & 0o777, 0o600);
});
