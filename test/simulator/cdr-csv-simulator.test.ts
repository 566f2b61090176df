/**
 * The simulator writes the PBX's Master.csv as cdr_csv does, for every call it plays (scenarios,
 * loads, replayed captures), whether or not anyone is listening on AMI: no client, a client cut
 * off, a PBX that refuses connections or is stalled, cdr_manager off. Each line, read back with
 * the service's own parser, is the Cdr event of the same CDR.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { AmiDecoder, encodeAction } from '../../src/ami/codec.ts';
import { AmiMessage, type AmiField } from '../../src/ami/message.ts';
import { cdrFromEvent } from '../../src/cdr/cdr-event.ts';
import { wallTimeToEpoch } from '../../src/cdr/local-time.ts';
import { parseMasterCsv } from '../../src/cdr/master-csv.ts';
import type { PbxCdr } from '../../src/cdr/pbx-cdr.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import { AmiSimulator, type AmiSimulatorOptions } from '../../src/simulator/ami-simulator.ts';
import { formatCdrCsvLine } from '../../src/simulator/cdr-csv-writer.ts';
import { buildScenario, linkedidOf, type ScenarioKind, type ScenarioParams, type TimedEvent } from '../../src/simulator/scenarios/index.ts';
import { loadTranscript, replayableEvents } from '../../src/simulator/transcript.ts';

const BOB = 'Bob \\"The Boss\\" O\'Neil';
const INJECTION = "'; DROP TABLE calls;--";
const START = Date.parse('2026-07-14T09:30:00Z');
const FIXTURES = new URL('../fixtures/ami-transcripts/', import.meta.url);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function tempCsv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cdr-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'cdr-csv', 'Master.csv');
}

async function simulator(options: AmiSimulatorOptions): Promise<AmiSimulator> {
  const sim = new AmiSimulator(options);
  await sim.listen();
  cleanups.push(() => sim.close());
  return sim;
}

const fieldsOf = (e: TimedEvent | AmiMessage): readonly AmiField[] => e.fields;
const isCdr = (e: TimedEvent | AmiMessage): boolean => fieldsOf(e)[0]?.[1] === 'Cdr';
const utc = (text: string): number => wallTimeToEpoch(text, 'UTC') ?? Number.NaN;

/** The Cdr event as a PbxCdr, without the fields Master.csv has no column for (or that its reader leaves out). */
function expected(event: TimedEvent | AmiMessage, toEpochMs = utc): Omit<PbxCdr, 'accountcode'> {
  const cdr = cdrFromEvent(new AmiMessage(fieldsOf(event)), toEpochMs);
  assert.ok(cdr);
  const { accountcode: _omitted, ...rest } = cdr;
  return rest;
}

function withoutAccount(row: PbxCdr): Omit<PbxCdr, 'accountcode'> {
  const { accountcode: _omitted, ...rest } = row;
  return rest;
}

/** Master.csv as the service reads it, and its raw columns. */
function readCsv(path: string, zone = 'UTC'): { rows: PbxCdr[]; columns: string[][]; text: string } {
  const text = readFileSync(path, 'utf8');
  const { rows, skipped } = parseMasterCsv(text, zone);
  assert.equal(skipped, 0);
  return { rows, columns: parse(text, { relax_column_count: true }) as string[][], text };
}

function call(sim: AmiSimulator, kind: ScenarioKind, params: Partial<ScenarioParams> = {}, startEpochMs = START): TimedEvent[] {
  const group = kind.startsWith('ringgroup') || kind.startsWith('queue') || kind === 'internal' || kind.endsWith('transfer');
  return buildScenario(kind, { startEpochMs, extensions: group ? ['101', '102'] : ['101'], ringMs: 2000, talkMs: 5000, ...params }, sim.scenarioIds);
}

/** A bare AMI session that keeps every message it receives. */
class Client {
  readonly messages: AmiMessage[] = [];
  readonly #decoder = new AmiDecoder();
  #seq = 0;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.#decoder.push(chunk)) if (item.kind === 'message') this.messages.push(item.message);
    });
    socket.on('error', () => {});
  }

  static async login(port: number, events = 'on'): Promise<Client> {
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new Client(socket);
    const reply = await client.action('Login', { Username: 'crm', Secret: 'crmsecret', Events: events });
    assert.equal(reply.get('Response'), 'Success');
    return client;
  }

  /** Sends an action and waits for its response: every event sent before it has arrived too. */
  async action(name: string, fields: Record<string, string> = {}): Promise<AmiMessage> {
    const id = `cdr-${++this.#seq}`;
    this.socket.write(encodeAction(name, { ActionID: id, ...fields }));
    const deadline = Date.now() + 5000;
    for (;;) {
      const reply = this.messages.find((m) => m.actionId === id && m.type === 'response');
      if (reply) return reply;
      if (Date.now() > deadline || this.socket.destroyed) throw new Error(`no response to ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  cdrs(): AmiMessage[] {
    return this.messages.filter((m) => m.event === 'Cdr');
  }
}

describe('the simulator writes Master.csv as cdr_csv does', () => {
  it('every call played with no client at all: one line per Cdr, in dispatch order, each the Cdr event\'s values', async () => {
    const path = tempCsv();
    const sim = await simulator({ cdrCsv: { path } });
    assert.equal(sim.connectedClients, 0);
    const scripts = [
      call(sim, 'inbound-answered', { caller: { number: '2125550111', name: BOB } }),
      call(sim, 'ringgroup-answered', { caller: { number: '2125550113', name: INJECTION }, answeredBy: '102' }),
      call(sim, 'queue-answered', { caller: { number: '+79161234567', name: 'Иван Петров' } }),
      call(sim, 'click-to-call', { customer: { number: '15559876543', name: BOB } }),
      call(sim, 'inbound-noanswer', { caller: { number: 'anonymous', name: null }, ringMs: 15_000 }),
      call(sim, 'ringgroup-noanswer', { caller: { number: '+4930901820', name: INJECTION } }),
    ];
    // All at once, as a PBX has them: the file's order is the order the Cdrs were emitted in.
    const emitted: TimedEvent[] = [];
    const results = await Promise.all(scripts.map((s) => sim.playScenario(s, { speed: 50, onEvent: (e) => isCdr(e) && emitted.push(e) })));
    assert.ok(results.every((r) => !r.aborted));
    assert.equal(emitted.length, scripts.flat().filter(isCdr).length);
    assert.ok(emitted.length >= 9, 'ring groups and click-to-call have several Cdrs');

    const { rows, columns, text } = readCsv(path);
    assert.equal(text, emitted.map((e) => formatCdrCsvLine(e.fields)).join(''));
    assert.deepEqual(rows.map(withoutAccount), emitted.map((e) => expected(e)));
    assert.deepEqual(columns.map((c) => c[0]), emitted.map((e) => e.fields.find(([k]) => k === 'AccountCode')![1]));
    assert.equal(sim.cdrCsv?.written, emitted.length);

    const byCaller = (number: string): PbxCdr[] => rows.filter((r) => r.src === number);
    assert.deepEqual(new Set(byCaller('2125550111').map((r) => r.callerName)), new Set([BOB]));
    assert.deepEqual(new Set(byCaller('2125550113').map((r) => r.callerName)), new Set([INJECTION]));
    assert.deepEqual(new Set(byCaller('+79161234567').map((r) => r.callerName)), new Set(['Иван Петров']));
    const anonymous = byCaller('anonymous');
    // The Dial's leg, then the caller's own after the Dial gave up, as in the real Master.csv.
    assert.deepEqual(anonymous.map((r) => [r.lastapp, r.callerName, r.callerNumber, r.disposition, r.answer]), [
      ['Dial', null, 'anonymous', 'NO ANSWER', null],
      ['Hangup', null, 'anonymous', 'NO ANSWER', null],
    ]);
    assert.match(text, /,""""" <anonymous>","PJSIP\/carrier-[0-9a-f]+","PJSIP\/101-[0-9a-f]+","Dial","PJSIP\/101,15,tT","2026-07-14 09:30:00",,"2026-07-14 09:30:15",15,0,"NO ANSWER",/);
    assert.ok(text.includes('"""Bob \\\\\\""The Boss\\\\\\"" O\'Neil"" <2125550111>"'), 'clid as in the real Master.csv');
    // click-to-call: the Originate's Account is the CDR's accountcode, the first column.
    const c2c = columns.filter((c) => c[0] !== '');
    assert.ok(c2c.length > 0 && c2c.every((c) => c[0]!.startsWith('crm-')));
    // Each call's first CDR is keyed by its Linkedid (the uniqueid column of its first channel).
    for (const s of scripts) assert.ok(rows.some((r) => r.uniqueid === linkedidOf(s)), linkedidOf(s));
  });

  it('a client cut off (dropClients), a PBX refusing connections, a stalled PBX: the calls still reach the file', async () => {
    const path = tempCsv();
    const sim = await simulator({ cdrCsv: { path } });
    const client = await Client.login(sim.port);
    const a = call(sim, 'inbound-answered', { caller: { number: '2125550101', name: 'Before Cut' } });
    await sim.playScenario(a, { speed: Number.POSITIVE_INFINITY });
    await client.action('Ping');
    assert.equal(client.cdrs().length, 1);

    await sim.dropClients(); // the network cut: no Goodbye
    assert.ok(client.socket.destroyed || (await new Promise((r) => client.socket.once('close', () => r(true)))));
    const b = call(sim, 'ringgroup-answered', { caller: { number: '2125550102', name: 'During Cut' } });
    await sim.playScenario(b, { speed: Number.POSITIVE_INFINITY });

    await sim.stopListening(); // the PBX unreachable: reconnects get ECONNREFUSED
    await assert.rejects(Client.login(sim.port), /ECONNREFUSED/);
    const c = call(sim, 'queue-abandoned', { caller: { number: '2125550103', name: INJECTION } });
    await sim.playScenario(c, { speed: Number.POSITIVE_INFINITY });
    await sim.resumeListening();

    const late = await Client.login(sim.port);
    sim.stall(true); // hung AMI: nothing reaches the session, the calls go on
    const d = call(sim, 'inbound-busy', { caller: { number: '2125550104', name: 'While Stalled' } });
    await sim.playScenario(d, { speed: Number.POSITIVE_INFINITY });
    sim.stall(false);
    await late.action('Ping');
    assert.equal(late.cdrs().length, 0, 'events during a stall are lost to AMI');

    const all = [a, b, c, d].flatMap((s) => s.filter(isCdr));
    const { rows } = readCsv(path);
    assert.deepEqual(rows.map(withoutAccount), all.map((e) => expected(e)));
    assert.deepEqual([...new Set(rows.map((r) => r.src))], ['2125550101', '2125550102', '2125550103', '2125550104']);
    assert.equal(client.cdrs().length, 1, 'the cut-off client saw only the first call\'s Cdr');
  });

  it('cdrEvents: false (cdr_manager off): sessions get no Cdr, the file gets every one; setCdrEvents turns it back on', async () => {
    const path = tempCsv();
    const sim = await simulator({ cdrCsv: { path }, cdrEvents: false });
    const client = await Client.login(sim.port);
    const first = call(sim, 'ringgroup-noanswer', { caller: { number: '2125550105', name: BOB } });
    await sim.playScenario(first, { speed: Number.POSITIVE_INFINITY });
    await client.action('Ping');
    assert.ok(client.messages.some((m) => m.event === 'Hangup'), 'the other events still come');
    assert.equal(client.cdrs().length, 0);
    assert.equal(readCsv(path).rows.length, first.filter(isCdr).length);

    sim.setCdrEvents(true);
    const second = call(sim, 'inbound-answered', { caller: { number: '2125550106', name: 'Back On' } });
    await sim.playScenario(second, { speed: Number.POSITIVE_INFINITY });
    await client.action('Ping');
    assert.equal(client.cdrs().length, 1);
    assert.equal(readFileSync(path, 'utf8').split('\n').at(-2), formatCdrCsvLine(client.cdrs()[0]!)!.trimEnd());
  });

  it('timeZone: the lines are on the PBX\'s wall clock (Berlin summer time), the same instants as the Cdr events', async () => {
    const path = tempCsv();
    const sim = await simulator({ cdrCsv: { path, timeZone: 'Europe/Berlin' } });
    const script = call(sim, 'inbound-answered', { caller: { number: '2125550107', name: 'Zoned' } });
    await sim.playScenario(script, { speed: Number.POSITIVE_INFINITY });
    const [cdr] = script.filter(isCdr);
    const { rows, columns } = readCsv(path, 'Europe/Berlin');
    assert.equal(cdr!.fields.find(([k]) => k === 'StartTime')![1], '2026-07-14 09:30:00');
    assert.equal(columns[0]![9], '2026-07-14 11:30:00');
    assert.deepEqual(rows.map(withoutAccount), [expected(cdr!)]);
  });

  it('a load: every Cdr a client receives is the file\'s line, in the same order', async () => {
    const path = tempCsv();
    const sim = await simulator({ cdrCsv: { path } });
    const client = await Client.login(sim.port, 'cdr');
    const stats = await sim.startLoad({ callsPerSecond: 200, durationMs: 150, speed: Number.POSITIVE_INFINITY, seed: 7 });
    assert.ok(stats.callsCompleted >= 20);
    await client.action('Ping');
    const received = client.cdrs();
    assert.ok(received.length >= stats.callsCompleted, 'every call leaves at least one Cdr');
    assert.equal(readFileSync(path, 'utf8'), received.map((m) => formatCdrCsvLine(m)).join(''));
    assert.deepEqual(readCsv(path).rows.map(withoutAccount), received.map((m) => expected(m)));
  });

  it('replayed captures: their Cdr events become the lines, with the captured values', async () => {
    const path = tempCsv();
    const sim = await simulator({ cdrCsv: { path } });
    const cdrs: AmiMessage[] = [];
    for (const name of readdirSync(FIXTURES).filter((n) => n.endsWith('.ami')).sort()) {
      const source = readFileSync(new URL(name, FIXTURES));
      cdrs.push(...replayableEvents(loadTranscript(source).messages).filter(isCdr));
      await sim.replay(source, { speed: 1000 });
    }
    assert.ok(cdrs.length >= 25);
    const { rows } = readCsv(path);
    assert.deepEqual(rows.map(withoutAccount), cdrs.map((m) => expected(m)));
    const a3 = rows.find((r) => r.callerName === 'Ольга Смирнова' || r.callerName === 'Иван Петров');
    assert.ok(a3, 'a Cyrillic name read back from the file');
  });

  it('writeCdrCsv starts (or moves) the file at run time, stopCdrCsv stops it; a bad zone is refused', async () => {
    const sim = await simulator({});
    const first = call(sim, 'internal', { extensions: ['101', '102'] });
    await sim.playScenario(first, { speed: Number.POSITIVE_INFINITY });
    assert.equal(sim.cdrCsv, undefined);
    const path = tempCsv();
    const writer = sim.writeCdrCsv(path);
    const second = call(sim, 'outbound-from-phone', { customer: { number: '15559876543', name: INJECTION } });
    await sim.playScenario(second, { speed: Number.POSITIVE_INFINITY });
    sim.stopCdrCsv();
    await sim.playScenario(call(sim, 'inbound-answered'), { speed: Number.POSITIVE_INFINITY });
    assert.deepEqual(readCsv(path).rows.map(withoutAccount), second.filter(isCdr).map((e) => expected(e)));
    assert.equal(writer.written, second.filter(isCdr).length);
    assert.throws(() => sim.writeCdrCsv({ path, timeZone: 'Nowhere/Land' }), (e) => isCrmTelephonyError(e) && e.code === 'CONFIG_ERR_INVALID');
  });
});
