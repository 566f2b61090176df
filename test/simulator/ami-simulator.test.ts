/**
 * The PBX simulator over real loopback sockets, read with a bare `net` socket and the AMI decoder
 * (no AMI client involved), checked against what real Asterisk 20 sent in the captures.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmiDecoder, encodeAction, type AmiFieldsInput } from '../../src/ami/codec.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { isCrmTelephonyError } from '../../src/errors.ts';
import { AmiSimulator, type AmiSimulatorOptions } from '../../src/simulator/ami-simulator.ts';
import { md5Key } from '../../src/simulator/auth.ts';
import { encodeMessage } from '../../src/simulator/message-encoder.ts';
import { loadTranscript, replayableEvents } from '../../src/simulator/transcript.ts';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/ami-transcripts/${name}`, import.meta.url));

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startSimulator(options: AmiSimulatorOptions = {}): Promise<AmiSimulator> {
  const sim = new AmiSimulator(options);
  await sim.listen();
  cleanups.push(() => sim.close());
  return sim;
}

/** A bare AMI peer: writes actions, decodes what comes back, remembers which chunk brought what. */
class RawAmi {
  readonly socket: net.Socket;
  greeting: string | undefined;
  /** Decoded messages, grouped by the 'data' chunk that completed them. */
  readonly chunks: AmiMessage[][] = [];
  /** Every byte received. */
  bytes = 0;
  /** Count bytes only, without decoding (for the blast). */
  countOnly = false;
  closed = false;
  readonly #decoder = new AmiDecoder();
  readonly #queue: AmiMessage[] = [];
  readonly #waiters = new Set<() => void>();
  #seq = 0;

  static async connect(port: number): Promise<RawAmi> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawAmi(socket);
  }

  constructor(socket: net.Socket) {
    this.socket = socket;
    cleanups.push(() => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (!this.countOnly) {
        const got: AmiMessage[] = [];
        for (const item of this.#decoder.push(chunk)) {
          if (item.kind === 'greeting') this.greeting = item.line;
          else if (item.kind === 'message') got.push(item.message);
          else throw item.error;
        }
        if (got.length > 0) this.chunks.push(got);
        this.#queue.push(...got);
      }
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  /** Sends an action with an ActionID of ours (or the one given); returns the ActionID. */
  send(action: string, fields: Record<string, string> = {}): string {
    const id = fields['ActionID'] ?? `t-${++this.#seq}`;
    this.socket.write(encodeAction(action, { ActionID: id, ...fields } as AmiFieldsInput));
    return id;
  }

  /** The next message received (in order), waiting for it if need be. */
  async next(what = 'a message', ms = 3000): Promise<AmiMessage> {
    await this.waitFor(() => this.#queue.length > 0, what, ms);
    return this.#queue.shift()!;
  }

  /** Messages up to and including the first that matches; the ones before it are dropped. */
  async nextMatching(match: (m: AmiMessage) => boolean, what: string, ms = 3000): Promise<AmiMessage> {
    for (;;) {
      const m = await this.next(what, ms);
      if (match(m)) return m;
    }
  }

  async login(fields: Record<string, string> = {}): Promise<AmiMessage> {
    await this.waitFor(() => this.greeting !== undefined, 'the banner');
    const id = this.send('Login', { Username: 'crm', Secret: 'crmsecret', Events: 'on', ...fields });
    return this.nextMatching((m) => m.actionId === id && m.type === 'response', 'the Login response');
  }

  /** Every message up to the list's closing event (EventList: Complete). */
  async list(action: string, fields: Record<string, string> = {}): Promise<AmiMessage[]> {
    const id = this.send(action, fields);
    const out = [await this.nextMatching((m) => m.actionId === id, `${action}'s response`)];
    while (out.at(-1)!.get('EventList')?.toLowerCase() !== 'complete') {
      const m = await this.next(`${action}'s items`);
      if (m.actionId === id) out.push(m);
    }
    return out;
  }

  get queued(): readonly AmiMessage[] {
    return this.#queue;
  }

  waitFor(check: () => boolean, what: string, ms = 3000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      this.#waiters.add(waiter);
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

/** Polls a condition that changes on the server side, where no socket event would wake us. */
async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function loggedIn(sim: AmiSimulator, fields: Record<string, string> = {}): Promise<RawAmi> {
  const c = await RawAmi.connect(sim.port);
  const res = await c.login(fields);
  assert.equal(res.response, 'Success', res.get('Message'));
  // FullyBooted came in the same chunk as the response: take it, so tests start from a quiet line.
  if (c.queued[0]?.event === 'FullyBooted') await c.next();
  return c;
}

/** The fields of a message minus the named keys (values that depend on the clock or the session). */
function without(m: AmiMessage, ...keys: string[]): [string, string][] {
  return m.fields.filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, v]);
}

describe('connecting and logging in', () => {
  test('greets with the Asterisk 20 banner', async () => {
    const sim = await startSimulator();
    const c = await RawAmi.connect(sim.port);
    await c.waitFor(() => c.greeting !== undefined, 'the banner');
    assert.equal(c.greeting, 'Asterisk Call Manager/9.0.0');
    await c.waitFor(() => sim.connectedClients === 1, 'the server to count the connection');
  });

  test('a good login is accepted and FullyBooted arrives in the same TCP chunk', async () => {
    const sim = await startSimulator();
    const c = await RawAmi.connect(sim.port);
    const res = await c.login();
    assert.deepEqual(without(res), [
      ['Response', 'Success'],
      ['ActionID', res.actionId!],
      ['Message', 'Authentication accepted'],
    ]);
    const chunk = c.chunks.find((ms) => ms.includes(res))!;
    const booted = chunk[chunk.indexOf(res) + 1];
    assert.equal(booted?.event, 'FullyBooted', 'FullyBooted must follow in the same chunk');
    assert.equal(booted.get('Privilege'), 'system,all');
    assert.equal(booted.get('Status'), 'Fully Booted');
    assert.match(booted.get('Uptime') ?? '', /^\d+$/);
  });

  test('reproduces transcript 14 byte for byte: Permission denied before login, then a refused login and a close', async () => {
    const sim = await startSimulator();
    const c = await RawAmi.connect(sim.port);
    const received: Buffer[] = [];
    c.socket.on('data', (chunk: Buffer) => received.push(chunk));
    c.socket.write(readFileSync(fixture('sent/14-failed-login.sent')));
    await c.waitFor(() => c.closed, 'Asterisk-like close after the failed login');
    assert.equal(Buffer.concat(received).toString('utf8'), readFileSync(fixture('14-failed-login.ami'), 'utf8'));
    assert.deepEqual(
      sim.actions.map((a) => [a.clientId, a.get('Action')]),
      [
        [1, 'Ping'],
        [1, 'Login'],
      ],
    );
  });

  test('any action but Login, Challenge and Logoff is refused before login', async () => {
    const sim = await startSimulator();
    const c = await RawAmi.connect(sim.port);
    const id = c.send('Status');
    const res = await c.next();
    assert.deepEqual(without(res), [
      ['Response', 'Error'],
      ['ActionID', id],
      ['Message', 'Permission denied'],
    ]);
    assert.equal(c.closed, false);
  });

  test('MD5 challenge login: digits to hash with the secret, accepted; a wrong key is refused', async () => {
    const sim = await startSimulator();
    const c = await RawAmi.connect(sim.port);
    const id = c.send('Challenge', { AuthType: 'MD5' });
    const challenge = await c.next();
    assert.equal(challenge.response, 'Success');
    assert.equal(challenge.actionId, id);
    const digits = challenge.get('Challenge') ?? '';
    assert.match(digits, /^\d+$/);
    const res = await c.login({ AuthType: 'MD5', Key: md5Key(digits, 'crmsecret'), Secret: '' });
    assert.equal(res.get('Message'), 'Authentication accepted');

    const bad = await RawAmi.connect(sim.port);
    bad.send('Challenge', { AuthType: 'md5' });
    const other = (await bad.next()).get('Challenge') ?? '';
    const refused = await bad.login({ AuthType: 'MD5', Key: md5Key(other, 'not-it'), Secret: '' });
    assert.equal(refused.get('Message'), 'Authentication failed');
    await bad.waitFor(() => bad.closed, 'the close');
  });

  test('Events: off gets no FullyBooted and no events; Events: call gets call events only', async () => {
    const sim = await startSimulator();
    const off = await loggedIn(sim, { Events: 'off' });
    const call = await loggedIn(sim, { Events: 'call' });
    const all = await loggedIn(sim);
    sim.emitEvent({ Event: 'VarSet', Privilege: 'dialplan,all', Variable: 'X', Value: '1' });
    sim.emitEvent({ Event: 'Hangup', Privilege: 'call,all', Channel: 'PJSIP/101-00000001' });
    await all.nextMatching((m) => m.event === 'Hangup', 'the Hangup');
    await call.nextMatching((m) => m.event === 'Hangup', 'the Hangup');
    const id = off.send('Ping');
    await off.nextMatching((m) => m.actionId === id, 'the Pong'); // the events would have come first
    assert.deepEqual(off.chunks.flat().filter((m) => m.type === 'event'), []);
    assert.deepEqual(call.chunks.flat().filter((m) => m.type === 'event').map((m) => m.event), ['Hangup']);
  });

  test('Logoff says Goodbye and closes', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    c.send('Logoff');
    const bye = await c.nextMatching((m) => m.response === 'Goodbye', 'Goodbye');
    assert.equal(bye.get('Message'), 'Thanks for all the fish.');
    await c.waitFor(() => c.closed, 'the close');
  });
});

describe('actions', () => {
  test('Ping answers Pong with an epoch Timestamp to the microsecond, echoing the ActionID', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const id = c.send('Ping');
    const pong = await c.nextMatching((m) => m.type === 'response', 'the Pong');
    assert.equal(pong.actionId, id);
    assert.equal(pong.get('Ping'), 'Pong');
    assert.match(pong.get('Timestamp') ?? '', /^\d{10}\.\d{6}$/);
    assert.ok(Math.abs(Number(pong.get('Timestamp')) - Date.now() / 1000) < 5);
  });

  test('an unknown action is an Error naming it; Command answers core show version and refuses the rest', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    c.send('NoSuchThing');
    const unknown = await c.nextMatching((m) => m.type === 'response', 'the error');
    assert.equal(unknown.response, 'Error');
    assert.match(unknown.get('Message') ?? '', /^Invalid\/unknown command: NoSuchThing\./);
    c.send('Command', { Command: 'core show version' });
    const version = await c.nextMatching((m) => m.type === 'response', 'the version');
    assert.equal(version.response, 'Success');
    assert.equal(version.get('Message'), 'Command output follows');
    assert.deepEqual(version.getAll('Output'), ['Asterisk 20.20.1 built by simulator']);
    c.send('Command', { Command: 'sip show peers' });
    const missing = await c.nextMatching((m) => m.type === 'response', 'the CLI error');
    assert.equal(missing.response, 'Error');
    assert.deepEqual(missing.getAll('Output'), ["No such command 'sip show peers' (type 'core show help sip show peers' for help)"]);
  });

  test('on an idle PBX, CoreShowChannels and Status are empty lists shaped like transcript 12', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const real = loadTranscript(fixture('12-actions-ping-coreshowchannels-status-idle.ami')).messages;
    for (const [action, realId] of [
      ['CoreShowChannels', 'crm-3'],
      ['Status', 'crm-4'],
    ] as const) {
      const ours = await c.list(action, { ActionID: realId });
      const theirs = real.filter((m) => m.actionId === realId);
      assert.deepEqual(
        ours.map((m) => m.fields),
        theirs.map((m) => m.fields),
      );
    }
  });

  test('after replaying transcript 13 up to its actions, the list answers match what Asterisk sent', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const real = loadTranscript(fixture('13-actions-during-active-call.ami')).messages;
    // Everything the PBX sent before it answered the capture's Ping (crm-2): the call is bridged.
    const firstAnswer = real.findIndex((m) => m.actionId === 'crm-2');
    await sim.replay(real.slice(0, firstAnswer));
    assert.deepEqual(
      sim.channels.map((ch) => ch.snapshot.Channel),
      ['PJSIP/carrier-00000019', 'PJSIP/101-0000001a'],
    );
    const cases = [
      ['CoreShowChannels', 'crm-3', {}, 'Duration'],
      ['Status', 'crm-4', {}, 'Seconds'],
      ['Status', 'crm-5', { Channel: 'PJSIP/101-0000001a', Variables: 'CRM_RECORDING,CRM_DID,DIALSTATUS' }, 'Seconds'],
    ] as const;
    for (const [action, id, fields, clock] of cases) {
      const ours = await c.list(action, { ActionID: id, ...fields });
      const theirs = real.filter((m) => m.actionId === id);
      assert.deepEqual(
        ours.map((m) => without(m, clock)),
        theirs.map((m) => without(m, clock)),
        `${action} ${id}`,
      );
    }
    // The Variable lines, spelled out: inherited CRM_* values and DIALSTATUS unset on this leg.
    const status = (await c.list('Status', { Channel: 'PJSIP/101-0000001a', Variables: 'CRM_DID,DIALSTATUS' }))[1]!;
    assert.deepEqual(status.getAll('Variable'), ['CRM_DID=5550100', 'DIALSTATUS=(null)']);
    c.send('Getvar', { ActionID: 'crm-6', Channel: 'PJSIP/101-0000001a', Variable: 'CRM_RECORDING' });
    const getvar = await c.nextMatching((m) => m.actionId === 'crm-6', 'the Getvar answer');
    assert.deepEqual(getvar.fields, real.find((m) => m.actionId === 'crm-6')!.fields);
  });

  test('Setvar on a channel publishes VarSet and Getvar reads it back; a missing channel is an Error', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    sim.emitEvent({
      Event: 'Newchannel',
      Privilege: 'call,all',
      Channel: 'PJSIP/102-00000002',
      ChannelState: '4',
      ChannelStateDesc: 'Ring',
      Uniqueid: '1795460000.2',
      Linkedid: '1795460000.2',
    });
    c.send('Setvar', { Channel: 'PJSIP/102-00000002', Variable: '__CRM_CALL_ID', Value: 'crm-42' });
    assert.equal((await c.nextMatching((m) => m.type === 'response', 'Setvar')).get('Message'), 'Variable Set');
    const varset = await c.nextMatching((m) => m.event === 'VarSet', 'the VarSet');
    assert.equal(varset.get('Channel'), 'PJSIP/102-00000002');
    c.send('Getvar', { Channel: 'PJSIP/102-00000002', Variable: 'CRM_CALL_ID' });
    assert.equal((await c.nextMatching((m) => m.type === 'response', 'Getvar')).get('Value'), 'crm-42');
    c.send('Getvar', { Channel: 'PJSIP/999-00000000', Variable: 'X' });
    const none = await c.nextMatching((m) => m.type === 'response', 'the error');
    assert.equal(none.get('Message'), 'No such channel');
  });

  test('Originate with Async is queued, then an OriginateResponse carries the same ActionID', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const id = c.send('Originate', {
      Channel: 'PJSIP/101',
      Context: 'click-to-call',
      Exten: '15559876543',
      Priority: '1',
      CallerID: '"Customer 15559876543" <15559876543>',
      Async: 'true',
    });
    const queued = await c.nextMatching((m) => m.type === 'response', 'the reply');
    assert.deepEqual(without(queued), [
      ['Response', 'Success'],
      ['ActionID', id],
      ['Message', 'Originate successfully queued'],
    ]);
    const done = await c.nextMatching((m) => m.event === 'OriginateResponse', 'the OriginateResponse');
    assert.deepEqual(
      done.fields.map(([k]) => k),
      ['Event', 'Privilege', 'ActionID', 'Response', 'Channel', 'Context', 'Exten', 'Reason', 'Uniqueid', 'CallerIDNum', 'CallerIDName'],
    );
    assert.equal(done.actionId, id);
    assert.equal(done.get('Response'), 'Success');
    assert.match(done.get('Channel') ?? '', /^PJSIP\/101-[0-9a-f]{8}$/);
    assert.equal(done.get('Reason'), '4');
    assert.equal(done.get('CallerIDNum'), '15559876543');
    assert.equal(done.get('CallerIDName'), 'Customer 15559876543');
    assert.equal(sim.originates.length, 1);
    assert.equal(sim.originates[0]!.get('Exten'), '15559876543');
  });

  test('onAction can withhold an answer, answer instead, or let the simulator answer later', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    let later: (() => void) | undefined;
    const remove = sim.onAction((action, ctx) => {
      if (action.get('Action') === 'QueueStatus') return 'ignore';
      if (action.get('Action') === 'Hangup') return { Response: 'Error', Message: 'No such channel' };
      if (action.get('Action') === 'Ping' && action.actionId === 'slow') {
        later = () => ctx.proceed();
        return 'ignore';
      }
      return undefined;
    });
    c.send('QueueStatus', { ActionID: 'never' });
    const hangupId = c.send('Hangup', { Channel: 'PJSIP/101-00000001' });
    const hangup = await c.next();
    assert.deepEqual(without(hangup), [
      ['Response', 'Error'],
      ['ActionID', hangupId],
      ['Message', 'No such channel'],
    ]);
    c.send('Ping', { ActionID: 'slow' });
    await until(() => later !== undefined, 'the slow Ping to arrive');
    assert.equal(c.queued.length, 0, 'nothing answered yet');
    later!();
    assert.equal((await c.next()).actionId, 'slow');
    remove();
    c.send('QueueStatus', { ActionID: 'now' });
    assert.equal((await c.next()).actionId, 'now', 'the handler is gone: the simulator answers');
    // The withheld action is still in the log, with the connection that sent it.
    const logged = sim.actions.filter((a) => a.actionId === 'never');
    assert.deepEqual(logged.map((a) => [a.clientId, a.message.get('Action')]), [[1, 'QueueStatus']]);
  });
});

describe('events and replay', () => {
  test('a session that stops reading is closed once it leaves maxUnreadBytes unread (as Asterisk closes one it cannot write to); the others go on', async () => {
    const sim = await startSimulator({ maxUnreadBytes: 256 * 1024 });
    const stuck = await loggedIn(sim);
    const reading = await loggedIn(sim);
    reading.countOnly = true;
    stuck.socket.pause();
    const event = { Event: 'UserEvent', Privilege: 'user,all', UserEvent: 'Filler', Data: 'x'.repeat(900) };
    // Far more than the kernel's loopback buffers and the cap together.
    for (let i = 0; i < 40_000 && sim.sessionsClosedBehind === 0; i++) {
      sim.emitEvent(event);
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(sim.sessionsClosedBehind, 1, 'the session that did not read was closed');
    // Once it reads again, it finds its connection gone.
    stuck.countOnly = true;
    stuck.socket.resume();
    await stuck.waitFor(() => stuck.closed, 'the stuck session to see its connection closed', 5000);
    const before = reading.bytes;
    sim.emitEvent(event);
    await reading.waitFor(() => reading.bytes > before, 'the reading session to go on getting events');
    assert.equal(reading.closed, false);
  });

  test('a replay of transcript 01 delivers exactly its events, in order', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const path = fixture('01-inbound-answered-101.ami');
    const expected = [...readFileSync(path, 'utf8').matchAll(/^Event: (.*)\r$/gm)].map((m) => m[1]);
    assert.equal(expected.length, 115);
    await sim.replay(path);
    const got: AmiMessage[] = [];
    for (let i = 0; i < expected.length; i++) got.push(await c.next(`event ${i + 1}`));
    assert.deepEqual(got.map((m) => m.event), expected);
    const id = c.send('Ping');
    assert.equal((await c.next()).actionId, id, 'nothing more than the file held');
  });

  test('a replay skips the capturing session’s responses and list items but keeps OriginateResponse', () => {
    const messages = loadTranscript(fixture('07-click-to-call-originate-101-to-customer.ami')).messages;
    const events = replayableEvents(messages);
    assert.ok(events.every((m) => m.type === 'event'));
    assert.equal(events.filter((m) => m.event === 'OriginateResponse').length, 1);
    const listItems = replayableEvents(loadTranscript(fixture('13-actions-during-active-call.ami')).messages).filter(
      (m) => m.event === 'Status' || m.event === 'CoreShowChannel',
    );
    assert.deepEqual(listItems, []);
  });

  test('timestamped transcripts are paced by their own clock divided by speed', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const messages = loadTranscript(fixture('t1-timestamps-inbound-answered-102.ami')).messages;
    const stamps = replayableEvents(messages).flatMap((m) => (m.has('Timestamp') ? [Number(m.get('Timestamp'))] : []));
    const span = (stamps.at(-1)! - stamps[0]!) * 1000;
    const speed = 100;
    const started = performance.now();
    await sim.replay(messages, { speed });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= (span / speed) * 0.9, `took ${elapsed} ms for a ${span / speed} ms schedule`);
    const count = replayableEvents(messages).length;
    await c.waitFor(() => c.queued.length >= count, 'every event');
    assert.equal(c.queued.length, count);
  });

  test('emitEvent refuses a CR or LF and sends nothing', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    assert.throws(
      () => sim.emitEvent({ Event: 'Newchannel', CallerIDName: 'Evil\r\nEvent: Hangup' }),
      (err: unknown) => isCrmTelephonyError(err, 'AMI_ERR_INJECTION'),
    );
    assert.throws(() => encodeMessage([['Bad\nKey', 'x']]), (err: unknown) => isCrmTelephonyError(err, 'AMI_ERR_INJECTION'));
    const id = c.send('Ping');
    await c.nextMatching((m) => m.actionId === id, 'the Pong');
    assert.deepEqual(c.chunks.flat().filter((m) => m.event === 'Newchannel'), []);
    assert.equal(sim.channels.length, 0);
  });
});

describe('failures on demand', () => {
  test('dropClients closes every connection', async () => {
    const sim = await startSimulator();
    const a = await loggedIn(sim);
    const b = await RawAmi.connect(sim.port);
    await b.waitFor(() => sim.connectedClients === 2, 'two connections');
    await sim.dropClients();
    await a.waitFor(() => a.closed, 'the logged-in connection to close');
    await b.waitFor(() => b.closed, 'the other connection to close');
    assert.equal(sim.connectedClients, 0);
  });

  test('stopListening refuses connections on the port; resumeListening accepts again on the same one', async () => {
    const sim = await startSimulator();
    const port = sim.port;
    await sim.stopListening();
    await assert.rejects(RawAmi.connect(port), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
    assert.equal(sim.port, port);
    await sim.resumeListening();
    assert.equal(sim.port, port);
    await loggedIn(sim);
  });

  test('while stalled nothing is read or answered; afterwards the waiting action is answered', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    sim.stall(true);
    const id = c.send('Ping');
    sim.emitEvent({ Event: 'Hangup', Privilege: 'call,all', Uniqueid: '1.1' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.queued.length, 0);
    assert.equal(sim.actions.filter((a) => a.get('Action') === 'Ping').length, 0, 'not even read');
    sim.stall(false);
    assert.equal((await c.next()).actionId, id);
  });

  test('blast delivers payload x repeat bytes, waiting while the reader does not read', async () => {
    const sim = await startSimulator();
    const c = await loggedIn(sim);
    const id = c.send('Ping');
    await c.nextMatching((m) => m.actionId === id, 'the Pong');
    c.countOnly = true;
    const before = c.bytes;
    const payload = Buffer.from(encodeMessage({ Event: 'Newexten', Privilege: 'dialplan,all', AppData: 'x'.repeat(65_000) }));
    const repeat = 320; // ~21 MB: more than the kernel buffers hold while the reader sleeps
    c.socket.pause();
    let finished = false;
    const blasting = sim.blast(payload, repeat).then(() => (finished = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(finished, false, 'blast must wait for drain, not buffer everything');
    c.socket.resume();
    await blasting;
    await c.waitFor(() => c.bytes - before >= payload.length * repeat, 'every byte', 10_000);
    assert.equal(c.bytes - before, payload.length * repeat);
  });
});
