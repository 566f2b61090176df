import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCall } from './classify.ts';

const base = {
  status: 'ended' as const,
  direction: 'inbound' as const,
  disposition: 'missed' as const,
  normalizedNumber: '+15551230002',
  externalNumber: '+15551230002',
  startedAt: '2026-12-07T10:00:00.000Z',
  answeredAt: null,
  endedAt: '2026-12-07T10:00:15.000Z',
  answeredBy: null,
  callerExtension: null,
};

test('an inbound call nobody took is missed, whatever the reason (no answer, busy, unreachable, gave up)', () => {
  for (const disposition of ['missed', 'busy', 'unavailable', 'abandoned'] as const) {
    assert.deepEqual(classifyCall({ ...base, disposition }), { kind: 'missed', number: '+15551230002', at: base.startedAt }, disposition);
  }
});

test('nothing to call back, nothing filed: anonymous callers, internal calls, calls still going on, failed attempts', () => {
  assert.equal(classifyCall({ ...base, normalizedNumber: null, externalNumber: 'anonymous' }).kind, 'none');
  assert.equal(classifyCall({ ...base, direction: 'internal' }).kind, 'none');
  assert.equal(classifyCall({ ...base, status: 'in-progress', disposition: null }).kind, 'none');
  assert.equal(classifyCall({ ...base, disposition: 'failed' }).kind, 'none');
  // Our click-to-call that the customer did not pick up is not their missed call.
  assert.equal(classifyCall({ ...base, direction: 'outbound', disposition: 'missed' }).kind, 'none');
});

test('an answered call with the number reaches the customer: theirs again, or ours back, from its answer', () => {
  const answeredAt = '2026-12-07T10:05:02.000Z';
  assert.deepEqual(classifyCall({ ...base, disposition: 'answered', answeredAt, answeredBy: '102' }), {
    kind: 'reached',
    number: '+15551230002',
    at: answeredAt,
    reason: 'called-again',
    byExtension: '102',
  });
  assert.deepEqual(classifyCall({ ...base, direction: 'outbound', disposition: 'answered', answeredAt, answeredBy: '101', callerExtension: '101@branch' }), {
    kind: 'reached',
    number: '+15551230002',
    at: answeredAt,
    reason: 'callback',
    byExtension: '101@branch',
  });
});
