import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserTranslator } from '../i18n/browser.ts';
import { formatWhen } from './format.ts';
import { callerTitle, closedText, countText, missedWhenText, ownerText, scheduleText, snoozeMinutes, MAX_SNOOZE_MINUTES } from './missed-text.ts';
import type { MissedItemView } from './missed-api.ts';
import { missedItem } from './missed-fixture.ts';

const en = browserTranslator('en');
const ru = browserTranslator('ru');
const NOW = new Date('2026-12-07T12:00:00.000Z');

test('the caller: the record\'s name, else the caller ID name, else the number as people read it', () => {
  assert.equal(callerTitle(missedItem(), en), 'Rita Ringgroup');
  assert.equal(callerTitle(missedItem({ record: null, callerName: 'Mary Missed' }), en), 'Mary Missed');
  assert.equal(callerTitle(missedItem({ record: null, callerName: null }), en), '(555) 123-0005');
  assert.equal(callerTitle(missedItem({ record: null, callerName: null, numberFormatted: '', number: '' }), en), 'Anonymous caller');
});

test('counts read with the language\'s plurals: one, few, many', () => {
  assert.equal(countText({ count: 1 }, en), '1 missed call');
  assert.equal(countText({ count: 3 }, en), '3 missed calls');
  assert.deepEqual([1, 3, 5, 21].map((count) => countText({ count }, ru)), ['1 пропущенный звонок', '3 пропущенных звонка', '5 пропущенных звонков', '21 пропущенный звонок']);
});

test('one missed call says when; several say the first and the last', () => {
  const item = missedItem();
  assert.equal(missedWhenText(item, NOW, en), `Missed ${formatWhen(item.lastMissedAt, NOW, en)}`);
  assert.equal(missedWhenText(missedItem({ count: 2 }), NOW, en), `First ${formatWhen(item.firstMissedAt, NOW, en)}, last ${formatWhen(item.lastMissedAt, NOW, en)}`);
});

test('why the item is mine, in words, for every reason; an escalated one says it moved on', () => {
  const me = 'u-alice';
  const why = (over: Partial<MissedItemView>): string[] => ownerText(missedItem(over), me, en);
  assert.deepEqual(why({}), ['Assigned to you as the contact’s responsible user']);
  assert.deepEqual(why({ record: { type: 'account', id: 'a', name: 'Ringgroup Ltd' } }), ['Assigned to you as the account’s responsible user']);
  assert.deepEqual(why({ ownerReason: 'last-agent', record: null }), ['Yours: you last talked to this caller']);
  assert.deepEqual(why({ ownerReason: 'line', level: 1 }), ['Moved on once: nobody called back in time', 'Yours as this line’s team']);
  assert.deepEqual(why({ ownerReason: 'admin', level: 2 }), ['Moved on 2 times: nobody called back in time', 'Yours as an administrator: no one else could take it']);
  assert.deepEqual(why({ ownerReason: 'reassigned' }), ['Reassigned to you']);
  assert.deepEqual(why({ ownerReason: 'nobody', owner: null }), ['Nobody owns it: no active user could take it']);
  // On an administrator's "Everyone" list: whose it is.
  assert.deepEqual(ownerText(missedItem({ ownerReason: 'last-agent' }), 'u-admin', en), ['Alice Agent’s: last talked to this caller']);
  assert.deepEqual(ownerText(missedItem(), 'u-admin', ru), ['Ответственный: Alice Agent (за контакт)']);
  assert.deepEqual(ownerText(missedItem({ level: 3 }), me, ru), ['Передан дальше 3 раза: вовремя не перезвонили', 'Ваш: вы ответственный за этот контакт']);
});

test('an open item says when it moves on, or until when it is snoozed; a past snooze is over', () => {
  const item = missedItem();
  assert.equal(scheduleText(item, NOW, en), `Moves on to the next person at ${formatWhen(item.escalateAt, NOW, en)} unless called back`);
  const snoozed = missedItem({ snoozedUntil: '2026-12-07T13:00:00.000Z' });
  assert.equal(scheduleText(snoozed, NOW, en), `Snoozed until ${formatWhen(snoozed.snoozedUntil, NOW, en)}`);
  assert.equal(scheduleText(missedItem({ snoozedUntil: '2026-12-07T11:00:00.000Z' }), NOW, en)?.startsWith('Moves on'), true);
  assert.equal(scheduleText(missedItem({ escalateAt: null }), NOW, en), null);
  assert.equal(scheduleText(missedItem({ status: 'closed' }), NOW, en), null);
});

test('a closed item says how, by whom and when', () => {
  const closedAt = '2026-12-07T10:42:00.000Z';
  const at = formatWhen(closedAt, NOW, en);
  const closed = (over: Partial<MissedItemView>): string | null => closedText(missedItem({ status: 'closed', closedAt, closedBy: { id: 'u', name: 'Alice' }, ...over }), NOW, en);
  assert.equal(closed({ closeReason: 'callback' }), `Called back by Alice at ${at}`);
  assert.equal(closed({ closeReason: 'called-again', closedBy: { id: 'b', name: 'Bob' } }), `Answered when they called again: Bob, ${at}`);
  assert.equal(closed({ closeReason: 'dismissed', closedBy: { id: 'c', name: 'Carol' }, closeNote: 'wrong number' }), `Closed by Carol at ${at}: wrong number`);
  assert.equal(closed({ closeReason: 'dismissed', closedBy: null }), `Closed by someone at ${at}`);
  assert.equal(closed({ closeReason: null }), null);
  assert.equal(closedText(missedItem({ closedAt, closedBy: { id: 'u', name: 'Alice' }, closeReason: 'callback' }), NOW, ru), `Перезвонили: Alice, ${formatWhen(closedAt, NOW, ru)}`);
});

test('snooze choices in minutes: until tomorrow 9:00 on the reader\'s clock, within the service\'s three days', () => {
  assert.equal(snoozeMinutes('15', NOW), 15);
  assert.equal(snoozeMinutes('60', NOW), 60);
  const evening = new Date(2026, 11, 7, 18, 30);
  assert.equal(snoozeMinutes('tomorrow', evening), 14 * 60 + 30);
  // Pressed before 9:00, tomorrow's 9:00 is still tomorrow's (26 h), no longer cut to a day.
  const early = new Date(2026, 11, 7, 7, 0);
  assert.equal(snoozeMinutes('tomorrow', early), 26 * 60);
  assert.ok(26 * 60 <= MAX_SNOOZE_MINUTES);
});
