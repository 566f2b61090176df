/**
 * Instances started together on a new PostgreSQL database (a cluster's first deployment): each
 * finds no administrator and creates one at once; all of them start, and there is one `admin`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { createTestDatabase } from '../support/engines.ts';

const sim = new AmiSimulator({ port: 0 });
let database: Awaited<ReturnType<typeof createTestDatabase>>;

before(async () => {
  database = await createTestDatabase('t_first');
  await sim.listen();
});
after(async () => {
  await sim.close();
  await database.drop();
});

test('four instances started at once on a new database all start, with one administrator', async () => {
  const config = loadConfig({ DATABASE_URL: database.url, ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  const started = await Promise.allSettled(
    Array.from({ length: 4 }, () =>
      startService({ config, log: createLogger('silent'), pbx: { id: 'default', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false, agiPort: 0, ui: false, clusterRetryMs: 100 }),
    ),
  );
  const services = started.filter((s): s is PromiseFulfilledResult<Service> => s.status === 'fulfilled').map((s) => s.value);
  try {
    assert.deepEqual(
      started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason)),
      [],
    );
    const admins = (await services[0]!.directory.listUsers()).filter((u) => u.role === 'admin');
    assert.deepEqual(admins.map((u) => u.login), ['admin']);
  } finally {
    for (const s of services) await s.stop();
  }
});
