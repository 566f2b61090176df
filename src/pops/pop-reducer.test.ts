import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect } from '../calls/effects.ts';
import type { StopReason } from '../calls/hangup-causes.ts';
import type { CallRecord } from '../calls/record.ts';
import { adoptableExtension, CLICK_TO_CALL_DETAIL, reducePop, STOP_TO_STATE, type PopCall, type PopDelivery, type PopFacts } from './pop-reducer.ts';
import type { CallCandidateView, CardState } from './wire.ts';

const CALL = 'pbx:1700000000.1';
const AT = '2026-01-05T10:00:00.000Z';
const CANDIDATES: CallCandidateView[] = [{ type: 'contact', id: 'c1', name: 'Rita Ringgroup', account: 'Acme', owner: 'Bob Agent', lastCallAt: null }];
const FACTS: PopFacts = { owner: null, candidates: CANDIDATES, externalNumberFormatted: '(555) 123-0005' };
/** Who owns which extension in these tests. */
const OWNERS: Record<string, string> = { '101': 'u-ann', '102': 'u-bob', '201': 'u-ann' };

type Ring = Extract<Effect, { type: 'agent-ringing' }>;

function ring(extension: string, over: Partial<Ring> = {}): Ring {
  return {
    type: 'agent-ringing',
    callId: CALL,
    extension,
    channel: `PJSIP/${extension}-0001`,
    queue: null,
    group: null,
    direction: 'inbound',
    externalNumber: '5551230005',
    normalizedNumber: '+15551230005',
    externalName: 'Rita Ringgroup',
    did: '5550200',
    at: AT,
    ...over,
  };
}

const stop = (extension: string, reason: StopReason): Effect => ({ type: 'agent-stopped-ringing', callId: CALL, extension, channel: `PJSIP/${extension}-0001`, reason, at: AT });
const answered = (extension: string | null = null): Effect => ({ type: 'call-answered', callId: CALL, extension, at: AT });
const originateFailed = (description: string, callId: string | null = CALL): Effect => ({ type: 'originate-failed', callId, actionId: 'a1', channel: null, clickToCallId: 'k1', result: 'busy', reason: 5, description });

/** The pops read only these fields of a record. */
function record(over: Partial<CallRecord> = {}): CallRecord {
  return { direction: 'inbound', did: null, queue: null, externalName: null, ...over } as CallRecord;
}
const ended = (over: Partial<CallRecord> = {}): Effect => ({ type: 'call-ended', callId: CALL, record: record(over) });
const updated = (over: Partial<CallRecord> = {}): Effect => ({ type: 'call-updated', callId: CALL, record: record(over) });

/** Runs effects through the reducer as the sink does: each ring's owner from OWNERS. */
function run(effects: Effect[], start?: PopCall): { call: PopCall | undefined; deliveries: PopDelivery[] } {
  let call = start;
  const deliveries: PopDelivery[] = [];
  for (const effect of effects) {
    const asked = effect.type === 'agent-ringing' ? effect.extension : adoptableExtension(call, effect);
    const owner = asked === null ? null : (OWNERS[asked] ?? null);
    const step = reducePop(call, effect, { ...FACTS, owner }, AT);
    call = step.call;
    deliveries.push(...step.deliveries);
  }
  return { call, deliveries };
}

/** [user, extension, state, detail] per delivery: the shape of the rules. */
const said = (deliveries: PopDelivery[]): [string, string, CardState, string | undefined][] => deliveries.map((d) => [d.userId, d.message.extension, d.message.state, d.message.detail]);

test('a ring on an owned phone pops a card for its owner, with the call, its candidates, its number as people read it and the time given', () => {
  const { call, deliveries } = run([ring('101')]);
  assert.deepEqual(deliveries, [
    {
      userId: 'u-ann',
      message: {
        callId: CALL,
        state: 'ringing',
        extension: '101',
        direction: 'inbound',
        externalNumber: '5551230005',
        externalNumberFormatted: '(555) 123-0005',
        externalName: 'Rita Ringgroup',
        did: '5550200',
        queue: null,
        candidates: CANDIDATES,
        at: AT,
      },
    },
  ]);
  assert.deepEqual([...call!.cards], [['101', { userId: 'u-ann', state: 'ringing' }]]);
});

test('a phone nobody owns (or whose owner is inactive: the sink says null) pops nothing, but the call is kept for the phones that follow', () => {
  const first = run([ring('999')]);
  assert.deepEqual(first.deliveries, []);
  assert.equal(first.call!.cards.size, 0);
  const next = run([ring('102', { externalName: 'Someone Else' })], first.call);
  // The call is what its first ring said.
  assert.deepEqual(said(next.deliveries), [['u-bob', '102', 'ringing', undefined]]);
  assert.equal(next.deliveries[0]!.message.externalName, 'Rita Ringgroup');
});

test('the card names the queue that rang the phone, else its ring group, else the queue known before', () => {
  assert.equal(run([ring('101', { queue: 'sales', group: '600' })]).deliveries[0]!.message.queue, 'sales');
  assert.equal(run([ring('101', { group: '600' })]).deliveries[0]!.message.queue, '600');
  const { deliveries } = run([ring('101', { queue: 'sales' }), ring('102')]);
  assert.deepEqual(deliveries.map((d) => d.message.queue), ['sales', 'sales']);
});

test('why a phone stopped ringing, as its card says it', () => {
  for (const [reason, state] of Object.entries(STOP_TO_STATE) as [StopReason, CardState][]) {
    const { deliveries } = run([ring('101'), stop('101', reason)]);
    assert.deepEqual(said(deliveries), [['u-ann', '101', 'ringing', undefined], ['u-ann', '101', state, undefined]], reason);
  }
  assert.deepEqual(STOP_TO_STATE, {
    'answered-here': 'answered',
    'answered-elsewhere': 'answered-elsewhere',
    'caller-hung-up': 'missed',
    'no-answer': 'missed',
    busy: 'missed',
    rejected: 'missed',
    unavailable: 'missed',
    unknown: 'ended',
  });
});

test('a card answered here stays until the call ends, then ends; a withdrawn card hears nothing more', () => {
  const { call, deliveries } = run([ring('101'), ring('102'), stop('101', 'answered-here'), stop('102', 'answered-elsewhere'), ended()]);
  assert.deepEqual(said(deliveries), [
    ['u-ann', '101', 'ringing', undefined],
    ['u-bob', '102', 'ringing', undefined],
    ['u-ann', '101', 'answered', undefined],
    ['u-bob', '102', 'answered-elsewhere', undefined],
    ['u-ann', '101', 'ended', undefined],
  ]);
  assert.equal(call, undefined);
});

test('a phone still ringing when the call ends missed it', () => {
  const { call, deliveries } = run([ring('101'), ended()]);
  assert.deepEqual(said(deliveries), [['u-ann', '101', 'ringing', undefined], ['u-ann', '101', 'missed', undefined]]);
  assert.equal(call, undefined);
});

test('a stop for a phone with no card (unowned, or already withdrawn) and the effects of a call that never rang change nothing', () => {
  assert.deepEqual(run([ring('999'), stop('999', 'no-answer')]).deliveries, []);
  assert.equal(run([ring('101'), stop('101', 'no-answer'), stop('101', 'unknown')]).deliveries.length, 2);
  for (const effect of [stop('101', 'no-answer'), answered('101'), originateFailed('Busy'), updated(), ended()]) {
    assert.deepEqual(reducePop(undefined, effect, FACTS, AT), { call: undefined, deliveries: [] }, effect.type);
  }
});

test('a person with two phones gets a message per phone, in the order they rang', () => {
  const { deliveries } = run([ring('101'), ring('201'), stop('201', 'answered-here'), stop('101', 'answered-elsewhere'), ended()]);
  assert.deepEqual(said(deliveries), [
    ['u-ann', '101', 'ringing', undefined],
    ['u-ann', '201', 'ringing', undefined],
    ['u-ann', '201', 'answered', undefined],
    ['u-ann', '101', 'answered-elsewhere', undefined],
    ['u-ann', '201', 'ended', undefined],
  ]);
});

test('click-to-call: the agent reads its progress in words, from their phone ringing to the customer answering', () => {
  const out = { direction: 'outbound' as const };
  const { deliveries } = run([ring('101', out), stop('101', 'answered-here'), answered('101'), ended({ direction: 'outbound' })]);
  assert.deepEqual(said(deliveries), [
    ['u-ann', '101', 'ringing', CLICK_TO_CALL_DETAIL.ringingYourPhone],
    ['u-ann', '101', 'answered', CLICK_TO_CALL_DETAIL.calling],
    ['u-ann', '101', 'answered', CLICK_TO_CALL_DETAIL.connected],
    ['u-ann', '101', 'ended', undefined],
  ]);
  assert.equal(CLICK_TO_CALL_DETAIL.ringingYourPhone, 'Ringing your phone: pick up to call the customer.');
  assert.equal(CLICK_TO_CALL_DETAIL.calling, 'Calling the customer...');
  assert.equal(CLICK_TO_CALL_DETAIL.connected, 'Connected.');
});

test('click-to-call: the agent\'s phone not answering says the call was not placed, and withdraws the card', () => {
  const { call, deliveries } = run([ring('101', { direction: 'outbound' }), stop('101', 'no-answer')]);
  assert.deepEqual(said(deliveries), [
    ['u-ann', '101', 'ringing', CLICK_TO_CALL_DETAIL.ringingYourPhone],
    ['u-ann', '101', 'missed', 'Your phone did not answer; the call was not placed.'],
  ]);
  assert.equal(call!.cards.size, 0);
});

test('the call being answered changes only a click-to-call\'s cards', () => {
  assert.deepEqual(said(run([ring('101'), answered('101')]).deliveries), [['u-ann', '101', 'ringing', undefined]]);
});

test('a failed Originate ends every card with its reason in words; the call\'s end then says nothing more', () => {
  const { deliveries } = run([ring('101', { direction: 'outbound' }), originateFailed('The number is busy.'), ended({ direction: 'outbound' })]);
  assert.deepEqual(said(deliveries), [
    ['u-ann', '101', 'ringing', CLICK_TO_CALL_DETAIL.ringingYourPhone],
    ['u-ann', '101', 'ended', 'The number is busy.'],
  ]);
  // No call (the phone could not even be called), or no words: nothing, or no detail.
  const before = run([ring('101', { direction: 'outbound' })]).call;
  assert.deepEqual(reducePop(before, originateFailed('x', null), FACTS, AT), { call: before, deliveries: [] });
  assert.deepEqual(said(reducePop(before, originateFailed(''), FACTS, AT).deliveries), [['u-ann', '101', 'ended', undefined]]);
});

test('the engine\'s record refines the card: line, queue, caller name and direction; what it does not know stays', () => {
  const { deliveries } = run([ring('101', { did: null }), updated({ did: '5550999', queue: 'support', externalName: null, direction: 'internal' }), stop('101', 'answered-here'), ended({ did: null, externalName: 'Rita R.' })]);
  const last = deliveries.map((d) => [d.message.did, d.message.queue, d.message.externalName, d.message.direction]);
  assert.deepEqual(last, [
    [null, null, 'Rita Ringgroup', 'inbound'],
    ['5550999', 'support', 'Rita Ringgroup', 'internal'],
    ['5550999', 'support', 'Rita R.', 'inbound'],
  ]);
  // Before the first ring the pops keep nothing of a call.
  assert.equal(reducePop(undefined, { type: 'call-started', callId: CALL, record: record() }, FACTS, AT).call, undefined);
});

test('effects about other things pass through untouched', () => {
  const before = run([ring('101')]).call;
  const step = reducePop(before, { type: 'recording-located', callId: CALL, file: 'x.wav', path: null }, FACTS, AT);
  assert.equal(step.call, before);
  assert.deepEqual(step.deliveries, []);
});

test('a step never changes the state it was given', () => {
  const before = run([ring('101'), ring('102')]).call!;
  const snapshot = [...before.cards];
  reducePop(before, stop('101', 'no-answer'), FACTS, AT);
  reducePop(before, stop('102', 'answered-here'), FACTS, AT);
  reducePop(before, ended(), FACTS, AT);
  assert.deepEqual([...before.cards], snapshot);
});

test('click-to-call: the customer’s number, unknown at the agent’s ring, comes with the record; each step carries its code for the browser to word', () => {
  const { deliveries } = run([ring('101', { direction: 'outbound', externalNumber: null, normalizedNumber: null, externalName: null }), stop('101', 'answered-here'), updated({ direction: 'outbound', externalNumber: '+15551230005' }), answered('101')]);
  assert.deepEqual(
    deliveries.map((d) => [d.message.state, d.message.externalNumber, d.message.detailCode]),
    [
      ['ringing', null, 'ringingYourPhone'],
      ['answered', null, 'calling'],
      ['answered', '+15551230005', 'connected'],
    ],
  );
});

test('a call in progress this instance never saw ring (a takeover or restart mid-call) adopts its agent\'s card, which then ends with the call', () => {
  const started: Effect = { type: 'call-started', callId: CALL, record: record({ status: 'in-progress', answeredBy: '101' }) } as Effect;
  const { call, deliveries } = run([started]);
  assert.deepEqual(deliveries, [], 'nothing said on adoption: the card is on screen already');
  assert.deepEqual([...(call?.cards ?? [])], [['101', { userId: 'u-ann', state: 'answered' }]]);
  assert.deepEqual(said(run([started, ended({ status: 'ended', answeredBy: '101' })]).deliveries), [['u-ann', '101', 'ended', undefined]]);
  // Through a later update just as well (a call restored from the log, then told by the PBX).
  assert.deepEqual(said(run([updated({ status: 'in-progress', answeredBy: '101' }), ended({ status: 'ended' })]).deliveries), [['u-ann', '101', 'ended', undefined]]);
});

test('nothing to adopt: a call not yet answered, one dialled by hand from a phone, one already over, a phone nobody owns', () => {
  assert.equal(run([updated({ status: 'in-progress', answeredBy: null })]).call, undefined);
  assert.equal(run([updated({ status: 'in-progress', answeredBy: '101', direction: 'outbound', clickToCallId: null })]).call, undefined);
  assert.equal(run([updated({ status: 'ended', answeredBy: '101' })]).call, undefined);
  assert.equal(run([updated({ status: 'in-progress', answeredBy: '999' })]).call, undefined);
  // Our click-to-call in progress is the agent's card.
  assert.ok(run([updated({ status: 'in-progress', answeredBy: '101', direction: 'outbound', clickToCallId: 'crm-1' })]).call);
});
