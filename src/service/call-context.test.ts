import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../../test/support/engines.ts';
import { Directory } from '../directory/directory.ts';
import { findByPhone } from '../directory/lookup.ts';
import type { CallRecord } from '../calls/record.ts';
import type { Effect } from '../calls/effects.ts';
import { CallContexts } from './call-context.ts';
import { OriginMemory } from './call-log-sink.ts';

const record = (id: string, patch: Partial<CallRecord> = {}): CallRecord =>
  ({ id, pbx: 'pbx', linkedid: id, status: 'in-progress', direction: 'inbound', externalNumber: '+12125550101', normalizedNumber: '+12125550101', clickToCallId: null, ...patch }) as unknown as CallRecord;
const started = (id: string, patch: Partial<CallRecord> = {}): Effect => ({ type: 'call-started', callId: id, record: record(id, patch) });
const ended = (id: string, patch: Partial<CallRecord> = {}): Effect => ({ type: 'call-ended', callId: id, record: record(id, { status: 'ended', ...patch }) });

describe('call contexts', () => {
  let t: TestStore;
  let dir: Directory;
  let lookups: string[];
  let contexts: () => CallContexts;
  before(async () => {
    t = await openTestStore('sqlite');
    dir = new Directory(t.store, { defaultRegion: 'US' });
    await dir.upsertContact({ id: 'c1', firstName: 'Ann', lastName: 'Lee', phones: [{ number: '+12125550101', kind: 'work' }] });
    contexts = () => {
      lookups = [];
      return new CallContexts({ lookup: async (n) => (lookups.push(n), (await findByPhone(dir, n)).candidates) });
    };
  });
  after(() => t.dispose());

  test("a call's matches are looked up once, on the first ask, and shared by every sink", async () => {
    const c = contexts();
    const ctx = c.hold(started('pbx:1'), 3)!;
    assert.deepEqual(lookups, [], 'nothing is looked up before a sink asks');
    const again = c.hold({ type: 'agent-ringing', callId: 'pbx:1', extension: '101', channel: 'PJSIP/101-1', queue: null, group: null, direction: 'inbound', externalNumber: '2125550101', normalizedNumber: '+12125550101', externalName: null, did: null, at: null }, 3);
    assert.equal(again, ctx, 'the same context for every effect of the call');
    const first = ctx.matches();
    assert.equal(ctx.matches(), first, 'the same answer for every consumer of the call');
    assert.deepEqual((await first).map((m) => m.id), ['c1']);
    assert.deepEqual(lookups, ['+12125550101']);
  });

  test('closed when the call has ended and every sink released every effect, whatever the order', () => {
    const c = contexts();
    const a = c.hold(started('pbx:2'), 2)!;
    const b = c.hold(ended('pbx:2'), 2)!;
    assert.equal(a, b);
    // A fast sink (the pops) is done with both effects while a slow one (the CRM) has not begun.
    c.release(a);
    c.release(b);
    assert.equal(c.size, 1, 'the slow sink still holds the call');
    c.release(a);
    assert.equal(c.size, 1);
    c.release(b);
    assert.equal(c.size, 0, 'nothing outlives the call');
  });

  test('an effect that opens no call (a recording located after the end) gets no context and keeps none', () => {
    const c = contexts();
    assert.equal(c.hold({ type: 'recording-located', callId: 'pbx:3', file: 'a.wav', path: null }, 2), undefined);
    assert.equal(c.size, 0);
    const ctx = c.hold(started('pbx:3'), 1)!;
    assert.equal(c.hold({ type: 'recording-located', callId: 'pbx:3', file: 'a.wav', path: null }, 1), ctx, 'a live call hands its context on');
  });

  test('a correction of an ended call (CDR) opens a context that closes once handled, with a fresh lookup', async () => {
    const c = contexts();
    const ctx = c.hold({ type: 'call-updated', callId: 'pbx:4', record: record('pbx:4', { status: 'ended' }) }, 1)!;
    assert.deepEqual((await ctx.matches()).map((m) => m.id), ['c1']);
    c.release(ctx);
    assert.equal(c.size, 0);
    assert.deepEqual(await c.hold(started('pbx:5', { externalNumber: null, normalizedNumber: null }), 1)!.matches(), [], 'no number, no matches');
  });

  test('the click-to-call origin is taken from the memory once the call is over', () => {
    const origins = new OriginMemory();
    origins.remember('c2c-1', { userId: 'u1', entity: { type: 'lead', id: 'l1' } });
    const c = new CallContexts({ lookup: async () => [], origins });
    const ctx = c.hold(started('pbx:6', { clickToCallId: 'c2c-1', direction: 'outbound' }), 1)!;
    assert.deepEqual(ctx.origin, { userId: 'u1', entity: { type: 'lead', id: 'l1' } });
    c.hold(ended('pbx:6', { clickToCallId: 'c2c-1' }), 1);
    c.release(ctx);
    assert.equal(origins.size, 1, 'kept while a sink still has the end to handle');
    c.release(ctx);
    assert.equal(origins.size, 0);
  });
});
