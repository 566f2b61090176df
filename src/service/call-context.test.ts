import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { AmiMessage } from '../ami/message.ts';
import { Directory } from '../directory/directory.ts';
import { findByNormalized, findByPhone } from '../directory/lookup.ts';
import { generateDemoDirectory } from '../directory/demo-data.ts';
import { indexKeys } from '../directory/phone-keys.ts';
import { createEngineState, reduce } from '../calls/index.ts';
import type { CallRecord } from '../calls/record.ts';
import type { Effect } from '../calls/effects.ts';
import { normalizePhone } from '../phone/normalize.ts';
import type { NormalizedPhone } from '../phone/types.ts';
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

describe("the engine's reading of the number reaches the lookup and the pop", () => {
  for (const engine of ENGINES) {
    describe(engine, () => {
      let t: TestStore;
      let dir: Directory;
      before(async () => {
        t = await openTestStore(engine);
        dir = new Directory(t.store, { defaultRegion: 'US' });
        await dir.upsertContact({ id: 'c1', firstName: 'Ann', lastName: 'Lee', phones: [{ number: '(212) 736-5000', kind: 'work' }] });
        await dir.upsertContact({ id: 'c2', firstName: 'Bo', lastName: 'Ray', phones: [{ number: '555-0199', kind: 'home' }] });
        await dir.upsertContact({ id: 'c3', firstName: 'Cy', lastName: 'Doe', phones: [{ number: '(555) 123-0001', kind: 'work' }] });
      });
      after(() => t.dispose());

      /** Contexts whose lookup is the service's (service.ts), noting which way each number went. */
      function contexts(): { c: CallContexts; asked: { number: string; parsed: boolean }[] } {
        const asked: { number: string; parsed: boolean }[] = [];
        const c = new CallContexts({
          lookup: async (number, phone) => {
            asked.push({ number, parsed: phone === undefined });
            return (await (phone ? findByNormalized(dir, phone) : findByPhone(dir, number))).candidates;
          },
        });
        return { c, asked };
      }

      /** The effects a real engine gives for the first channel of an inbound call from `number`. */
      function engineStart(number: string): Effect[] {
        const state = createEngineState({ pbxId: 'pbx', defaultRegion: 'US' });
        const event = new AmiMessage([
          ['Event', 'Newchannel'],
          ['Channel', 'PJSIP/carrier-00000001'],
          ['ChannelStateDesc', 'Ring'],
          ['CallerIDNum', number],
          ['CallerIDName', 'Caller'],
          ['Context', 'from-pstn'],
          ['Exten', '5550100'],
          ['Uniqueid', '1795000000.1'],
          ['Linkedid', '1795000000.1'],
        ]);
        return [...reduce(state, event, Date.UTC(2026, 10, 1)).effects];
      }

      test('a valid number is looked up from the reading itself, with the same matches as parsing its E.164 again', async () => {
        for (const presented of ['2127365000', '+12127365000', '(212) 736-5000']) {
          const { c, asked } = contexts();
          const [start] = engineStart(presented);
          assert.equal(start?.type, 'call-started');
          assert.equal((start as { phone?: NormalizedPhone }).phone?.raw, presented, 'the effect carries the reading');
          const ctx = c.hold(start!, 1)!;
          assert.equal(ctx.phone?.raw, presented, 'the context keeps it for the pop');
          const matches = await ctx.matches();
          assert.deepEqual(asked, [{ number: '+12127365000', parsed: false }], presented);
          assert.deepEqual(matches, (await findByPhone(dir, '+12127365000')).candidates, 'what parsing the E.164 again finds');
          assert.deepEqual(matches.map((m) => m.id), ['c1']);
        }
      });

      test('a number only of a possible length, or without an E.164 (too short, anonymous), is parsed again with the directory region, as before', async () => {
        const { c, asked } = contexts();
        const ctx = c.hold(engineStart('5551230001')[0]!, 1)!;
        assert.equal(ctx.phone?.kind === 'number' && ctx.phone.valid, false, 'a fictional +1 555 number is possible, not valid');
        assert.deepEqual((await ctx.matches()).map((m) => m.id), ['c3']);
        assert.deepEqual(asked, [{ number: '+15551230001', parsed: true }]);
        for (const presented of ['5550199', 'anonymous']) {
          const { c, asked } = contexts();
          const ctx = c.hold(engineStart(presented)[0]!, 1)!;
          const matches = await ctx.matches();
          assert.deepEqual(asked, [{ number: presented, parsed: true }], presented);
          assert.deepEqual(matches, (await findByPhone(dir, presented)).candidates);
        }
      });

      test("a reading that is not the record's number is not used (a hand-made effect)", async () => {
        const { c, asked } = contexts();
        const phone = normalizePhone('+442071838750', { defaultRegion: 'US' });
        const ctx = c.hold({ ...started('pbx:9'), phone } as Effect, 1)!;
        assert.equal(ctx.phone, null);
        await ctx.matches();
        assert.deepEqual(asked, [{ number: '+12125550101', parsed: true }]);
      });
    });
  }

  test('a valid reading and its E.164 parsed again give the same lookup keys (the fast path changes no match)', () => {
    const regions = ['US', 'RU', 'DE', 'GB', 'FR', 'IT', 'BR', 'IN', 'CN', 'AU'] as const;
    const directory = generateDemoDirectory({ contacts: 400, seed: 5, region: 'RU' });
    const numbers = [...directory.contacts, ...directory.accounts, ...directory.leads].flatMap((r) => r.phones.map((p) => p.number));
    let valid = 0;
    for (const region of regions) {
      for (const number of numbers) {
        const reading = normalizePhone(number, { defaultRegion: region });
        if (reading.kind !== 'number' || !reading.valid || reading.e164 === null) continue;
        valid++;
        // The lookup reads these three (an extension is never part of a key).
        const { e164_key, national_key, suffix_key } = indexKeys(reading);
        const again = indexKeys(normalizePhone(reading.e164, { defaultRegion: region }));
        assert.deepEqual({ e164_key: again.e164_key, national_key: again.national_key, suffix_key: again.suffix_key }, { e164_key, national_key, suffix_key }, `${region} ${number}`);
      }
    }
    assert.ok(valid > 1000, `${valid} valid readings`);
  });
});
