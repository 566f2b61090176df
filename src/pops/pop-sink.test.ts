import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect } from '../calls/effects.ts';
import type { CallRecord } from '../calls/record.ts';
import type { Candidate } from '../directory/lookup.ts';
import { normalizePhone } from '../phone/normalize.ts';
import type { NormalizedPhone } from '../phone/types.ts';
import { PopSink, type PopSinkOptions } from './pop-sink.ts';
import type { CallMessage } from './wire.ts';

const NOW = Date.parse('2026-01-05T10:00:00.000Z');

const ring = (callId: string, extension: string, over: Partial<Extract<Effect, { type: 'agent-ringing' }>> = {}): Effect => ({
  type: 'agent-ringing',
  callId,
  extension,
  channel: `PJSIP/${extension}-0001`,
  queue: null,
  group: null,
  direction: 'inbound',
  externalNumber: '4155552671',
  normalizedNumber: '+14155552671',
  externalName: null,
  did: null,
  at: null,
  ...over,
});
const ended = (callId: string): Effect => ({ type: 'call-ended', callId, record: { direction: 'inbound', did: null, queue: null, externalName: null } as unknown as CallRecord });

const RITA = {
  type: 'contact',
  id: 'c1',
  name: 'Rita Ringgroup',
  account: { id: 'a1', name: 'Acme' },
  owner: { id: 'u-bob', login: 'bob', name: 'Bob Agent' },
  matched: { kind: 'mobile', number: '415 555 2671' },
  quality: 'exact',
  lastActivityAt: '2026-01-01T09:00:00.000Z',
  source: 'embedded',
  externalId: null,
} as unknown as Candidate;

function rig(over: Partial<PopSinkOptions> = {}) {
  const published: [string, CallMessage][] = [];
  const lookedUp: [string, string][] = [];
  const sink = new PopSink({
    hub: { publish: (userId, message) => published.push([userId, message]) },
    users: { userByExtension: async (extension) => (extension === '101' ? { id: 'u-ann', active: true } : undefined) },
    matchesFor: async (callId, number) => {
      lookedUp.push([callId, number]);
      return [RITA];
    },
    defaultRegion: 'US',
    now: () => NOW,
    ...over,
  });
  return { sink, published, lookedUp };
}

test('a ring pops its owner\'s card with the directory\'s candidates, the number as people read it and the clock\'s time', async () => {
  const { sink, published } = rig();
  await sink.apply(ring('c1', '101'));
  assert.deepEqual(published, [
    [
      'u-ann',
      {
        callId: 'c1',
        state: 'ringing',
        extension: '101',
        direction: 'inbound',
        externalNumber: '4155552671',
        externalNumberFormatted: '(415) 555-2671',
        externalName: null,
        did: null,
        queue: null,
        candidates: [{ type: 'contact', id: 'c1', name: 'Rita Ringgroup', account: 'Acme', owner: 'Bob Agent', lastCallAt: '2026-01-01T09:00:00.000Z' }],
        at: '2026-01-05T10:00:00.000Z',
      },
    ],
  ]);
});

test('candidates are looked up once per call, from its first ring (owned or not), by its normalized number; the call is let go at its end', async () => {
  const { sink, published, lookedUp } = rig();
  await sink.apply(ring('c1', '999'));
  await sink.apply(ring('c1', '101'));
  await sink.apply(ring('c2', '101', { normalizedNumber: null, externalNumber: '5550100' }));
  assert.deepEqual(lookedUp, [['c1', '+14155552671'], ['c2', '5550100']]);
  assert.equal(sink.size, 2);
  await sink.apply(ended('c1'));
  await sink.apply(ended('c2'));
  assert.deepEqual(published.map(([u, m]) => [u, m.callId, m.state]), [['u-ann', 'c1', 'ringing'], ['u-ann', 'c2', 'ringing'], ['u-ann', 'c1', 'missed'], ['u-ann', 'c2', 'missed']]);
  assert.equal(sink.size, 0);
  // The same id ringing again (a PBX restart reusing it) is a new call: looked up again.
  await sink.apply(ring('c1', '101'));
  assert.equal(lookedUp.length, 3);
});

// The lookup never answers: waiting for it would hang, hence the timeout.
test('a call on a phone nobody owns does not hold up the next call\'s pop while its candidates are looked up', { timeout: 5000 }, async () => {
  const { sink, published } = rig({ matchesFor: (callId) => (callId === 'slow' ? new Promise<never>(() => undefined) : Promise.resolve([])) });
  await sink.apply(ring('slow', '999'));
  await sink.apply(ended('slow'));
  await sink.apply(ring('c2', '101'));
  assert.deepEqual(published.map(([, m]) => m.callId), ['c2']);
});

test('a failed candidates lookup still pops the card, without candidates', async () => {
  const { sink, published } = rig({ matchesFor: () => Promise.reject(new Error('database down')) });
  await sink.apply(ring('c1', '101'));
  assert.deepEqual(published.map(([, m]) => [m.state, m.candidates]), [['ringing', []]]);
});

test('a call with no number pops without a lookup; effects that name no call are ignored', async () => {
  const { sink, published, lookedUp } = rig();
  await sink.apply(ring('c1', '101', { externalNumber: null, normalizedNumber: null }));
  await sink.apply({ type: 'engine-error', event: 'Hangup', message: 'boom' });
  await sink.apply({ type: 'originate-failed', callId: null, actionId: 'a1', channel: null, clickToCallId: null, result: 'failed', reason: 0, description: 'The phone could not be called.' });
  assert.deepEqual(lookedUp, []);
  assert.deepEqual(published.map(([, m]) => [m.state, m.externalNumberFormatted, m.candidates]), [['ringing', null, []]]);
});

test("the card's number is formatted from the context's reading of it (the engine's), not parsed again", async () => {
  const { sink, published } = rig();
  const phone = normalizePhone('4155552671', { defaultRegion: 'US' });
  // A reading whose e164 differs from what parsing would give shows that this one was used.
  const marked = { ...phone, e164: '+14155550000' } as NormalizedPhone;
  await sink.apply(ring('c1', '101'), { matches: async () => [RITA], phone: marked });
  assert.equal(published[0]?.[1].externalNumberFormatted, '(415) 555-0000');
  // The same as parsing it when the reading is the real one.
  await sink.apply(ring('c2', '101'), { matches: async () => [RITA], phone });
  assert.equal(published[1]?.[1].externalNumberFormatted, '(415) 555-2671');
});

test("a reading of another number, or none, is not used: the number is parsed here as before", async () => {
  const { sink, published } = rig();
  await sink.apply(ring('c1', '101'), { matches: async () => [RITA], phone: normalizePhone('+442071838750', { defaultRegion: 'US' }) });
  await sink.apply(ring('c2', '101'), { matches: async () => [RITA], phone: null });
  assert.deepEqual(published.map(([, m]) => m.externalNumberFormatted), ['(415) 555-2671', '(415) 555-2671']);
});
