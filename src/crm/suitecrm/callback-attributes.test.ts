import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallbackState } from '../crm-port.ts';
import { NAME_MAX } from './call-attributes.ts';
import { callbackAttributes, callbackMarkerLine, callbackName } from './callback-attributes.ts';

const state = (over: Partial<CallbackState> = {}): CallbackState => ({
  itemId: 'item-1',
  status: 'open',
  number: '+74951234567',
  externalNumber: '84951234567',
  callerName: 'Ivan Petrov',
  did: '5550100',
  missCount: 2,
  firstMissedAt: '2026-12-07T10:15:20.000Z',
  lastMissedAt: '2026-12-07T10:40:05.000Z',
  owner: { id: 'suitecrm:u1', source: 'suitecrm', externalId: 'u1', name: 'Alice Agent' },
  ownerReason: 'responsible',
  record: { type: 'contact', id: 'suitecrm:c1', source: 'suitecrm', externalId: 'c1' },
  closed: null,
  ...over,
});

const opts = { region: 'RU' as const, locale: 'en' as const, assignedUserId: 'u1' };

test('an open item is a Planned outbound Call at its newest miss, 15 minutes, assigned to its owner, parented by the caller', () => {
  const a = callbackAttributes(state(), opts);
  assert.deepEqual(
    [a['name'], a['direction'], a['status'], a['date_start'], a['duration_hours'], a['duration_minutes'], a['assigned_user_id'], a['parent_type'], a['parent_id']],
    ['Call back Ivan Petrov (missed 2 calls)', 'Outbound', 'Planned', '2026-12-07 10:40:05', 0, 15, 'u1', 'Contacts', 'c1'],
  );
  const lines = String(a['description']).split('\n');
  assert.deepEqual(lines, [
    'Missed calls: 2 (first at 2026-12-07 10:15 UTC, last at 2026-12-07 10:40 UTC)',
    'Caller: Ivan Petrov',
    'Number: +7 495 123 45 67',
    'Line: 5550100',
    'Owner: Alice Agent (responsible for the caller)',
    callbackMarkerLine('item-1'),
  ]);
});

test('closing: Held after a callback (0 minutes, who and when), Not Held when dismissed (with the note)', () => {
  const by = { id: 'suitecrm:u2', source: 'suitecrm', externalId: 'u2', name: 'Bob Agent' };
  const held = callbackAttributes(state({ status: 'closed', closed: { reason: 'callback', at: '2026-12-07T11:02:00.000Z', by, note: null } }), opts);
  assert.deepEqual([held['status'], held['duration_minutes']], ['Held', 0]);
  assert.match(String(held['description']), /^Called back by Bob Agent at 2026-12-07 11:02 UTC; the conversation is logged as a call of its own\.$/m);
  const again = callbackAttributes(state({ status: 'closed', closed: { reason: 'called-again', at: '2026-12-07T11:02:00.000Z', by: null, note: null } }), opts);
  assert.equal(again['status'], 'Held');
  assert.match(String(again['description']), /^The customer called again and was answered at 2026-12-07 11:02 UTC/m);
  const dismissed = callbackAttributes(state({ status: 'closed', closed: { reason: 'dismissed', at: '2026-12-07T11:05:00.000Z', by, note: 'wrong number' } }), opts);
  assert.equal(dismissed['status'], 'Not Held');
  assert.match(String(dismissed['description']), /^Closed without a call by Bob Agent at 2026-12-07 11:05 UTC\.\nNote: wrong number\n/m);
});

test('an owner SuiteCRM does not know is named in the description; an update clears a parent the item no longer has', () => {
  const local = state({ owner: { id: 'u-local', source: 'embedded', externalId: null, name: 'Carol Local' }, record: null });
  const a = callbackAttributes(local, { ...opts, assignedUserId: '1', update: true });
  assert.equal(a['assigned_user_id'], '1');
  assert.deepEqual([a['parent_type'], a['parent_id']], ['', '']);
  assert.match(String(a['description']), /^Owner: Carol Local, who is not a user of this CRM/m);
  assert.equal('parent_type' in callbackAttributes(local, opts), false, 'a create sends no empty parent');
});

test('the subject: at most 50 characters with the count kept (a long name is cut), the number when there is no name', () => {
  const long = callbackName(state({ callerName: 'Konstantin Konstantinopolsky-Rimsky-Korsakov', missCount: 12 }), 'RU', 'en');
  assert.ok(long.length <= NAME_MAX, long);
  assert.match(long, /^Call back Konstantin .*… \(missed 12 calls\)$/);
  assert.equal(callbackName(state({ callerName: null, missCount: 1 }), 'RU', 'en'), 'Call back +7 495 123 45 67 (missed 1 call)');
});

test('Russian: one, few and many calls read right', () => {
  const ru = (n: number): string => callbackName(state({ callerName: 'Иван', missCount: n }), 'RU', 'ru');
  assert.deepEqual([ru(1), ru(3), ru(5), ru(21)], [
    'Перезвонить: Иван (пропущен 1 звонок)',
    'Перезвонить: Иван (пропущено 3 звонка)',
    'Перезвонить: Иван (пропущено 5 звонков)',
    'Перезвонить: Иван (пропущен 21 звонок)',
  ]);
  const d = String(callbackAttributes(state(), { ...opts, locale: 'ru' })['description']);
  assert.match(d, /^Пропущено звонков: 2 \(первый 2026-12-07 10:15 UTC, последний 2026-12-07 10:40 UTC\)$/m);
  assert.match(d, /^Ответственный: Alice Agent \(ответственный за клиента\)$/m);
  assert.ok(d.endsWith(`\n${callbackMarkerLine('item-1')}`), 'the marker line is never translated');
});
