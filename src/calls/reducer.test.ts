/**
 * The reducer on hand-made event sequences: what the captures do not show (other dialplans, FreePBX
 * habits, phones with two registrations, internal and outbound calls, Originates that fail).
 * The captured calls themselves are tested in test/calls/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiMessage } from '../ami/message.ts';
import type { EngineConfig } from './config.ts';
import type { Effect } from './effects.ts';
import type { CallRecord } from './record.ts';
import { eventsRead, reduce } from './reducer.ts';
import { createEngineState, type EngineState } from './state.ts';

const T0 = 1_800_000_000_000;

/** A little PBX script: channels by short name, events at a given second. */
class Script {
  readonly state: EngineState;
  readonly effects: Effect[] = [];
  readonly records = new Map<string, CallRecord>();
  t = T0;
  #channels = new Map<string, { Channel: string; Uniqueid: string; Linkedid: string }>();

  constructor(config: Partial<EngineConfig> = {}) {
    this.state = createEngineState({ pbxId: 'p', ...config });
  }

  at(seconds: number): this {
    this.t = T0 + seconds * 1000;
    return this;
  }

  /** Declares a channel; `linkedid` defaults to its own Uniqueid (a call's first channel). */
  chan(name: string, channel: string, uniqueid: string, linkedid = uniqueid): void {
    this.#channels.set(name, { Channel: channel, Uniqueid: uniqueid, Linkedid: linkedid });
  }

  /** `send('Newstate', 'a', { ChannelStateDesc: 'Up' })`; `dest` fills the `Dest*` fields. */
  send(event: string, channel: string | null, fields: Record<string, string | string[]> = {}, dest?: string): Effect[] {
    const list: [string, string][] = [['Event', event]];
    if (channel !== null) for (const [k, v] of Object.entries(this.#get(channel))) list.push([k, v]);
    if (dest !== undefined) for (const [k, v] of Object.entries(this.#get(dest))) list.push([`Dest${k}`, v]);
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) list.push([k, one]);
    return this.feed(new AmiMessage(list));
  }

  feed(message: AmiMessage): Effect[] {
    const { effects } = reduce(this.state, message, this.t);
    for (const e of effects) {
      this.effects.push(e);
      if ('record' in e) this.records.set(e.callId, e.record);
    }
    return [...effects];
  }

  record(linkedid: string): CallRecord {
    const r = this.records.get(`p:${linkedid}`);
    assert.ok(r !== undefined, `record ${linkedid}`);
    return r;
  }

  of<T extends Effect['type']>(type: T): Extract<Effect, { type: T }>[] {
    return this.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
  }

  #get(name: string) {
    const c = this.#channels.get(name);
    assert.ok(c !== undefined, `channel ${name}`);
    return c;
  }
}

function inboundCaller(s: Script, context = 'from-pstn', exten = '5550100'): void {
  s.chan('caller', 'PJSIP/carrier-00000001', '1800000000.1');
  s.send('Newchannel', 'caller', { Context: context, Exten: exten, CallerIDNum: '+15551234567', CallerIDName: 'Jane Doe', ChannelStateDesc: 'Ring' });
}

describe('ringing, one pop per phone', () => {
  it('a phone registered twice rings on two legs but pops and stops once', () => {
    const s = new Script();
    inboundCaller(s);
    s.chan('a', 'PJSIP/101-00000002', '1800000000.2', '1800000000.1');
    s.chan('b', 'PJSIP/101-00000003', '1800000000.3', '1800000000.1');
    s.send('Newchannel', 'a', { Context: 'from-internal', Exten: 's' });
    s.send('Newchannel', 'b', { Context: 'from-internal', Exten: 's' });
    s.send('DialBegin', 'caller', { DialString: '101' }, 'a');
    s.send('DialBegin', 'caller', { DialString: '101' }, 'b');
    assert.deepEqual(s.of('agent-ringing').map((e) => e.extension), ['101']);
    s.at(3).send('DialEnd', 'caller', { DialStatus: 'ANSWER' }, 'b');
    s.send('DialEnd', 'caller', { DialStatus: 'CANCEL' }, 'a');
    assert.deepEqual(s.of('agent-stopped-ringing').map((e) => [e.extension, e.reason]), [['101', 'answered-here']]);
    assert.deepEqual(s.of('call-answered').map((e) => e.extension), ['101']);
    assert.deepEqual(s.record('1800000000.1').rang, ['101']);
  });

  it('a ring group names its group; a phone that rejects the call stops with "rejected"', () => {
    const s = new Script();
    inboundCaller(s, 'ext-group', '600');
    s.send('Newexten', 'caller', { Context: 'ext-group', Exten: '600', Application: 'Dial', AppData: 'PJSIP/201&PJSIP/202,20' });
    s.chan('x', 'PJSIP/201-00000002', '1800000000.2', '1800000000.1');
    s.chan('y', 'PJSIP/202-00000003', '1800000000.3', '1800000000.1');
    s.send('DialBegin', 'caller', {}, 'x');
    s.send('DialBegin', 'caller', {}, 'y');
    assert.deepEqual(s.of('agent-ringing').map((e) => [e.extension, e.group, e.queue]), [
      ['201', '600', null],
      ['202', '600', null],
    ]);
    // 202 declines (603 → cause 21) without its Dial reporting.
    s.at(2).send('Hangup', 'y', { Cause: '21', 'Cause-txt': 'Call Rejected' });
    assert.deepEqual(s.of('agent-stopped-ringing').map((e) => [e.extension, e.reason]), [['202', 'rejected']]);
  });

  it('a FreePBX ring group dials Local channels: the phone not chosen stops "answered elsewhere"', () => {
    const s = new Script();
    inboundCaller(s, 'ext-group', '600');
    s.send('Newexten', 'caller', { Context: 'ext-group', Exten: '600', Application: 'Dial', AppData: 'Local/201@from-internal/n&Local/202@from-internal/n,20' });
    const legs: [string, string, string][] = [
      ['a1', 'Local/201@from-internal-00000001;1', '2'],
      ['a2', 'Local/201@from-internal-00000001;2', '3'],
      ['b1', 'Local/202@from-internal-00000002;1', '4'],
      ['b2', 'Local/202@from-internal-00000002;2', '5'],
      ['pa', 'PJSIP/201-00000006', '6'],
      ['pb', 'PJSIP/202-00000007', '7'],
    ];
    for (const [name, channel, seq] of legs) {
      s.chan(name, channel, `1800000000.${seq}`, '1800000000.1');
      s.send('Newchannel', name, { Context: 'from-internal', Exten: 's' });
    }
    s.send('DialBegin', 'caller', {}, 'a1');
    s.send('DialBegin', 'caller', {}, 'b1');
    s.send('DialBegin', 'a2', {}, 'pa');
    s.send('DialBegin', 'b2', {}, 'pb');
    assert.deepEqual(s.of('agent-ringing').map((e) => [e.extension, e.group]), [
      ['201', '600'],
      ['202', '600'],
    ]);
    s.at(3).send('DialEnd', 'a2', { DialStatus: 'ANSWER' }, 'pa');
    s.send('DialEnd', 'caller', { DialStatus: 'ANSWER' }, 'a1');
    s.send('DialEnd', 'caller', { DialStatus: 'CANCEL' }, 'b1');
    s.send('SoftHangupRequest', 'b2', { Cause: '26' });
    s.send('DialEnd', 'b2', { DialStatus: 'CANCEL' }, 'pb');
    assert.deepEqual(s.of('agent-stopped-ringing').map((e) => [e.extension, e.reason]), [
      ['201', 'answered-here'],
      ['202', 'answered-elsewhere'],
    ]);
    assert.equal(s.record('1800000000.1').answeredBy, '201');
  });

  it('FreePBX queues ring members through Local channels: the phone behind the Local rings for the queue', () => {
    const s = new Script();
    inboundCaller(s, 'ext-queues', '400');
    s.send('QueueCallerJoin', 'caller', { Queue: 'sales', Position: '1' });
    s.chan('l1', 'Local/101@from-queue-00000001;1', '1800000000.2', '1800000000.1');
    s.chan('l2', 'Local/101@from-queue-00000001;2', '1800000000.3', '1800000000.1');
    s.chan('phone', 'PJSIP/101-00000004', '1800000000.4', '1800000000.1');
    s.send('Newchannel', 'l1', { Context: 'from-queue', Exten: '101' });
    s.send('Newchannel', 'l2', { Context: 'from-queue', Exten: '101' });
    s.send('AgentCalled', 'caller', { Queue: 'sales', Interface: 'Local/101@from-queue/n', MemberName: 'Alice' }, 'l1');
    assert.equal(s.of('agent-ringing').length, 0, 'a Local channel is not a phone');
    s.send('Newchannel', 'phone', { Context: 'from-internal', Exten: 's' });
    s.send('DialBegin', 'l2', { DialString: '101' }, 'phone');
    assert.deepEqual(s.of('agent-ringing').map((e) => [e.extension, e.queue]), [['101', 'sales']]);
    s.at(4).send('DialEnd', 'l2', { DialStatus: 'ANSWER' }, 'phone');
    s.send('AgentConnect', 'caller', { Queue: 'sales', HoldTime: '4', RingTime: '4' }, 'l1');
    s.send('BridgeEnter', 'phone', { BridgeUniqueid: 'b2' });
    s.send('BridgeEnter', 'l2', { BridgeUniqueid: 'b2' });
    s.send('BridgeEnter', 'l1', { BridgeUniqueid: 'b1' });
    s.send('BridgeEnter', 'caller', { BridgeUniqueid: 'b1' });
    s.at(14).send('AgentComplete', 'caller', { Queue: 'sales', HoldTime: '4', TalkTime: '10', Reason: 'agent' }, 'l1');
    s.send('HangupRequest', 'phone', { Cause: '16' });
    for (const c of ['phone', 'l2', 'l1', 'caller']) s.send('Hangup', c, { Cause: '16' });
    const r = s.record('1800000000.1');
    assert.equal(r.queue, 'sales');
    assert.deepEqual(r.rang, ['101']);
    assert.equal(r.answeredBy, '101');
    assert.equal(r.ringSeconds, 4);
    assert.equal(r.talkSeconds, 10);
    assert.equal(r.hangupBy, 'agent', 'the agent is connected to the caller through the Local pair');
    assert.equal(r.hangupExtension, '101');
  });

  it('a queue member whose ring times out stops with "no-answer"', () => {
    const s = new Script();
    inboundCaller(s);
    s.send('QueueCallerJoin', 'caller', { Queue: 'support' });
    s.chan('m', 'PJSIP/102-00000002', '1800000000.2', '1800000000.1');
    s.send('AgentCalled', 'caller', { Queue: 'support' }, 'm');
    s.at(15).send('AgentRingNoAnswer', 'caller', { Queue: 'support', RingTime: '15' }, 'm');
    assert.deepEqual(s.of('agent-stopped-ringing').map((e) => [e.extension, e.reason]), [['102', 'no-answer']]);
  });
});

describe('directions', () => {
  it('outbound from a phone: the dialled number, the calling agent, busy', () => {
    const s = new Script();
    s.chan('agent', 'PJSIP/101-00000001', '1800000000.1');
    s.chan('trunk', 'PJSIP/carrier-00000002', '1800000000.2', '1800000000.1');
    s.send('Newchannel', 'agent', { Context: 'from-internal', Exten: '0049301234567', CallerIDNum: '101', ChannelStateDesc: 'Ring' });
    s.send('Newexten', 'agent', { Context: 'outbound', Exten: '0049301234567', Application: 'Dial', AppData: 'PJSIP/0049301234567@carrier,30' });
    s.send('Newchannel', 'trunk', { Context: 'from-pstn', Exten: 's' });
    s.send('DialBegin', 'agent', { DialString: '0049301234567@carrier' }, 'trunk');
    // The far end refuses (486): its leg asks to hang up. That is not the caller giving up.
    s.at(1).send('HangupRequest', 'trunk', { Cause: '17' });
    s.send('DialEnd', 'agent', { DialStatus: 'BUSY' }, 'trunk');
    s.send('VarSet', 'agent', { Variable: 'DIALSTATUS', Value: 'BUSY' });
    s.send('Hangup', 'trunk', { Cause: '17' });
    s.send('Hangup', 'agent', { Cause: '17' });
    const r = s.record('1800000000.1');
    assert.equal(r.direction, 'outbound');
    assert.equal(r.externalNumber, '0049301234567');
    assert.equal(r.normalizedNumber, '+49301234567');
    assert.equal(r.callerExtension, '101');
    assert.deepEqual(r.rang, []);
    assert.deepEqual(r.unreachable, [], 'an outside number is no agent');
    assert.equal(r.disposition, 'busy');
    assert.equal(r.answeredBy, null);
    assert.equal(r.hangupParty, 'pbx');
  });

  it('internal, answered, the called agent hangs up', () => {
    const s = new Script();
    s.chan('a', 'PJSIP/101-00000001', '1800000000.1');
    s.chan('b', 'PJSIP/102-00000002', '1800000000.2', '1800000000.1');
    s.send('Newchannel', 'a', { Context: 'from-internal', Exten: '102', CallerIDNum: '101' });
    s.send('DialBegin', 'a', { DialString: '102' }, 'b');
    s.at(3).send('DialEnd', 'a', { DialStatus: 'ANSWER' }, 'b');
    s.send('BridgeEnter', 'b', { BridgeUniqueid: 'br' });
    s.send('BridgeEnter', 'a', { BridgeUniqueid: 'br' });
    s.at(30).send('HangupRequest', 'b', { Cause: '16' });
    s.send('BridgeLeave', 'b');
    s.send('BridgeLeave', 'a');
    s.send('Hangup', 'b', { Cause: '16' });
    s.send('Hangup', 'a', { Cause: '16' });
    const r = s.record('1800000000.1');
    assert.equal(r.direction, 'internal');
    assert.equal(r.externalNumber, null);
    assert.equal(r.callerExtension, '101');
    assert.deepEqual(r.rang, ['102']);
    assert.equal(r.answeredBy, '102');
    assert.equal(r.ringSeconds, 3);
    assert.equal(r.talkSeconds, 27);
    assert.equal(r.hangupBy, 'agent');
    assert.equal(r.hangupParty, '102');
  });

  it('internal, the calling agent gives up while the other rings: abandoned', () => {
    const s = new Script();
    s.chan('a', 'PJSIP/101-00000001', '1800000000.1');
    s.chan('b', 'PJSIP/102-00000002', '1800000000.2', '1800000000.1');
    s.send('Newchannel', 'a', { Context: 'from-internal', Exten: '102' });
    s.send('DialBegin', 'a', {}, 'b');
    s.at(5).send('HangupRequest', 'a', { Cause: '16' });
    s.send('DialEnd', 'a', { DialStatus: 'CANCEL' }, 'b');
    s.send('Hangup', 'b', { Cause: '0' });
    s.send('Hangup', 'a', { Cause: '16' });
    assert.deepEqual(s.of('agent-stopped-ringing').map((e) => [e.extension, e.reason]), [['102', 'caller-hung-up']]);
    const r = s.record('1800000000.1');
    assert.equal(r.disposition, 'abandoned');
    assert.equal(r.hangupBy, 'caller');
    assert.equal(r.hangupParty, '101');
    assert.equal(r.ringSeconds, 5);
  });
});

describe('click-to-call', () => {
  it('an Originate whose phone cannot even be called: originate-failed, with no call', () => {
    const s = new Script();
    s.feed(new AmiMessage([['Event', 'OriginateResponse'], ['ActionID', 'c2c-9'], ['Response', 'Failure'], ['Channel', 'PJSIP/104'], ['Context', 'click-to-call'], ['Exten', '15559876543'], ['Reason', '0'], ['Uniqueid', '<unknown>']]));
    const failed = s.of('originate-failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.callId, null);
    assert.equal(failed[0]!.result, 'failed');
    assert.equal(failed[0]!.actionId, 'c2c-9');
    assert.equal(s.state.calls.size, 0);
  });

  it('two Originates ringing one phone are told apart by the ActionID of the action fed to the engine', () => {
    const s = new Script();
    for (const [n, tag] of [['1', 'crm-a'], ['2', 'crm-b']] as const) {
      s.feed(new AmiMessage([['Action', 'Originate'], ['ActionID', `act-${n}`], ['Channel', 'PJSIP/101'], ['Variable', `__CRM_CALL_ID=${tag}`]]));
      s.chan(`o${n}`, `PJSIP/101-0000000${n}`, `1800000000.${n}`);
      s.send('Newchannel', `o${n}`, { Context: 'from-internal', Exten: 's' });
      s.send('VarSet', `o${n}`, { Variable: '__CRM_CALL_ID', Value: tag });
      s.send('DialBegin', null, { DialString: '101' }, `o${n}`);
    }
    s.at(10).feed(new AmiMessage([['Event', 'OriginateResponse'], ['ActionID', 'act-2'], ['Response', 'Failure'], ['Channel', 'PJSIP/101'], ['Exten', '15559876543'], ['Reason', '3'], ['Uniqueid', '<unknown>']]));
    assert.equal(s.of('originate-failed')[0]!.callId, 'p:1800000000.2');
    assert.equal(s.of('originate-failed')[0]!.clickToCallId, 'crm-b');
    s.send('Hangup', 'o2', { Cause: '19' });
    const r = s.record('1800000000.2');
    assert.deepEqual(r.originate, { result: 'no-answer', reason: 3 });
    assert.equal(r.disposition, 'failed');
    assert.equal(r.direction, 'outbound');
    assert.equal(s.state.calls.get('1800000000.1')!.originateResult, null, 'the other Originate is untouched');
  });

  it("our Originate's Account (AccountCode) carries the click-to-call id", () => {
    const s = new Script();
    s.chan('o', 'PJSIP/101-00000001', '1800000000.1');
    s.send('Newchannel', 'o', { Context: 'from-internal', Exten: 's' });
    s.send('NewAccountCode', 'o', { AccountCode: 'crm-42' });
    assert.equal(s.record('1800000000.1').clickToCallId, 'crm-42');
    s.send('NewAccountCode', 'o', { AccountCode: 'sales-dept' });
    assert.equal(s.record('1800000000.1').clickToCallId, 'crm-42');
  });
});

describe('dialplans other than ours', () => {
  it("FreePBX's FROM_DID and MixMonitor path give the DID and the recording", () => {
    const s = new Script();
    inboundCaller(s, 'from-trunk', '18005550100');
    s.send('VarSet', 'caller', { Variable: '__FROM_DID', Value: '18005550100' });
    const path = '/var/spool/asterisk/monitor/2026/11/23/in-18005550100-+15551234567-20261123-120000-1800000000.1.wav';
    s.send('Newexten', 'caller', { Context: 'macro-record-enable', Exten: 's', Application: 'MixMonitor', AppData: `${path},abi(LOCAL_MIXMON_ID)` });
    const located = s.of('recording-located');
    assert.equal(located.length, 1);
    assert.equal(located[0]!.file, 'in-18005550100-+15551234567-20261123-120000-1800000000.1.wav');
    assert.equal(located[0]!.path, path);
    const r = s.record('1800000000.1');
    assert.equal(r.did, '18005550100');
    assert.equal(r.recordingFile, located[0]!.file);
    assert.equal(r.recording, null, 'nothing recorded until answered');
  });

  it('an inbound context marks the outside party even when its endpoint looks like an extension', () => {
    const s = new Script({ isAgentExtension: (e) => /^\d{3,4}$/.test(e) });
    s.chan('c', 'PJSIP/5000-00000001', '1800000000.1');
    s.send('Newchannel', 'c', { Context: 'from-trunk', Exten: '5550100', CallerIDNum: '+442079460000' });
    assert.equal(s.record('1800000000.1').direction, 'inbound');
    assert.equal(s.record('1800000000.1').externalNumber, '+442079460000');
  });
});

describe('legs and calls', () => {
  it('a leg re-linked to another call moves there; the call it left ends when empty', () => {
    const s = new Script();
    inboundCaller(s);
    s.chan('x', 'PJSIP/102-00000009', '1800000000.9');
    s.send('Newchannel', 'x', { Context: 'from-internal', Exten: '103' });
    assert.equal(s.state.calls.size, 2);
    s.chan('x2', 'PJSIP/102-00000009', '1800000000.9', '1800000000.1');
    s.send('BridgeEnter', 'x2', { BridgeUniqueid: 'b' });
    assert.equal(s.state.calls.size, 1);
    assert.equal(s.record('1800000000.9').status, 'ended');
    assert.equal(s.state.legs.get('1800000000.9')!.callKey, '1800000000.1');
  });

  it('the Timestamp header is the event time; the service clock only fills in', () => {
    const s = new Script();
    s.chan('c', 'PJSIP/carrier-00000001', '1800000000.1');
    s.send('Newchannel', 'c', { Context: 'from-pstn', Exten: '1', Timestamp: '1800000005.250000' });
    assert.equal(s.record('1800000000.1').startedAt, new Date(1800000005250).toISOString());
  });

  it('with no clock at all (now = NaN, no Timestamp), times are null, not invented', () => {
    const s = new Script();
    s.t = Number.NaN;
    s.chan('c', 'PJSIP/carrier-00000001', 'no-epoch.1');
    s.send('Newchannel', 'c', { Context: 'from-pstn', Exten: '1' });
    s.send('Hangup', 'c', { Cause: '16' });
    const r = s.record('no-epoch.1');
    assert.equal(r.startedAt, null);
    assert.equal(r.endedAt, null);
  });

  it('one call-updated per event at most, and never for an event that changes nothing', () => {
    const s = new Script();
    inboundCaller(s);
    const effects = s.send('VarSet', 'caller', { Variable: 'RTPAUDIOQOS', Value: 'x' });
    assert.deepEqual(effects, []);
    const more = s.send('VarSet', 'caller', { Variable: '__CRM_DID', Value: '5550199' });
    assert.deepEqual(more.map((e) => e.type), ['call-updated']);
    assert.deepEqual(s.send('VarSet', 'caller', { Variable: '__CRM_DID', Value: '5550199' }), []);
  });

  it('call-started carries the record as it stands at the end of the event', () => {
    const s = new Script();
    const effects = s.feed(new AmiMessage([['Event', 'Newchannel'], ['Channel', 'PJSIP/carrier-00000001'], ['Uniqueid', '7.1'], ['Linkedid', '7.1'], ['Context', 'from-pstn'], ['Exten', '5550100'], ['CallerIDNum', '+15551234567']]));
    assert.deepEqual(effects.map((e) => e.type), ['call-started']);
    const started = effects[0] as Extract<Effect, { type: 'call-started' }>;
    assert.equal(started.record.externalNumber, '+15551234567');
    assert.equal(started.record.did, '5550100');
    assert.equal(started.record.status, 'in-progress');
    assert.equal(started.record.disposition, null);
  });
});

describe("the number's reading, handed on once (effect `phone`)", () => {
  it('rides on the effects of the event that set the number, and the call does not keep it', () => {
    const s = new Script({ defaultRegion: 'US' });
    s.chan('caller', 'PJSIP/carrier-00000001', '1800000000.1');
    const [started] = s.send('Newchannel', 'caller', { Context: 'from-pstn', Exten: '5550100', CallerIDNum: '(212) 555-0101', ChannelStateDesc: 'Ring' });
    assert.equal(started?.type, 'call-started');
    const phone = (started as Extract<Effect, { type: 'call-started' }>).phone;
    assert.equal(phone?.kind, 'number');
    assert.equal(phone?.raw, '(212) 555-0101', 'the number as presented');
    assert.equal(phone?.kind === 'number' ? phone.e164 : null, '+12125550101');
    assert.equal(s.record('1800000000.1').normalizedNumber, '+12125550101', 'the record as before');
    assert.equal(s.state.calls.get('1800000000.1')?.phone, null, 'dropped once handed on');
    const later = s.send('VarSet', 'caller', { Variable: '__CRM_DID', Value: '5550199' });
    assert.deepEqual(later.map((e) => e.type), ['call-updated']);
    assert.equal((later[0] as Extract<Effect, { type: 'call-updated' }>).phone, null);
    assert.equal('phone' in s.record('1800000000.1'), false, 'never part of the record');
  });

  it('an outbound call learns its number later: that event carries it', () => {
    const s = new Script({ defaultRegion: 'US' });
    s.chan('agent', 'PJSIP/101-00000001', '1800000000.1');
    s.chan('trunk', 'PJSIP/carrier-00000002', '1800000000.2', '1800000000.1');
    const [started] = s.send('Newchannel', 'agent', { Context: 'from-internal', Exten: '2125550101', CallerIDNum: '101', ChannelStateDesc: 'Ring' });
    assert.equal((started as Extract<Effect, { type: 'call-started' }>).phone ?? null, null, 'no outside number yet');
    s.send('Newchannel', 'trunk', { Context: 'from-internal', Exten: '2125550101', ChannelStateDesc: 'Down' });
    const dial = s.send('DialBegin', 'agent', { DialString: 'carrier/2125550101' }, 'trunk');
    const updated = dial.find((e) => e.type === 'call-updated') as Extract<Effect, { type: 'call-updated' }> | undefined;
    assert.equal(updated?.record.externalNumber, '2125550101');
    assert.equal(updated?.phone?.raw, '2125550101');
  });
});

describe('eventsRead: what a PBX may leave out', () => {
  it('names every event the reducer handles, VarSet by its variables only', () => {
    const state = createEngineState({ pbxId: 'p', recordingVariables: ['__MY_REC'] });
    const read = eventsRead(state.config);
    assert.ok(!read.events.includes('VarSet'));
    for (const name of ['Newchannel', 'Hangup', 'DialBegin', 'Newexten', 'OriginateResponse', 'Cdr', 'RTCPSent']) assert.ok(read.events.includes(name), name);
    assert.ok(!read.events.includes('CEL'));
    assert.deepEqual([...read.variables].sort(), ['CRM_CALL_ID', 'CRM_DID', 'DIALSTATUS', 'FROM_DID', 'MY_REC']);
    // Every other event changes nothing.
    const s = new Script();
    inboundCaller(s);
    assert.deepEqual(s.send('CEL', 'caller', { EventName: 'CHAN_START' }), []);
    assert.deepEqual(s.send('NewConnectedLine', 'caller', { ConnectedLineNum: '101' }), []);
  });
});
