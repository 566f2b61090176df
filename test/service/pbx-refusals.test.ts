/**
 * Never give up on a PBX (issue 11), with the whole service against the PBX simulator:
 * - the PBX restarts (`core restart now`) and refuses the reconnect's login with "Asterisk is
 *   shutting down": the service keeps trying with backoff, health says why, and once the PBX
 *   takes logins again the session recovers and the next call is tracked (this used to be fatal:
 *   health stayed failed and every later call was lost until someone restarted the service);
 * - a wrong secret at start: the service starts anyway, retries slowly, health and the admin page
 *   say what to fix in words (never the secret), and the fix on the PBX is picked up without a
 *   restart.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialBackoff } from '../../src/ami/reconnect-strategy.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { buildScenario } from '../../src/simulator/scenarios/index.ts';
import type { PbxHealth } from '../../src/web/routes/health-routes.ts';
import { signIn } from '../support/web-app.ts';

const WRONG = 'the-old-secret-4d1e';
const RIGHT = 'crmsecret';

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the service never gives up on a PBX that refuses its login', () => {
  let sim: AmiSimulator;
  let service: Service | undefined;

  beforeEach(async () => {
    sim = new AmiSimulator({ port: 0, username: 'crm', secret: RIGHT });
    await sim.listen();
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await sim.close();
  });

  /** The service with test pacing: backoff 5..20 ms, settings problems every 40 ms. Does not wait for the PBX. */
  async function start(secret: string): Promise<Service> {
    const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
    service = await startService({
      config,
      log: createLogger('silent'),
      pbx: { id: 'pbx1', host: '127.0.0.1', port: sim.port, username: 'crm', secret, authType: 'plain', reconnect: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 20, settingsRetryMs: 40, jitter: 0 }) },
      listen: false,
      ui: false,
    });
    return service;
  }

  async function health(s: Service): Promise<{ status: number; body: string; pbx: PbxHealth }> {
    const res = await s.app.inject({ method: 'GET', url: '/api/health' });
    return { status: res.statusCode, body: res.body, pbx: (res.json() as { pbxs: PbxHealth[] }).pbxs[0]! };
  }

  /** Plays an inbound call answered by 101 and resolves with its record once the log holds it ended. */
  async function trackedCall(s: Service, number: string): Promise<CallRecord> {
    const events = buildScenario('inbound-answered', { startEpochMs: Date.now(), caller: { number, name: 'Reba Refusal' }, extensions: ['101'], ringMs: 50, talkMs: 50 }, sim.scenarioIds);
    await sim.playScenario(events, { speed: Number.POSITIVE_INFINITY });
    let found: CallRecord | undefined;
    await until(async () => {
      await s.session.idle();
      const rows = await s.store.db.selectFrom('calls').select('record_json').execute();
      found = rows.map((r) => JSON.parse(r.record_json) as CallRecord).find((r) => r.externalNumber === number && r.status === 'ended');
      return found !== undefined;
    }, 'the call in the log');
    return found!;
  }

  it('a PBX restarting refuses the login ("Asterisk is shutting down"): retried with backoff, then the session recovers and calls are tracked', async () => {
    const s = await start(RIGHT);
    await until(() => s.session.recoveries >= 1, 'the first recovery');

    // `core restart now`: every action is refused from now on, and the sessions are cut.
    sim.setShuttingDown(true);
    await sim.dropClients();
    const refusals: number[] = [];
    s.client.on('reconnecting', ({ cause, delayMs }) => cause.code === 'AMI_ERR_LOGIN_REFUSED' && refusals.push(delayMs));
    await until(() => refusals.length >= 3, 'three refused logins');
    assert.ok(refusals.every((d) => d <= 20), `the normal backoff, not the slow pace: ${refusals.join(',')}`);
    const down = await health(s);
    assert.equal(down.status, 503);
    assert.notEqual(down.pbx.state, 'ready');
    assert.equal(down.pbx.problem?.code, 'AMI_ERR_LOGIN_REFUSED');
    assert.match(down.pbx.problem?.message ?? '', /Asterisk is shutting down/);

    // Asterisk is back: the client gets in, the session recovers, the next call is tracked.
    sim.setShuttingDown(false);
    await until(() => s.session.recoveries >= 2, 'the recovery after the restart');
    const up = await health(s);
    assert.equal(up.status, 200);
    assert.deepEqual([up.pbx.state, up.pbx.problem, up.pbx.retryingAt], ['ready', null, null]);
    assert.equal(s.session.reconnects, 1);
    const call = await trackedCall(s, '+15551230077');
    assert.deepEqual([call.answeredBy, call.disposition], ['101', 'answered']);
  });

  it('a wrong secret at start: the service runs, retries slowly, health and the admin page say what to fix; the fix on the PBX is picked up without a restart', async () => {
    const s = await start(WRONG); // resolves: start-up neither dies nor hangs on a refused login
    const delays: number[] = [];
    s.client.on('reconnecting', ({ cause, delayMs }) => cause.code === 'AMI_ERR_AUTH' && delays.push(delayMs));
    await until(() => delays.length >= 2 && s.client.state === 'waiting-to-reconnect', 'slow retries');
    assert.deepEqual(delays.slice(0, 2), [40, 40], 'the slow pace for settings');

    const down = await health(s);
    assert.equal(down.status, 503);
    assert.equal(down.pbx.state, 'waiting-to-reconnect');
    assert.equal(down.pbx.problem?.code, 'AMI_ERR_AUTH');
    assert.match(down.pbx.problem?.message ?? '', /AMI_USERNAME and AMI_SECRET/);
    assert.match(down.pbx.problem?.message ?? '', /permit\/deny/);
    assert.ok(down.pbx.retryingAt !== null && !Number.isNaN(Date.parse(down.pbx.retryingAt)), 'when the next attempt is due');
    assert.ok(!down.body.includes(WRONG) && !down.body.includes(RIGHT), 'never a secret');

    const admin = await signIn(s.app, 'admin', 'admin-password');
    const page = await s.app.inject({ method: 'GET', url: '/api/admin/pbx', headers: { cookie: admin.cookie } });
    assert.equal(page.statusCode, 200);
    const [shown] = (page.json() as { pbxs: PbxHealth[] }).pbxs;
    assert.equal(shown?.problem?.code, 'AMI_ERR_AUTH');
    assert.ok(!page.body.includes(WRONG), 'never the secret');

    // The admin puts our secret into manager.conf and runs `manager reload`; nobody restarts us.
    sim.setSecret(WRONG);
    await until(() => s.session.recoveries >= 1, 'the first recovery');
    const up = await health(s);
    assert.equal(up.status, 200);
    assert.deepEqual([up.pbx.state, up.pbx.problem], ['ready', null]);
    const call = await trackedCall(s, '+15551230088');
    assert.equal(call.answeredBy, '101');
  });
});
