/**
 * Recovery after a (re)connect: a2 (the session starts during an answered call) rebuilt from
 * CoreShowChannel and Status items; calls that vanished while disconnected; calls that went on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiMessage } from '../../src/ami/message.ts';
import type { TimedMessage } from '../../src/calls/analyze-capture.ts';
import { endAll } from '../../src/calls/lifecycle.ts';
import { recover } from '../../src/calls/recover.ts';
import { createEngineState } from '../../src/calls/state.ts';
import { CONFIG, collect, effectsOf, feed, newRun, timedMessages } from './support.ts';

const A2 = 'a2-connect-during-active-call.ami';

/** A CoreShowChannel item for the channel a Newchannel event announced, in the given state. */
function listItem(newchannel: AmiMessage, stateDesc: string, extra: [string, string][] = []): AmiMessage {
  const fields = newchannel.fields.filter(([k]) => k !== 'Event' && k !== 'ChannelStateDesc');
  return new AmiMessage([['Event', 'CoreShowChannel'], ['ChannelStateDesc', stateDesc], ...extra, ...fields]);
}

function indexOf(items: TimedMessage[], pred: (m: TimedMessage['message']) => boolean): number {
  const i = items.findIndex((x) => pred(x.message));
  assert.ok(i >= 0);
  return i;
}

describe('recover', () => {
  it('a2: rebuilds the answered call from CoreShowChannel and Status, then follows it to the end', () => {
    const items = timedMessages(A2);
    const shows = items.filter((x) => x.message.event === 'CoreShowChannel').map((x) => x.message);
    const statuses = items.filter((x) => x.message.event === 'Status').map((x) => x.message);
    assert.equal(shows.length, 2);
    assert.equal(statuses.length, 2);
    const state = createEngineState(CONFIG);
    const run = newRun();
    const at = items[indexOf(items, (m) => m.event === 'StatusComplete')]!.time;
    collect(run, recover(state, shows, statuses, at).effects);

    const started = effectsOf(run, 'call-started');
    assert.equal(started.length, 1);
    assert.equal(started[0]!.record.recovered, true);
    assert.equal(started[0]!.record.answeredBy, '103');
    assert.equal(started[0]!.record.did, '5550103');
    assert.equal(started[0]!.record.recording, '20261123-202433-+447700900123-1795465473.126.wav');
    assert.deepEqual(
      effectsOf(run, 'call-answered').map((e) => e.extension),
      ['103'],
    );
    assert.equal(effectsOf(run, 'agent-ringing').length, 0, 'an answered phone does not pop');

    // The rest of the session: everything but the list items already used.
    const rest = items.filter((x) => !['CoreShowChannel', 'Status', 'CoreShowChannelsComplete', 'StatusComplete'].includes(x.message.event ?? ''));
    feed(state, rest, run);
    const record = run.records.get('test-pbx:1795465473.126')!;
    assert.equal(record.status, 'ended');
    assert.equal(record.direction, 'inbound');
    assert.equal(record.externalNumber, '+447700900123');
    assert.equal(record.externalName, 'Priya Raman');
    assert.deepEqual(record.rang, ['103']);
    assert.equal(record.answeredBy, '103');
    assert.equal(record.disposition, 'answered');
    // The answer happened before the session: ring and talk come from the Cdr (28/25), which arrives after the Hangups.
    assert.equal(record.ringSeconds, 3);
    assert.equal(record.talkSeconds, 25);
    assert.equal(record.hangupBy, 'caller');
    assert.equal(record.startedAt, '2026-11-23T20:24:33.000Z');
    assert.equal(record.answeredAt, '2026-11-23T20:24:36.000Z');
    assert.equal(record.endedAt, '2026-11-23T20:25:01.000Z');
    assert.equal(record.endedWhileDisconnected, false);
    assert.equal(effectsOf(run, 'call-started').length, 1, 'one call, never two');
  });

  it('ends a call that vanished while disconnected, at the last time it was heard of', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const cut = indexOf(items, (m) => m.event === 'HangupRequest');
    const state = createEngineState(CONFIG);
    const run = feed(state, items.slice(0, cut));
    const last = items[cut - 1]!.time;
    collect(run, recover(state, [], [], last + 600_000).effects);
    const ended = effectsOf(run, 'call-ended');
    assert.equal(ended.length, 1);
    const r = ended[0]!.record;
    assert.equal(r.endedWhileDisconnected, true);
    assert.equal(r.endReason, 'gone-after-reconnect');
    assert.equal(r.disposition, 'answered');
    // The best time known: the last event the engine heard of the call (it was talking then).
    assert.ok(Date.parse(r.endedAt!) <= last && Date.parse(r.endedAt!) >= Date.parse(r.answeredAt!));
    assert.equal(state.calls.size, 0);
  });

  it('withdraws the pop of a phone that stopped ringing while disconnected; the call goes on', () => {
    const items = timedMessages('05-ringgroup-101-102-answered-by-102.ami');
    const cut = indexOf(items, (m) => m.event === 'Newstate' && m.get('ChannelStateDesc') === 'Up');
    const state = createEngineState(CONFIG);
    const run = feed(state, items.slice(0, cut));
    assert.equal(effectsOf(run, 'agent-ringing').length, 2);
    // Snapshot: the caller and 102 still there (102 answered meanwhile), 101 gone.
    const snapshot = items
      .slice(0, cut)
      .map((x) => x.message)
      .filter((m) => m.event === 'Newchannel' && m.get('Channel') !== 'PJSIP/101-00000008')
      .map((m) => listItem(m, 'Up', [['BridgeId', 'b-1']]));
    collect(run, recover(state, snapshot, [], items[cut]!.time).effects);
    const stops = effectsOf(run, 'agent-stopped-ringing');
    assert.deepEqual(
      stops.map((s) => [s.extension, s.reason]),
      [
        ['102', 'answered-here'],
        ['101', 'unknown'],
      ],
    );
    assert.deepEqual(effectsOf(run, 'call-answered').map((e) => e.extension), ['102']);
    assert.equal(state.calls.size, 1);
    feed(state, items.slice(cut), run);
    const r = run.records.get('test-pbx:1795463874.7')!;
    assert.equal(r.status, 'ended');
    assert.equal(r.answeredBy, '102');
    assert.equal(r.disposition, 'answered');
    assert.equal(effectsOf(run, 'call-answered').length, 1, 'answered once');
  });

  it('is idempotent: the same snapshot twice changes nothing the second time', () => {
    const items = timedMessages(A2);
    const shows = items.filter((x) => x.message.event === 'CoreShowChannel').map((x) => x.message);
    const state = createEngineState(CONFIG);
    recover(state, shows, [], 1);
    const again = recover(state, shows, [], 2).effects.filter((e) => e.type !== 'call-updated');
    assert.deepEqual(again, []);
    assert.equal(state.calls.size, 1);
  });

  it('brings back a call that endAll gave up on, with its history, when a reconnect finds it going on', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const cut = indexOf(items, (m) => m.event === 'HangupRequest');
    const state = createEngineState(CONFIG);
    const run = feed(state, items.slice(0, cut));
    collect(run, endAll(state, items[cut - 1]!.time, 'disconnected').effects);
    assert.equal(run.records.get('test-pbx:1795463828.0')!.endedWhileDisconnected, true);
    const shows = items
      .slice(0, cut)
      .map((x) => x.message)
      .filter((m) => m.event === 'Newchannel')
      .map((m) => listItem(m, 'Up'));
    collect(run, recover(state, shows, [], items[cut]!.time).effects);
    assert.equal(run.records.get('test-pbx:1795463828.0')!.status, 'in-progress');
    feed(state, items.slice(cut), run);
    const r = run.records.get('test-pbx:1795463828.0')!;
    assert.equal(r.status, 'ended');
    assert.equal(r.endedWhileDisconnected, false);
    assert.deepEqual(r.rang, ['101']);
    assert.equal(r.answeredBy, '101');
    assert.equal(r.hangupBy, 'caller');
    assert.equal(effectsOf(run, 'call-started').length, 1);
  });

  it('a Status of one channel adds detail without ending anything', () => {
    const items = timedMessages('13-actions-during-active-call.ami');
    const cut = indexOf(items, (m) => m.event === 'CoreShowChannel');
    const state = createEngineState(CONFIG);
    feed(state, items.slice(0, cut));
    const one = items.filter((x) => x.message.event === 'Status').map((x) => x.message).slice(-1);
    assert.equal(one.length, 1);
    const { effects } = recover(state, [], one, items[cut]!.time, { endMissing: false });
    assert.equal(effects.filter((e) => e.type === 'call-ended').length, 0);
    assert.equal(state.calls.size, 1);
  });
});

