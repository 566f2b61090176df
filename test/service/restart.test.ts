/**
 * Calls across outages, with the whole service (a SQLite file as store) against the PBX simulator
 * replaying capture 13 ("Carl Channels" +15551230013 → 101, answered, the caller hangs up 8 s later):
 * - the service stops mid-call and starts again: the call continues under the same id, or, gone
 *   while the service was down, is ended while disconnected; one record either way;
 * - the PBX connection drops mid-call: nothing is ended until the reconnect's recovery decides.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmiMessage } from '../../src/ami/message.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { loadTranscript } from '../../src/simulator/transcript.ts';

const CAPTURE = fileURLToPath(new URL('../fixtures/ami-transcripts/13-actions-during-active-call.ami', import.meta.url));
const CALL_ID = 'pbx1:1795464005.27';

/** Capture 13 cut just after both channels entered the bridge: the call is answered and talking. */
function captureHalves(): { talking: AmiMessage[]; rest: AmiMessage[] } {
  const messages = loadTranscript(CAPTURE).messages;
  let entered = 0;
  const cut = messages.findIndex((m) => m.event === 'BridgeEnter' && ++entered === 2) + 1;
  assert.ok(cut > 0);
  return { talking: messages.slice(0, cut), rest: messages.slice(cut) };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Row {
  id: string;
  status: string;
  record: CallRecord;
}

describe('calls across a service restart and a PBX disconnect', () => {
  let dir: string;
  let sim: AmiSimulator;
  const running: Service[] = [];
  const { talking, rest } = captureHalves();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-restart-'));
    sim = new AmiSimulator({ port: 0 });
    await sim.listen();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop().catch(() => undefined);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A service on the test's SQLite file and simulator, once its first recovery is done. */
  async function start(): Promise<Service> {
    const config = loadConfig({ DATABASE_URL: join(dir, 'crm.sqlite'), ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
    const service = await startService({ config, log: createLogger('silent'), pbx: { id: 'pbx1', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false });
    running.push(service);
    await until(() => service.session.recoveries >= 1, 'the first recovery');
    await service.session.idle();
    return service;
  }

  async function stop(service: Service): Promise<void> {
    running.splice(running.indexOf(service), 1);
    await service.stop();
  }

  async function rows(service: Service): Promise<Row[]> {
    const found = await service.store.db.selectFrom('calls').select(['id', 'status', 'record_json']).execute();
    return found.map((r) => ({ id: r.id, status: r.status, record: JSON.parse(r.record_json) as CallRecord }));
  }

  /** Replays the first half and waits until the log holds the call answered by 101. */
  async function answeredCall(service: Service): Promise<void> {
    await sim.replay(talking);
    await until(async () => (await rows(service)).some((r) => r.record.answeredBy === '101'), 'the answered call in the log');
    await service.session.idle();
  }

  async function endedRow(service: Service): Promise<Row> {
    await until(async () => (await rows(service)).every((r) => r.status === 'ended'), 'the call to end');
    await service.session.idle();
    const all = await rows(service);
    assert.equal(all.length, 1, 'one record for the call, never two');
    return all[0]!;
  }

  it('restart mid-call, the call still on the PBX: it continues under the same id and ends with one correct record', async () => {
    const first = await start();
    await answeredCall(first);
    const before = (await rows(first))[0]!;
    assert.equal(before.status, 'in-progress');
    await stop(first);
    assert.equal(sim.channels.length, 2, 'the PBX still has the call');

    const second = await start();
    assert.equal(second.session.activeCalls, 1, 'the stored call goes on');
    assert.equal((await rows(second))[0]!.status, 'in-progress');
    await sim.replay(rest);
    const { id, record } = await endedRow(second);
    assert.equal(id, CALL_ID);
    assert.equal(record.status, 'ended');
    assert.equal(record.disposition, 'answered');
    assert.equal(record.direction, 'inbound');
    assert.equal(record.externalNumber, '+15551230013');
    assert.equal(record.externalName, 'Carl Channels');
    assert.deepEqual(record.rang, ['101']);
    assert.equal(record.answeredBy, '101');
    assert.equal(record.startedAt, before.record.startedAt);
    assert.equal(record.answeredAt, before.record.answeredAt);
    assert.equal(record.talkSeconds, 8, 'the Cdr (Billsec 8): the talk during the restart went unwatched');
    assert.equal(record.hangupBy, 'caller');
    assert.equal(record.recording, before.record.recording);
    assert.equal(record.endedWhileDisconnected, false);
    assert.equal(record.endReason, 'hangup');
    assert.equal(second.session.activeCalls, 0);
  });

  it('restart after the call ended while the service was down: ended while disconnected, one record', async () => {
    const first = await start();
    await answeredCall(first);
    await stop(first);
    // The caller hangs up while no service is connected: the PBX's channels are gone.
    await sim.replay(rest);
    assert.equal(sim.channels.length, 0);

    const second = await start();
    const { id, record } = await endedRow(second);
    assert.equal(id, CALL_ID);
    assert.equal(record.endedWhileDisconnected, true);
    assert.equal(record.endReason, 'gone-after-reconnect');
    assert.equal(record.disposition, 'answered');
    assert.deepEqual(record.rang, ['101']);
    assert.equal(record.answeredBy, '101');
    assert.ok(Date.parse(record.endedAt!) >= Date.parse(record.answeredAt!), 'ended at the best time known, after the answer');
    assert.equal(second.session.activeCalls, 0);
  });

  it('the PBX drops mid-call and the call ends meanwhile: nothing ends until the reconnect, which ends it while disconnected', async () => {
    const service = await start();
    await answeredCall(service);
    await sim.stopListening();
    await sim.dropClients();
    await until(() => service.client.state !== 'ready', 'the disconnect');
    await sim.replay(rest);
    await service.session.idle();
    assert.equal((await rows(service))[0]!.status, 'in-progress', 'nothing is ended while disconnected');
    assert.equal(service.session.activeCalls, 1);

    await sim.resumeListening();
    await until(() => service.session.recoveries >= 2, 'the reconnect recovery');
    const { record } = await endedRow(service);
    assert.equal(record.endedWhileDisconnected, true);
    assert.equal(record.endReason, 'gone-after-reconnect');
    assert.equal(record.answeredBy, '101');
    assert.equal(record.disposition, 'answered');
  });

  it('the PBX drops mid-call and the call goes on: the reconnect keeps it, and it ends normally', async () => {
    const service = await start();
    await answeredCall(service);
    await sim.stopListening();
    await sim.dropClients();
    await until(() => service.client.state !== 'ready', 'the disconnect');
    await sim.resumeListening();
    await until(() => service.session.recoveries >= 2, 'the reconnect recovery');
    await service.session.idle();
    assert.equal((await rows(service))[0]!.status, 'in-progress', 'the call goes on');
    assert.equal(service.session.activeCalls, 1);

    await sim.replay(rest);
    const { record } = await endedRow(service);
    assert.equal(record.endedWhileDisconnected, false);
    assert.equal(record.endReason, 'hangup');
    assert.deepEqual(record.rang, ['101']);
    assert.equal(record.answeredBy, '101');
    assert.equal(record.disposition, 'answered');
    assert.equal(record.hangupBy, 'caller');
    assert.equal(service.session.reconnects, 1);
  });
});
