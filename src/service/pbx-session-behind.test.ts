/**
 * A service behind the PBX (its reading paused by backpressure, or just busy) has read events from
 * well before the last one's arrival. When the link is cut, the unread rest is lost with the
 * connection, so the gap to fill from the CDRs must start where the reading really was: at the
 * last Ping whose answer came back (it queues behind every earlier event), not at the last event's
 * arrival. The heartbeat that a restart's gap starts from says the same. Here the PBX's answers to
 * Ping stop coming (as they would behind a backlog) while events still arrive.
 */
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiClient } from '../ami/client.ts';
import { createLogger } from '../logger.ts';
import { AmiSimulator } from '../simulator/ami-simulator.ts';
import { openStore } from '../store/store.ts';
import { GapLog } from '../store/gap-log.ts';
import { PbxSession } from './pbx-session.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a cut while behind the PBX starts its gap where the reading was, not at the last event read', async () => {
  const sim = new AmiSimulator();
  const { port } = await sim.listen();
  cleanups.push(() => sim.close());
  const store = await openStore({ url: ':memory:' });
  cleanups.push(() => store.close());
  const gaps = new GapLog(store);
  const client = new AmiClient({ id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', keepaliveIntervalMs: 0, reconnect: () => 20 });
  cleanups.push(() => client.close());
  const session = new PbxSession({ client, engine: { pbxId: 'pbx1' }, sinks: [], log: createLogger('silent'), gaps: { log: gaps, source: null, syncMs: 30, heartbeatMs: 30, firstReadDelayMs: 60_000, retryMs: 60_000 } });
  cleanups.push(() => session.stop());
  await client.connect();
  await until(() => session.recoveries === 1, 'the first recovery');
  const pings = () => sim.actions.filter((a) => a.get('Action') === 'Ping').length;
  await until(() => pings() >= 2, 'the session to measure the reading with Ping');
  await sleep(100);

  // From here the answers stop coming, as behind a backlog; events still arrive and are read.
  const behindFrom = Date.now();
  sim.onAction((action) => (action.get('Action') === 'Ping' ? 'ignore' : undefined));
  for (let i = 0; i < 10; i++) {
    await sleep(50);
    sim.emitEvent({ Event: 'DeviceStateChange', Privilege: 'call,all', Device: 'PJSIP/101', State: i % 2 ? 'INUSE' : 'NOT_INUSE' });
  }
  await until(() => Date.parse(session.lastEventAt ?? '') > behindFrom + 400, 'the last events read');
  const alive = await gaps.lastAlive('pbx1');
  assert.ok(alive !== null && alive <= behindFrom, `the heartbeat says alive up to ${alive! - behindFrom} ms after the reading fell behind`);

  const cutAt = Date.now();
  await sim.dropClients();
  await until(() => session.recoveries === 2, 'the recovery after the cut');
  await until(async () => (await gaps.recent('pbx1')).length === 1, 'the gap recorded');
  const [gap] = await gaps.recent('pbx1');
  assert.equal(gap!.cause, 'link-cut');
  const from = gap!.from;
  assert.ok(from <= behindFrom, `the gap starts ${from - behindFrom} ms after the reading fell behind (the cut was ${cutAt - behindFrom} ms after)`);
  assert.ok(from >= behindFrom - 500, 'and not much earlier: the last answered Ping');
});
