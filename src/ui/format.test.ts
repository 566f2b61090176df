import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardStateText, formatDaysAgo, formatDuration, isMissed, outcomeText, splitName } from './format.ts';

test('durations read as clock times', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(42), '0:42');
  assert.equal(formatDuration(725), '12:05');
  assert.equal(formatDuration(3723), '1:02:03');
  assert.equal(formatDuration(null), '–');
  assert.equal(formatDuration(-1), '–');
});

test('last call in days', () => {
  const now = new Date(2026, 2, 10, 12, 0);
  assert.equal(formatDaysAgo(new Date(2026, 2, 10, 8, 0).toISOString(), now), 'today');
  assert.equal(formatDaysAgo(new Date(2026, 2, 9, 23, 0).toISOString(), now), 'yesterday');
  assert.equal(formatDaysAgo(new Date(2026, 2, 5, 9, 0).toISOString(), now), '5 days ago');
  assert.equal(formatDaysAgo(null, now), 'never');
});

test('how a call ended, in words', () => {
  assert.equal(outcomeText({ status: 'ended', disposition: 'answered', hangupBy: 'caller', direction: 'inbound' }), 'Answered, caller hung up');
  assert.equal(outcomeText({ status: 'ended', disposition: 'answered', hangupBy: 'caller', direction: 'outbound' }), 'Answered, customer hung up');
  assert.equal(outcomeText({ status: 'ended', disposition: 'answered', hangupBy: 'agent', direction: 'inbound' }), 'Answered, we hung up');
  assert.equal(outcomeText({ status: 'ended', disposition: 'abandoned', hangupBy: 'caller', direction: 'inbound' }), 'Caller hung up before an answer');
  assert.equal(outcomeText({ status: 'in-progress', disposition: null, hangupBy: 'unknown', direction: 'inbound' }), 'In progress');
});

test('card states in words; outgoing calls speak of your phone', () => {
  assert.equal(cardStateText('ringing', 'inbound'), 'Ringing');
  assert.equal(cardStateText('ringing', 'outbound'), 'Ringing your phone');
  assert.equal(cardStateText('answered-elsewhere', 'inbound'), 'Answered by a colleague');
  assert.equal(cardStateText('missed', 'outbound'), 'Not connected');
});

test('missed means an incoming call nobody took', () => {
  assert.equal(isMissed({ direction: 'inbound', disposition: 'busy' }), true);
  assert.equal(isMissed({ direction: 'inbound', disposition: 'answered' }), false);
  assert.equal(isMissed({ direction: 'outbound', disposition: 'missed' }), false);
  assert.equal(isMissed({ direction: 'inbound', disposition: null }), false);
});

test('caller ID names split into first and last name for a new contact', () => {
  assert.deepEqual(splitName('Mary Ann Missed'), { firstName: 'Mary Ann', lastName: 'Missed' });
  assert.deepEqual(splitName('ACME'), { firstName: '', lastName: 'ACME' });
  assert.deepEqual(splitName(null), { firstName: '', lastName: '' });
});
