/**
 * The PBX session hands each call's context (its directory matches, its click-to-call origin) with
 * every effect, one queue per sink. Before, the pops sink forgot a call's matches when it handled
 * the call's end; a CRM sink lagging behind then looked the number up again and left an entry that
 * was never removed. Now a call's context closes only when every sink is past its end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { AmiMessage } from '../../src/ami/message.ts';
import type { AmiClient } from '../../src/ami/client.ts';
import type { Effect } from '../../src/calls/effects.ts';
import type { Candidate } from '../../src/directory/lookup.ts';
import { createLogger } from '../../src/logger.ts';
import type { CallContext } from '../../src/service/call-context.ts';
import { PbxSession, type EffectSink } from '../../src/service/pbx-session.ts';

function ev(name: string, fields: Record<string, string>): AmiMessage {
  return new AmiMessage([['Event', name], ...Object.entries(fields)]);
}

class FakeClient extends EventEmitter {
  readonly id = 'pbx1';
  state = 'connecting';
  paused = 0;
  resumed = 0;
  async action(): Promise<{ response: AmiMessage; events: AmiMessage[]; complete: undefined }> {
    return { response: new AmiMessage([['Response', 'Success']]), events: [], complete: undefined };
  }
  pauseReading(): void {
    this.paused++;
  }
  resumeReading(): void {
    this.resumed++;
  }
  ready(): void {
    this.state = 'ready';
    this.emit('ready', { id: this.id, version: '9.0.0', reconnected: false });
  }
}

/** One inbound call from `number` to extension 101, answered and hung up. */
function call(client: FakeClient, n: number, number: string): void {
  const id = `1795000${n}.1`;
  const caller = { Channel: `PJSIP/carrier-${n}`, Uniqueid: id, Linkedid: id, Context: 'from-pstn', Exten: '5550100', CallerIDNum: number };
  const agent = { Channel: `PJSIP/101-${n}`, Uniqueid: `1795000${n}.2`, Linkedid: id, Context: 'from-internal', Exten: '101', CallerIDNum: '101' };
  const dest = Object.fromEntries(Object.entries(agent).map(([k, v]) => [`Dest${k}`, v]));
  client.emit('event', ev('Newchannel', { ...caller, ChannelStateDesc: 'Ring' }));
  client.emit('event', ev('Newchannel', { ...agent, ChannelStateDesc: 'Down' }));
  client.emit('event', ev('DialBegin', { ...caller, ...dest, DialString: '101' }));
  client.emit('event', ev('DialEnd', { ...caller, ...dest, DialStatus: 'ANSWER' }));
  client.emit('event', ev('BridgeEnter', { ...agent, ChannelStateDesc: 'Up', BridgeUniqueid: `b${n}` }));
  client.emit('event', ev('BridgeEnter', { ...caller, ChannelStateDesc: 'Up', BridgeUniqueid: `b${n}` }));
  client.emit('event', ev('Hangup', { ...agent, Cause: '16' }));
  client.emit('event', ev('Hangup', { ...caller, Cause: '16' }));
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('effect dispatch', () => {
  it('a lagging CRM sink: one lookup per call for every sink, and no context outlives its call', async () => {
    const client = new FakeClient();
    const lookups: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const seen = { pops: new Map<string, readonly Candidate[]>(), crm: new Map<string, readonly Candidate[]>() };
    // The pops: fast, done with each call as soon as it ends.
    const pops: EffectSink = async (effect: Effect, context?: CallContext) => {
      if (effect.type === 'agent-ringing' && context) seen.pops.set(effect.callId, await context.matches());
    };
    // The CRM: behind a slow CRM, it reaches every call's end long after the pops did.
    const crm: EffectSink = async (effect: Effect, context?: CallContext) => {
      await gate;
      if (effect.type === 'call-ended' && context) seen.crm.set(effect.callId, await context.matches());
    };
    const s = new PbxSession({
      client: client as unknown as AmiClient,
      engine: { pbxId: 'pbx1' },
      sinks: [crm, pops],
      context: { lookup: async (number) => (lookups.push(number), [{ type: 'contact', id: `c-${number}` } as Candidate]) },
      log: createLogger('silent'),
    });
    client.ready();
    await settle();
    for (let n = 1; n <= 5; n++) call(client, n, `+1555123000${n}`);
    await settle();
    assert.equal(seen.pops.size, 5, 'every call popped');
    assert.equal(seen.crm.size, 0, 'the CRM has not reached any end yet');
    assert.equal(s.dispatchStats.openContexts, 5, 'held for the CRM, though the pops are done');
    open();
    await s.idle();
    assert.equal(seen.crm.size, 5);
    for (const [callId, matches] of seen.crm) assert.equal(matches, seen.pops.get(callId), 'the CRM gets the very answer the pop showed');
    assert.equal(lookups.length, 5, 'one lookup per call, none again for the late sink');
    assert.equal(s.dispatchStats.openContexts, 0, 'no entry outlives its call');
    s.stop();
  });

  it('a sink past its bound pauses reading from the PBX until its queue is back under half', async () => {
    const client = new FakeClient();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow: EffectSink = async () => {
      await gate;
    };
    const s = new PbxSession({ client: client as unknown as AmiClient, engine: { pbxId: 'pbx1' }, sinks: [slow], sinkCapacity: 10, log: createLogger('silent') });
    client.ready();
    await settle();
    for (let n = 1; n <= 3; n++) call(client, n, `+1555123000${n}`);
    assert.equal(client.paused, 1, 'reading paused once');
    assert.equal(s.dispatchStats.readingPaused, true);
    assert.equal(s.dispatchStats.sinks[0]!.dropped, 0, 'nothing dropped');
    open();
    await s.idle();
    assert.equal(client.resumed, 1, 'reading resumed');
    assert.equal(s.dispatchStats.readingPaused, false);
    s.stop();
  });
});
