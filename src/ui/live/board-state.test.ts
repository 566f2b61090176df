import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardReducer, emptyBoard, MAX_ENDED_CARDS, ringingCount, type BoardAction, type BoardState } from './board-state.ts';
import type { CallMessage } from '../types.ts';

function msg(callId: string, state: CallMessage['state'], over: Partial<CallMessage> = {}): CallMessage {
  return {
    callId,
    state,
    extension: '101',
    direction: 'inbound',
    externalNumber: '+15551230005',
    externalNumberFormatted: '(555) 123-0005',
    externalName: 'Rita Ringgroup',
    did: '5550200',
    queue: null,
    candidates: [],
    at: '2026-01-05T10:00:00.000Z',
    ...over,
  };
}

const run = (...actions: BoardAction[]): BoardState => actions.reduce(boardReducer, emptyBoard);
const m = (message: CallMessage): BoardAction => ({ type: 'message', message });

test('a ringing call makes a card; several calls make several cards, newest first', () => {
  const board = run(m(msg('a', 'ringing')), m(msg('b', 'ringing')));
  assert.deepEqual(board.cards.map((c) => [c.callId, c.state]), [['b', 'ringing'], ['a', 'ringing']]);
  assert.equal(ringingCount(board), 2);
});

test('answered by you, then ended: the card stays (for a note) until closed', () => {
  let board = run(m(msg('a', 'ringing')), m(msg('a', 'answered')), m(msg('a', 'ended')));
  assert.deepEqual(board.cards.map((c) => [c.state, c.mine, c.leaving]), [['ended', true, false]]);
  board = boardReducer(board, { type: 'dismiss', callId: 'a' });
  assert.deepEqual(board.cards, []);
  assert.deepEqual(board.recent.map((r) => [r.callId, r.state]), [['a', 'ended']]);
});

test('answered elsewhere or missed: the card is withdrawn, then settles in the recent strip', () => {
  let board = run(m(msg('a', 'ringing')), m(msg('b', 'ringing')), m(msg('a', 'answered-elsewhere')), m(msg('b', 'missed')));
  assert.deepEqual(board.cards.map((c) => [c.callId, c.leaving]), [['b', true], ['a', true]]);
  assert.equal(ringingCount(board), 0);
  board = boardReducer(board, { type: 'settle', callId: 'a' });
  board = boardReducer(board, { type: 'settle', callId: 'b' });
  assert.deepEqual(board.cards, []);
  assert.deepEqual(board.recent.map((r) => [r.callId, r.state]), [['b', 'missed'], ['a', 'answered-elsewhere']]);
});

test('a person with two ringing phones: answering on one is not undone by "answered elsewhere" on the other', () => {
  const board = run(m(msg('a', 'ringing', { extension: '101' })), m(msg('a', 'ringing', { extension: '201' })), m(msg('a', 'answered', { extension: '101' })), m(msg('a', 'answered-elsewhere', { extension: '201' })));
  assert.equal(board.cards.length, 1);
  assert.equal(board.cards[0]!.state, 'answered');
  assert.equal(board.cards[0]!.leaving, false);
});

test('click-to-call: a failure stays on the board with its words', () => {
  const board = run(m(msg('c', 'ringing', { direction: 'outbound', detail: 'Ringing your phone: pick up to call the customer.' })), m(msg('c', 'missed', { direction: 'outbound', detail: 'Your phone did not answer; the call was not placed.' })));
  assert.deepEqual(board.cards.map((c) => [c.state, c.leaving, c.message.detail]), [['missed', false, 'Your phone did not answer; the call was not placed.']]);
});

test('replays after a reconnect change nothing: a late end for a call already in the strip is ignored', () => {
  let board = run(m(msg('a', 'ringing')), m(msg('a', 'missed')), { type: 'settle', callId: 'a' });
  const again = boardReducer(board, m(msg('a', 'missed')));
  assert.equal(again, board);
  board = boardReducer(board, m(msg('a', 'ringing')));
  assert.deepEqual(board.cards.map((c) => c.callId), ['a']);
  assert.deepEqual(board.recent, []);
});

test('candidates from an earlier message are kept when a later one has none', () => {
  const candidates = [{ type: 'contact' as const, id: '1', name: 'Rita Ringgroup', account: null, owner: 'Bob Agent', lastCallAt: null }];
  const board = run(m(msg('a', 'ringing', { candidates })), m(msg('a', 'answered')));
  assert.deepEqual(board.cards[0]!.message.candidates, candidates);
});

test('old ended cards move to the strip beyond the limit', () => {
  const actions: BoardAction[] = [];
  for (let i = 0; i < MAX_ENDED_CARDS + 2; i++) actions.push(m(msg(`c${i}`, 'answered')), m(msg(`c${i}`, 'ended')));
  const board = run(...actions);
  assert.equal(board.cards.length, MAX_ENDED_CARDS);
  assert.deepEqual(board.recent.map((r) => r.callId), ['c1', 'c0']);
});
