/**
 * `originatePlaysCall`: an Async Originate rings the agent's phone and places the call, as on a
 * real PBX (issue 16: the demo's click-to-call showed a banner, then nothing). ActionID,
 * `Variable:` lines and `Account` are carried as Asterisk carries them; the engine reads the
 * events as a click-to-call of ours.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiClient } from '../../src/ami/client.ts';
import { AmiDecoder, encodeAction } from '../../src/ami/codec.ts';
import { AmiMessage } from '../../src/ami/message.ts';
import { createEngineState, reduce, type CallRecord } from '../../src/calls/index.ts';
import { AmiSimulator, type AmiSimulatorOptions } from '../../src/simulator/ami-simulator.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const FAST = { agentRingMs: 100, ringMs: 100, talkMs: 2000, speed: 20 };

async function pbx(options: AmiSimulatorOptions): Promise<{ sim: AmiSimulator; client: AmiClient; events: AmiMessage[] }> {
  const sim = new AmiSimulator(options);
  await sim.listen();
  cleanups.push(() => sim.close());
  const client = new AmiClient({ id: 'pbx1', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret', reconnect: () => false });
  const events: AmiMessage[] = [];
  client.on('event', (e) => events.push(e));
  await client.connect();
  cleanups.push(() => client.close());
  return { sim, client, events };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ORIGINATE = {
  Channel: 'PJSIP/101',
  Context: 'from-internal',
  Exten: '+15551230001',
  Priority: 1,
  CallerID: '"John Customer" <+15551230001>',
  Timeout: 30_000,
  Async: 'true',
  Account: 'crm-c2c-1',
  Variable: ['__CRM_CALL_ID=crm-c2c-1', '__CRM_C2C_EXTENSION=101'],
};

test('the agent’s phone rings and answers, OriginateResponse carries our ActionID, then the customer rings, answers, talks and hangs up', async () => {
  const { client, events } = await pbx({ originatePlaysCall: FAST });
  let actionId = '';
  const originate = new AmiMessage([['Action', 'Originate'], ['ActionID', 'x'], ...Object.entries(ORIGINATE).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, String(v)] as [string, string]]))]);
  const reply = await client.action('Originate', ORIGINATE, { onActionId: (id) => (actionId = id) });
  assert.equal(reply.response.get('Message'), 'Originate successfully queued');
  await until(() => events.filter((e) => e.event === 'Hangup').length === 2, 'both legs hung up');

  const named = (name: string) => events.filter((e) => e.event === name);
  const [agent, customer] = named('Newchannel');
  assert.match(agent!.get('Channel') ?? '', /^PJSIP\/101-[0-9a-f]{8}$/);
  assert.match(customer!.get('Channel') ?? '', /^PJSIP\/carrier-[0-9a-f]{8}$/);
  assert.equal(customer!.get('Linkedid'), agent!.get('Uniqueid'), 'one call');
  const response = named('OriginateResponse');
  assert.equal(response.length, 1);
  assert.deepEqual(
    [response[0]!.actionId, response[0]!.get('Response'), response[0]!.get('Channel'), response[0]!.get('Uniqueid'), response[0]!.get('Context'), response[0]!.get('Exten')],
    [actionId, 'Success', agent!.get('Channel'), agent!.get('Uniqueid'), 'from-internal', '+15551230001'],
  );
  // The variables, on the agent's leg and inherited by the customer's; the Account on both.
  const varsOf = (channel: string) => new Map(named('VarSet').filter((e) => e.get('Channel') === channel).map((e) => [e.get('Variable'), e.get('Value')]));
  for (const leg of [agent!, customer!]) {
    const vars = varsOf(leg.get('Channel')!);
    assert.equal(vars.get('__CRM_CALL_ID'), 'crm-c2c-1', leg.get('Channel'));
    assert.equal(vars.get('__CRM_C2C_EXTENSION'), '101', leg.get('Channel'));
  }
  assert.deepEqual(new Set(named('NewAccountCode').map((e) => e.get('AccountCode'))), new Set(['crm-c2c-1']));
  // The agent first, then the customer at the Exten.
  const dials = named('DialBegin').map((e) => e.get('DestChannel')?.replace(/-[0-9a-f]{8}$/, '') + ' ' + e.get('DialString'));
  assert.deepEqual(dials, ['PJSIP/101 101', 'PJSIP/carrier +15551230001@carrier']);
  const cdr = named('Cdr').find((e) => e.get('Disposition') === 'ANSWERED');
  assert.equal(cdr?.get('AccountCode'), 'crm-c2c-1');
  // From the agent's answer to the end (customer's ringing 0.1 s + talk 2 s): the script's times, not the playback's.
  assert.equal(cdr?.get('BillableSeconds'), '2');

  // The engine, told of the action as the service tells it, reads our click-to-call.
  const state = createEngineState({ pbxId: 'pbx1' });
  const records: CallRecord[] = [];
  const at = Date.now();
  const note = new AmiMessage(originate.fields.map(([k, v]) => (k === 'ActionID' ? [k, actionId] : [k, v])));
  reduce(state, note, at);
  for (const e of events) for (const effect of reduce(state, e, at).effects) if (effect.type === 'call-ended') records.push(effect.record);
  assert.equal(records.length, 1);
  const record = records[0]!;
  assert.deepEqual([record.direction, record.disposition, record.clickToCallId, record.externalNumber], ['outbound', 'answered', 'crm-c2c-1', '+15551230001']);
});

test('an Originate without an ActionID gets an OriginateResponse without one; other channels and Application keep the bare answer', async () => {
  const { sim } = await pbx({ originatePlaysCall: FAST });
  const socket = net.connect(sim.port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  const decoder = new AmiDecoder();
  const got: AmiMessage[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const item of decoder.push(chunk)) if (item.kind === 'message') got.push(item.message);
  });
  socket.write(encodeAction('Login', { Username: 'crm', Secret: 'crmsecret', ActionID: 'l' }));
  await until(() => got.some((m) => m.actionId === 'l'), 'login');
  const { Variable: _v, ...plain } = ORIGINATE;
  socket.write(encodeAction('Originate', plain));
  await until(() => got.some((m) => m.event === 'OriginateResponse'), 'the OriginateResponse');
  const response = got.find((m) => m.event === 'OriginateResponse')!;
  assert.equal(response.has('ActionID'), false);
  assert.equal(response.get('Response'), 'Success');
  await until(() => got.filter((m) => m.event === 'Hangup').length === 2, 'the call, played to its end');

  // Local/ channels and Application originates are not what the scenario models: the bare answer.
  for (const [id, fields] of [
    ['local', { ...plain, Channel: 'Local/101@from-internal' }],
    ['app', { Channel: 'PJSIP/102', Application: 'Playback', Data: 'demo-congrats', Async: 'true' }],
  ] as const) {
    const before = got.filter((m) => m.event === 'Newchannel').length;
    socket.write(encodeAction('Originate', { ...fields, ActionID: id }));
    await until(() => got.some((m) => m.event === 'OriginateResponse' && m.actionId === id), id);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.filter((m) => m.event === 'Newchannel').length, before, `${id}: no channel events`);
  }
});

test('off by default: the OriginateResponse alone, no channel events', async () => {
  const { client, events } = await pbx({});
  await client.action('Originate', ORIGINATE);
  await until(() => events.some((e) => e.event === 'OriginateResponse'), 'the OriginateResponse');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(events.map((e) => e.event).filter((e) => e !== 'FullyBooted'), ['OriginateResponse']);
});

test('with a recordings folder, the call click-to-call placed leaves its recording', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmt-c2c-rec-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const { client, events } = await pbx({ originatePlaysCall: FAST, recordingsDir: dir });
  await client.action('Originate', ORIGINATE);
  await until(() => events.filter((e) => e.event === 'Hangup').length === 2, 'the end of the call');
  const recorded = events.find((e) => e.event === 'VarSet' && e.get('Variable') === '__CRM_RECORDING')?.get('Value');
  assert.ok(recorded);
  assert.deepEqual(readdirSync(dir), [recorded]);
});
