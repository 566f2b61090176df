/**
 * Issue 11: on Asterisk 20 a caller named `'; DROP TABLE calls;--` showed in our records as
 * `\'; DROP TABLE calls;--`. Asterisk (13.5 and later) C-escapes the caller ID and connected line
 * names of every channel snapshot in AMI, and VarSet values; the engine reads them as sent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AmiMessage } from '../../src/ami/message.ts';
import { recover } from '../../src/calls/recover.ts';
import { reduce } from '../../src/calls/reducer.ts';
import { createEngineState, type EngineState } from '../../src/calls/state.ts';
import { CONFIG, collect, effectsOf, ev, newRun, type Run } from './support.ts';

const T0 = 1_800_000_000_000;
const INJECTION = "'; DROP TABLE calls;--";
const INJECTION_ON_THE_WIRE = "\\'; DROP TABLE calls;--";
/** `Bob \"The Boss\" O'Neil`: the caller's own backslashes, then AMI's. */
const BOB = 'Bob \\"The Boss\\" O\'Neil';
const BOB_ON_THE_WIRE = 'Bob \\\\\\"The Boss\\\\\\" O\\\'Neil';

const CALLER = { Channel: 'PJSIP/carrier-00000001', Uniqueid: '1800000000.1', Linkedid: '1800000000.1' };
const AGENT = { Channel: 'PJSIP/101-00000002', Uniqueid: '1800000000.2', Linkedid: '1800000000.1' };

function play(messages: AmiMessage[], state: EngineState = createEngineState(CONFIG)): Run {
  const run = newRun();
  messages.forEach((m, i) => collect(run, reduce(state, m, T0 + i * 1000).effects));
  return run;
}

function record(run: Run) {
  const r = run.records.get(`${CONFIG.pbxId}:1800000000.1`);
  assert.ok(r !== undefined, 'the call has a record');
  return r;
}

function inboundCall(callerIdName: string): AmiMessage[] {
  return [
    ev('Newchannel', { ...CALLER, ChannelStateDesc: 'Ring', CallerIDNum: '+15551234567', CallerIDName: callerIdName, Context: 'from-pstn', Exten: '5550100' }),
    ev('Newchannel', { ...AGENT, ChannelStateDesc: 'Down', CallerIDNum: '101', CallerIDName: 'Alice', Context: 'from-internal', Exten: 's' }),
    ev('DialBegin', {
      ...CALLER, CallerIDNum: '+15551234567', CallerIDName: callerIdName,
      DestChannel: AGENT.Channel, DestUniqueid: AGENT.Uniqueid, DestLinkedid: AGENT.Linkedid,
      DestCallerIDNum: '101', DestCallerIDName: 'Alice', DestConnectedLineName: callerIdName, DialString: '101',
    }),
  ];
}

describe('caller names as the caller sent them (issue 11)', () => {
  it('Newchannel with CallerIDName: \\\'; DROP TABLE calls;-- gives externalName \'; DROP TABLE calls;--', () => {
    const run = play(inboundCall(INJECTION_ON_THE_WIRE));
    assert.equal(record(run).externalName, INJECTION);
    assert.deepEqual(effectsOf(run, 'agent-ringing').map((e) => e.externalName), [INJECTION], 'the pop shows it too');
  });

  it('a name with the caller\'s own backslashes and quotes keeps them, once', () => {
    assert.equal(record(play(inboundCall(BOB_ON_THE_WIRE))).externalName, BOB);
  });

  it('a Cyrillic name and a name without backslashes are unchanged', () => {
    assert.equal(record(play(inboundCall('Иван Петров'))).externalName, 'Иван Петров');
    assert.equal(record(play(inboundCall('John "Johnny" Customer'))).externalName, 'John "Johnny" Customer');
  });

  it('DialBegin: the dialled customer\'s DestCallerIDName, on an outbound call', () => {
    const trunk = { DestChannel: 'PJSIP/carrier-00000002', DestUniqueid: '1800000000.2', DestLinkedid: '1800000000.1' };
    const agent = { Channel: 'PJSIP/101-00000001', Uniqueid: '1800000000.1', Linkedid: '1800000000.1' };
    const run = play([
      ev('Newchannel', { ...agent, ChannelStateDesc: 'Ring', CallerIDNum: '101', CallerIDName: 'Alice', Context: 'from-internal', Exten: '15559876543' }),
      ev('DialBegin', {
        ...agent, CallerIDNum: '101', CallerIDName: 'Alice',
        ...trunk, DestChannelStateDesc: 'Down', DestCallerIDNum: '15559876543', DestCallerIDName: INJECTION_ON_THE_WIRE,
        DestContext: 'from-internal', DestExten: '15559876543', DialString: 'carrier/15559876543',
      }),
    ]);
    const r = record(run);
    assert.equal(r.direction, 'outbound');
    assert.equal(r.externalName, INJECTION);
  });

  it('NewCallerid: a name learnt after the channel was created', () => {
    const run = play([
      ev('Newchannel', { ...CALLER, ChannelStateDesc: 'Ring', CallerIDNum: '+15551234567', CallerIDName: '<unknown>', Context: 'from-pstn', Exten: '5550100' }),
      ev('NewCallerid', { ...CALLER, CallerIDNum: '+15551234567', CallerIDName: BOB_ON_THE_WIRE, 'CID-CallingPres': '0 (Presentation Allowed, Not Screened)' }),
    ]);
    assert.equal(record(run).externalName, BOB);
  });

  it('recover: CoreShowChannel items carry the snapshot, escaped the same way', () => {
    const state = createEngineState(CONFIG);
    const run = newRun();
    const show = ev('CoreShowChannel', {
      ...CALLER, ChannelStateDesc: 'Ring', CallerIDNum: '+15551234567', CallerIDName: INJECTION_ON_THE_WIRE,
      Context: 'from-pstn', Exten: '5550100', Application: 'Wait', ApplicationData: '10', Duration: '00:00:05', BridgeId: '',
    });
    collect(run, recover(state, [show], [], T0).effects);
    assert.equal(record(run).externalName, INJECTION);
  });

  it('VarSet values are escaped too: a recording named after the caller', () => {
    const run = play([
      ...inboundCall('Bob'),
      ev('VarSet', { ...CALLER, Variable: '__CRM_RECORDING', Value: "/var/spool/asterisk/monitor/O\\'Neil-1800000000.1.wav" }),
    ]);
    assert.equal(record(run).recordingFile, "O'Neil-1800000000.1.wav");
    assert.deepEqual(effectsOf(run, 'recording-located').map((e) => e.path), ["/var/spool/asterisk/monitor/O'Neil-1800000000.1.wav"]);
  });
});
