/**
 * A sink that takes only some effect types (`EffectSink.accepts`, the recordings sink): its queue
 * holds those alone (and of those, the ones its `wants` says), the others still get every effect,
 * and every call's context is released.
 */
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiClient } from '../ami/client.ts';
import type { Effect } from '../calls/effects.ts';
import { createLogger } from '../logger.ts';
import { AmiSimulator } from '../simulator/ami-simulator.ts';
import { buildScenario } from '../simulator/scenarios/index.ts';
import { PbxSession, type EffectSink } from './pbx-session.ts';
import { endedCallsOnly } from './capabilities/missed.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

it('a sink that accepts two effect types is handed those only; the others every effect; no context is left held', async () => {
  const sim = new AmiSimulator();
  const { port } = await sim.listen();
  cleanups.push(() => sim.close());
  const client = new AmiClient({ id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', keepaliveIntervalMs: 0, reconnect: () => 20 });
  cleanups.push(() => client.close());
  const all: Effect['type'][] = [];
  const some: Effect['type'][] = [];
  const everything: EffectSink = (e) => void all.push(e.type);
  const picky: EffectSink = (e) => void some.push(e.type);
  picky.accepts = new Set(['recording-located', 'call-ended']);
  // Of its types, only the updates of ended calls (what the missed-call items take).
  const updates: Effect[] = [];
  const endedOnly: EffectSink = (e) => void updates.push(e);
  endedOnly.accepts = new Set(['call-updated', 'call-ended']);
  endedOnly.wants = endedCallsOnly;
  const session = new PbxSession({ client, engine: { pbxId: 'pbx1' }, sinks: [everything, picky, endedOnly], log: createLogger('silent') });
  cleanups.push(() => session.stop());
  await client.connect();
  const deadline = Date.now() + 5000;
  while (session.recoveries < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await sim.playScenario(buildScenario('ringgroup-answered', { startEpochMs: Date.now(), ringMs: 50, talkMs: 50 }, sim.scenarioIds), { speed: Infinity });
  while (!all.includes('call-ended') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await session.idle();
  assert.ok(all.length > 5 && all.includes('agent-ringing'), `every effect to the first: ${all.join(', ')}`);
  assert.deepEqual(
    some,
    all.filter((t) => t === 'recording-located' || t === 'call-ended'),
  );
  assert.ok(some.includes('call-ended'));
  assert.ok(all.filter((t) => t === 'call-updated').length > 0, 'the call was updated while it went on');
  assert.deepEqual(
    updates.map((e) => e.type),
    ['call-ended'],
    'no update of the call in progress reached the sink that wants ended calls only',
  );
  assert.equal(session.dispatchStats.openContexts, 0, 'every context released');
  // A correction of the ended call (the CDRs said better) is what the missed calls do take.
  const ended = updates.find((e) => e.type === 'call-ended')!;
  assert.equal(endedCallsOnly({ type: 'call-updated', callId: ended.callId, record: (ended as Extract<Effect, { type: 'call-ended' }>).record } as Effect), true);
});
