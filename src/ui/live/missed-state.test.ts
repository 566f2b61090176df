import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNewsFor, MAX_MISSED_ALERTS, missedAlertsReducer, noMissedAlerts, type MissedAlertAction, type MissedAlerts } from './missed-state.ts';
import type { MissedChange, MissedItemView } from '../missed-api.ts';
import { missedItem } from '../missed-fixture.ts';

const ME = 'u-alice';
const BOB = { id: 'u-bob', name: 'Bob Agent' };
const m = (change: MissedChange, over: Partial<MissedItemView> = {}): MissedAlertAction => ({ type: 'message', userId: ME, message: { change, item: missedItem(over) } });
const run = (...actions: MissedAlertAction[]): MissedAlerts => actions.reduce(missedAlertsReducer, noMissedAlerts);
const shown = (s: MissedAlerts): [string, string, number][] => s.alerts.map((a) => [a.item.id, a.change, a.item.count]);

test('an item opened, escalated or reassigned to me makes a card, newest first', () => {
  const s = run(m('opened', { id: 'a' }), m('escalated', { id: 'b', level: 1 }), m('reassigned', { id: 'c', ownerReason: 'reassigned' }));
  assert.deepEqual(shown(s), [['c', 'reassigned', 1], ['b', 'escalated', 1], ['a', 'opened', 1]]);
});

test('a second missed call from the number updates its card (one item, count 2) and brings it back when dismissed', () => {
  let s = run(m('opened', { id: 'a' }), m('counted', { id: 'a', count: 2 }));
  assert.deepEqual(shown(s), [['a', 'counted', 2]]);
  s = missedAlertsReducer(s, { type: 'dismiss', id: 'a' });
  assert.deepEqual(shown(s), []);
  s = missedAlertsReducer(s, m('counted', { id: 'a', count: 3 }));
  assert.deepEqual(shown(s), [['a', 'counted', 3]]);
});

test('closed, snoozed, or moved to someone else: the card goes', () => {
  assert.deepEqual(shown(run(m('opened', { id: 'a' }), m('closed', { id: 'a', status: 'closed', closeReason: 'callback' }))), []);
  assert.deepEqual(shown(run(m('opened', { id: 'a' }), m('snoozed', { id: 'a', snoozedUntil: '2026-12-07T13:00:00.000Z' }))), []);
  assert.deepEqual(shown(run(m('opened', { id: 'a' }), m('reassigned', { id: 'a', owner: BOB, ownerReason: 'reassigned' }))), []);
  assert.deepEqual(shown(run(m('opened', { id: 'a' }), m('escalated', { id: 'a', owner: BOB, level: 1 }))), []);
});

test('news about someone else\'s item makes no card; a message that changes nothing keeps the state as it is', () => {
  const before = run(m('opened', { id: 'a' }));
  assert.equal(missedAlertsReducer(before, m('opened', { id: 'x', owner: BOB })), before);
  assert.equal(missedAlertsReducer(before, { type: 'dismiss', id: 'nope' }), before);
  assert.equal(isNewsFor({ change: 'opened', item: missedItem({ owner: BOB }) }, ME), false);
  assert.equal(isNewsFor({ change: 'snoozed', item: missedItem() }, ME), false);
  assert.equal(isNewsFor({ change: 'opened', item: missedItem() }, ME), true);
});

test('the board keeps a few cards; the page lists every item', () => {
  const s = run(...Array.from({ length: MAX_MISSED_ALERTS + 3 }, (_, i) => m('opened', { id: `i${i}` })));
  assert.equal(s.alerts.length, MAX_MISSED_ALERTS);
  assert.equal(s.alerts[0]!.item.id, `i${MAX_MISSED_ALERTS + 2}`);
});
