/**
 * Generated calls played on the simulator: pacing (under mock timers), the channel table during a
 * call, the load mode (bounded, stoppable, unique ids, a client sees every event) and the demo's
 * simulateInboundCall, over real loopback sockets.
 */
import { afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AmiDecoder, encodeAction } from '../../src/ami/codec.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { analyzeCapture } from '../../src/calls/index.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import {
  buildScenario,
  linkedidOf,
  runLoad,
  ScenarioIds,
  ScenarioPlayer,
  simulateInboundCall,
  type ScenarioKind,
  type ScenarioParams,
  type TimedEvent,
} from '../../src/simulator/scenarios/index.ts';

const CONFIG = { pbxId: 'play' };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  mock.timers.reset();
});

const ev = (atMs: number, name: string): TimedEvent => ({ atMs, fields: [['Event', name], ['Privilege', 'call,all']] });
const get = (e: TimedEvent, key: string): string | undefined => e.fields.find(([k]) => k === key)?.[1];

async function simulator(): Promise<AmiSimulator> {
  const sim = new AmiSimulator();
  await sim.listen();
  cleanups.push(() => sim.close());
  return sim;
}

/** A logged-in AMI session that keeps every message (and byte) it receives. */
class Client {
  readonly messages: AmiMessage[] = [];
  readonly #chunks: Buffer[] = [];
  readonly #decoder = new AmiDecoder();
  #seq = 0;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      for (const item of this.#decoder.push(chunk)) if (item.kind === 'message') this.messages.push(item.message);
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<Client> {
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new Client(socket);
    await client.action('Login', { Username: 'crm', Secret: 'crmsecret', Events: 'on' });
    return client;
  }

  /** Sends an action and waits for its response; everything sent before it has then arrived too. */
  async action(name: string, fields: Record<string, string> = {}): Promise<AmiMessage> {
    const id = `pb-${++this.#seq}`;
    this.socket.write(encodeAction(name, { ActionID: id, ...fields }));
    await this.until(() => this.messages.some((m) => m.actionId === id && m.type === 'response'), `${name}'s response`);
    return this.messages.find((m) => m.actionId === id && m.type === 'response')!;
  }

  events(): AmiMessage[] {
    return this.messages.filter((m) => m.type === 'event' && m.event !== 'FullyBooted');
  }

  async until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  capture(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

describe('ScenarioPlayer pacing (mock timers)', () => {
  const clock = (): void => mock.timers.enable({ apis: ['setTimeout', 'setImmediate', 'Date'], now: 0 });

  it('sends each event at atMs / speed, several scripts merged by time', async () => {
    clock();
    const sent: string[] = [];
    const player = new ScenarioPlayer((f) => sent.push(`${Date.now()} ${f[0]![1]}`), { now: () => Date.now() });
    const a = player.play([ev(0, 'A0'), ev(100, 'A100'), ev(300, 'A300')], { speed: 2 });
    const b = player.play([ev(60, 'B60'), ev(120, 'B120')]);
    mock.timers.tick(0);
    assert.deepEqual(sent, ['0 A0']);
    for (let t = 0; t < 200; t += 10) mock.timers.tick(10);
    assert.deepEqual(sent, ['0 A0', '50 A100', '60 B60', '120 B120', '150 A300']);
    assert.deepEqual(await a.done, { events: 3, aborted: false });
    assert.deepEqual(await b.done, { events: 2, aborted: false });
    assert.equal(player.active, 0);
  });

  it('as fast as possible: everything at once, in batches that let the event loop run', async () => {
    let sent = 0;
    const player = new ScenarioPlayer(() => sent++);
    const script = Array.from({ length: 1000 }, (_, i) => ev(i * 1000, `E${i}`));
    const done = player.play(script, { speed: Number.POSITIVE_INFINITY }).done;
    // Queued right behind the player's first turn: it runs between two batches.
    const between = await new Promise<number>((resolve) => setImmediate(() => resolve(sent)));
    assert.equal(between, 256, 'one batch per turn of the event loop');
    assert.deepEqual(await done, { events: 1000, aborted: false });
    assert.equal(sent, 1000);
  });

  it('a signal stops a script (the rest is dropped); finish() sends the rest at once', async () => {
    clock();
    const sent: string[] = [];
    const player = new ScenarioPlayer((f) => sent.push(f[0]![1]), { now: () => Date.now() });
    const stop = new AbortController();
    const stopped = player.play([ev(0, 'S0'), ev(1000, 'S1')], { signal: stop.signal });
    const hurried = player.play([ev(0, 'F0'), ev(5000, 'F1'), ev(9000, 'F2')]);
    mock.timers.tick(10);
    stop.abort();
    hurried.finish();
    mock.timers.tick(0);
    assert.deepEqual(sent, ['S0', 'F0', 'F1', 'F2']);
    assert.deepEqual(await stopped.done, { events: 1, aborted: true });
    assert.deepEqual(await hurried.done, { events: 3, aborted: false });
    mock.timers.tick(2000);
    assert.deepEqual(sent, ['S0', 'F0', 'F1', 'F2']);
  });

  it('a stopped script leaves no timer behind to keep the process up', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const player = new ScenarioPlayer(() => {});
    const stop = new AbortController();
    const done = player.play([ev(0, 'now'), ev(3_600_000, 'in an hour')], { signal: stop.signal }).done;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(timers(), before + 1, 'waiting for the next event');
    stop.abort();
    assert.deepEqual(await done, { events: 1, aborted: true });
    assert.equal(timers(), before);
  });

  it('an event that cannot be sent rejects its script; close() ends the others as aborted', async () => {
    clock();
    const player = new ScenarioPlayer((f) => {
      if (f[0]![1] === 'Bad') throw new Error('refused');
    }, { now: () => Date.now() });
    const bad = player.play([ev(0, 'Bad')]).done;
    const long = player.play([ev(0, 'L0'), ev(60_000, 'L1')]).done;
    mock.timers.tick(0);
    await assert.rejects(bad, /refused/);
    player.close();
    assert.deepEqual(await long, { events: 1, aborted: true });
    assert.deepEqual(await player.play([ev(0, 'late')]).done, { events: 0, aborted: true });
    assert.throws(() => player.play([], { speed: 0 }), (err: unknown) => isCrmTelephonyError(err) && err.code === 'CONFIG_ERR_INVALID');
  });
});

describe('playScenario on the simulator', () => {
  const build = (sim: AmiSimulator, kind: ScenarioKind, params: Partial<ScenarioParams> = {}): TimedEvent[] =>
    buildScenario(kind, { startEpochMs: Date.now(), ...params }, sim.scenarioIds);

  it('a logged-in client gets every event of the script, in order, as sent', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const script = build(sim, 'attended-transfer', { caller: { number: '+79161234567', name: 'Иван Петров' } });
    assert.deepEqual(await sim.playScenario(script, { speed: Number.POSITIVE_INFINITY }), { events: script.length, aborted: false });
    await client.action('Ping');
    const got = client.events();
    assert.equal(got.length, script.length);
    got.forEach((m, i) => assert.deepEqual(m.fields, script[i]!.fields));
    const r = analyzeCapture(client.capture(), CONFIG);
    assert.equal(r.length, 1);
    assert.equal(r[0]!.externalName, 'Иван Петров');
    assert.deepEqual(r[0]!.transfers.map((t) => t.kind), ['attended']);
  });

  it('the channel table follows the call: CoreShowChannels and Status while it is up, nothing after', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const script = build(sim, 'inbound-answered', { extensions: ['102'], did: '5550102', talkMs: 20_000 });
    const bridged = script.findIndex((e) => get(e, 'Event') === 'BridgeEnter' && get(e, 'Channel')!.startsWith('PJSIP/carrier'));
    await sim.playScenario(script.slice(0, bridged + 1), { speed: Number.POSITIVE_INFINITY });
    assert.deepEqual(sim.channels.map((c) => [c.snapshot.Channel.replace(/-\w+$/, ''), c.snapshot.ChannelStateDesc, c.application]), [
      ['PJSIP/carrier', 'Up', 'Dial'],
      ['PJSIP/102', 'Up', 'AppDial'],
    ]);
    assert.equal(new Set(sim.channels.map((c) => c.bridgeId)).size, 1);
    await client.action('CoreShowChannels');
    await client.until(() => client.messages.some((m) => m.event === 'CoreShowChannelsComplete'), 'the list');
    assert.equal(client.messages.filter((m) => m.event === 'CoreShowChannel').length, 2);
    await client.action('Status', { Variables: 'CRM_DID' });
    await client.until(() => client.messages.some((m) => m.event === 'StatusComplete'), 'Status');
    const status = client.messages.filter((m) => m.event === 'Status');
    assert.deepEqual(status.map((m) => m.get('DNID')), ['5550102', '']);
    assert.deepEqual(status.map((m) => m.getAll('Variable')), [['CRM_DID=5550102'], ['CRM_DID=5550102']]);
    await sim.playScenario(script.slice(bridged + 1).map((e) => ({ ...e, atMs: 0 })));
    assert.equal(sim.channels.length, 0);
  });

  it('calls played at once keep apart; Originate numbers never collide with them', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const scripts = (['queue-answered', 'ringgroup-noanswer', 'click-to-call', 'internal'] as const).map((k) => build(sim, k, { talkMs: 2000 }));
    const results = await Promise.all(scripts.map((s) => sim.playScenario(s, { speed: 200 })));
    assert.ok(results.every((r) => !r.aborted));
    client.socket.write(encodeAction('Originate', { ActionID: 'o-1', Channel: 'PJSIP/101', Context: 'x', Exten: '1', Priority: '1', Async: 'true' }));
    await client.until(() => client.messages.some((m) => m.event === 'OriginateResponse' && m.actionId === 'o-1'), 'OriginateResponse');
    const originated = client.messages.find((m) => m.event === 'OriginateResponse' && m.actionId === 'o-1')!;
    const names = new Set(client.events().filter((m) => m.event === 'Newchannel').map((m) => m.get('Channel')));
    const uniqueids = new Set(client.events().filter((m) => m.event === 'Newchannel').map((m) => m.get('Uniqueid')));
    assert.ok(!names.has(originated.get('Channel')), originated.get('Channel'));
    assert.ok(!uniqueids.has(originated.get('Uniqueid')), originated.get('Uniqueid'));
    const records = analyzeCapture(client.capture(), CONFIG);
    assert.deepEqual(records.map((r) => r.disposition).sort(), ['answered', 'answered', 'answered', 'missed']);
  });

  it('stops on its signal and on close(); after close() it resolves as aborted', async () => {
    const sim = await simulator();
    const script = build(sim, 'inbound-answered', { talkMs: 600_000 });
    const stop = new AbortController();
    const stopped = sim.playScenario(script, { signal: stop.signal, speed: 1000 });
    const cut = sim.playScenario(build(sim, 'inbound-answered', { talkMs: 600_000 }), { speed: 1000 });
    setTimeout(() => stop.abort(), 20);
    assert.equal((await stopped).aborted, true);
    await sim.close();
    assert.equal((await cut).aborted, true);
    assert.deepEqual(await sim.playScenario(script), { events: 0, aborted: true });
  });
});

describe('load mode', () => {
  it('N calls per second for a while: bounded, unique ids, a client sees every event', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const stats = await sim.startLoad({ callsPerSecond: 200, durationMs: 150, speed: 2000, seed: 3 });
    assert.equal(stats.callsStarted, 30);
    assert.equal(stats.callsCompleted, 30);
    assert.equal(stats.aborted, false);
    assert.equal(Object.values(stats.byKind).reduce((a, b) => a + b, 0), 30);
    assert.ok(Object.keys(stats.byKind).length >= 5, 'a mix of kinds');
    assert.equal(new Set(stats.linkedids).size, 30, 'every call its own Linkedid');
    assert.equal(sim.channels.length, 0, 'every channel hung up');
    await client.action('Ping');
    const events = client.events();
    assert.equal(events.length, stats.eventsEmitted, 'the client saw every event');
    const newchannels = events.filter((m) => m.event === 'Newchannel');
    assert.equal(new Set(newchannels.map((m) => m.get('Uniqueid'))).size, newchannels.length);
    assert.equal(new Set(newchannels.map((m) => m.get('Channel'))).size, newchannels.length);
    const records = analyzeCapture(client.capture(), CONFIG);
    assert.deepEqual(records.map((r) => r.linkedid).sort(), [...stats.linkedids].sort());
    assert.ok(records.every((r) => r.status === 'ended' && r.endReason === 'hangup'));
  });

  it('callers, extensions, DIDs and the mix come from the lists given', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const stats = await sim.startLoad({
      callsPerSecond: 500,
      durationMs: 40,
      speed: Number.POSITIVE_INFINITY,
      mix: { 'inbound-answered': 1, 'queue-answered': 1 },
      callers: ['+4930901820', { number: '+79161234567', name: 'Иван Петров' }],
      extensions: ['201', '202'],
      dids: ['5550999'],
    });
    assert.equal(stats.callsStarted, 20);
    assert.deepEqual(Object.keys(stats.byKind).sort(), ['inbound-answered', 'queue-answered']);
    await client.action('Ping');
    const records = analyzeCapture(client.capture(), CONFIG);
    assert.equal(records.length, 20);
    for (const r of records) {
      assert.ok(['+4930901820', '+79161234567'].includes(r.externalNumber!));
      assert.equal(r.did, '5550999');
      assert.ok(r.rang.every((x) => x === '201' || x === '202'));
    }
  });

  it('refuses what would not be bounded or could not work', async () => {
    const sim = await simulator();
    const refused = async (options: Parameters<AmiSimulator['startLoad']>[0]): Promise<void> => {
      await assert.rejects(sim.startLoad(options), (err: unknown) => isCrmTelephonyError(err) && err.code === 'CONFIG_ERR_INVALID');
    };
    await refused({ callsPerSecond: 0, durationMs: 1000 });
    await refused({ callsPerSecond: 5000, durationMs: 1000 });
    await refused({ callsPerSecond: 1, durationMs: 2 * 3600_000 });
    await refused({ callsPerSecond: 1, durationMs: 1000, mix: { 'conference-call': 1 } as never });
    await refused({ callsPerSecond: 1, durationMs: 1000, mix: { 'inbound-answered': 0 } });
    await refused({ callsPerSecond: 1, durationMs: 1000, mix: { internal: 1 }, extensions: ['101'] });
    await refused({ callsPerSecond: 1, durationMs: 1000, params: { ringMs: -5 } });
  });

  it('maxCalls caps it; a stop signal ends it early with no call left half-open', async () => {
    const sim = await simulator();
    const capped = await sim.startLoad({ callsPerSecond: 1000, durationMs: 1000, maxCalls: 7, speed: Number.POSITIVE_INFINITY });
    assert.equal(capped.callsStarted, 7);
    const stop = new AbortController();
    const running = sim.startLoad({ callsPerSecond: 50, durationMs: 3_600_000, speed: 1, signal: stop.signal });
    setTimeout(() => stop.abort(), 100);
    const stats = await running;
    assert.equal(stats.aborted, true);
    assert.ok(stats.callsStarted >= 1 && stats.callsStarted <= 10, String(stats.callsStarted));
    assert.equal(stats.callsCompleted, stats.callsStarted, 'fast-forwarded to their end');
    assert.equal(sim.channels.length, 0);
  });

  it('is deterministic under a mocked clock: the rate is exact', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setImmediate', 'Date'], now: 1_795_463_828_000 });
    const emitted: string[] = [];
    const player = new ScenarioPlayer((f) => emitted.push(f[0]![1]), { now: () => Date.now() });
    const ids = new ScenarioIds();
    const done = runLoad(
      { ids, play: (events, options) => player.play(events, options), now: () => Date.now(), wallClock: () => Date.now() },
      { callsPerSecond: 4, durationMs: 2000, mix: { 'inbound-answered': 1 }, params: { ringMs: 1000, talkMs: 1000 } },
    );
    for (let t = 0; t <= 2000; t += 250) {
      mock.timers.tick(t === 0 ? 0 : 250);
      const started = emitted.filter((e) => e === 'Newchannel').length / 2;
      assert.equal(started, Math.min(8, Math.floor(t / 250) + 1), `at ${t} ms`);
    }
    for (let i = 0; i < 20; i++) mock.timers.tick(500);
    const stats = await done;
    assert.equal(stats.callsStarted, 8);
    assert.equal(stats.eventsEmitted, emitted.length);
  });
});

describe('simulateInboundCall (the demo\'s "simulate an incoming call")', () => {
  it('resolves with the Linkedid once the phone rings, and plays the rest in the background', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const linkedid = await simulateInboundCall(sim, { extension: '102', from: '+74951234567', name: 'Ольга Смирнова', did: '5550102', answer: 'here', ringMs: 2000, talkMs: 3000, speed: 20 });
    const leg = sim.channels.find((c) => c.snapshot.Channel.startsWith('PJSIP/102-'));
    assert.ok(leg !== undefined, 'the phone\'s channel exists');
    assert.equal(leg.snapshot.Linkedid, linkedid);
    assert.ok(!client.events().some((m) => m.event === 'Hangup'), 'still going on');
    await client.until(() => client.events().filter((m) => m.event === 'Hangup').length === 2, 'the end of the call');
    const r = analyzeCapture(client.capture(), CONFIG)[0]!;
    assert.deepEqual([r.linkedid, r.answeredBy, r.externalName, r.disposition, r.did], [linkedid, '102', 'Ольга Смирнова', 'answered', '5550102']);
  });

  it('elsewhere: a ring group where another extension answers; none: nobody answers', async () => {
    const sim = await simulator();
    const client = await Client.connect(sim.port);
    const elsewhere = await simulateInboundCall(sim, { extension: '101', answer: 'elsewhere', speed: 50 });
    const none = await simulateInboundCall(sim, { extension: '103', answer: 'none', ringMs: 8000, speed: 50 });
    assert.notEqual(elsewhere, none);
    await client.until(() => sim.channels.length === 0 && client.events().filter((m) => m.event === 'Cdr').length >= 4, 'both calls to end');
    await client.action('Ping');
    const records = analyzeCapture(client.capture(), CONFIG);
    const a = records.find((r) => r.linkedid === elsewhere)!;
    assert.deepEqual([a.rang, a.answeredBy, a.disposition], [['101', '102'], '102', 'answered']);
    const b = records.find((r) => r.linkedid === none)!;
    assert.deepEqual([b.rang, b.answeredBy, b.disposition, b.ringSeconds], [['103'], null, 'missed', 8]);
  });

  it('rejects an impossible call and a simulator that is gone', async () => {
    const sim = await simulator();
    await assert.rejects(simulateInboundCall(sim, { extension: '101', answer: 'elsewhere', answeredBy: '101' }), /another extension/);
    await assert.rejects(simulateInboundCall(sim, { extension: 'bad ext', answer: 'here' }), (err: unknown) => isCrmTelephonyError(err) && err.code === 'CONFIG_ERR_INVALID');
    await sim.close();
    await assert.rejects(simulateInboundCall(sim, { extension: '101', answer: 'here' }), (err: unknown) => isCrmTelephonyError(err) && err.code === 'AMI_ERR_CLOSED');
  });

  it('uses the simulator\'s ids: the demo\'s calls and a load never collide', async () => {
    const sim = await simulator();
    const load = sim.startLoad({ callsPerSecond: 100, durationMs: 100, speed: 500 });
    const demo = await Promise.all(['101', '102', '103'].map((extension) => simulateInboundCall(sim, { extension, answer: 'here', speed: 500 })));
    const stats = await load;
    const all = [...stats.linkedids, ...demo];
    assert.equal(new Set(all).size, all.length);
    // The next call built from the simulator's allocator is again a new one.
    assert.ok(!all.includes(linkedidOf(buildScenario('internal', { startEpochMs: Date.now() }, sim.scenarioIds))!));
  });
});
