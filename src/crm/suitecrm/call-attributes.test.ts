import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callAttributes, callDescription, callName, markerLine, NAME_MAX } from './call-attributes.ts';
import type { CallLogEntry } from '../crm-port.ts';

const entry = (over: Partial<CallLogEntry> = {}): CallLogEntry => ({
  callId: 'pbx1:1795464937.17',
  direction: 'inbound',
  answered: true,
  disposition: 'answered',
  externalNumber: '84951234567',
  normalizedNumber: '+74951234567',
  did: '5550100',
  startedAt: '2026-11-23T20:15:37.000Z',
  endedAt: '2026-11-23T20:19:54.000Z',
  talkSeconds: 3725,
  ringSeconds: 12,
  agentExtension: '101',
  assignedUser: { id: 'suitecrm:u1', source: 'suitecrm', externalId: 'u1', name: 'Alice Agent' },
  parent: { type: 'lead', id: 'suitecrm:l1', source: 'suitecrm', externalId: 'l1' },
  related: [],
  users: [],
  recordingUrl: 'https://tel.example.com/r/1',
  recordingFile: '1.wav',
  clickToCall: false,
  ...over,
});

test('a Call as SuiteCRM takes it: UTC date in its format, hours and minutes, parent and owner by their SuiteCRM ids', () => {
  const a = callAttributes(entry(), 'RU', 'en');
  assert.deepEqual(
    { ...a, description: undefined },
    {
      name: 'Inbound call from +7 495 123 45 67',
      direction: 'Inbound',
      status: 'Held',
      date_start: '2026-11-23 20:15:37',
      duration_hours: 1,
      duration_minutes: 2,
      parent_type: 'Leads',
      parent_id: 'l1',
      assigned_user_id: 'u1',
      description: undefined,
    },
  );
  assert.equal(
    a['description'],
    ['Caller: +7 495 123 45 67', 'Disposition: answered', 'Talk: 3725 s (1 h 2 min 5 s)', 'Ring: 12 s', 'Line: 5550100', 'Agent: ext 101 (Alice Agent)', 'Recording: https://tel.example.com/r/1', markerLine('pbx1:1795464937.17')].join('\n'),
  );
});

test('missed, outbound, hidden and unknown numbers; no parent or owner when the CRM has none', () => {
  assert.equal(callName(entry({ answered: false }), 'RU', 'en'), 'Missed call from +7 495 123 45 67');
  assert.equal(callName(entry({ direction: 'outbound' }), 'US', 'en'), 'Outbound call to +7 495 123 45 67');
  assert.equal(callName(entry({ normalizedNumber: null, externalNumber: 'anonymous' }), 'RU', 'en'), 'Inbound call from a hidden number');
  assert.equal(callName(entry({ normalizedNumber: null, externalNumber: null }), 'RU', 'en'), 'Inbound call from an unknown number');
  const a = callAttributes(entry({ answered: false, parent: { type: 'contact', id: 'x', source: 'embedded', externalId: null }, assignedUser: null }), 'RU', 'en');
  assert.equal(a['status'], 'Not Held');
  assert.ok(!('parent_id' in a) && !('assigned_user_id' in a));
});

test('the name never passes SuiteCRM\'s 50 characters', () => {
  for (const locale of ['en', 'ru'] as const) {
    const long = callName(entry({ normalizedNumber: null, externalNumber: 'x'.repeat(200) }), 'RU', locale);
    assert.ok(long.length <= NAME_MAX, locale);
  }
});

test('CRM_LANGUAGE=ru: the subject and description in Russian; the marker line and SuiteCRM\'s dropdown keys as ever', () => {
  const a = callAttributes(entry(), 'RU', 'ru');
  assert.equal(a['name'], 'Входящий звонок от +7 495 123 45 67');
  assert.deepEqual([a['direction'], a['status'], a['duration_hours'], a['duration_minutes']], ['Inbound', 'Held', 1, 2]);
  assert.equal(
    a['description'],
    [
      'Номер звонившего: +7 495 123 45 67',
      'Итог: отвечен',
      'Разговор: 3725 с (1 ч 2 мин 5 с)',
      'Дозвон: 12 с',
      'Линия: 5550100',
      'Сотрудник: доб. 101 (Alice Agent)',
      'Запись: https://tel.example.com/r/1',
      markerLine('pbx1:1795464937.17'),
    ].join('\n'),
  );
  assert.equal(callName(entry({ answered: false, disposition: 'missed' }), 'RU', 'ru'), 'Пропущенный звонок от +7 495 123 45 67');
  assert.equal(callName(entry({ direction: 'outbound' }), 'RU', 'ru'), 'Исходящий звонок на +7 495 123 45 67');
  // Hidden and unknown numbers take the case their preposition needs.
  assert.equal(callName(entry({ normalizedNumber: null, externalNumber: 'anonymous' }), 'RU', 'ru'), 'Входящий звонок от скрытого номера');
  assert.equal(callName(entry({ direction: 'outbound', normalizedNumber: null, externalNumber: null }), 'RU', 'ru'), 'Исходящий звонок на неизвестный номер');
  const outbound = callDescription(entry({ direction: 'outbound', talkSeconds: 42, disposition: 'busy', clickToCall: true, recordingUrl: null, assignedUser: null }), 'RU', 'ru');
  assert.deepEqual(outbound.split('\n').slice(0, 3), ['Набранный номер: +7 495 123 45 67', 'Итог: занято', 'Разговор: 42 с']);
  assert.ok(outbound.includes('\nСотрудник: доб. 101\n'));
  assert.ok(outbound.includes('\nНабран кликом по номеру (click-to-call)\n'));
  assert.ok(outbound.includes('\nЗапись: 1.wav\n'));
  assert.ok(outbound.endsWith(`\n${markerLine('pbx1:1795464937.17')}`), 'the marker a retry looks for is never translated');
});

test('English stays word for word: short talk, no ring, no line, the file name, click-to-call, no disposition', () => {
  const d = callDescription(
    entry({ direction: 'outbound', talkSeconds: 125, ringSeconds: null, did: null, disposition: null, clickToCall: true, recordingUrl: null, assignedUser: null }),
    'RU',
    'en',
  );
  assert.equal(d, ['Called: +7 495 123 45 67', 'Disposition: unknown', 'Talk: 125 s (2 min 5 s)', 'Agent: ext 101', 'Placed with click-to-call', 'Recording: 1.wav', markerLine('pbx1:1795464937.17')].join('\n'));
  assert.equal(callDescription(entry({ normalizedNumber: null, externalNumber: null, talkSeconds: 0 }), 'RU', 'en').split('\n').slice(0, 3).join('|'), 'Caller: an unknown number|Disposition: answered|Talk: 0 s');
});
