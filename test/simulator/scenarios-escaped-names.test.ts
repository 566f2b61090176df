/**
 * Issue 11: callers named `Bob \"The Boss\" O'Neil` and `'; DROP TABLE calls;--`. The simulator
 * sends their names as Asterisk 20 does (C-escaped in every channel snapshot, raw in CEL and
 * Status's EffectiveConnectedLineName, quoted by ast_callerid_merge in the Cdr's CallerID), and
 * the call engine reads them back as sent: offline, over a real AMI session, and after logging in
 * mid-call (CoreShowChannels and Status).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AmiDecoder, encodeAction } from '../../src/ami/codec.ts';
import { escapeC, unescapeC } from '../../src/ami/escaping.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { analyzeCapture } from '../../src/calls/index.ts';
import type { CallRecord, EngineConfig } from '../../src/calls/index.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { buildScenario, linkedidOf, ScenarioIds, toCaptureBytes, type ScenarioKind, type TimedEvent } from '../../src/simulator/scenarios/index.ts';

const CONFIG: EngineConfig = { pbxId: 'names-pbx' };
/** As the caller sent it: backslashes of its own, quotes and an apostrophe. */
const BOB = 'Bob \\"The Boss\\" O\'Neil';
/** What Asterisk 20 puts in CallerIDName for it. */
const BOB_ESCAPED = 'Bob \\\\\\"The Boss\\\\\\" O\\\'Neil';
/** The Cdr's CallerID (clid) for it: ast_callerid_merge's ast_escape_quoted, as in the real Master.csv. */
const BOB_CLID = '"Bob \\\\\\"The Boss\\\\\\" O\'Neil" <+15551230042>';
const INJECTION = "'; DROP TABLE calls;--";
const INJECTION_ESCAPED = "\\'; DROP TABLE calls;--";
const START = 1_795_470_000_000;

function call(kind: ScenarioKind, name: string, ids: ScenarioIds, startEpochMs = START): TimedEvent[] {
  const party = { number: '+15551230042', name };
  return buildScenario(kind, { startEpochMs, caller: party, customer: party, extensions: ['101'], ringMs: 2000, talkMs: 6000 }, ids);
}

const named = (events: readonly TimedEvent[], name: string): TimedEvent[] => events.filter((e) => e.fields[0]![1] === name);
const get = (e: TimedEvent, key: string): string | undefined => e.fields.find(([k]) => k === key)?.[1];

function only(records: readonly CallRecord[], what: string): CallRecord {
  assert.equal(records.length, 1, `${what}: one call`);
  return records[0]!;
}

describe('names with quotes and backslashes, generated as Asterisk 20 sends them', () => {
  it('escaped in the channel snapshots (caller, Dest, connected line), raw in CEL, quoted in the Cdr\'s clid', () => {
    const events = call('inbound-answered', BOB, new ScenarioIds());
    assert.equal(get(named(events, 'Newchannel')[0]!, 'CallerIDName'), BOB_ESCAPED);
    const dial = named(events, 'DialBegin')[0]!;
    assert.equal(get(dial, 'CallerIDName'), BOB_ESCAPED);
    assert.equal(get(dial, 'DestConnectedLineName'), BOB_ESCAPED);
    assert.ok(named(events, 'Hangup').some((e) => get(e, 'ConnectedLineName') === BOB_ESCAPED), 'the agent leg\'s connected line');
    assert.equal(get(named(events, 'CEL')[0]!, 'CallerIDname'), BOB);
    assert.equal(get(named(events, 'Cdr')[0]!, 'CallerID'), BOB_CLID, 'quoted-string escaping, not C-escaping');
    for (const e of events) {
      for (const [key, value] of e.fields) {
        if (/(CallerIDName|ConnectedLineName)$/.test(key)) assert.equal(escapeC(unescapeC(value)), value, `${get(e, 'Event')} ${key} is escaped`);
      }
    }
  });

  for (const [kind, name] of [
    ['inbound-answered', BOB],
    ['inbound-answered', INJECTION],
    ['queue-answered', INJECTION],
    ['outbound-from-phone', INJECTION],
    ['click-to-call', BOB],
  ] as const) {
    it(`${kind} from ${name}: the engine's externalName is the name as sent`, () => {
      const r = only(analyzeCapture(toCaptureBytes(call(kind, name, new ScenarioIds())), CONFIG), kind);
      assert.equal(r.externalName, name);
    });
  }
});

/** A bare AMI session that keeps every byte it receives (a capture of its own). */
class Session {
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

  static async open(port: number): Promise<Session> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const session = new Session(socket);
    await session.action('Login', { Username: 'crm', Secret: 'crmsecret', Events: 'on' });
    return session;
  }

  /** Sends an action and waits for its response, or for lists the closing event. */
  async action(name: string, fields: Record<string, string> = {}, list = false): Promise<AmiMessage[]> {
    const id = `nm-${++this.#seq}`;
    const from = this.messages.length;
    this.socket.write(encodeAction(name, { ActionID: id, ...fields }));
    const mine = (): AmiMessage[] => this.messages.slice(from).filter((m) => m.actionId === id);
    const deadline = AbortSignal.timeout(5000);
    while (!mine().some((m) => (list ? m.type === 'event' && /complete/i.test(m.get('EventList') ?? '') : m.type === 'response'))) {
      if (deadline.aborted) throw new Error(`timed out waiting for ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return mine();
  }

  capture(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

describe('names with quotes and backslashes over a real AMI session with the simulator', () => {
  const sim = new AmiSimulator();
  after(() => sim.close());

  it('two calls played through the simulator: each record has the name as sent', async () => {
    const { port } = await sim.listen();
    const session = await Session.open(port);
    const ids = new ScenarioIds();
    const calls = [call('inbound-answered', BOB, ids), call('inbound-answered', INJECTION, ids, START + 60_000)];
    for (const events of calls) assert.equal((await sim.playScenario(events, { speed: Number.POSITIVE_INFINITY })).aborted, false);
    await session.action('Ping');
    const records = analyzeCapture(session.capture(), CONFIG);
    assert.deepEqual(
      calls.map((events) => records.find((r) => r.linkedid === linkedidOf(events))?.externalName),
      [BOB, INJECTION],
    );
    session.socket.destroy();
  });

  it('logged in mid-call: CoreShowChannels and Status show the names escaped, the recovered call has them as sent', async () => {
    const events = call('inbound-answered', INJECTION, new ScenarioIds({ uniqueSeq: 500, pjsipSeq: 0x200 }), START + 120_000);
    const answeredAt = named(events, 'BridgeEnter')[0]!.atMs;
    const before = events.filter((e) => e.atMs <= answeredAt + 2000);
    const rest = events.slice(before.length).map((e) => ({ ...e, atMs: 0 }));
    const { port } = await sim.listen();
    await sim.playScenario(before, { speed: Number.POSITIVE_INFINITY });
    const session = await Session.open(port);
    const shown = (await session.action('CoreShowChannels', {}, true)).filter((m) => m.event === 'CoreShowChannel');
    const caller = shown.find((m) => m.get('Channel')!.startsWith('PJSIP/carrier'))!;
    assert.equal(caller.get('CallerIDName'), INJECTION_ESCAPED);
    const status = (await session.action('Status', {}, true)).filter((m) => m.event === 'Status');
    const agent = status.find((m) => m.get('Channel')!.startsWith('PJSIP/101'))!;
    assert.equal(agent.get('ConnectedLineName'), INJECTION_ESCAPED);
    assert.equal(agent.get('EffectiveConnectedLineName'), INJECTION, 'printed from the channel, not the snapshot');
    await sim.playScenario(rest, { speed: Number.POSITIVE_INFINITY });
    await session.action('Ping');
    const r = only(analyzeCapture(session.capture(), CONFIG), 'mid-call session');
    assert.equal(r.recovered, true);
    assert.equal(r.externalName, INJECTION);
    session.socket.destroy();
  });

  it('Setvar and Getvar: VarSet escapes the value, Getvar and Status give it back as set', async () => {
    const events = call('inbound-answered', 'Plain Name', new ScenarioIds({ uniqueSeq: 600, pjsipSeq: 0x300 }), START + 180_000);
    const answeredAt = named(events, 'BridgeEnter')[0]!.atMs;
    const before = events.filter((e) => e.atMs <= answeredAt);
    const rest = events.slice(before.length).map((e) => ({ ...e, atMs: 0 }));
    const { port } = await sim.listen();
    const session = await Session.open(port);
    await sim.playScenario(before, { speed: Number.POSITIVE_INFINITY });
    const channel = get(named(before, 'Newchannel')[0]!, 'Channel')!;
    await session.action('Setvar', { Channel: channel, Variable: 'NOTE', Value: INJECTION });
    await session.action('Ping');
    const varSet = session.messages.find((m) => m.event === 'VarSet' && m.get('Variable') === 'NOTE')!;
    assert.equal(varSet.get('Value'), INJECTION_ESCAPED);
    assert.equal((await session.action('Getvar', { Channel: channel, Variable: 'NOTE' }))[0]!.get('Value'), INJECTION);
    const status = (await session.action('Status', { Channel: channel, Variables: 'NOTE' }, true)).find((m) => m.event === 'Status')!;
    assert.deepEqual(status.getAll('Variable'), [`NOTE=${INJECTION}`]);
    await sim.playScenario(rest, { speed: Number.POSITIVE_INFINITY });
    session.socket.destroy();
  });
});
