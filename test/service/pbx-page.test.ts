/**
 * PBXs added on the PBX page (issue 14): an administrator saves a branch's AMI connection; the
 * secret goes in once, is kept sealed with CRM_TELEPHONY_SECRET_KEY and never comes back out; the
 * next start follows the saved PBX beside the configured one. Without the key nothing is saved,
 * and the page says what to set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { signIn } from '../support/web-app.ts';

const KEY = 'the key of this deployment';
const dir = mkdtempSync(join(tmpdir(), 'crmt-pbx-page-'));
const main = new AmiSimulator({ port: 0 });
const branch = new AmiSimulator({ port: 0, username: 'crm-branch', secret: 'the-branch-secret' });

before(async () => {
  await Promise.all([main.listen(), branch.listen()]);
});
after(async () => {
  await Promise.all([main.close(), branch.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function start(secretKey?: string): Promise<Service> {
  const config = loadConfig({ DATABASE_URL: join(dir, 'store.sqlite'), ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent', ...(secretKey ? { CRM_TELEPHONY_SECRET_KEY: secretKey } : {}) });
  return startService({
    config,
    log: createLogger('silent'),
    pbxs: [{ id: 'default', name: 'Main PBX', host: '127.0.0.1', port: main.port, username: 'crm', secret: 'crmsecret', authType: 'plain' }],
    followSaved: true,
    listen: false,
    agiPort: 0,
    ui: false,
  });
}

const branchPbx = () => ({ name: 'Branch office', ami: { host: '127.0.0.1', port: branch.port, username: 'crm-branch', auth: 'md5' }, settings: { DEFAULT_REGION: 'DE' } });

test('without CRM_TELEPHONY_SECRET_KEY nothing is saved, and the page says what to set', async () => {
  const service = await start();
  try {
    const { cookie, csrf } = await signIn(service.app, 'admin', 'admin-password');
    const state = (await service.app.inject({ method: 'GET', url: '/api/admin/pbx/connections', headers: { cookie } })).json() as { canSave: boolean; why: string; configured: unknown };
    assert.equal(state.canSave, false);
    assert.match(state.why, /CRM_TELEPHONY_SECRET_KEY/);
    assert.deepEqual(state.configured, [{ id: 'default', name: 'Main PBX' }]);
    const put = await service.app.inject({ method: 'PUT', url: '/api/admin/pbx/connections/branch', headers: { cookie, 'x-csrf-token': csrf }, payload: { ...branchPbx(), secret: 'the-branch-secret' } });
    assert.equal(put.statusCode, 409);
    assert.match(put.json().error.message, /set CRM_TELEPHONY_SECRET_KEY/);
  } finally {
    await service.stop();
  }
});

test('saved on the page: the secret is sealed and never shown back; the next start follows the PBX', async () => {
  let service = await start(KEY);
  try {
    const agent = await service.directory.upsertUser({ login: 'agent', name: 'Agent', password: 'agent-password', extensions: ['101'] });
    assert.ok(agent.id);
    const { cookie, csrf } = await signIn(service.app, 'admin', 'admin-password');
    const put = (payload: unknown, id = 'branch') => service.app.inject({ method: 'PUT', url: `/api/admin/pbx/connections/${id}`, headers: { cookie, 'x-csrf-token': csrf }, payload: payload as Record<string, unknown> });

    assert.equal((await put(branchPbx())).statusCode, 400, 'a new PBX needs its secret');
    const created = await put({ ...branchPbx(), secret: 'the-branch-secret' });
    assert.equal(created.statusCode, 201, created.body);
    assert.ok(!created.body.includes('the-branch-secret'));
    assert.match(created.json().message, /Restart the service/);
    const row = await service.store.db.selectFrom('pbx_connections').selectAll().executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes('the-branch-secret'), 'sealed at rest');
    assert.match(row.secret_sealed, /^v1\./);

    const listed = await service.app.inject({ method: 'GET', url: '/api/admin/pbx/connections', headers: { cookie } });
    assert.ok(!listed.body.includes('the-branch-secret') && !listed.body.includes(row.secret_sealed), 'neither the secret nor its sealed form goes out');
    const state = listed.json() as { saved: { entry: { id: string; name: string; ami: Record<string, unknown> }; running: boolean }[]; restartNeeded: boolean };
    assert.deepEqual(state.saved.map((s) => [s.entry.id, s.entry.name, s.running]), [['branch', 'Branch office', false]]);
    assert.deepEqual(Object.keys(state.saved[0]!.entry.ami).sort(), ['auth', 'host', 'port', 'tls', 'username']);
    assert.equal(state.restartNeeded, true);

    // A change without the secret keeps the one kept; the configured PBX and bad input are refused in words.
    assert.equal((await put({ ...branchPbx(), name: 'Branch office (Hamburg)' })).statusCode, 200);
    assert.equal((await service.store.db.selectFrom('pbx_connections').select('secret_sealed').executeTakeFirstOrThrow()).secret_sealed, row.secret_sealed);
    const configured = await put({ ...branchPbx(), secret: 'x' }, 'default');
    assert.equal(configured.statusCode, 409);
    assert.match(configured.json().error.message, /comes from the service’s configuration/);
    const bad = await put({ ...branchPbx(), ami: { host: '', username: 'crm' }, settings: { DATABASE_URL: 'x' }, secret: 'x' }, 'other');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /ami\.host.*settings\.DATABASE_URL|settings\.DATABASE_URL.*ami\.host/s);
    const badId = await put({ ...branchPbx(), secret: 'x' }, 'Not An Id');
    assert.equal(badId.statusCode, 400);
  } finally {
    await service.stop();
  }

  // The next start follows it, logging in with the secret opened from its sealed form.
  service = await start(KEY);
  try {
    const deadline = Date.now() + 5000;
    while (service.pbxs.some((p) => p.client.state !== 'ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      service.pbxs.map((p) => [p.id, p.name, p.qualifier, p.client.state]),
      [
        ['default', 'Main PBX', null, 'ready'],
        ['branch', 'Branch office (Hamburg)', 'branch', 'ready'],
      ],
    );
    assert.equal(branch.actions.filter((a) => a.get('Action') === 'Challenge').length >= 1, true, 'md5, as saved');
    const { cookie, csrf } = await signIn(service.app, 'admin', 'admin-password');
    const state = (await service.app.inject({ method: 'GET', url: '/api/admin/pbx/connections', headers: { cookie } })).json() as { saved: { running: boolean }[]; restartNeeded: boolean };
    assert.deepEqual([state.saved[0]!.running, state.restartNeeded], [true, false]);
    const removed = await service.app.inject({ method: 'DELETE', url: '/api/admin/pbx/connections/branch', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(removed.statusCode, 200);
    const after = (await service.app.inject({ method: 'GET', url: '/api/admin/pbx/connections', headers: { cookie } })).json() as { saved: unknown[]; restartNeeded: boolean };
    assert.deepEqual([after.saved, after.restartNeeded], [[], true], 'still followed until the restart');
  } finally {
    await service.stop();
  }
});

test('a saved PBX whose secret cannot be opened (the key changed) is left out, and the others run', async () => {
  const service = await start('another key, not the one it was sealed with');
  try {
    // (The previous test removed "branch"; save one under the old key directly.)
    const { encryptSecret } = await import('../../src/service/secret-box.ts');
    const { PbxConnections } = await import('../../src/store/pbx-connections.ts');
    await new PbxConnections(service.store).save({ id: 'old', name: 'Old', ami: { host: '127.0.0.1', port: branch.port, username: 'crm-branch', auth: 'plain', tls: false }, settings: {} }, encryptSecret('s', KEY), null);
  } finally {
    await service.stop();
  }
  const again = await start('another key, not the one it was sealed with');
  try {
    assert.deepEqual(again.pbxs.map((p) => p.id), ['default']);
  } finally {
    await again.stop();
  }
});
