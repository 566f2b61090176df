/**
 * The PBX session's rules for outages, with a fake AMI client and a controlled clock: nothing is
 * ended while disconnected until a recovery decides, or until the PBX is given up on; the store's
 * open calls are restored before the first recovery, however late the store answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { AmiMessage } from '../../src/ami/message.ts';
import type { AmiClient } from '../../src/ami/client.ts';
import type { Effect } from '../../src/calls/effects.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import type { StoredCall } from '../../src/calls/restore.ts';
import { createLogger } from '../../src/logger.ts';
import { PbxSession, type PbxSessionOptions } from '../../src/service/pbx-session.ts';

const CALLER = { Channel: 'PJSIP/carrier-00000001', Uniqueid: '1795000000.1', Linkedid: '1795000000.1', Context: 'from-pstn', Exten: '5550100', CallerIDNum: '+15551230001' };
const AGENT = { Channel: 'PJSIP/101-00000002', Uniqueid: '1795000000.2', Linkedid: '1795000000.1', Context: 'from-internal', Exten: '101', CallerIDNum: '101' };

function ev(name: string, fields: Record<string, string>): AmiMessage {
  return new AmiMessage([['Event', name], ...Object.entries(fields)]);
}

/** Just what the session uses of an AmiClient: events, `state`, and the two recovery actions. */
class FakeClient extends EventEmitter {
  readonly id = 'pbx1';
  state = 'connecting';
  /** The channels CoreShowChannels lists; a promise holds the answer back. */
  channels: AmiMessage[] = [];
  async action(name: string): Promise<{ response: AmiMessage; events: AmiMessage[]; complete: undefined }> {
    const events = name === 'CoreShowChannels' ? this.channels.map((c) => new AmiMessage([['Event', 'CoreShowChannel'], ...c.fields.slice(1)])) : [];
    return { response: new AmiMessage([['Response', 'Success']]), events, complete: undefined };
  }
  ready(reconnected: boolean): void {
    this.state = 'ready';
    this.emit('ready', { id: this.id, version: '9.0.0', reconnected });
  }
  drop(): void {
    this.state = 'waiting-to-reconnect';
    this.emit('disconnect', new Error('connection lost'));
  }
}

function session(overrides: Partial<PbxSessionOptions> = {}): { client: FakeClient; s: PbxSession; effects: Effect[]; clock: { now: number } } {
  const client = new FakeClient();
  const effects: Effect[] = [];
  const clock = { now: Date.UTC(2026, 10, 23, 20, 0, 0) };
  const s = new PbxSession({
    client: client as unknown as AmiClient,
    engine: { pbxId: 'pbx1', hangupGraceMs: 1_000, idleTimeoutMs: 60_000 },
    sinks: [(e) => void effects.push(e)],
    log: createLogger('silent'),
    tickIntervalMs: 5,
    disconnectedGiveUpMs: 10 * 60_000,
    clock: () => clock.now,
    ...overrides,
  });
  return { client, s, effects, clock };
}

const ticks = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));
const ended = (effects: Effect[]): CallRecord[] => effects.flatMap((e) => (e.type === 'call-ended' ? [e.record] : []));

/** An answered call whose two channels were both asked to hang up, with no Hangup seen (yet). */
function hangingCall(client: FakeClient): void {
  const up = { ChannelStateDesc: 'Up' };
  client.emit('event', ev('Newchannel', { ...CALLER, ChannelStateDesc: 'Ring' }));
  client.emit('event', ev('Newchannel', { ...AGENT, ChannelStateDesc: 'Down' }));
  client.emit('event', ev('DialBegin', { ...CALLER, ...Object.fromEntries(Object.entries(AGENT).map(([k, v]) => [`Dest${k}`, v])), DialString: '101' }));
  client.emit('event', ev('DialEnd', { ...CALLER, ...Object.fromEntries(Object.entries(AGENT).map(([k, v]) => [`Dest${k}`, v])), DialStatus: 'ANSWER' }));
  client.emit('event', ev('BridgeEnter', { ...AGENT, ...up, BridgeUniqueid: 'b1' }));
  client.emit('event', ev('BridgeEnter', { ...CALLER, ...up, BridgeUniqueid: 'b1' }));
  client.emit('event', ev('HangupRequest', { ...CALLER, Cause: '16' }));
  client.emit('event', ev('SoftHangupRequest', { ...AGENT, Cause: '16' }));
  client.channels = [ev('X', { ...CALLER, ...up, BridgeId: 'b1' }), ev('X', { ...AGENT, ...up, BridgeId: 'b1' })];
}

describe('PBX session across outages', () => {
  it('while disconnected, no timer ends a call; the reconnect recovery decides', async () => {
    const { client, s, effects, clock } = session();
    client.ready(false);
    await s.idle();
    hangingCall(client);
    client.drop();
    clock.now += 5 * 60_000; // far past the hangup grace and the idle timeout
    await ticks();
    await s.idle();
    assert.deepEqual(ended(effects), [], 'nothing ended while disconnected');
    assert.equal(s.activeCalls, 1);
    client.channels = []; // the call ended meanwhile
    client.ready(true);
    await ticks();
    await s.idle();
    const [record, ...more] = ended(effects);
    assert.equal(more.length, 0);
    assert.equal(record!.endedWhileDisconnected, true);
    assert.equal(record!.endReason, 'gone-after-reconnect');
    assert.equal(s.reconnects, 1);
    s.stop();
  });

  it('connected again, the timer ends a call whose Hangup never came', async () => {
    const { client, s, effects, clock } = session();
    client.ready(false);
    await ticks();
    hangingCall(client);
    clock.now += 5_000;
    await ticks();
    await s.idle();
    assert.deepEqual(ended(effects).map((r) => r.endReason), ['hangup-missing']);
    s.stop();
  });

  it('a PBX out of reach for disconnectedGiveUpMs: calls end while disconnected; a reconnect finding one brings it back', async () => {
    const { client, s, effects, clock } = session();
    client.ready(false);
    await ticks();
    hangingCall(client);
    client.drop();
    clock.now += 11 * 60_000;
    await ticks();
    await s.idle();
    const [record] = ended(effects);
    assert.equal(record!.endedWhileDisconnected, true);
    assert.equal(record!.endReason, 'disconnected');
    assert.equal(s.activeCalls, 0);
    client.ready(true); // still listed: it went on
    await ticks();
    await s.idle();
    const last = effects.filter((e) => 'record' in e).at(-1) as Extract<Effect, { record: CallRecord }>;
    assert.equal(last.record.id, record!.id);
    assert.equal(last.record.status, 'in-progress');
    assert.equal(last.record.endedWhileDisconnected, false);
    assert.equal(s.activeCalls, 1);
    s.stop();
  });

  it('a client that gives up for good ends the calls at once', async () => {
    const { client, s, effects } = session();
    client.ready(false);
    await ticks();
    hangingCall(client);
    client.state = 'failed';
    client.emit('fatal', new Error('Authentication failed'));
    await s.idle();
    assert.deepEqual(ended(effects).map((r) => [r.endReason, r.endedWhileDisconnected]), [['disconnected', true]]);
    s.stop();
  });

  it('the store\'s open calls are restored before the first recovery, however late the store answers', async () => {
    // A first run's record of the call, answered, as the call log holds it.
    const first = session();
    first.client.ready(false);
    await ticks();
    hangingCall(first.client);
    await first.s.idle();
    const stored = first.effects.filter((e): e is Extract<Effect, { record: CallRecord }> => 'record' in e).at(-1)!.record;
    first.s.stop();
    assert.equal(stored.status, 'in-progress');

    let answer!: (calls: StoredCall[]) => void;
    const late = new Promise<StoredCall[]>((resolve) => (answer = resolve));
    const { client, s, effects } = session({ openCallsAtStart: () => late });
    client.channels = [ev('X', { ...CALLER, ChannelStateDesc: 'Up', BridgeId: 'b1' }), ev('X', { ...AGENT, ChannelStateDesc: 'Up', BridgeId: 'b1' })];
    client.ready(false);
    client.emit('event', ev('Hangup', { ...AGENT, Cause: '16', 'Cause-txt': 'Normal Clearing' }));
    await ticks();
    assert.equal(s.recoveries, 0, 'the recovery waits for the store');
    answer([{ record: stored, writtenAt: Date.now() }]);
    await ticks();
    client.emit('event', ev('Hangup', { ...CALLER, Cause: '16', 'Cause-txt': 'Normal Clearing' }));
    await s.idle();
    assert.equal(s.recoveries, 1);
    assert.equal(effects.filter((e) => e.type === 'call-started').length, 0, 'the stored call is not started again');
    const [record, ...more] = ended(effects);
    assert.equal(more.length, 0);
    assert.equal(record!.id, stored.id);
    assert.equal(record!.answeredBy, '101');
    assert.deepEqual(record!.rang, ['101']);
    assert.equal(record!.endReason, 'hangup');
    assert.equal(record!.endedWhileDisconnected, false);
    s.stop();
  });

  it('a store that cannot answer is logged; the session goes on', async () => {
    const { client, s } = session({ openCallsAtStart: () => Promise.reject(new Error('database is locked')) });
    client.ready(false);
    await ticks();
    await s.idle();
    assert.equal(s.recoveries, 1);
    s.stop();
  });
});
