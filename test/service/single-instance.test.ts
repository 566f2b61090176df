/**
 * SQLite is the single-instance store: a second service on the same file is refused at start, in
 * words that point to PostgreSQL, before it opens the file; once the first stops, the file is free.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { startService } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'crm-single-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a second service on one SQLite file is refused in words; after the first stops, it starts', async () => {
  const sim = new AmiSimulator({ port: 0 });
  await sim.listen();
  const config = loadConfig({ DATABASE_URL: join(dir, 'crm.sqlite'), ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent', AGI_PORT: '0' });
  const start = () => startService({ config, log: createLogger('silent'), pbx: { id: 'pbx1', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false });
  const first = await start();
  try {
    await assert.rejects(start(), (err: unknown) => isCrmTelephonyError(err, 'STORE_ERR_IN_USE') && /PostgreSQL/.test(err.message) && err.message.includes(`process ${process.pid}`));
    // The refused start left the running one alone: it still answers.
    await first.store.ping();
    assert.equal((await first.directory.listUsers()).length, 1);
  } finally {
    await first.stop();
  }
  const second = await start();
  await second.stop();
  await sim.close();
});
