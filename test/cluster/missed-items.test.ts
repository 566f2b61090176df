/**
 * Missed-call items across two real service processes on one PostgreSQL (issues 14 and 17): the
 * instance that follows the PBX files the missed call; the owner, signed in on the other instance,
 * gets it at once on that instance's stream and in its API; an administrator on the other instance
 * sees it on theirs (their page lists everyone's items).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/store.ts';
import { Directory } from '../../src/directory/directory.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { buildScenario } from '../../src/simulator/scenarios/index.ts';
import { createTestDatabase } from '../support/engines.ts';
import { sseFrames } from '../support/sse.ts';
import { instances, launch as launchProcess, leads, signInWithCsrf, until, type Instance } from './support.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const sim = new AmiSimulator({ port: 0 });

function launch(name: string): Promise<Instance> {
  return launchProcess(name, { DATABASE_URL: database.url, AMI_HOST: '127.0.0.1', AMI_PORT: String(sim.port), AMI_USERNAME: 'crm', AMI_SECRET: 'crmsecret' });
}

before(async () => {
  database = await createTestDatabase('t_missed');
  await sim.listen();
  const store = await openStore({ url: database.url });
  const directory = new Directory(store, { defaultRegion: 'US' });
  const alice = (await directory.upsertUser({ login: 'alice', name: 'Alice', role: 'agent', password: 'alice-password', extensions: ['101'] })).id;
  await directory.upsertContact({ firstName: 'Olga', lastName: 'Owned', assignedUserId: alice, phones: [{ kind: 'mobile', number: '+1 555 123 0077' }] });
  await store.close();
});

after(async () => {
  for (const i of instances) i.child.kill('SIGKILL');
  await sim.close();
  await database.drop();
});

test("a missed call filed by the PBX's leader reaches its owner signed in on the standby, at once", { timeout: 90_000 }, async () => {
  const a = await launch('a');
  await until(async () => (await leads(a))?.['default'] === 'leading', 'a to lead');
  const b = await launch('b');
  await until(async () => (await leads(b))?.['default'] === 'standby', 'b to stand by');

  const alice = await signInWithCsrf(b, 'alice', 'alice-password');
  const missed: { change: string; item: { owner: { name: string } | null; count: number; callerName: string | null } }[] = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${b.url}/api/events`, { headers: { cookie: alice.cookie }, signal: controller.signal });
    for await (const frame of sseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
      if (frame.event === 'missed' && frame.data !== undefined) missed.push(JSON.parse(frame.data) as (typeof missed)[number]);
    }
  })().catch(() => undefined);
  // An administrator on the leader: their page can list everyone's items, and their stream follows them.
  const admin = await signInWithCsrf(a, 'admin', 'admin-password');
  const adminHeard: { change: string; item: { owner: { name: string } | null } }[] = [];
  void (async () => {
    const res = await fetch(`${a.url}/api/events`, { headers: { cookie: admin.cookie }, signal: controller.signal });
    for await (const frame of sseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
      if (frame.event === 'missed' && frame.data !== undefined) adminHeard.push(JSON.parse(frame.data) as (typeof adminHeard)[number]);
    }
  })().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));

  const script = buildScenario('inbound-noanswer', { startEpochMs: Date.now(), did: '5550100', extensions: ['101'], caller: { number: '+15551230077', name: 'Olga' }, ringMs: 300 }, sim.scenarioIds);
  await sim.playScenario(script, { speed: 1 });
  const opened = await until(() => missed.find((m) => m.change === 'opened'), 'the item on the standby\'s stream');
  assert.equal(opened.item.owner?.name, 'Alice');
  assert.equal(opened.item.callerName, 'Olga Owned');
  const listed = await until(async () => {
    const res = await fetch(`${b.url}/api/missed-items`, { headers: { cookie: alice.cookie } });
    const body = (await res.json()) as { items: { count: number }[] };
    return body.items.length === 1 ? body.items : undefined;
  }, 'the item in the standby\'s API');
  assert.equal(listed[0]!.count, 1);
  const adminSaw = await until(() => adminHeard.find((m) => m.change === 'opened'), "Alice's item on the administrator's stream");
  assert.equal(adminSaw.item.owner?.name, 'Alice');
  assert.equal(adminHeard.filter((m) => m.change === 'opened').length, 1, 'once');
  controller.abort();
});
