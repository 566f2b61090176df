/**
 * A PBX simulator: a TCP server that speaks AMI as Asterisk 20 does, so the AMI client, the call
 * engine and the benchmarks can run against something that behaves like the real PBX (banner,
 * login, list actions, Originate, events) and against the failures a real one has (wrong secret,
 * a secret fixed later, a PBX shutting down, a hung PBX, a dropped connection, a refused
 * reconnect), without an Asterisk installed.
 *
 * Responses are shaped field for field like Asterisk 20's main/manager.c and the captures in
 * test/fixtures/ami-transcripts/. The channels it reports are those its own events described
 * (see channel-table.ts), so a replayed call can be inspected with CoreShowChannels or Status.
 * Like a real PBX it also keeps its own CDRs, in a cdr_csv Master.csv (see cdr-csv-writer.ts),
 * whoever is connected, and, when asked, the recordings of the calls it plays
 * (recording-writer.ts); and an Originate may ring phones and place the call it asks for
 * (originate-call.ts).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AmiDecoder } from '../ami/codec.ts';
import { AmiMessage, type AmiField } from '../ami/message.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { CdrCsvWriter, type CdrCsvOptions } from './cdr-csv-writer.ts';
import { RecordingWriter } from './recording-writer.ts';
import { originateCallParams, withoutPlaceholderActionId, type OriginateCallOptions } from './originate-call.ts';
import { buildScenario } from './scenarios/build.ts';
import {
  overrideMessages,
  ReceivedAction,
  type ActionContext,
  type ActionHandler,
  type ActionOverride,
} from './action-hooks.ts';
import { loginAccepted, newChallenge } from './auth.ts';
import { coreShowChannelsReply, getvarReply, statusReply, varSetEvent } from './channel-replies.ts';
import { ChannelTable, type ChannelRecord } from './channel-table.ts';
import { describeMask, maskAllows, parseEventMask, type EventMask } from './event-mask.ts';
import { EventFilters } from './event-filter.ts';
import { encodeMessage, encodeMessages, toFieldList, type SimFields } from './message-encoder.ts';
import { playEvents, type ReplayOptions } from './replay.ts';
import { destroySocket, pump } from './socket-writes.ts';
import { ack, commandReply, error, fullyBootedEvent, pingReply, planOriginate, response } from './replies.ts';
import { loadTranscript, replayableEvents } from './transcript.ts';
import { ScenarioIds } from './scenarios/ids.ts';
import { runLoad, type LoadOptions, type LoadStats } from './scenarios/load.ts';
import { ScenarioPlayer, type PlayOptions, type PlayResult } from './scenarios/playback.ts';
import type { TimedEvent } from './scenarios/types.ts';

export { ReceivedAction, type ActionContext, type ActionHandler, type ActionOverride };
export type { ReplayOptions, PlayOptions, PlayResult, LoadOptions, LoadStats, TimedEvent, CdrCsvOptions, OriginateCallOptions };
export { CdrCsvWriter, RecordingWriter };

export interface AmiSimulatorOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port. Default 0: a free port, read back from `listen()` or `port`. */
  port?: number;
  /** The one AMI user the simulator knows. Default `crm`, as in the fixtures' manager.conf. */
  username?: string;
  /** That user's secret. Default `crmsecret`. */
  secret?: string;
  /** AMI protocol version in the banner. Default `9.0.0` (Asterisk 20). */
  version?: string;
  /** Milliseconds between an `Async: true` Originate's reply and its OriginateResponse. Default 10. */
  originateDelayMs?: number;
  /**
   * Write the PBX's Master.csv as cdr_csv does: one line per Cdr event the simulator produces
   * (scenarios, loads, replays, emitEvent), at the moment it is produced, whether or not any
   * client is connected or logged in, and while stalled. `{ path, timeZone?, eventTimeZone? }`
   * (see CdrCsvOptions). Default: no file (`writeCdrCsv()` starts one later).
   */
  cdrCsv?: CdrCsvOptions;
  /**
   * Send Cdr events over AMI (cdr_manager on, as on the fixtures' PBX). Default true. False: the
   * Cdrs still reach Master.csv but no session gets them, as on the many PBXs with cdr_manager off.
   */
  cdrEvents?: boolean;
  /** AMI over TLS, as manager.conf's `tlsenable` (PEM key and certificate). Default: plain TCP. */
  tls?: { key: string; cert: string };
  /**
   * The folder standing for the PBX's /var/spool/asterisk/monitor: each answered call whose
   * dialplan recorded it (`__CRM_RECORDING`, MIXMONITOR_FILENAME, CDR(userfield)) leaves its WAV
   * there, named as reported, once its Cdr is produced (see recording-writer.ts). Default: none.
   */
  recordingsDir?: string;
  /**
   * An `Async: true` Originate of `Channel: PJSIP/<ext>` to an `Exten` plays the call it starts
   * (the click-to-call scenario, see originate-call.ts): the agent's phone rings and answers, then
   * the customer's, who talks and hangs up; ActionID, `Variable:` lines and `Account` carried as
   * Asterisk carries them. `true` or timings. Default false: only the OriginateResponse, after
   * `originateDelayMs`, with no channel events.
   */
  originatePlaysCall?: boolean | OriginateCallOptions;
  /**
   * A session that leaves this many bytes of events unread is closed. Asterisk gives up on a manager
   * session it cannot write to within manager.conf's `writetimeout` (100 ms by default) and closes it;
   * the simulator shares a thread with benchmarks whose own pauses would make a time limit unfair,
   * so it counts bytes, and its memory stays bounded while a client does not read. Default 32 MiB.
   */
  maxUnreadBytes?: number;
}

interface Client {
  readonly id: number;
  readonly socket: Socket;
  readonly decoder: AmiDecoder;
  loggedIn: boolean;
  events: EventMask;
  /** Added with the `Filter` action; gone with the connection, as in Asterisk. */
  filters: EventFilters;
  challenge: string | undefined;
  greeted: boolean;
  /** Set once we answered Logoff or a failed Login: nothing more is read or sent. */
  closing: boolean;
  /** Chunks that arrived while stalled (normally none: the socket is paused). */
  held: Buffer[];
}

/** A connection that does not close after we ended it is cut off after this long. */
const LINGER_MS = 1000;

export class AmiSimulator {
  /** Every action received, in order, from every connection (including Login with its secret). */
  readonly actions: ReceivedAction[] = [];
  /** Every Originate received from a logged-in connection. */
  readonly originates: ReceivedAction[] = [];
  readonly #host: string;
  readonly #tls: { key: string; cert: string } | undefined;
  #port: number;
  readonly #credentials: { readonly username: string; secret: string };
  readonly #version: string;
  readonly #originateDelayMs: number;
  #server: Server | undefined;
  readonly #clients = new Map<number, Client>();
  #nextClientId = 1;
  readonly #channels = new ChannelTable();
  readonly #globals = new Map<string, string>();
  #handlers: ActionHandler[] = [];
  #stalled = false;
  #shuttingDown = false;
  #closed = false;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Aborted by close(): stops replays that are still running. */
  readonly #lifetime = new AbortController();
  readonly #startedAt = Date.now();
  /** Channel numbers and Uniqueids for generated calls and Originate answers alike, so they never collide. */
  readonly #ids = new ScenarioIds();
  #player: ScenarioPlayer | undefined;
  #cdrCsv: CdrCsvWriter | undefined;
  #cdrEvents: boolean;
  readonly #maxUnreadBytes: number;
  /** Sessions closed because they left `maxUnreadBytes` unread. */
  #closedBehind = 0;
  readonly #recordings: RecordingWriter | undefined;
  readonly #originateCall: OriginateCallOptions | undefined;

  constructor(options: AmiSimulatorOptions = {}) {
    this.#host = options.host ?? '127.0.0.1';
    this.#tls = options.tls;
    this.#port = options.port ?? 0;
    this.#credentials = { username: options.username ?? 'crm', secret: options.secret ?? 'crmsecret' };
    this.#version = options.version ?? '9.0.0';
    this.#originateDelayMs = options.originateDelayMs ?? 10;
    this.#cdrEvents = options.cdrEvents ?? true;
    this.#maxUnreadBytes = options.maxUnreadBytes ?? 32 * 1024 * 1024;
    if (options.cdrCsv !== undefined) this.#cdrCsv = new CdrCsvWriter(options.cdrCsv);
    if (options.recordingsDir !== undefined) this.#recordings = new RecordingWriter({ dir: options.recordingsDir });
    const playsCall = options.originatePlaysCall ?? false;
    this.#originateCall = playsCall === false ? undefined : playsCall === true ? {} : playsCall;
  }

  /** The port listened on (after listen(); also while stopped, so a test can reconnect to it). */
  get port(): number {
    return this.#port;
  }

  /** Open TCP connections, logged in or not. */
  get connectedClients(): number {
    return this.#clients.size;
  }

  /** The channels the simulator believes exist (read only). */
  get channels(): readonly Readonly<ChannelRecord>[] {
    return this.#channels.list();
  }

  async listen(): Promise<{ host: string; port: number }> {
    if (this.#closed) {
      throw new CrmTelephonyError(ErrorCodes.AMI_ERR_CLOSED, 'This AMI simulator was closed; create a new one.');
    }
    if (!this.#server) {
      const tlsOptions = this.#tls;
      const server = tlsOptions ? createTlsServer(tlsOptions, (socket) => this.#accept(socket)) : createServer((socket) => this.#accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: this.#host, port: this.#port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.#server = server;
      this.#port = (server.address() as AddressInfo).port;
    }
    return { host: this.#host, port: this.#port };
  }

  /**
   * Closes the listening socket but keeps the port number and the open connections: a client
   * that reconnects now gets ECONNREFUSED, as when Asterisk is down.
   */
  async stopListening(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    // close() frees the port at once; its callback would wait for the live connections, so no await.
    server.close();
    await nextTurn();
  }

  /** Listens again on the same port. */
  async resumeListening(): Promise<void> {
    await this.listen();
  }

  /** Stops everything: the listener, every connection, pending OriginateResponses and replays. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lifetime.abort();
    this.#player?.close();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const server = this.#server;
    this.#server = undefined;
    await Promise.all([
      this.dropClients(),
      server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined,
    ]);
  }

  /** Sessions closed because they did not read their events (see `maxUnreadBytes`). */
  get sessionsClosedBehind(): number {
    return this.#closedBehind;
  }

  /** Destroys every connection at once (no Goodbye), as a crashed PBX or a cut cable would. */
  async dropClients(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => destroySocket(c.socket)));
  }

  /**
   * While on, the PBX is frozen: it reads nothing (the sockets are paused, so the client's writes
   * back up in TCP), answers nothing, sends no events and greets no new connection. Turning it
   * off handles whatever arrived meanwhile, as a PBX that recovers from a hang would.
   */
  stall(on: boolean): void {
    if (this.#stalled === on) return;
    this.#stalled = on;
    for (const client of this.#clients.values()) {
      if (on) {
        client.socket.pause();
        continue;
      }
      if (!client.greeted) this.#greet(client);
      for (const chunk of client.held.splice(0)) this.#process(client, chunk);
      client.socket.resume();
    }
  }

  /**
   * While on, the PBX behaves as Asterisk does once a stop or restart has begun (ast_shutting_down()
   * in manager.c's process_message): every action, Login and Challenge included, logged in or not,
   * is answered `Response: Error` / `Message: Asterisk is shutting down`, and the connection stays
   * open. Logged-in sessions still get events. Turning it off is a cancelled shutdown, or the PBX
   * back after its restart.
   */
  setShuttingDown(on: boolean): void {
    this.#shuttingDown = on;
  }

  /**
   * Changes the secret that Login accepts from now on, as an admin editing manager.conf and running
   * `manager reload` does. Sessions already logged in stay logged in.
   */
  setSecret(secret: string): void {
    this.#credentials.secret = secret;
  }

  /**
   * From now on, every Cdr event is also a line of this Master.csv (a path, or `{ path, timeZone? }`),
   * instead of the file written so far, if any. Returns the writer, whose counters tell what was
   * written. Throws CONFIG_ERR_INVALID for an unknown time zone.
   */
  writeCdrCsv(target: string | CdrCsvOptions): CdrCsvWriter {
    this.#cdrCsv = new CdrCsvWriter(typeof target === 'string' ? { path: target } : target);
    return this.#cdrCsv;
  }

  /** Stops writing Master.csv (the file stays). */
  stopCdrCsv(): void {
    this.#cdrCsv = undefined;
  }

  /** The Master.csv writer, when one is on. */
  get cdrCsv(): CdrCsvWriter | undefined {
    return this.#cdrCsv;
  }

  /** The recordings writer, when `recordingsDir` was given (its counters tell what was written). */
  get recordings(): RecordingWriter | undefined {
    return this.#recordings;
  }

  /** Turns cdr_manager on or off: whether sessions get Cdr events (Master.csv is written either way). */
  setCdrEvents(on: boolean): void {
    this.#cdrEvents = on;
  }

  /** Adds a handler that may answer actions instead of the simulator; returns its remover. */
  onAction(handler: ActionHandler): () => void {
    this.#handlers.push(handler);
    return () => {
      this.#handlers = this.#handlers.filter((h) => h !== handler);
    };
  }

  /**
   * Sends an event to every logged-in connection whose event mask admits its `Privilege:`, and
   * updates the channel table from it. Refuses (AMI_ERR_INJECTION) a CR or LF in any field.
   */
  emitEvent(fields: SimFields): void {
    const list = toFieldList(fields);
    const bytes = Buffer.from(encodeMessage(list)); // validates before any state changes
    this.#deliver(new AmiMessage(list), bytes);
  }

  /**
   * Sends a captured session's events again, in order, to every logged-in connection (see
   * replayableEvents for which messages count as events). Resolves when all are sent, or early
   * when the simulator closes or `options.signal` aborts.
   */
  async replay(source: string | Buffer | readonly AmiMessage[], options: ReplayOptions = {}): Promise<void> {
    const messages = typeof source === 'string' || Buffer.isBuffer(source) ? loadTranscript(source).messages : source;
    const signal = options.signal ? AbortSignal.any([options.signal, this.#lifetime.signal]) : this.#lifetime.signal;
    await playEvents(
      replayableEvents(messages),
      (event) => this.#deliver(event, Buffer.from(encodeMessage(event.fields))),
      options,
      signal,
    );
  }

  /** The allocator of this PBX's channel names and Uniqueids: build scenarios with it to play them here. */
  get scenarioIds(): ScenarioIds {
    return this.#ids;
  }

  /**
   * Plays a generated call (src/simulator/scenarios: `buildScenario(kind, params, sim.scenarioIds)`):
   * every event is sent at its `atMs` divided by `options.speed` and updates the channel table,
   * so CoreShowChannels and Status during the call describe it. Several calls may play at once.
   * Resolves when the last event is sent, or early (`aborted`) on `options.signal` or close().
   */
  playScenario(script: readonly TimedEvent[], options: PlayOptions = {}): Promise<PlayResult> {
    try {
      return this.#scenarioPlayer().play(script, { ...options, signal: this.#withLifetime(options.signal) }).done;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Load mode: `callsPerSecond` new calls of a weighted `mix` of kinds for `durationMs`, each
   * played like playScenario. Resolves with the statistics once the last call has ended; throws
   * CONFIG_ERR_INVALID for options it cannot honour (see LoadOptions for the ceilings).
   */
  startLoad(options: LoadOptions): Promise<LoadStats> {
    const player = this.#scenarioPlayer();
    try {
      return runLoad(
        { ids: this.#ids, play: (events, playOptions) => player.play(events, playOptions) },
        { ...options, signal: this.#withLifetime(options.signal) },
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Created on first use; after close() it exists only to answer "aborted". */
  #scenarioPlayer(): ScenarioPlayer {
    if (this.#player === undefined) {
      this.#player = new ScenarioPlayer((fields) => this.emitEvent(fields));
      if (this.#closed) this.#player.close();
    }
    return this.#player;
  }

  #withLifetime(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.#lifetime.signal]) : this.#lifetime.signal;
  }

  /**
   * Writes `payload` `repeat` times to every logged-in connection, exactly as given, waiting for
   * 'drain' whenever the socket's buffer is full. Resolves when every byte reached the kernel (or
   * the connection closed): the benchmark's clock stops on the client, never on our buffering.
   */
  async blast(payload: Buffer, repeat: number): Promise<void> {
    const targets = [...this.#clients.values()].filter((c) => c.loggedIn && !c.closing && !c.socket.destroyed);
    await Promise.all(targets.map((c) => pump(c.socket, payload, repeat)));
  }

  #accept(socket: Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const client: Client = {
      id: this.#nextClientId++,
      socket,
      decoder: new AmiDecoder({ expectGreeting: false }),
      loggedIn: false,
      events: 'all',
      filters: new EventFilters(),
      challenge: undefined,
      greeted: false,
      closing: false,
      held: [],
    };
    this.#clients.set(client.id, client);
    socket.setNoDelay(true); // Asterisk sets TCP_NODELAY on manager sessions too
    socket.on('data', (chunk: Buffer) => {
      if (this.#stalled) client.held.push(chunk);
      else this.#process(client, chunk);
    });
    // A client that vanishes resets the connection; 'close' follows and cleans up.
    socket.on('error', () => {});
    socket.on('close', () => {
      client.loggedIn = false;
      this.#clients.delete(client.id);
    });
    if (this.#stalled) socket.pause();
    else this.#greet(client);
  }

  #greet(client: Client): void {
    client.greeted = true;
    client.socket.write(`Asterisk Call Manager/${this.#version}\r\n`);
  }

  #process(client: Client, chunk: Buffer): void {
    for (const item of client.decoder.push(chunk)) {
      if (client.closing) return;
      if (item.kind === 'message') this.#receive(client, item.message);
      else if (item.kind === 'error') {
        this.#write(client, encodeMessage([
          ['Response', 'Error'],
          ['Message', 'Failed to parse message: line too long'],
        ]));
      }
    }
  }

  #receive(client: Client, message: AmiMessage): void {
    const action = new ReceivedAction(message, client.id);
    this.actions.push(action);
    if (client.loggedIn && action.get('Action')?.toLowerCase() === 'originate') this.originates.push(action);
    let proceeded = false; // the simulator's own answer is given at most once
    const context: ActionContext = {
      clientId: client.id,
      get loggedIn() {
        return client.loggedIn;
      },
      send: (message) => this.#sendTo(client, action, message),
      proceed: () => {
        if (proceeded) return;
        proceeded = true;
        this.#answer(client, action);
      },
    };
    for (const handler of this.#handlers) {
      const result = handler(action, context);
      if (result === undefined) continue;
      if (result === 'close') void destroySocket(client.socket);
      else if (result !== 'ignore') this.#sendTo(client, action, result);
      return;
    }
    context.proceed();
  }

  #sendTo(client: Client, action: AmiMessage, payload: SimFields | readonly SimFields[] | Buffer): void {
    if (Buffer.isBuffer(payload)) {
      this.#write(client, payload);
      return;
    }
    const messages = overrideMessages(action, payload);
    if (messages.length > 0) this.#write(client, encodeMessages(messages));
  }

  #write(client: Client, data: string | Buffer): void {
    if (this.#stalled || client.closing || client.socket.destroyed) return;
    client.socket.write(data);
  }

  #reply(client: Client, messages: readonly SimFields[]): void {
    this.#write(client, encodeMessages(messages));
  }

  /** Answers, then closes as Asterisk does after Logoff and after a failed Login. */
  #answerAndClose(client: Client, message: SimFields): void {
    if (this.#stalled || client.closing || client.socket.destroyed) return;
    client.closing = true;
    client.loggedIn = false;
    const socket = client.socket;
    socket.end(encodeMessage(message));
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }

  /** The simulator's own answer to an action. */
  #answer(client: Client, action: AmiMessage): void {
    const name = action.get('Action') ?? '';
    const lower = name.toLowerCase();
    if (name === '') return this.#reply(client, [error(action, 'Missing action in request')]);
    // Asterisk checks this before anything else but the missing action, and does not close.
    if (this.#shuttingDown) return this.#reply(client, [error(action, 'Asterisk is shutting down')]);
    if (!client.loggedIn && lower !== 'login' && lower !== 'logoff' && lower !== 'challenge') {
      return this.#reply(client, [error(action, 'Permission denied')]);
    }
    const now = Date.now();
    switch (lower) {
      case 'login':
        return this.#login(client, action);
      case 'challenge':
        if ((action.get('AuthType') ?? '').toLowerCase() !== 'md5') {
          return this.#reply(client, [error(action, 'Must specify AuthType')]);
        }
        client.challenge ??= newChallenge();
        return this.#reply(client, [response(action, 'Success', [['Challenge', client.challenge]])]);
      case 'logoff':
        return this.#answerAndClose(client, response(action, 'Goodbye', [['Message', 'Thanks for all the fish.']]));
      case 'ping':
        return this.#reply(client, [pingReply(action, now)]);
      case 'events':
        client.events = parseEventMask(action.get('EventMask'));
        return this.#reply(client, [response(action, 'Success', [['Events', describeMask(client.events)]])]);
      case 'coreshowchannels':
        return this.#reply(client, coreShowChannelsReply(action, this.#channels, now));
      case 'status':
        return this.#reply(client, statusReply(action, this.#channels, this.#globals, now));
      case 'getvar':
        return this.#reply(client, [getvarReply(action, this.#channels, this.#globals)]);
      case 'setvar':
        return this.#setvar(client, action);
      case 'command':
        return this.#reply(client, [commandReply(action)]);
      case 'originate':
        return this.#originate(client, action);
      case 'filter':
        return this.#filter(client, action);
      default:
        return this.#reply(client, [
          error(action, `Invalid/unknown command: ${name}. Use Action: ListCommands to show available commands.`),
        ]);
    }
  }

  #login(client: Client, action: AmiMessage): void {
    if (client.loggedIn) return this.#reply(client, [ack(action, 'Already authenticated')]);
    if (!loginAccepted(action, this.#credentials, client.challenge)) {
      return this.#answerAndClose(client, error(action, 'Authentication failed'));
    }
    client.loggedIn = true;
    client.events = parseEventMask(action.get('Events'));
    const messages: AmiField[][] = [ack(action, 'Authentication accepted')];
    // Same write as the reply: clients must cope with an event glued to the Login response.
    if (maskAllows(client.events, 'system')) {
      messages.push(fullyBootedEvent(Math.floor((Date.now() - this.#startedAt) / 1000)));
    }
    this.#reply(client, messages);
  }

  /** manager.c `action_filter`: only `Operation: Add`; the filter lasts as long as the connection. */
  #filter(client: Client, action: AmiMessage): void {
    if ((action.get('Operation') ?? '').toLowerCase() !== 'add') return this.#reply(client, [error(action, 'Unknown operation')]);
    const added = client.filters.add(action.get('Filter') ?? '', action.get('MatchCriteria'));
    this.#reply(client, [added.ok ? ack(action, 'Success') : error(action, added.message)]);
  }

  #setvar(client: Client, action: AmiMessage): void {
    const variable = action.get('Variable') ?? '';
    if (variable === '') return this.#reply(client, [error(action, 'No variable specified')]);
    const value = action.get('Value') ?? '';
    const name = action.get('Channel') ?? '';
    if (name === '') {
      this.#globals.set(variable, value);
      return this.#reply(client, [ack(action, 'Variable Set')]);
    }
    const chan = this.#channels.find(name);
    if (!chan) return this.#reply(client, [error(action, 'No such channel')]);
    this.#reply(client, [ack(action, 'Variable Set')]);
    this.emitEvent(varSetEvent(chan, variable, value));
  }

  #originate(client: Client, action: AmiMessage): void {
    const plan = planOriginate(action, this.#ids.peekChannelNumber(), Math.floor(this.#startedAt / 1000));
    this.#reply(client, [plan.reply]);
    const event = plan.event;
    if (!event) return;
    if (this.#originateCall !== undefined && this.#playOriginate(action, this.#originateCall)) return;
    this.#ids.reserveChannelNumber();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.emitEvent(event);
    }, this.#originateDelayMs);
    this.#timers.add(timer);
  }

  /** Plays the call an Originate starts; false when the click-to-call scenario cannot stand for it. */
  #playOriginate(action: AmiMessage, options: OriginateCallOptions): boolean {
    const params = originateCallParams(action, options, Date.now());
    if (params === null) return false;
    let events: TimedEvent[];
    try {
      events = withoutPlaceholderActionId(buildScenario('click-to-call', params, this.#ids));
    } catch {
      return false; // values the scenario refuses (an endpoint name it cannot use): the bare answer
    }
    this.playScenario(events, { speed: options.speed ?? 1 }).catch(() => undefined);
    return true;
  }

  #deliver(event: AmiMessage, bytes: Buffer): void {
    this.#channels.apply(event, Date.now());
    if (event.get('Event') === 'Cdr') {
      // The PBX records the call whoever listens: before the stall and the sessions are looked at.
      if (!this.#closed) {
        this.#cdrCsv?.write(event);
        this.#recordings?.write(event);
      }
      if (!this.#cdrEvents) return;
    }
    if (this.#stalled) return;
    const privilege = event.get('Privilege');
    // The event's text, for sessions with filters: decoded once, and only when one has some.
    let text: string | undefined;
    for (const client of this.#clients.values()) {
      if (!client.loggedIn || client.closing || client.socket.destroyed) continue;
      if (!maskAllows(client.events, privilege)) continue;
      if (client.filters.active && !client.filters.allows(event.get('Event') ?? '', (text ??= bytes.toString('utf8')))) continue;
      if (client.socket.writableLength > this.#maxUnreadBytes) {
        // As Asterisk does with a session it cannot write to: closed, no Goodbye.
        this.#closedBehind++;
        client.loggedIn = false;
        client.socket.destroy();
        continue;
      }
      client.socket.write(bytes);
    }
  }
}
