import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combinedState, isTerminal, nextCardStatus, type CardStatus } from './card-state.ts';
import type { CallMessage, CardState } from './wire.ts';

function msg(state: CardState, over: Partial<CallMessage> = {}): CallMessage {
  return {
    callId: 'a',
    state,
    extension: '101',
    direction: 'inbound',
    externalNumber: '+15551230005',
    externalNumberFormatted: '(555) 123-0005',
    externalName: null,
    did: null,
    queue: null,
    candidates: [],
    at: '2026-01-05T10:00:00.000Z',
    ...over,
  };
}

const follow = (...messages: CallMessage[]): CardStatus | undefined => messages.reduce<CardStatus | undefined>(nextCardStatus, undefined);

test('terminal states: the call goes on without this phone, or is over', () => {
  assert.deepEqual((['ringing', 'answered', 'answered-elsewhere', 'missed', 'ended'] as const).filter(isTerminal), ['answered-elsewhere', 'missed', 'ended']);
});

test('a card shows the most telling state of its extensions: answered, ringing, ended, missed, answered elsewhere', () => {
  assert.equal(combinedState({ 101: 'answered-elsewhere', 201: 'answered' }), 'answered');
  assert.equal(combinedState({ 101: 'missed', 201: 'ringing' }), 'ringing');
  assert.equal(combinedState({ 101: 'missed', 201: 'ended' }), 'ended');
  assert.equal(combinedState({ 101: 'answered-elsewhere', 201: 'missed' }), 'missed');
  assert.equal(combinedState({}), 'ended');
});

test('missed or answered elsewhere: the card is withdrawn', () => {
  assert.deepEqual(follow(msg('ringing'), msg('missed')), { extensions: { 101: 'missed' }, state: 'missed', mine: false, leaving: true });
  assert.equal(follow(msg('ringing'), msg('answered-elsewhere'))!.leaving, true);
  assert.equal(follow(msg('ringing'))!.leaving, false);
});

test('answered by the person: theirs, and it stays after the call ends', () => {
  assert.deepEqual(follow(msg('ringing'), msg('answered'), msg('ended')), { extensions: { 101: 'ended' }, state: 'ended', mine: true, leaving: false });
});

test('a click-to-call is the person\'s own from its first message: its failure stays to be read', () => {
  assert.deepEqual(follow(msg('ringing', { direction: 'outbound' }), msg('missed', { direction: 'outbound' })), { extensions: { 101: 'missed' }, state: 'missed', mine: true, leaving: false });
});

test('two phones: an answer on one is not undone by "answered elsewhere" on the other', () => {
  const status = follow(msg('ringing'), msg('ringing', { extension: '201' }), msg('answered'), msg('answered-elsewhere', { extension: '201' }));
  assert.deepEqual(status, { extensions: { 101: 'answered', 201: 'answered-elsewhere' }, state: 'answered', mine: true, leaving: false });
});
