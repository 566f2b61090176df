import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isCrmTelephonyError } from '../errors.ts';
import { acquireInstanceLock, instanceLockPath } from './instance-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'instance-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a second holder of one SQLite file is refused in words naming the holder and PostgreSQL; released, the file is free again', () => {
  const file = join(dir, 'one.sqlite');
  const first = acquireInstanceLock(file, () => new Date('2026-12-06T10:00:00Z'));
  assert.ok(first);
  assert.equal(first.path, `${file}.instance`);
  assert.throws(
    () => acquireInstanceLock(file),
    (err: unknown) =>
      isCrmTelephonyError(err, 'STORE_ERR_IN_USE') &&
      err.message.includes(`process ${process.pid}`) &&
      err.message.includes('2026-12-06T10:00:00.000Z') &&
      err.message.includes(file) &&
      err.message.includes('PostgreSQL') &&
      err.message.includes('DATABASE_URL'),
  );
  first.release();
  first.release(); // twice is harmless
  const again = acquireInstanceLock(file);
  assert.ok(again);
  again.release();
});

test('two files, two locks; an in-memory database needs none', () => {
  const a = acquireInstanceLock(join(dir, 'a.sqlite'));
  const b = acquireInstanceLock(join(dir, 'b.sqlite'));
  assert.ok(a && b);
  a.release();
  b.release();
  assert.equal(acquireInstanceLock(':memory:'), null);
  assert.equal(instanceLockPath(':memory:'), null);
});

test('another process holding the file refuses this one; killed (SIGKILL, no clean-up), it leaves no stale lock', async () => {
  const file = join(dir, 'shared.sqlite');
  const module = new URL('./instance-lock.ts', import.meta.url).href;
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `const { acquireInstanceLock } = await import(${JSON.stringify(module)}); acquireInstanceLock(${JSON.stringify(file)}); console.log('locked'); setInterval(() => {}, 1000);`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('locked')) resolve();
      });
      holder.once('exit', (code) => reject(new Error(`the holder exited early (${code})`)));
    });
    assert.throws(
      () => acquireInstanceLock(file),
      (err: unknown) => isCrmTelephonyError(err, 'STORE_ERR_IN_USE') && err.message.includes(`process ${holder.pid}`),
    );
  } finally {
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
  }
  const mine = acquireInstanceLock(file);
  assert.ok(mine, 'the lock of a killed process is free');
  mine.release();
});

test('a first start, whose database folder does not exist yet (npm start in a fresh checkout), takes the lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmt-lock-fresh-'));
  try {
    const lock = acquireInstanceLock(join(dir, 'data', 'crm-telephony.sqlite'));
    assert.ok(lock, 'a lock on a file in a folder made for it');
    lock.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
