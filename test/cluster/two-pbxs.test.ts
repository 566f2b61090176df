/**
 * Two real service processes on one real PostgreSQL and two simulated PBXs (issue 14): a main office
 * and a Hamburg office, each with an extension 101 of its own person. Each PBX is led by one
 * instance (one AMI session per PBX); agents signed in on the standby get their own office's pops
 * only; device states stay per PBX; killed, the leader is replaced for both PBXs within 5 s.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { Directory } from '../../src/directory/directory.ts';
import { Access } from '../../src/web/auth/access.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { buildScenario, linkedidOf } from '../../src/simulator/scenarios/index.ts';
import { createTestDatabase } from '../support/engines.ts';
import { instances, launch as launchProcess, leads, signInWithCsrf, stream, until, type Frame, type Instance } from './support.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const main = new AmiSimulator({ port: 0 });
const hamburg = new AmiSimulator({ port: 0, username: 'crm-hh', secret: 'hamburg-secret' });
const dir = mkdtempSync(join(tmpdir(), 'crmt-two-pbxs-'));
let routingToken = '';

function launch(name: string): Promise<Instance> {
  return launchProcess(name, {
    DATABASE_URL: database.url,
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(main.port),
    AMI_SECRET: 'crmsecret',
    CRM_TELEPHONY_CONFIG: join(dir, 'pbxs.json'),
    HAMBURG_SECRET: 'hamburg-secret',
  });
}

function inboundCall(sim: AmiSimulator, pbx: string, caller: string): { script: ReturnType<typeof buildScenario>; callId: string } {
  const script = buildScenario('inbound-answered', { startEpochMs: Date.now(), did: '5550100', extensions: ['101'], answeredBy: '101', caller: { number: caller, name: 'Caller' }, ringMs: 300, talkMs: 300 }, sim.scenarioIds);
  return { script, callId: `${pbx}:${linkedidOf(script)}` };
}

async function route(instance: Instance, pbx: string): Promise<{ extension: string | null; skipped: { rule: string; why: string }[] }> {
  const res = await fetch(`${instance.url}/api/route?caller=%2B15551230077&did=5550100&format=json&token=${routingToken}&pbx=${pbx}`);
  return (await res.json()) as { extension: string | null; skipped: { rule: string; why: string }[] };
}

before(async () => {
  database = await createTestDatabase('t_pbxs');
  await Promise.all([main.listen(), hamburg.listen()]);
  writeFileSync(join(dir, 'pbxs.json'), JSON.stringify({ pbxs: [{ id: 'hamburg', name: 'Hamburg office', ami: { host: '127.0.0.1', port: hamburg.port, username: 'crm-hh', secretEnv: 'HAMBURG_SECRET' } }] }));
  const store = await openStore({ url: database.url });
  const directory = new Directory(store, { defaultRegion: 'US' });
  await directory.upsertUser({ login: 'alice', name: 'Alice Main', role: 'agent', password: 'alice-password', extensions: ['101'] });
  // Olga's manager has a phone at both offices.
  const hans = (await directory.upsertUser({ login: 'hans', name: 'Hans Hamburg', role: 'agent', password: 'hans-password', extensions: ['101@hamburg', '102'] })).id;
  await directory.upsertContact({ firstName: 'Olga', lastName: 'Owned', assignedUserId: hans, phones: [{ kind: 'mobile', number: '+1 555 123 0077' }] });
  routingToken = (await new Access(store, directory).createToken('routing', 'two PBXs test', null)).token;
  await store.close();
});

after(async () => {
  for (const i of instances) i.child.kill('SIGKILL');
  await Promise.all([main.close(), hamburg.close()]);
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

test('two PBXs on two instances: one AMI session per PBX, each office\'s pops to its own 101 on either instance, a takeover of both within 5 s', { timeout: 120_000 }, async (t) => {
  const a = await launch('a');
  await until(async () => {
    const l = await leads(a);
    return l?.['default'] === 'leading' && l['hamburg'] === 'leading';
  }, 'a to lead both PBXs');
  const b = await launch('b');
  await until(async () => {
    const l = await leads(b);
    return l?.['default'] === 'standby' && l['hamburg'] === 'standby';
  }, 'b to stand by for both');
  assert.deepEqual([main.connectedClients, hamburg.connectedClients], [1, 1], 'one AMI session per PBX, not one per instance');

  // Agents on the standby: each gets their own office's call only, though both are "101".
  const alice = stream(b, (await signInWithCsrf(b, 'alice', 'alice-password')).cookie);
  const hans = stream(b, (await signInWithCsrf(b, 'hans', 'hans-password')).cookie);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const atMain = inboundCall(main, 'default', '+15551230001');
  const atHamburg = inboundCall(hamburg, 'hamburg', '+15551230002');
  await Promise.all([main.playScenario(atMain.script, { speed: 1 }), hamburg.playScenario(atHamburg.script, { speed: 1 })]);
  const calls = (frames: Frame[]) => [...new Set(frames.map((f) => f.data.callId))];
  await until(() => alice.frames.some((f) => f.data.state === 'ended'), "alice's call relayed to b");
  await until(() => hans.frames.some((f) => f.data.state === 'ended'), "hans's call relayed to b");
  assert.deepEqual(calls(alice.frames), [atMain.callId]);
  assert.deepEqual(calls(hans.frames), [atHamburg.callId]);
  assert.deepEqual([...new Set(hans.frames.map((f) => f.data.extension))], ['101@hamburg']);

  // Device states are per PBX, on the standby too: 101 busy in Hamburg is not 101 at the main office.
  assert.equal((await route(b, 'hamburg')).extension, '101');
  assert.equal((await route(b, 'default')).extension, '102', "hans's phone at the main office");
  hamburg.emitEvent({ Event: 'DeviceStateChange', Privilege: 'call,all', Device: 'PJSIP/101', State: 'INUSE' });
  main.emitEvent({ Event: 'DeviceStateChange', Privilege: 'call,all', Device: 'PJSIP/102', State: 'NOT_INUSE' });
  await until(async () => (await route(b, 'hamburg')).skipped.some((x) => x.rule === 'owner' && x.why === 'in-use'), "the standby to see Hamburg's 101 in use");
  assert.equal((await route(b, 'default')).extension, '102', 'the main office is not touched');

  // The leader of both dies: the survivor takes both over.
  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  await until(async () => {
    const l = await leads(b);
    return l?.['default'] === 'leading' && l['hamburg'] === 'leading';
  }, 'b to lead both PBXs');
  await until(() => (main.connectedClients === 1 && hamburg.connectedClients === 1) || undefined, 'b connected to both PBXs');
  const takeoverMs = Date.now() - killedAt;
  t.diagnostic(`takeover of two PBXs after SIGKILL: ${takeoverMs} ms`);
  assert.ok(takeoverMs <= 5_000, `takeover took ${takeoverMs} ms`);
  const again = inboundCall(hamburg, 'hamburg', '+15551230003');
  await hamburg.playScenario(again.script, { speed: 1 });
  await until(() => hans.frames.some((f) => f.data.callId === again.callId && f.data.state === 'ended'), 'a Hamburg call from the new leader');
  assert.ok(!alice.frames.some((f) => f.data.callId === again.callId));
  alice.close();
  hans.close();
});
