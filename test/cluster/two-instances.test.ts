/**
 * Two real service processes (`src/main.ts`) on one real PostgreSQL database and one simulated PBX
 * (issue 14): one leads the PBX, the other stands by; an agent signed in on either gets every pop,
 * with the same event ids; the standby's routing answers know the device states only the leader
 * hears; a click-to-call asked on the standby is placed by the leader; killed with SIGKILL, the leader is replaced within 5 s; a browser that
 * reconnects to the survivor with the dead instance's Last-Event-ID is replayed from there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/store.ts';
import { Directory } from '../../src/directory/directory.ts';
import { CallLog } from '../../src/store/call-log.ts';
import { Access } from '../../src/web/auth/access.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { buildScenario, linkedidOf } from '../../src/simulator/scenarios/index.ts';
import { createTestDatabase } from '../support/engines.ts';
import { instances, launch as launchProcess, leads, signInWithCsrf as signInAs, stream, until, type Frame, type Instance } from './support.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const sim = new AmiSimulator({ port: 0 });
let routingToken = '';

function launch(name: string): Promise<Instance> {
  return launchProcess(name, { DATABASE_URL: database.url, AMI_HOST: '127.0.0.1', AMI_PORT: String(sim.port), AMI_USERNAME: 'crm', AMI_SECRET: 'crmsecret' });
}

async function lead(instance: Instance): Promise<string | undefined> {
  return (await leads(instance))?.['default'];
}

/** Where the instance's routing sends a call from Olga, whose responsible manager is alice (101). */
async function route(instance: Instance): Promise<{ extension: string | null; reason: string; skipped: { rule: string; why: string }[] }> {
  const res = await fetch(`${instance.url}/api/route?caller=%2B15551230077&did=5550100&format=json&token=${routingToken}`);
  return (await res.json()) as { extension: string | null; reason: string; skipped: { rule: string; why: string }[] };
}

async function signIn(instance: Instance): Promise<string> {
  return (await signInWithCsrf(instance)).cookie;
}

function signInWithCsrf(instance: Instance): Promise<{ cookie: string; csrf: string }> {
  return signInAs(instance, 'alice', 'alice-password');
}

function inboundCall(caller: string, talkMs = 300): { script: ReturnType<typeof buildScenario>; callId: string } {
  const script = buildScenario('inbound-answered', { startEpochMs: Date.now(), did: '5550100', extensions: ['101'], answeredBy: '101', caller: { number: caller, name: 'Caller' }, ringMs: 300, talkMs }, sim.scenarioIds);
  return { script, callId: `default:${linkedidOf(script)}` };
}

before(async () => {
  database = await createTestDatabase('t_cluster');
  await sim.listen();
  const store = await openStore({ url: database.url });
  const directory = new Directory(store, { defaultRegion: 'US' });
  const alice = (await directory.upsertUser({ login: 'alice', name: 'Alice', role: 'agent', password: 'alice-password', extensions: ['101'] })).id;
  await directory.upsertContact({ firstName: 'Olga', lastName: 'Owned', assignedUserId: alice, phones: [{ kind: 'mobile', number: '+1 555 123 0077' }] });
  routingToken = (await new Access(store, directory).createToken('routing', 'cluster test', null)).token;
  await store.close();
});

after(async () => {
  for (const i of instances) i.child.kill('SIGKILL');
  await sim.close();
  await database.drop();
});

test('two instances on one PostgreSQL: one follows the PBX, pops reach agents on both, the survivor takes over within 5 s and replays', { timeout: 120_000 }, async (t) => {
  const a = await launch('a');
  await until(async () => (await lead(a)) === 'leading', 'a to lead');
  const b = await launch('b');
  await until(async () => (await lead(b)) === 'standby', 'b to stand by');
  assert.equal(sim.connectedClients, 1, 'one AMI session on the PBX, not one per instance');

  // Routing on the standby knows the phones' states, which only the leader hears from the PBX.
  assert.equal((await route(b)).extension, '101', 'alice is free: her client goes to her');
  sim.emitEvent({ Event: 'DeviceStateChange', Privilege: 'call,all', Device: 'PJSIP/101', State: 'INUSE' });
  const busy = await until(async () => {
    const d = await route(b);
    return d.skipped.some((x) => x.rule === 'owner' && x.why === 'in-use') ? d : undefined;
  }, 'the standby to see 101 in use');
  assert.deepEqual(busy, await route(a), 'the same answer from both instances');
  sim.emitEvent({ Event: 'DeviceStateChange', Privilege: 'call,all', Device: 'PJSIP/101', State: 'NOT_INUSE' });
  await until(async () => (await route(b)).extension === '101', 'the standby to see 101 free again');

  const onA = stream(a, await signIn(a));
  const onB = stream(b, await signIn(b));
  await new Promise((resolve) => setTimeout(resolve, 300));

  const first = inboundCall('+15551230001');
  await sim.playScenario(first.script, { speed: 1 });
  const states = (frames: Frame[]) => frames.filter((f) => f.data.callId === first.callId).map((f) => f.data.state);
  // The whole call, ring to end, on both.
  await until(() => states(onA.frames).includes('ended'), 'the call on a');
  await until(() => states(onB.frames).includes('ended'), 'the call relayed to b');
  assert.equal(states(onA.frames)[0], 'ringing');
  assert.deepEqual(states(onB.frames), states(onA.frames), 'the same cards on both instances');
  assert.deepEqual(
    onB.frames.map((f) => f.id),
    onA.frames.map((f) => f.id),
    'the same event ids on both instances',
  );
  const lastSeenOnA = onA.frames.at(-1)!.id;

  // Click-to-call on the standby: handed to the leader, which places it on its AMI session.
  const originates: string[] = [];
  const stopWatching = sim.onAction((action) => {
    if (action.get('Action') === 'Originate') originates.push(action.get('Channel') ?? '');
    return undefined;
  });
  const alice = await signInWithCsrf(b);
  const placed = await fetch(`${b.url}/api/calls`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: alice.cookie, 'x-csrf-token': alice.csrf }, body: JSON.stringify({ number: '+1 555 123 0009' }) });
  const outcome = (await placed.json()) as { clickToCallId?: string; extension?: string };
  assert.equal(placed.status, 202, JSON.stringify(outcome));
  assert.equal(outcome.extension, '101');
  assert.ok(outcome.clickToCallId?.startsWith('crm-'));
  assert.deepEqual(originates, ['PJSIP/101'], 'one Originate, from the leader\'s session, ringing alice first');
  stopWatching();

  // The leader dies without a word.
  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  onA.close();
  await until(async () => (await lead(b)) === 'leading', 'b to take the lead');
  await until(() => sim.connectedClients === 1 || undefined, 'b connected to the PBX');
  const takeoverMs = Date.now() - killedAt;
  assert.ok(takeoverMs <= 5_000, `takeover took ${takeoverMs} ms`);
  t.diagnostic(`takeover after SIGKILL: ${takeoverMs} ms (b leading and connected to the PBX)`);

  const second = inboundCall('+15551230002');
  await sim.playScenario(second.script, { speed: 1 });
  await until(() => onB.frames.some((f) => f.data.callId === second.callId && f.data.state === 'ringing'), 'a pop from the new leader');

  // The browser that was on a comes back on b with a's last event id: replayed from there.
  const cookie = await signIn(b);
  const back = stream(b, cookie, lastSeenOnA);
  await until(() => back.frames.some((f) => f.data.callId === second.callId), 'the replay on b');
  assert.ok(back.frames.every((f) => f.id > lastSeenOnA), 'nothing the browser had already seen');
  assert.ok(!back.frames.some((f) => f.data.callId === first.callId), 'the first call is not shown again');
  back.close();
  onB.close();
});

test('the leader killed mid-call: the new leader goes on from the record the old one wrote live, which never gets worse', { timeout: 120_000 }, async (t) => {
  const leader = instances.find((i) => i.child.exitCode === null && i.child.signalCode === null);
  assert.ok(leader, 'the survivor of the first test leads');
  await until(async () => (await lead(leader)) === 'leading', 'the survivor to lead');
  const standby = await launch('c');
  await until(async () => (await lead(standby)) === 'standby', 'c to stand by');
  const store = await openStore({ url: database.url });
  try {
    const calls = new CallLog(store);
    const record = async (id: string) => (await calls.get<CallRecord>(id))?.record;
    // Alice watches on the standby: the card the leader popped must end there with the call.
    const onStandby = stream(standby, await signIn(standby));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const call = inboundCall('+15551230003', 6_000);
    const playing = sim.playScenario(call.script, { speed: 1 });
    const live = await until(async () => {
      const r = await record(call.callId);
      return r?.answeredAt ? r : undefined;
    }, 'the answer written by the leader');
    leader.child.kill('SIGKILL');
    await until(async () => (await lead(standby)) === 'leading', 'c to take the lead');
    await playing;
    const ended = await until(async () => {
      const r = await record(call.callId);
      return r?.status === 'ended' ? r : undefined;
    }, 'the end written by the new leader');
    t.diagnostic(`live: answered ${live.answeredAt} by ${live.answeredBy}; after the takeover: ${ended.answeredAt} by ${ended.answeredBy}, ended ${ended.endedAt}, talk ${ended.talkSeconds} s`);
    assert.equal(ended.answeredAt, live.answeredAt, 'the answer time seen live is kept');
    assert.equal(ended.answeredBy, '101');
    assert.equal(ended.startedAt, live.startedAt);
    assert.equal(ended.disposition, 'answered');
    assert.equal(ended.endedWhileDisconnected, false, 'ended by the PBX, not by a lost connection');
    assert.ok((ended.talkSeconds ?? 0) >= 5, `talk ${ended.talkSeconds} s`);
    // Found on a real Asterisk: the new leader had no card for the call and never ended it.
    await until(() => onStandby.frames.some((f) => f.data.callId === call.callId && f.data.state === 'ended'), "the card's end on the survivor's stream");
    onStandby.close();
  } finally {
    await store.close();
  }
});

test('the leader stopped in order (SIGTERM, an upgrade): it gives the lead up at once, a standby takes over, the old one exits cleanly', { timeout: 60_000 }, async (t) => {
  const leader = instances.find((i) => i.child.exitCode === null && i.child.signalCode === null);
  assert.ok(leader, 'an instance leads');
  await until(async () => (await lead(leader)) === 'leading', 'the leader');
  const standby = await launch('d');
  await until(async () => (await lead(standby)) === 'standby', 'd to stand by');
  const exited = new Promise<number | null>((resolve) => leader.child.once('exit', (code) => resolve(code)));
  const stoppedAt = Date.now();
  leader.child.kill('SIGTERM');
  await until(async () => (await lead(standby)) === 'leading', 'd to take the lead');
  await until(() => sim.connectedClients === 1 || undefined, 'd connected to the PBX');
  const handoverMs = Date.now() - stoppedAt;
  t.diagnostic(`handover after SIGTERM: ${handoverMs} ms`);
  assert.ok(handoverMs <= 2_500, `handover took ${handoverMs} ms`);
  assert.equal(await exited, 0, 'the old leader exits with status 0');
});
