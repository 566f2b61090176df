/**
 * The demo password stays the same from one start to the next (issue 16: it changed at every
 * start, so the browser's saved sign-in failed): kept in <data>/demo-password, readable by this
 * user only; DEMO_PASSWORD still wins.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { demoDataDir, keptPassword, startDemo } from '../../src/demo/demo.ts';

const root = mkdtempSync(join(tmpdir(), 'crmt-demo-pw-'));
after(() => rmSync(root, { recursive: true, force: true }));
const log = createLogger('silent');

test('two starts on one data folder: the same password, kept in demo-password with mode 0600, printed both times', async () => {
  const dir = join(root, 'data');
  const config = loadConfig({ DATABASE_URL: join(dir, 'crm-telephony.sqlite'), LOG_LEVEL: 'silent' });
  const first = await startDemo(log, { config });
  await first.stop();
  const second = await startDemo(log, { config });
  await second.stop();
  assert.equal(second.password, first.password);
  assert.ok(first.password.length >= 12);
  assert.equal(first.passwordFile, join(dir, 'demo-password'));
  assert.equal(statSync(first.passwordFile).mode & 0o777, 0o600);
  assert.equal(readFileSync(first.passwordFile, 'utf8').trim(), first.password);
  const printed: string[] = [];
  const log0 = console.log;
  console.log = (text: string) => printed.push(text);
  try {
    second.printWelcome();
  } finally {
    console.log = log0;
  }
  assert.match(printed.join('\n'), new RegExp(`password: ${first.password}\\n`));
});

test('DEMO_PASSWORD wins and leaves the kept password alone', async () => {
  const dir = join(root, 'set');
  const kept = keptPassword(join(dir, 'demo-password'));
  const demo = await startDemo(log, { config: loadConfig({ DATABASE_URL: join(dir, 'db.sqlite'), DEMO_PASSWORD: 'my-own-password', LOG_LEVEL: 'silent' }) });
  await demo.stop();
  assert.equal(demo.password, 'my-own-password');
  assert.equal(demo.passwordFile, null);
  assert.equal(readFileSync(join(dir, 'demo-password'), 'utf8').trim(), kept.password);
});

test('a kept file made readable by others is closed again; an empty one gets a password', () => {
  const file = join(root, 'loose', 'demo-password');
  const made = keptPassword(file);
  chmodSync(file, 0o644);
  assert.equal(keptPassword(file).password, made.password);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  writeFileSync(file, '\n', { mode: 0o644 });
  const fresh = keptPassword(file);
  assert.ok(fresh.password.length >= 12);
  assert.equal(keptPassword(file).password, fresh.password);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('the demo keeps its files next to the SQLite database, else in ./data', () => {
  assert.equal(demoDataDir('/srv/crm/db.sqlite'), '/srv/crm');
  assert.equal(demoDataDir('sqlite:/srv/crm/db.sqlite'), '/srv/crm');
  assert.equal(demoDataDir('./data/crm-telephony.sqlite'), './data');
  assert.equal(demoDataDir(':memory:'), './data');
  assert.equal(demoDataDir('postgres://crm@db/crm'), './data');
});
