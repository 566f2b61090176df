/**
 * The AMI client: the only part of `ami/` that touches a socket. One client serves one PBX.
 *
 * It logs in (plain or MD5 challenge), waits for `FullyBooted`, delivers events in order, tracks
 * actions with deadlines, keeps the link alive with `Ping`, and reconnects through an injected
 * strategy. Every failure, a refused login included, is handed to that strategy with a cause that
 * says what it means (login-refusal.ts); the default one never gives up, only paces. `status`
 * tells what the client is doing and what is wrong, in words, for the health check and the console.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { CrmTelephonyError, ErrorCodes, type ErrorCode } from '../errors.ts';
import { AmiDecoder, encodeAction, type AmiDecodedItem, type AmiFieldsInput, type AmiValue } from './codec.ts';
import { ActionTracker, type ActionResult, type PendingAction } from './action-tracker.ts';
import { AmiMessage } from './message.ts';
import { loginRefusedError } from './login-refusal.ts';
import { exponentialBackoff, type ReconnectStrategy } from './reconnect-strategy.ts';
import { describeSocketError } from './socket-errors.ts';

export type { ActionResult } from './action-tracker.ts';

export interface AmiClientOptions {
  /** Names this PBX in logs and events; several clients (PBXs) may run at once. Default `pbx`. */
  id?: string;
  /** AMI host name or address. */
  host: string;
  /** AMI TCP port. Default 5038. */
  port?: number;
  /** AMI user from manager.conf. */
  username: string;
  /** That user's secret. Never logged. */
  secret: string;
  /** `plain` sends the secret; `md5` answers a Challenge with md5(challenge + secret). Default `plain`. */
  authType?: 'plain' | 'md5';
  /** The `Events:` login field: `on`, `off`, or a class list such as `call,agent,system`. Default `on`. */
  events?: string;
  /** Deadline for an action's (complete) answer, in ms. Default 10000. */
  actionTimeoutMs?: number;
  /** Deadline for TCP connect, greeting and login together, in ms. Default 10000. */
  connectTimeoutMs?: number;
  /** How long to wait for `FullyBooted` after login before going on without it, in ms. Default 5000. */
  fullyBootedTimeoutMs?: number;
  /** Send `Ping` this often once idle-connected, in ms; 0 turns keepalive off. Default 20000. */
  keepaliveIntervalMs?: number;
  /** A Ping unanswered this long marks the peer dead and drops the connection, in ms. Default 5000. */
  keepaliveTimeoutMs?: number;
  /**
   * When and whether to reconnect. Default: exponential backoff from 500 ms up to 30 s, with
   * jitter; a refused user or secret, or a port that is not AMI, every 60 s; never giving up.
   */
  reconnect?: ReconnectStrategy;
  /** Actions waiting to be written (not yet ready, or the PBX not reading); more are refused. Default 1000. */
  maxQueuedActions?: number;
  /** Largest AMI message accepted, in bytes. Default 1 MiB. */
  maxMessageBytes?: number;
  /**
   * AMI over TLS (manager.conf `tlsenable = yes`, port 5039 by default). The PBX's certificate is
   * checked against `ca` (PEM; default the system's authorities) and `servername` (default the
   * host); `rejectUnauthorized: false` turns the check off (a self-signed certificate on a lab PBX).
   */
  tls?: { ca?: string; servername?: string; rejectUnauthorized?: boolean } | null;
}

export interface ActionOptions {
  /** Overrides the client's action deadline for this action. */
  timeoutMs?: number;
  /** Resolve (instead of reject with AMI_ERR_ACTION_FAILED) when the PBX answers `Response: Error`. */
  allowError?: boolean;
  /**
   * Told the ActionID before the action is sent, so that events answering it (an Originate's
   * OriginateResponse) can be recognized even when they arrive before the response is handled.
   */
  onActionId?: (actionId: string) => void;
}

export type AmiClientState = 'idle' | 'connecting' | 'ready' | 'waiting-to-reconnect' | 'failed' | 'closed';

/** What went wrong last, in words (never a secret). */
export interface AmiClientProblem {
  code: ErrorCode;
  message: string;
  /** When this same problem was first seen in the current run of failures (ISO 8601). */
  since: string;
}

/** The client's state and, while it is not ready, why, and when it tries again. */
export interface AmiClientStatus {
  state: AmiClientState;
  /** When `state` began (ISO 8601). */
  since: string;
  /** The last failure since the client was last ready; null once ready (or closed on purpose). */
  problem: AmiClientProblem | null;
  /** When the next attempt is due (ISO 8601), while waiting to reconnect; otherwise null. */
  nextAttemptAt: string | null;
  /** Failed attempts since the client was last ready. */
  attempt: number;
}

export interface AmiClientEvents {
  /** An unsolicited AMI event, in the order the PBX sent it. */
  event: [message: AmiMessage];
  /** Logged in (and FullyBooted); `version` is the AMI protocol version from the greeting. */
  ready: [info: { id: string; version: string; reconnected: boolean }];
  /** The connection was lost (or could not be made); `cause` says why. */
  disconnect: [cause: CrmTelephonyError];
  /** A new attempt is scheduled. */
  reconnecting: [info: { attempt: number; delayMs: number; cause: CrmTelephonyError }];
  /** The reconnect strategy said stop (a one-shot tool's noReconnect, maxAttempts): the client gave up. Emitted once. */
  fatal: [error: CrmTelephonyError];
  /** `status` changed: state, problem or next attempt. */
  status: [status: AmiClientStatus];
  /** Something the PBX sent could not be read (the connection goes on). */
  'decode-error': [error: CrmTelephonyError];
}

interface Queued {
  bytes: string;
  pending: PendingAction & { reject(err: Error): void };
}

interface Connection {
  socket: net.Socket;
  decoder: AmiDecoder;
  version: string | undefined;
  greeted: (version: string) => void;
  booted: (() => void) | undefined;
  closed: boolean;
  /** Reading stopped by `pauseReading` (the service's effect queues are full). */
  paused: boolean;
}

let clientSerial = 0;

export class AmiClient extends EventEmitter<AmiClientEvents> {
  readonly id: string;
  readonly #options: Required<Omit<AmiClientOptions, 'id'>>;
  readonly #tracker = new ActionTracker();
  #queue: Queued[] = [];
  #state: AmiClientState = 'idle';
  #stateSince = Date.now();
  #problem: AmiClientProblem | null = null;
  #nextAttemptAt: number | null = null;
  #conn: Connection | undefined;
  #version: string | undefined;
  #attempt = 0;
  #everReady = false;
  #actionPrefix: string;
  #actionCounter = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #pingInFlight = false;
  #fatal: CrmTelephonyError | undefined;
  #firstReady: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(options: AmiClientOptions) {
    super();
    this.id = options.id ?? 'pbx';
    this.#options = {
      host: options.host,
      port: options.port ?? 5038,
      username: options.username,
      secret: options.secret,
      authType: options.authType ?? 'plain',
      events: options.events ?? 'on',
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      fullyBootedTimeoutMs: options.fullyBootedTimeoutMs ?? 5_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 20_000,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 5_000,
      reconnect: options.reconnect ?? exponentialBackoff(),
      maxQueuedActions: options.maxQueuedActions ?? 1000,
      maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
      tls: options.tls ?? null,
    };
    // Unique across clients and restarts, so that replies can never be mistaken between sessions.
    this.#actionPrefix = `${this.id}-${(++clientSerial).toString(36)}${randomBytes(3).toString('hex')}`;
  }

  get state(): AmiClientState {
    return this.#state;
  }

  /** What the client is doing, what went wrong last and when it tries again; 'status' tells of changes. */
  get status(): AmiClientStatus {
    return {
      state: this.#state,
      since: new Date(this.#stateSince).toISOString(),
      problem: this.#problem,
      nextAttemptAt: this.#nextAttemptAt === null ? null : new Date(this.#nextAttemptAt).toISOString(),
      attempt: this.#attempt,
    };
  }

  /** The AMI protocol version from the PBX's greeting (e.g. `9.0.0` for Asterisk 20). */
  /**
   * Stops reading from the PBX (TCP pushes back; Asterisk holds the events for this session) until
   * `resumeReading`. For a consumer that cannot keep up. A new connection always starts reading:
   * its login and the recovery need the PBX's answers.
   */
  pauseReading(): void {
    const conn = this.#conn;
    if (conn === undefined || conn.closed || conn.paused) return;
    conn.paused = true;
    conn.socket.pause();
  }

  resumeReading(): void {
    const conn = this.#conn;
    if (conn === undefined || conn.closed || !conn.paused) return;
    conn.paused = false;
    conn.socket.resume();
  }

  get protocolVersion(): string | undefined {
    return this.#version;
  }

  /** Actions written and awaiting their answer, plus those queued to be written. */
  get pendingActions(): number {
    return this.#tracker.size + this.#queue.length;
  }

  /**
   * Connects and logs in. Resolves once ready; rejects only when the client is closed or the
   * reconnect strategy gives up (with noReconnect: the first failure, in words). With the default
   * strategy it keeps trying, a refused user or secret included, until it gets in: a long-running
   * caller should not wait on it, but watch `status`.
   */
  connect(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(closedError());
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#state === 'ready') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => {
      const prev = this.#firstReady;
      this.#firstReady = {
        resolve: () => (prev?.resolve(), resolve()),
        reject: (e) => (prev?.reject(e), reject(e)),
      };
    });
    if (this.#state === 'idle') this.#open();
    return ready;
  }

  /**
   * Sends one action and resolves with its response (and list events for EventList actions).
   * Any ActionID in `fields` is replaced by ours. Rejects with a typed error: AMI_ERR_TIMEOUT,
   * AMI_ERR_DISCONNECTED, AMI_ERR_ACTION_FAILED, AMI_ERR_QUEUE_FULL, AMI_ERR_INJECTION, AMI_ERR_CLOSED.
   */
  action(name: string, fields: AmiFieldsInput = {}, options: ActionOptions = {}): Promise<ActionResult> {
    if (this.#state === 'closed') return Promise.reject(closedError());
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#queue.length >= this.#options.maxQueuedActions) {
      return Promise.reject(
        new CrmTelephonyError(
          ErrorCodes.AMI_ERR_QUEUE_FULL,
          `Too many AMI actions are waiting (${this.#queue.length}) for PBX "${this.id}": it is not reading or not connected. Try again shortly; check the PBX's load and network.`,
          { pbx: this.id, queued: this.#queue.length },
        ),
      );
    }
    return this.#request(name, fields, options, false);
  }

  /** Logs off politely (if connected) and closes. Pending actions are rejected with AMI_ERR_CLOSED. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const conn = this.#conn;
    if (this.#state === 'ready' && conn && !conn.closed) {
      await this.#request('Logoff', {}, { timeoutMs: 1000, allowError: true }, true).catch(() => undefined);
    }
    clearTimeout(this.#reconnectTimer);
    this.#setState('closed', { problem: null });
    this.#stopKeepalive();
    this.#failAll(closedError());
    this.#firstReady?.reject(closedError());
    this.#firstReady = undefined;
    if (this.#conn) {
      const socket = this.#conn.socket;
      this.#conn.closed = true;
      this.#conn = undefined;
      await new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.destroy();
      });
    }
  }

  #nextActionId(): string {
    return `${this.#actionPrefix}-${++this.#actionCounter}`;
  }

  #request(name: string, fields: AmiFieldsInput, options: ActionOptions, internal: boolean): Promise<ActionResult> {
    const actionId = this.#nextActionId();
    let bytes: string;
    try {
      bytes = encodeAction(name, withActionId(fields, actionId));
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const timeoutMs = options.timeoutMs ?? this.#options.actionTimeoutMs;
    options.onActionId?.(actionId);
    return new Promise<ActionResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#tracker.remove(actionId);
        this.#queue = this.#queue.filter((q) => q.pending.actionId !== actionId);
        reject(
          new CrmTelephonyError(
            ErrorCodes.AMI_ERR_TIMEOUT,
            `PBX "${this.id}" did not answer the ${name} action within ${timeoutMs} ms. Check that Asterisk is responsive (core show channels, system load) and the network.`,
            { pbx: this.id, action: name, actionId, timeoutMs },
          ),
        );
      }, timeoutMs);
      const pending: Queued['pending'] = {
        actionId,
        action: name,
        resolve: (result) => {
          clearTimeout(timer);
          if (!options.allowError && result.response.response?.toLowerCase() === 'error') {
            const said = result.response.get('Message') ?? 'no message';
            reject(
              new CrmTelephonyError(ErrorCodes.AMI_ERR_ACTION_FAILED, `PBX "${this.id}" refused the ${name} action: ${said}.`, {
                pbx: this.id,
                action: name,
                actionId,
                response: result.response.toJSON(),
              }),
            );
          } else resolve(result);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      if (internal) this.#write(bytes, pending);
      else {
        this.#queue.push({ bytes, pending });
        this.#flush();
      }
    });
  }

  /** Writes queued actions while ready and while the socket accepts more (backpressure). */
  #flush(): void {
    const conn = this.#conn;
    if (this.#state !== 'ready' || !conn || conn.closed) return;
    while (this.#queue.length > 0 && !conn.socket.writableNeedDrain) {
      const next = this.#queue.shift()!;
      this.#write(next.bytes, next.pending);
    }
  }

  #write(bytes: string, pending: Queued['pending']): void {
    const conn = this.#conn;
    if (!conn || conn.closed) {
      pending.reject(disconnectedError(this.id, 'not connected'));
      return;
    }
    this.#tracker.add(pending);
    // A false return only means "buffered": the drain handler resumes #flush.
    conn.socket.write(bytes);
  }

  #open(): void {
    this.#setState('connecting');
    const { host, port } = this.#options;
    const tlsOptions = this.#options.tls;
    const socket: net.Socket = tlsOptions
      ? tls.connect({ host, port, servername: tlsOptions.servername ?? (net.isIP(host) ? undefined : host), ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}), rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    const decoder = new AmiDecoder({ maxMessageBytes: this.#options.maxMessageBytes });
    let greeted!: (version: string) => void;
    const greeting = new Promise<string>((resolve) => (greeted = resolve));
    const conn: Connection = { socket, decoder, version: undefined, greeted, booted: undefined, closed: false, paused: false };
    this.#conn = conn;

    const connectTimer = setTimeout(() => {
      this.#drop(
        conn,
        new CrmTelephonyError(
          ErrorCodes.AMI_ERR_CONNECT_TIMEOUT,
          `PBX "${this.id}" at ${host}:${port} did not complete connect and login within ${this.#options.connectTimeoutMs} ms. Check the address, firewalls, and that manager.conf's bindaddr accepts this host.`,
          { pbx: this.id, host, port },
        ),
      );
    }, this.#options.connectTimeoutMs);

    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.on('drain', () => this.#flush());
    socket.on('error', (err: NodeJS.ErrnoException) => this.#drop(conn, describeSocketError(err, this.id, host, port)));
    socket.on('close', () => this.#drop(conn, connectionLostError(this.id)));

    greeting
      .then(() => this.#login(conn))
      .then(
        () => {
          clearTimeout(connectTimer);
          if (conn.closed) return;
          this.#becomeReady(conn);
        },
        (err: Error) => {
          clearTimeout(connectTimer);
          this.#drop(conn, asAmiError(err, this.id));
        },
      );
    // The timer must not keep a process alive on its own.
    connectTimer.unref?.();
  }

  async #login(conn: Connection): Promise<void> {
    const { username, secret, authType, events } = this.#options;
    const fields: Record<string, AmiValue> = { Username: username, Events: events };
    if (authType === 'md5') {
      // A PBX shutting down refuses Challenge as it refuses Login: read the refusal the same way.
      const challenge = await this.#request('Challenge', { AuthType: 'MD5' }, { allowError: true }, true);
      if (challenge.response.response?.toLowerCase() !== 'success') {
        throw loginRefusedError({ pbx: this.id, username, said: challenge.response.get('Message'), action: 'Challenge' });
      }
      const nonce = challenge.response.get('Challenge') ?? '';
      fields['AuthType'] = 'MD5';
      fields['Key'] = createHash('md5').update(nonce + secret).digest('hex');
    } else {
      fields['Secret'] = secret;
    }
    const wantsBoot = eventsIncludeSystem(events);
    // Asterisk often sends FullyBooted in the same TCP segment as the login reply: listen first.
    const booted = wantsBoot
      ? new Promise<void>((resolve) => {
          conn.booted = resolve;
          setTimeout(resolve, this.#options.fullyBootedTimeoutMs).unref?.();
        })
      : Promise.resolve();
    const result = await this.#request('Login', fields, { allowError: true }, true);
    if (result.response.response?.toLowerCase() !== 'success') {
      // Not every refusal is a wrong secret; #drop closes the connection (a PBX shutting down keeps it open).
      throw loginRefusedError({ pbx: this.id, username, said: result.response.get('Message') });
    }
    await booted;
    conn.booted = undefined;
  }

  #becomeReady(conn: Connection): void {
    this.#version = conn.version;
    const reconnected = this.#everReady;
    this.#everReady = true;
    this.#attempt = 0;
    this.#setState('ready', { problem: null });
    this.#startKeepalive(conn);
    this.emit('ready', { id: this.id, version: conn.version ?? 'unknown', reconnected });
    this.#firstReady?.resolve();
    this.#firstReady = undefined;
    this.#flush();
  }

  #onData(conn: Connection, chunk: Buffer): void {
    if (conn.closed) return;
    // Messages come out bare (no wrapper per message) and go to the listeners as they are.
    const items: AmiDecodedItem[] = [];
    conn.decoder.pushInto(chunk, items);
    for (let i = 0; i < items.length; i++) {
      if (conn.closed) return;
      const item = items[i]!;
      if (item instanceof AmiMessage) {
        // With no action waiting, nothing can be an answer: skip looking for an ActionID.
        if (this.#tracker.size > 0 && this.#tracker.handle(item)) continue;
        const event = item.event;
        if (event !== undefined) {
          if (conn.booted && event === 'FullyBooted') conn.booted();
          this.emit('event', item);
        }
        // A response nobody waits for (its action timed out) is dropped: it answers nothing now.
      } else if (item.kind === 'greeting') {
        conn.version = item.version;
        conn.greeted(item.version);
      } else {
        if (item.error.code === ErrorCodes.AMI_ERR_NOT_AMI) {
          this.#drop(conn, item.error);
          return;
        }
        this.emit('decode-error', item.error);
      }
    }
  }

  #startKeepalive(conn: Connection): void {
    const every = this.#options.keepaliveIntervalMs;
    if (every <= 0) return;
    this.#keepaliveTimer = setInterval(() => {
      // Paused, the answer waits unread in the socket: that is our doing, not a dead peer.
      if (this.#pingInFlight || conn.closed || conn.paused) return;
      this.#pingInFlight = true;
      this.#request('Ping', {}, { timeoutMs: this.#options.keepaliveTimeoutMs, allowError: true }, true).then(
        () => {
          this.#pingInFlight = false;
        },
        (err: Error) => {
          this.#pingInFlight = false;
          if (err instanceof CrmTelephonyError && err.code === ErrorCodes.AMI_ERR_TIMEOUT) {
            this.#drop(
              conn,
              new CrmTelephonyError(
                ErrorCodes.AMI_ERR_DEAD_PEER,
                `PBX "${this.id}" stopped answering keepalive pings (${this.#options.keepaliveTimeoutMs} ms); reconnecting.`,
                { pbx: this.id },
              ),
            );
          }
        },
      );
    }, every);
    this.#keepaliveTimer.unref?.();
  }

  #stopKeepalive(): void {
    clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = undefined;
    this.#pingInFlight = false;
  }

  /** Ends one connection (idempotent) and decides what comes next. */
  #drop(conn: Connection, cause: CrmTelephonyError): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.booted?.();
    for (const item of conn.decoder.end()) if (item.kind === 'error') this.emit('decode-error', item.error);
    conn.socket.destroy();
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#stopKeepalive();
    if (this.#state === 'closed') return;
    this.#failAll(disconnectedError(this.id, cause.message.replace(/\.$/, ''), cause));
    this.emit('disconnect', cause);

    // Every cause goes to the strategy: a refused login too. Only the strategy may give up.
    const attempt = ++this.#attempt;
    const delay = this.#options.reconnect(attempt, cause);
    if (delay === false) {
      this.#fatal = cause;
      this.#setState('failed', { problem: cause });
      this.#failAll(cause);
      this.emit('fatal', cause);
      this.#firstReady?.reject(cause);
      this.#firstReady = undefined;
      return;
    }
    this.#setState('waiting-to-reconnect', { problem: cause, nextAttemptAt: Date.now() + delay });
    this.emit('reconnecting', { attempt, delayMs: delay, cause });
    this.#reconnectTimer = setTimeout(() => {
      if (this.#state === 'waiting-to-reconnect') this.#open();
    }, delay);
  }

  /**
   * Moves to `state` and tells 'status' listeners. `problem` undefined keeps the last one (an
   * attempt under way still shows why the previous one failed); the next attempt time is only
   * known while waiting for it.
   */
  #setState(state: AmiClientState, change: { problem?: CrmTelephonyError | null; nextAttemptAt?: number } = {}): void {
    const now = Date.now();
    if (state !== this.#state) this.#stateSince = now;
    this.#state = state;
    const cause = change.problem;
    if (cause === null) this.#problem = null;
    else if (cause !== undefined && (this.#problem?.code !== cause.code || this.#problem.message !== cause.message)) {
      this.#problem = { code: cause.code, message: cause.message, since: new Date(now).toISOString() };
    }
    this.#nextAttemptAt = change.nextAttemptAt ?? null;
    this.emit('status', this.status);
  }

  /** Rejects every written action; queued ones too when the cause is final. */
  #failAll(err: CrmTelephonyError): void {
    for (const pending of this.#tracker.drain()) (pending as Queued['pending']).reject(err);
    const queued = this.#queue;
    this.#queue = [];
    for (const q of queued) q.pending.reject(err);
  }
}

function withActionId(fields: AmiFieldsInput, actionId: string): AmiFieldsInput {
  const entries: [string, AmiValue][] = Array.isArray(fields)
    ? (fields as readonly (readonly [string, string | number])[]).map(([k, v]) => [k, v] as [string, AmiValue])
    : Object.entries(fields as Record<string, AmiValue>);
  const out: Record<string, AmiValue> | [string, AmiValue][] = [['ActionID', actionId]];
  for (const [k, v] of entries) if (k.toLowerCase() !== 'actionid') out.push([k, v]);
  return flatten(out);
}

/** Arrays of values become repeated pairs, keeping order. */
function flatten(entries: [string, AmiValue][]): (readonly [string, string | number])[] {
  const out: [string, string | number][] = [];
  for (const [k, v] of entries) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v as (string | number)[]) out.push([k, item]);
    else out.push([k, typeof v === 'boolean' ? String(v) : (v as string | number)]);
  }
  return out;
}

function eventsIncludeSystem(events: string): boolean {
  const classes = events.toLowerCase().split(',').map((s) => s.trim());
  return classes.some((c) => c === 'on' || c === 'all' || c === 'system' || c === 'yes' || c === 'true');
}

function closedError(): CrmTelephonyError {
  return new CrmTelephonyError(ErrorCodes.AMI_ERR_CLOSED, 'The AMI client was closed; create a new one to talk to the PBX again.');
}

function disconnectedError(pbx: string, why: string, cause?: Error): CrmTelephonyError {
  return new CrmTelephonyError(
    ErrorCodes.AMI_ERR_DISCONNECTED,
    `Lost the connection to PBX "${pbx}" (${why}). The action may or may not have run; check before repeating it.`,
    { pbx },
    cause ? { cause } : undefined,
  );
}

/** Why a connection ended when the PBX (or the network) ended it: the cause, not an action's fate. */
function connectionLostError(pbx: string): CrmTelephonyError {
  return new CrmTelephonyError(
    ErrorCodes.AMI_ERR_DISCONNECTED,
    `PBX "${pbx}" closed the AMI connection, or the network between us dropped it.`,
    { pbx },
  );
}

function asAmiError(err: Error, pbx: string): CrmTelephonyError {
  if (err instanceof CrmTelephonyError) return err;
  return disconnectedError(pbx, err.message, err);
}
