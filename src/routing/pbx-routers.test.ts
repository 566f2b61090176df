import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeByPbx } from './pbx-routers.ts';
import type { Router } from './budget.ts';
import type { RouteDecision, RouteInput } from './types.ts';

function fakeRouter(extension: string): Router & { asked: RouteInput[] } {
  const asked: RouteInput[] = [];
  const route = async (input: RouteInput): Promise<RouteDecision> => {
    asked.push(input);
    return { extension, reason: 'owner', skipped: [], entity: null, callerName: null, degraded: false };
  };
  return Object.assign(route, { asked, stats: { decisions: asked.length, degraded: 0, budgetExceeded: 0, lookupFailed: 1 } }) as unknown as Router & { asked: RouteInput[] };
}

test('the PBX that asks is answered by its own router: named, else by the FastAGI peer, else the default', async () => {
  const main = fakeRouter('101');
  const hamburg = fakeRouter('201');
  const unknown: string[] = [];
  const route = routeByPbx(
    [
      { id: 'main', host: '10.0.0.1', router: main },
      { id: 'hamburg', host: '10.2.0.5', router: hamburg },
    ],
    (p) => unknown.push(p),
  );
  const ask = async (input: Partial<RouteInput>) => (await route({ caller: '+4940123', did: '', ...input })).extension;
  assert.equal(await ask({ pbx: 'hamburg' }), '201');
  assert.equal(await ask({ pbx: 'main', peer: '10.2.0.5' }), '101', 'the name wins over the address');
  assert.equal(await ask({ peer: '::ffff:10.2.0.5' }), '201', 'an IPv4-mapped peer');
  assert.equal(await ask({ peer: '192.168.1.9' }), '101', 'an unknown peer: the default PBX');
  assert.equal(await ask({}), '101');
  const none = await route({ caller: '+4940123', did: '', pbx: 'lisbon' });
  assert.deepEqual([none.extension, none.reason, none.degraded], [null, 'no-route', true]);
  assert.deepEqual(unknown, ['lisbon']);
  assert.ok(route.knows('hamburg') && !route.knows('lisbon'));
  assert.equal(route.stats.lookupFailed, 2, 'counts added up over the PBXs');
});

test('one PBX: every request is its own, whatever address it came from', async () => {
  const only = fakeRouter('101');
  const route = routeByPbx([{ id: 'default', host: 'pbx.local', router: only }], () => assert.fail('no unknown PBX here'));
  assert.equal((await route({ caller: '1', did: '', peer: '10.9.9.9' })).extension, '101');
});
