import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import type { ClickToCallRequest } from '../web/routes/calls-routes.ts';
import { CallForwarding } from './call-forwarding.ts';
import { busesOn } from './test-bus.ts';

const log = createLogger('silent');
const request: ClickToCallRequest = { user: { id: 'u1', login: 'alice', name: 'Alice', primaryExtension: '101' }, number: '+15551230009' };

/** Instances on one in-memory bus; `leading` says which one leads. */
function cluster(names: string[], leader: { name: string | null }, timeoutMs = 200) {
  const { buses } = busesOn(names);
  const nodes = new Map<string, CallForwarding>();
  const placed: string[] = [];
  for (const name of names) {
    const node = new CallForwarding({ bus: buses.get(name)!, log, leading: (pbx) => pbx === 'main' && leader.name === name, timeoutMs });
    node.serve(async (r) => {
      placed.push(`${name}:${r.number}`);
      return { ok: true, clickToCallId: `crm-${name}`, extension: '101', dialled: r.number };
    });
    nodes.set(name, node);
  }
  return { nodes, placed };
}

test('a standby\'s click-to-call is placed once, by the leader, and its outcome comes back to the asker', async () => {
  const { nodes, placed } = cluster(['a', 'b', 'c'], { name: 'a' });
  const outcome = await nodes.get('b')!.forward(request, 'main');
  assert.deepEqual(outcome, { ok: true, clickToCallId: 'crm-a', extension: '101', dialled: '+15551230009' });
  assert.deepEqual(placed, ['a:+15551230009'], 'only the leader placed it; the other standby stayed quiet');
});

test('no leader: the standby answers 503 in words after its wait, and nothing is placed', async () => {
  const { nodes, placed } = cluster(['a', 'b'], { name: null }, 50);
  const outcome = await nodes.get('b')!.forward(request, 'main');
  assert.equal(outcome.ok, false);
  assert.ok(!outcome.ok && outcome.status === 503 && outcome.code === 'C2C_PBX_DOWN' && /did not answer in time/.test(outcome.message));
  assert.deepEqual(placed, []);
});
