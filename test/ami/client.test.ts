/**
 * The AMI client against the PBX simulator over real loopback sockets: login, refused logins (and
 * how each is retried), deadlines, EventLists, reconnects, dead peers and backpressure.
 */
import { test, describe, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { AmiClient, type AmiClientOptions } from '../../src/ami/client.ts';
import { exponentialBackoff, noReconnect } from '../../src/ami/reconnect-strategy.ts';
import { AmiDecoder } from '../../src/ami/codec.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { isCrmTelephonyError, type CrmTelephonyError } from '../../src/errors.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';

const FIXTURES = new URL('../fixtures/ami-transcripts/', import.meta.url);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  mock.timers.reset();
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startSimulator(): Promise<{ sim: AmiSimulator; port: number }> {
  const sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port } = await sim.listen();
  cleanups.push(() => sim.close());
  return { sim, port };
}

function client(port: number, extra: Partial<AmiClientOptions> = {}): AmiClient {
  const c = new AmiClient({
    id: 'test-pbx',
    host: '127.0.0.1',
    port,
    username: 'crm',
    secret: 'crmsecret',
    keepaliveIntervalMs: 0,
    reconnect: noReconnect,
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

function expectCode(code: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(isCrmTelephonyError(err), `expected a CrmTelephonyError, got ${String(err)}`);
    assert.equal((err as CrmTelephonyError).code, code, (err as Error).message);
    return true;
  };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

function transcriptEvents(name: string): AmiMessage[] {
  const decoder = new AmiDecoder();
  const out: AmiMessage[] = [];
  for (const item of decoder.push(readFileSync(new URL(name, FIXTURES)))) {
    if (item.kind === 'message' && item.message.event !== undefined) out.push(item.message);
  }
  return out;
}

describe('login', () => {
  test('plain login succeeds, FullyBooted sent in the same segment is delivered, protocol version known', async () => {
    const { port } = await startSimulator();
    const c = client(port);
    const events: string[] = [];
    c.on('event', (m) => events.push(m.event ?? ''));
    const ready = once(c, 'ready');
    await c.connect();
    const [info] = (await ready) as [{ version: string; reconnected: boolean }];
    assert.equal(info.version, '9.0.0');
    assert.equal(info.reconnected, false);
    assert.equal(c.protocolVersion, '9.0.0');
    assert.equal(c.state, 'ready');
    assert.ok(events.includes('FullyBooted'), `events seen: ${events.join(',')}`);
    const pong = await c.action('Ping');
    assert.equal(pong.response.get('Ping'), 'Pong');
  });

  test('MD5 challenge login succeeds and never sends the secret', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port, { authType: 'md5' });
    await c.connect();
    const login = sim.actions.map((a) => a.message).find((m) => m.get('Action') === 'Login');
    assert.ok(login);
    assert.equal(login.get('AuthType'), 'MD5');
    assert.equal(login.get('Secret'), undefined);
    assert.match(login.get('Key') ?? '', /^[0-9a-f]{32}$/);
  });

  test('with noReconnect (the CLI) a wrong secret fails at once, in words, without the secret', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port, { secret: 'wrong-secret' });
    const fatal: CrmTelephonyError[] = [];
    c.on('fatal', (e) => fatal.push(e));
    await assert.rejects(c.connect(), expectCode('AMI_ERR_AUTH'));
    const logins = sim.actions.filter((a) => a.message.get('Action') === 'Login').length;
    assert.equal(logins, 1);
    assert.equal(fatal.length, 1);
    assert.match(fatal[0]!.message, /AMI_SECRET/);
    assert.doesNotMatch(fatal[0]!.message, /wrong-secret/);
    assert.equal(c.state, 'failed');
    assert.equal(c.status.problem?.code, 'AMI_ERR_AUTH');
    await assert.rejects(c.action('Ping'), expectCode('AMI_ERR_AUTH'));
  });

  test('a port that is not AMI is reported as such; noReconnect stops, the default pace retries it slowly', async () => {
    const server = net.createServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    const once_ = client(port);
    await assert.rejects(once_.connect(), expectCode('AMI_ERR_NOT_AMI'));
    assert.equal(once_.state, 'failed');

    const c = client(port, { reconnect: exponentialBackoff({ initialDelayMs: 1, settingsRetryMs: 20, jitter: 0 }) });
    const delays: number[] = [];
    c.on('reconnecting', ({ delayMs, cause }) => delays.push(cause.code === 'AMI_ERR_NOT_AMI' ? delayMs : -1));
    void c.connect().catch(() => undefined);
    await until(() => delays.length >= 2, 'two slow retries');
    assert.deepEqual(delays.slice(0, 2), [20, 20]);
    assert.notEqual(c.state, 'failed');
  });
  test('a refused connection says so in words', async () => {
    const { sim, port } = await startSimulator();
    await sim.close();
    const c = client(port);
    await assert.rejects(c.connect(), (err: unknown) => {
      expectCode('AMI_ERR_CONNECT_REFUSED')(err);
      assert.match((err as Error).message, /manager\.conf/);
      return true;
    });
  });
});

describe('refused logins: never give up on a PBX', () => {
  /** Quick pacing for tests: backoff from 5 ms up to 20 ms, settings problems every 40 ms. */
  const quick = (): AmiClientOptions['reconnect'] => exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 20, settingsRetryMs: 40, jitter: 0 });
  const loginsTo = (sim: AmiSimulator): number => sim.actions.filter((a) => a.message.get('Action') === 'Login').length;

  test('a PBX shutting down refuses the login: AMI_ERR_LOGIN_REFUSED, retried with backoff, ready once it stops refusing', async () => {
    const { sim, port } = await startSimulator();
    sim.setShuttingDown(true);
    const c = client(port, { reconnect: quick() });
    const retries: { code: string; delayMs: number }[] = [];
    c.on('reconnecting', ({ cause, delayMs }) => retries.push({ code: cause.code, delayMs }));
    const connected = c.connect();
    await until(() => retries.length >= 4, 'four retries');
    assert.deepEqual(new Set(retries.map((r) => r.code)), new Set(['AMI_ERR_LOGIN_REFUSED']));
    assert.deepEqual(retries.slice(0, 4).map((r) => r.delayMs), [5, 10, 20, 20], 'the normal backoff, not the slow pace');
    assert.match(c.status.problem?.message ?? '', /Asterisk is shutting down/);
    // Asterisk keeps a refused connection open; the client hangs up each one itself.
    await until(() => sim.connectedClients <= 1, 'refused connections closed');

    sim.setShuttingDown(false);
    await connected;
    assert.equal(c.state, 'ready');
    assert.equal(c.status.problem, null);
    assert.equal((await c.action('Ping')).response.get('Ping'), 'Pong');
  });

  test('an MD5 login is refused at its Challenge while shutting down, and read the same way', async () => {
    const { sim, port } = await startSimulator();
    sim.setShuttingDown(true);
    const c = client(port, { authType: 'md5', reconnect: quick() });
    const codes: string[] = [];
    c.on('reconnecting', ({ cause }) => codes.push(cause.code));
    const connected = c.connect();
    await until(() => codes.length >= 2, 'two retries');
    assert.deepEqual([...new Set(codes)], ['AMI_ERR_LOGIN_REFUSED']);
    sim.setShuttingDown(false);
    await connected;
    assert.equal(c.state, 'ready');
  });

  test('a wrong secret is retried slowly, says why without the secret, and gets in once the PBX accepts it', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port, { secret: 'the-new-secret', reconnect: quick() });
    const statuses: string[] = [];
    c.on('status', (s) => statuses.push(`${s.state}:${s.problem?.code ?? '-'}`));
    const retries: { code: string; delayMs: number }[] = [];
    c.on('reconnecting', ({ cause, delayMs }) => retries.push({ code: cause.code, delayMs }));
    let settled = false;
    const connected = c.connect().finally(() => (settled = true));
    await until(() => retries.length >= 3, 'three slow retries');
    assert.deepEqual(retries.slice(0, 3), Array(3).fill({ code: 'AMI_ERR_AUTH', delayMs: 40 }));
    assert.equal(settled, false, 'connect() neither rejects nor resolves while refused');
    const { problem, nextAttemptAt, state } = c.status;
    assert.equal(problem?.code, 'AMI_ERR_AUTH');
    assert.match(problem?.message ?? '', /AMI_USERNAME and AMI_SECRET/);
    assert.doesNotMatch(JSON.stringify(c.status), /the-new-secret/);
    assert.ok(state === 'waiting-to-reconnect' || state === 'connecting', state);
    if (state === 'waiting-to-reconnect') assert.ok(nextAttemptAt !== null && Date.parse(nextAttemptAt) >= Date.now() - 100);
    assert.ok(Date.parse(problem!.since) <= Date.now(), 'since when the problem is known');

    sim.setSecret('the-new-secret'); // the admin fixes manager.conf and runs `manager reload`
    await connected;
    assert.equal(c.state, 'ready');
    assert.equal(c.status.problem, null);
    assert.ok(loginsTo(sim) >= 4);
    assert.deepEqual(statuses.slice(0, 3), ['connecting:-', 'waiting-to-reconnect:AMI_ERR_AUTH', 'connecting:AMI_ERR_AUTH']);
    assert.equal(statuses.at(-1), 'ready:-');
  });

  test('Login Already In Use and an unknown refusal are retried with backoff, their words kept', async () => {
    const { sim, port } = await startSimulator();
    const answers = ['Login Already In Use', 'Go away'];
    sim.onAction((m) => {
      if (m.get('Action') !== 'Login' || answers.length === 0) return undefined;
      return { Response: 'Error', Message: answers.shift()! };
    });
    const c = client(port, { reconnect: quick() });
    const seen: string[] = [];
    c.on('reconnecting', ({ cause, delayMs }) => seen.push(`${cause.code}:${delayMs}:${/allowmultiplelogin|\(Go away\)/.exec(cause.message)?.[0]}`));
    await c.connect();
    assert.deepEqual(seen, ['AMI_ERR_LOGIN_REFUSED:5:allowmultiplelogin', 'AMI_ERR_LOGIN_REFUSED:10:(Go away)']);
  });

  test('a client that was ready, then refused after a PBX restart, recovers as the PBX does (status follows)', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port, { reconnect: quick() });
    await c.connect();
    const ready = once(c, 'ready');
    sim.setShuttingDown(true);
    await sim.dropClients();
    await until(() => c.status.problem?.code === 'AMI_ERR_LOGIN_REFUSED', 'the refusal in the status');
    sim.setShuttingDown(false);
    const [info] = (await ready) as [{ reconnected: boolean }];
    assert.equal(info.reconnected, true);
    assert.equal(c.status.problem, null);
  });

  test('only close() stops: connect() then rejects with AMI_ERR_CLOSED', async () => {
    const { port } = await startSimulator();
    const c = client(port, { secret: 'wrong', reconnect: quick() });
    const connected = c.connect();
    await until(() => c.status.problem?.code === 'AMI_ERR_AUTH', 'the refusal');
    await c.close();
    await assert.rejects(connected, expectCode('AMI_ERR_CLOSED'));
    assert.equal(c.status.state, 'closed');
    assert.equal(c.status.problem, null);
  });
});

describe('actions', () => {
  test('an action with no answer is rejected at its deadline, and the connection goes on', async () => {
    const { sim, port } = await startSimulator();
    sim.onAction((m) => (m.get('Action') === 'QueueStatus' ? 'ignore' : undefined));
    const c = client(port);
    await c.connect();
    const started = Date.now();
    await assert.rejects(c.action('QueueStatus', {}, { timeoutMs: 50 }), expectCode('AMI_ERR_TIMEOUT'));
    assert.ok(Date.now() - started < 2000);
    assert.equal((await c.action('Ping')).response.get('Ping'), 'Pong');
    assert.equal(c.pendingActions, 0);
  });

  test('an Error response rejects with the PBX message unless allowed', async () => {
    const { port } = await startSimulator();
    const c = client(port);
    await c.connect();
    await assert.rejects(c.action('NoSuchAction'), expectCode('AMI_ERR_ACTION_FAILED'));
    const res = await c.action('NoSuchAction', {}, { allowError: true });
    assert.equal(res.response.response, 'Error');
  });

  test('CoreShowChannels and Status EventLists collect their items; Status repeats ActionID harmlessly', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port);
    const seen: AmiMessage[] = [];
    c.on('event', (m) => seen.push(m));
    await c.connect();
    // Bring two live channels into the simulator: the caller and 101 of transcript 13.
    const events = transcriptEvents('13-actions-during-active-call.ami');
    const bridged = events.findIndex((m) => m.event === 'BridgeEnter');
    await sim.replay(events.slice(0, bridged + 2));
    const channels = await c.action('CoreShowChannels');
    assert.equal(channels.events.length, 2);
    assert.ok(channels.events.every((e) => e.event === 'CoreShowChannel'));
    assert.equal(channels.complete?.event, 'CoreShowChannelsComplete');
    const status = await c.action('Status', { Variables: 'CRM_RECORDING,CRM_DID' });
    assert.equal(status.events.length, 2);
    assert.equal(status.complete?.event, 'StatusComplete');
    // List items are answers, not unsolicited events.
    assert.equal(seen.filter((m) => m.event === 'Status' || m.event === 'CoreShowChannel').length, 0);
  });

  test('a CR or LF in a field is refused before anything is written', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port);
    await c.connect();
    const before = sim.actions.length;
    await assert.rejects(
      c.action('Originate', { Channel: 'PJSIP/101', CallerID: 'Evil\r\nAction: Hangup\r\nChannel: PJSIP/102' }),
      expectCode('AMI_ERR_INJECTION'),
    );
    await c.action('Ping');
    assert.deepEqual(sim.actions.slice(before).map((a) => a.message.get('Action')), ['Ping']);
  });

  test('repeated Variable fields reach the PBX in order; any caller ActionID is replaced by ours', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port);
    await c.connect();
    await c.action('Originate', { Channel: 'PJSIP/101', Exten: '100', Context: 'x', Priority: 1, ActionID: 'mine', Variable: ['a=1', 'b=2'] });
    const sent = sim.actions.map((a) => a.message).find((m) => m.get('Action') === 'Originate')!;
    assert.deepEqual(sent.getAll('Variable'), ['a=1', 'b=2']);
    assert.equal(sent.getAll('ActionID').length, 1);
    assert.notEqual(sent.get('ActionID'), 'mine');
  });

  test('ActionIDs are unique across clients and within one millisecond', async () => {
    const { sim, port } = await startSimulator();
    const a = client(port);
    const b = client(port);
    await Promise.all([a.connect(), b.connect()]);
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).action('Ping')));
    const ids = sim.actions.map((x) => x.message.get('ActionID'));
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('events', () => {
  test('a replayed transcript arrives whole and in order', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port);
    const seen: AmiMessage[] = [];
    c.on('event', (m) => seen.push(m));
    await c.connect();
    const expected = transcriptEvents('01-inbound-answered-101.ami');
    const before = seen.length;
    await sim.replay(new URL('01-inbound-answered-101.ami', FIXTURES).pathname);
    await until(() => seen.length - before >= expected.length, 'all events');
    assert.deepEqual(
      seen.slice(before).map((m) => m.toJSON()),
      expected.map((m) => m.toJSON()),
    );
  });
});

describe('connection loss', () => {
  test('pending actions are rejected with a typed error when the PBX drops the socket; the client reconnects', async () => {
    const { sim, port } = await startSimulator();
    sim.onAction((m) => (m.get('Action') === 'QueueStatus' ? 'ignore' : undefined));
    const c = client(port, { reconnect: exponentialBackoff({ initialDelayMs: 10, maxDelayMs: 50 }) });
    await c.connect();
    const pending = c.action('QueueStatus');
    await until(() => sim.actions.some((a) => a.message.get('Action') === 'QueueStatus'), 'the action to arrive');
    const reconnected = once(c, 'ready');
    sim.dropClients();
    await assert.rejects(pending, expectCode('AMI_ERR_DISCONNECTED'));
    const [info] = (await reconnected) as [{ reconnected: boolean }];
    assert.equal(info.reconnected, true);
    assert.equal((await c.action('Ping')).response.get('Ping'), 'Pong');
  });

  test('reconnects again after the PBX is gone for a while and comes back', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port, { reconnect: exponentialBackoff({ initialDelayMs: 10, maxDelayMs: 40 }) });
    const causes: string[] = [];
    c.on('reconnecting', ({ cause }) => causes.push(cause.code));
    await c.connect();
    await sim.stopListening();
    sim.dropClients();
    await until(() => causes.filter((x) => x === 'AMI_ERR_CONNECT_REFUSED').length >= 3, 'refused retries');
    assert.equal(c.state === 'ready', false);
    const back = once(c, 'ready');
    await sim.resumeListening();
    await back;
    assert.equal((await c.action('Ping')).response.get('Ping'), 'Pong');
  });

  test('a dead peer (stops answering) is detected by keepalive and dropped (mock timers)', async () => {
    const { sim, port } = await startSimulator();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const c = client(port, { keepaliveIntervalMs: 1000, keepaliveTimeoutMs: 500, reconnect: exponentialBackoff({ initialDelayMs: 60_000 }) });
    const disconnects: string[] = [];
    c.on('disconnect', (e) => disconnects.push(e.code));
    await c.connect();

    // Healthy peer: the ping is answered and nothing is dropped.
    const pingsBefore = sim.actions.filter((a) => a.message.get('Action') === 'Ping').length;
    mock.timers.tick(1000);
    await until(() => sim.actions.filter((a) => a.message.get('Action') === 'Ping').length > pingsBefore, 'a keepalive ping');
    await until(() => c.pendingActions === 0, 'the pong');
    mock.timers.tick(500);
    assert.deepEqual(disconnects, []);

    // Stalled peer: the next ping goes unanswered and the deadline drops the connection.
    sim.stall(true);
    mock.timers.tick(1000);
    mock.timers.tick(500);
    await until(() => disconnects.length > 0, 'the drop');
    assert.deepEqual(disconnects, ['AMI_ERR_DEAD_PEER']);
    assert.equal(c.state, 'waiting-to-reconnect');
    sim.stall(false);
  });
});

describe('backpressure', () => {
  test('a slow peer fills the bounded queue; excess actions are refused, the rest complete once it reads', async () => {
    const { sim, port } = await startSimulator();
    const c = client(port, { maxQueuedActions: 20, actionTimeoutMs: 30_000 });
    await c.connect();
    sim.stall(true);
    const padding = 'x'.repeat(8192);
    const results: Promise<'ok' | string>[] = [];
    for (let i = 0; i < 2000; i++) {
      results.push(
        c.action('Ping', { Padding: padding }).then(
          () => 'ok',
          (e: CrmTelephonyError) => e.code,
        ),
      );
    }
    assert.ok(c.pendingActions <= 2000);
    await new Promise((r) => setTimeout(r, 50));
    sim.stall(false);
    const outcome = await Promise.all(results);
    const refused = outcome.filter((x) => x === 'AMI_ERR_QUEUE_FULL').length;
    const ok = outcome.filter((x) => x === 'ok').length;
    assert.ok(refused > 0, 'some actions were refused at the bound');
    assert.equal(ok + refused, 2000, `unexpected outcomes: ${[...new Set(outcome)].join(',')}`);
  });
});
