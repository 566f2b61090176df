/**
 * What real streams do to an engine: lost Hangups, events out of order or twice, stragglers after
 * a call ended, garbage. Nothing throws, and no call stays open forever.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AmiMessage } from '../../src/ami/message.ts';
import type { TimedMessage } from '../../src/calls/analyze-capture.ts';
import { endAll, tick } from '../../src/calls/lifecycle.ts';
import { reduce } from '../../src/calls/reducer.ts';
import { createEngineState } from '../../src/calls/state.ts';
import { CONFIG, collect, effectsOf, ev, feed, newRun, timedMessages } from './support.ts';

const HOUR = 3_600_000;

function lastTime(items: TimedMessage[]): number {
  let t = Number.NaN;
  for (const x of items) if (!(x.time <= t)) t = x.time;
  return t;
}

describe('lost and late events', () => {
  it('a Hangup that never comes: tick ends the call once its channels were all asked to hang up', () => {
    const items = timedMessages('01-inbound-answered-101.ami').filter(
      (x) => !(x.message.event === 'Hangup' && x.message.get('Channel') === 'PJSIP/carrier-00000000'),
    );
    const state = createEngineState(CONFIG);
    const run = feed(state, items);
    assert.equal(state.calls.size, 1, 'still open: the caller channel never hung up');
    const last = lastTime(items);
    collect(run, tick(state, last + 30_000).effects);
    assert.equal(state.calls.size, 1, 'within the grace period');
    collect(run, tick(state, last + 61_000).effects);
    assert.equal(state.calls.size, 0);
    const r = effectsOf(run, 'call-ended')[0]!.record;
    assert.equal(r.endReason, 'hangup-missing');
    assert.equal(r.disposition, 'answered');
    assert.equal(r.hangupBy, 'caller');
    assert.equal(r.talkSeconds, 3);
  });

  it('every Hangup lost: the call ends after idleTimeoutMs of silence, and not before', () => {
    const items = timedMessages('05-ringgroup-101-102-answered-by-102.ami');
    const cut = items.findIndex((x) => x.message.event === 'HangupRequest');
    const state = createEngineState(CONFIG);
    const run = feed(state, items.slice(0, cut));
    const last = items[cut - 1]!.time;
    collect(run, tick(state, last + 5 * HOUR).effects);
    assert.equal(state.calls.size, 1, 'a long silent call is still a call');
    collect(run, tick(state, last + 6 * HOUR + 1).effects);
    assert.equal(state.calls.size, 0);
    const r = effectsOf(run, 'call-ended')[0]!.record;
    assert.equal(r.endReason, 'idle');
    assert.equal(r.answeredBy, '102');
    assert.ok(Date.parse(r.endedAt!) <= last, 'ended at the last time it was heard of');
  });

  it('idleTimeoutMs is configurable', () => {
    const items = timedMessages('02-inbound-noanswer-101.ami').slice(0, 50);
    const state = createEngineState({ ...CONFIG, idleTimeoutMs: 60_000 });
    const run = feed(state, items);
    assert.equal(state.calls.size, 1);
    collect(run, tick(state, lastTime(items) + 61_000).effects);
    assert.equal(state.calls.size, 0);
    assert.deepEqual(effectsOf(run, 'agent-stopped-ringing').map((e) => [e.extension, e.reason]), [['101', 'unknown']]);
  });

  it('endAll ends every open call, marked as ended while disconnected', () => {
    const state = createEngineState(CONFIG);
    const run = newRun();
    for (const file of ['01-inbound-answered-101.ami', '06-queue-support-answered-by-101.ami']) {
      const items = timedMessages(file);
      feed(state, items.slice(0, items.length / 2), run);
    }
    assert.equal(state.calls.size, 2);
    collect(run, endAll(state, Date.now(), 'disconnected').effects);
    const ended = effectsOf(run, 'call-ended');
    assert.equal(ended.length, 2);
    for (const e of ended) {
      assert.equal(e.record.endedWhileDisconnected, true);
      assert.equal(e.record.endReason, 'disconnected');
    }
    assert.equal(state.calls.size, 0);
  });

  it('events for a call that already ended open no ghost call', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const state = createEngineState(CONFIG);
    const run = feed(state, items);
    const before = run.effects.length;
    const stragglers = items.filter((x) => ['Newstate', 'VarSet', 'BridgeEnter', 'Hangup', 'Newexten'].includes(x.message.event ?? ''));
    feed(state, stragglers, run);
    assert.equal(state.calls.size, 0);
    assert.equal(effectsOf(run, 'call-started').length, 1);
    assert.deepEqual(
      run.effects.slice(before).filter((e) => e.type !== 'call-updated'),
      [],
    );
  });

  it('ended calls are forgotten after endedRetentionMs, and beyond endedRetentionCount', () => {
    const state = createEngineState({ ...CONFIG, endedRetentionCount: 3 });
    for (const file of ['01-inbound-answered-101.ami', '02-inbound-noanswer-101.ami', '03-inbound-busy-103.ami', '05-ringgroup-101-102-answered-by-102.ami']) {
      feed(state, timedMessages(file));
    }
    assert.equal(state.ended.size, 3);
    assert.ok(!state.ended.has('1795463828.0'), 'the oldest went first');
    const later = [...state.ended.values()].reduce((t, c) => Math.max(t, c.lastSeenAt), 0) + 5 * 60_000 + 1;
    tick(state, later);
    assert.equal(state.ended.size, 0);
    assert.equal(state.endedLegs.size, 0);
  });
});

describe('order and repetition', () => {
  it('every event twice gives the same record (a1 really does send DialEnd CANCEL twice)', () => {
    for (const file of ['05-ringgroup-101-102-answered-by-102.ami', '06-queue-support-answered-by-101.ami', 'a1-queue-caller-abandons.ami', '08-blind-transfer-101-to-102.ami']) {
      const items = timedMessages(file);
      const once = feed(createEngineState(CONFIG), items);
      const twice = feed(createEngineState(CONFIG), items.flatMap((x) => [x, x]));
      assert.deepEqual([...twice.records.values()], [...once.records.values()], file);
    }
  });

  it('shuffled events never throw, and no call outlives a tick far in the future', () => {
    const files = ['05-ringgroup-101-102-answered-by-102.ami', '09-attended-transfer-101-to-102.ami', 'a1-queue-caller-abandons.ami', '07-click-to-call-originate-101-to-customer.ami'];
    const sessions = files.map((f) => timedMessages(f));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), (which, swaps) => {
        const items = [...sessions[which]!];
        // Random nearby swaps: events out of order, as a buggy proxy or a merge of two streams might deliver them.
        for (let i = 0; i + 1 < swaps.length; i += 2) {
          const a = swaps[i]! % items.length;
          const b = Math.min(items.length - 1, a + (swaps[i + 1]! % 8));
          [items[a], items[b]] = [items[b]!, items[a]!];
        }
        const state = createEngineState(CONFIG);
        const run = feed(state, items);
        collect(run, tick(state, lastTime(items) + 7 * HOUR).effects);
        assert.equal(state.calls.size, 0);
        assert.equal(effectsOf(run, 'engine-error').length, 0);
        for (const r of run.records.values()) assert.equal(r.status, 'ended');
      }),
      { numRuns: 300 },
    );
  });
});

describe('garbage', () => {
  const names = ['Newchannel', 'Newstate', 'DialBegin', 'DialEnd', 'Hangup', 'HangupRequest', 'BridgeEnter', 'BridgeLeave', 'VarSet', 'Newexten', 'AgentCalled', 'AgentConnect', 'AgentComplete', 'QueueCallerJoin', 'QueueCallerAbandon', 'BlindTransfer', 'AttendedTransfer', 'OriginateResponse', 'Cdr', 'NewCallerid', 'NewAccountCode', 'RTCPSent', 'NoSuchEvent'];
  const keys = ['Uniqueid', 'Linkedid', 'Channel', 'DestUniqueid', 'DestLinkedid', 'DestChannel', 'Context', 'Exten', 'CallerIDNum', 'CallerIDName', 'ChannelStateDesc', 'DialStatus', 'DialString', 'Cause', 'Variable', 'Value', 'Application', 'AppData', 'BridgeUniqueid', 'Queue', 'HoldTime', 'TalkTime', 'Result', 'TransfereeUniqueid', 'TransfererUniqueid', 'OrigTransfererUniqueid', 'TransferTargetUniqueid', 'Extension', 'Reason', 'Response', 'ActionID', 'UniqueID', 'Duration', 'BillableSeconds', 'Timestamp', 'AccountCode'];
  const values = fc.oneof(
    fc.constantFrom('', '<unknown>', '1.1', '1.2', '1.3', '2.1', 'PJSIP/101-00000001', 'PJSIP/carrier-00000002', 'Local/102@agents-00000000;1', 'Local/102@agents-00000000;2', 'Up', 'Ringing', 'ANSWER', 'CANCEL', 'BUSY', 'CRM_RECORDING', 'DIALSTATUS', '__CRM_DID', 'MixMonitor', 'Dial', 'b-1', 'Success', 'Failure', 'NaN', '-1', '1e400', 'from-pstn'),
    fc.string({ maxLength: 20 }),
  );
  const message = fc.tuple(fc.constantFrom(...names), fc.array(fc.tuple(fc.constantFrom(...keys), values), { maxLength: 12 }));

  it('random events never throw nor trip an engine error, and tick closes everything', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 60 }), (messages) => {
        const state = createEngineState(CONFIG);
        const run = newRun();
        let now = 1_800_000_000_000;
        for (const [name, fields] of messages) {
          now += 100;
          collect(run, reduce(state, new AmiMessage([['Event', name], ...fields]), now).effects);
        }
        collect(run, tick(state, now + 7 * HOUR).effects);
        assert.equal(effectsOf(run, 'engine-error').length, 0, JSON.stringify(effectsOf(run, 'engine-error')));
        assert.equal(state.calls.size, 0);
      }),
      { numRuns: 500 },
    );
  });

  it('responses, actions and unknown events are ignored', () => {
    const state = createEngineState(CONFIG);
    assert.deepEqual(reduce(state, new AmiMessage([['Response', 'Success'], ['ActionID', '1']]), 0).effects, []);
    assert.deepEqual(reduce(state, new AmiMessage([['Action', 'Ping']]), 0).effects, []);
    assert.deepEqual(reduce(state, ev('FullyBooted'), 0).effects, []);
    assert.deepEqual(reduce(state, ev('CEL', { EventName: 'CHAN_START', UniqueID: '1.1', LinkedID: '1.1' }), 0).effects, []);
    assert.deepEqual(reduce(state, new AmiMessage([]), 0).effects, []);
    assert.equal(state.calls.size, 0);
  });
});
