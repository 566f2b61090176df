/**
 * Restart: the open records a previous run stored are restored into a fresh engine, and the first
 * recovery decides. A call still on the PBX continues under the same id with what its record knew;
 * a call gone is ended while disconnected; nothing is started twice.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiMessage } from '../../src/ami/message.ts';
import type { TimedMessage } from '../../src/calls/analyze-capture.ts';
import { tick } from '../../src/calls/lifecycle.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { recover } from '../../src/calls/recover.ts';
import { restore } from '../../src/calls/restore.ts';
import { createEngineState } from '../../src/calls/state.ts';
import { CONFIG, collect, effectsOf, feed, newRun, timedMessages } from './support.ts';

/** The list item CoreShowChannels gives for a channel, in its state now (as the simulator builds it). */
function listItem(newchannel: AmiMessage, stateDesc: string, bridgeId = ''): AmiMessage {
  const fields = newchannel.fields.filter(([k]) => k !== 'Event' && k !== 'Privilege' && k !== 'ChannelStateDesc');
  return new AmiMessage([['Event', 'CoreShowChannel'], ['ChannelStateDesc', stateDesc], ...fields, ['BridgeId', bridgeId]]);
}

function cutAt(items: TimedMessage[], pred: (m: AmiMessage) => boolean, nth = 1): number {
  let seen = 0;
  const i = items.findIndex((x) => pred(x.message) && ++seen === nth);
  assert.ok(i >= 0, 'cut point found');
  return i;
}

/** A previous run: the capture up to `cut`, and the last record it stored of each call. */
function previousRun(items: TimedMessage[], cut: number): CallRecord[] {
  const run = feed(createEngineState(CONFIG), items.slice(0, cut));
  const records = [...run.records.values()];
  for (const r of records) assert.equal(r.status, 'in-progress');
  return records;
}

/** The channels of `items[0..cut)` as CoreShowChannels lists them (those not hung up), in a state. */
function channelsAt(items: TimedMessage[], cut: number, state: (m: AmiMessage) => string, bridge = 'bridge-1'): AmiMessage[] {
  const prefix = items.slice(0, cut).map((x) => x.message);
  const hungUp = new Set(prefix.filter((m) => m.event === 'Hangup').map((m) => m.get('Uniqueid')));
  return prefix.filter((m) => m.event === 'Newchannel' && !hungUp.has(m.get('Uniqueid'))).map((m) => listItem(m, state(m), state(m) === 'Up' ? bridge : ''));
}

describe('restore after a service restart', () => {
  it('an answered call still on the PBX continues under the same id with what its record knew', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const cut = cutAt(items, (m) => m.event === 'BridgeEnter', 2) + 1;
    const [stored] = previousRun(items, cut);
    assert.equal(stored!.answeredBy, '101');

    const state = createEngineState(CONFIG);
    const run = newRun();
    collect(run, restore(state, [{ record: stored!, writtenAt: items[cut - 1]!.time }], Date.now()).effects);
    assert.equal(run.effects.length, 0, 'the store already holds the record');
    collect(run, recover(state, channelsAt(items, cut, () => 'Up'), [], items[cut]!.time).effects);
    assert.equal(effectsOf(run, 'call-started').length, 0, 'not a new call');
    assert.equal(effectsOf(run, 'call-answered').length, 0, 'answered once, in the previous run');
    assert.equal(effectsOf(run, 'call-ended').length, 0);
    feed(state, items.slice(cut), run);

    assert.equal(run.records.size, 1);
    const r = run.records.get('test-pbx:1795463828.0')!;
    assert.equal(r.status, 'ended');
    assert.equal(r.direction, 'inbound');
    assert.equal(r.externalNumber, '+15551230001');
    assert.equal(r.externalName, 'John Customer');
    assert.equal(r.did, '5550100');
    assert.deepEqual(r.rang, ['101']);
    assert.equal(r.answeredBy, '101');
    assert.equal(r.disposition, 'answered');
    assert.equal(r.startedAt, stored!.startedAt);
    assert.equal(r.answeredAt, stored!.answeredAt);
    assert.equal(r.ringSeconds, 2, 'as the previous run measured it');
    assert.equal(r.talkSeconds, 3, 'the Cdr: the talk before the restart went unwatched');
    assert.equal(r.hangupBy, 'caller');
    assert.equal(r.recording, stored!.recording);
    assert.equal(r.endedWhileDisconnected, false);
    assert.equal(r.endReason, 'hangup');
    assert.equal(state.calls.size, 0);
  });

  it('a call that ended while the service was down is ended while disconnected, at the best time known', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const cut = cutAt(items, (m) => m.event === 'BridgeEnter', 2) + 1;
    const [stored] = previousRun(items, cut);
    const writtenAt = items[cut - 1]!.time + 4_000;
    const state = createEngineState(CONFIG);
    const run = newRun();
    collect(run, restore(state, [{ record: stored!, writtenAt }], Date.now()).effects);
    collect(run, recover(state, [], [], Date.now()).effects);
    const ended = effectsOf(run, 'call-ended');
    assert.equal(ended.length, 1);
    const r = ended[0]!.record;
    assert.equal(r.id, stored!.id);
    assert.equal(r.endedWhileDisconnected, true);
    assert.equal(r.endReason, 'gone-after-reconnect');
    assert.equal(r.endedAt, new Date(writtenAt).toISOString(), 'the last write: the call was going on then');
    assert.equal(r.disposition, 'answered');
    assert.equal(r.answeredBy, '101');
    assert.deepEqual(r.rang, ['101']);
    assert.equal(r.talkSeconds, Math.round((writtenAt - Date.parse(r.answeredAt!)) / 1000));
    assert.equal(state.calls.size, 0);
  });

  it('phones ringing at the restart pop again, and the call goes on to its answer', () => {
    const items = timedMessages('05-ringgroup-101-102-answered-by-102.ami');
    const cut = cutAt(items, (m) => m.event === 'Newstate' && m.get('ChannelStateDesc') === 'Up');
    const [stored] = previousRun(items, cut);
    assert.deepEqual(stored!.rang, ['101', '102']);
    const state = createEngineState(CONFIG);
    const run = newRun();
    collect(run, restore(state, [{ record: stored! }], Date.now()).effects);
    const ringing = (m: AmiMessage): string => (m.get('Channel')!.startsWith('PJSIP/10') ? 'Ringing' : 'Ring');
    collect(run, recover(state, channelsAt(items, cut, ringing), [], items[cut]!.time).effects);
    assert.deepEqual(effectsOf(run, 'agent-ringing').map((e) => e.extension), ['101', '102']);
    feed(state, items.slice(cut), run);
    const r = run.records.get('test-pbx:1795463874.7')!;
    assert.equal(r.status, 'ended');
    assert.deepEqual(r.rang, ['101', '102']);
    assert.equal(r.answeredBy, '102');
    assert.equal(r.disposition, 'answered');
    assert.deepEqual(effectsOf(run, 'agent-stopped-ringing').map((e) => [e.extension, e.reason]), [
      ['102', 'answered-here'],
      ['101', 'answered-elsewhere'],
    ]);
    assert.equal(effectsOf(run, 'call-started').length, 0);
  });

  it('our click-to-call keeps its direction, number and id across the restart', () => {
    const items = timedMessages('07-click-to-call-originate-101-to-customer.ami');
    const cut = cutAt(items, (m) => m.event === 'BridgeEnter', 2) + 1;
    const [stored] = previousRun(items, cut);
    assert.equal(stored!.direction, 'outbound');
    const state = createEngineState(CONFIG);
    const run = newRun();
    collect(run, restore(state, [{ record: stored! }], Date.now()).effects);
    collect(run, recover(state, channelsAt(items, cut, () => 'Up'), [], items[cut]!.time).effects);
    feed(state, items.slice(cut), run);
    const r = run.records.get(stored!.id)!;
    assert.equal(r.status, 'ended');
    assert.equal(r.direction, 'outbound');
    assert.equal(r.externalNumber, '15559876543');
    assert.equal(r.callerExtension, '101');
    assert.equal(r.answeredBy, '101');
    assert.equal(r.clickToCallId, 'crm-c2c-0001');
    assert.deepEqual(r.originate, stored!.originate);
    assert.equal(r.disposition, 'answered');
    assert.equal(r.hangupBy, 'caller');
    assert.equal(r.hangupParty, 'customer');
  });

  it('leaves alone records of another PBX, ended records, malformed ones and calls it already follows', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const cut = cutAt(items, (m) => m.event === 'BridgeEnter', 2) + 1;
    const [stored] = previousRun(items, cut);
    const state = createEngineState(CONFIG);
    feed(state, items.slice(0, 10));
    const known = state.calls.get('1795463828.0');
    assert.ok(known !== undefined);
    restore(
      state,
      [
        { record: { ...stored!, pbx: 'other-pbx', id: 'other-pbx:9.9', linkedid: '9.9' } },
        { record: { ...stored!, status: 'ended', id: 'test-pbx:8.8', linkedid: '8.8' } },
        { record: null as unknown as CallRecord },
        { record: { ...stored!, linkedid: '' } },
        { record: stored! },
      ],
      Date.now(),
    );
    assert.deepEqual([...state.calls.keys()], ['1795463828.0']);
    assert.equal(state.calls.get('1795463828.0'), known, 'the call it follows is not replaced');
  });

  it('a restored call the PBX never lists is not left open forever', () => {
    const items = timedMessages('01-inbound-answered-101.ami');
    const cut = cutAt(items, (m) => m.event === 'BridgeEnter', 2) + 1;
    const [stored] = previousRun(items, cut);
    const state = createEngineState(CONFIG);
    const now = Date.now();
    restore(state, [{ record: stored! }], now);
    const { effects } = tick(state, now + state.config.idleTimeoutMs + 1);
    const ended = effects.filter((e) => e.type === 'call-ended');
    assert.equal(ended.length, 1);
    assert.equal(state.calls.size, 0);
  });
});
