import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callAttributes, callName, markerLine, NAME_MAX } from './call-attributes.ts';
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
  const a = callAttributes(entry(), 'RU');
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
  assert.equal(callName(entry({ answered: false }), 'RU'), 'Missed call from +7 495 123 45 67');
  assert.equal(callName(entry({ direction: 'outbound' }), 'US'), 'Outbound call to +7 495 123 45 67');
  assert.equal(callName(entry({ normalizedNumber: null, externalNumber: 'anonymous' }), 'RU'), 'Inbound call from a hidden number');
  assert.equal(callName(entry({ normalizedNumber: null, externalNumber: null }), 'RU'), 'Inbound call from an unknown number');
  const a = callAttributes(entry({ answered: false, parent: { type: 'contact', id: 'x', source: 'embedded', externalId: null }, assignedUser: null }), 'RU');
  assert.equal(a['status'], 'Not Held');
  assert.ok(!('parent_id' in a) && !('assigned_user_id' in a));
});

test('the name never passes SuiteCRM\'s 50 characters', () => {
  const long = callName(entry({ normalizedNumber: null, externalNumber: 'x'.repeat(200) }), 'RU');
  assert.ok(long.length <= NAME_MAX);
});
