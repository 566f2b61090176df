/**
 * The FastAGI server: the only part of `agi/` that touches a socket.
 *
 * Per connection: read the request block (with a deadline), find the handler for its script, run it
 * with a session, then close. Whatever goes wrong on one connection — garbage, an endless line, a
 * peer that never sends a request or vanishes, a handler that throws or hangs — ends that connection
 * only, and never the process.
 *
 * Failing on purpose: when we cannot serve (over the connection limit, unknown script, bad request,
 * handler error) we send the line `FAILURE` and close. Asterisk's run_agi() treats a line starting
 * with "failure" as the script failing and sets AGISTATUS=FAILURE, so the dialplan's fallback runs at
 * once. (Closing without it would read as a script that completed: AGISTATUS=SUCCESS.)
 */
import net from 'node:net';
import { type AgiError, AgiErrorCodes, CrmTelephonyError, isAgiError } from './agi-errors.ts';
import { AgiDecoder, DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_REQUEST_BYTES } from './codec.ts';
import type { AgiRequest } from './request.ts';
import { Session, type AgiSession } from './session.ts';
import { silentLog, type Log } from '../logger.ts';

export type { AgiSession } from './session.ts';

export type AgiHandler = (session: AgiSession) => Promise<void>;

export interface FastAgiServerOptions {
  /** Address to listen on. Default `127.0.0.1`; use `0.0.0.0` when Asterisk runs on another host (and set `allowFrom`). */
  host?: string;
  /** TCP port. Default 4573, FastAGI's port (the one `agi://host/` uses). 0 picks a free port. */
  port?: number;
  /** One handler per script name: `{ route: ... }` serves `AGI(agi://crm:4573/route,...)`. */
  handlers: Readonly<Record<string, AgiHandler>>;
  /** Deadline for the whole request block after connecting, in ms. Asterisk sends it at once. Default 2000. */
  requestTimeoutMs?: number;
  /** Deadline for each command's reply, in ms (a command may override it). Default 5000. */
  commandTimeoutMs?: number;
  /** A handler still running after this long is told to stop and its connection closed, in ms; 0: no limit. Default 30000. */
  handlerTimeoutMs?: number;
  /** Close a connection on which nothing was received or sent for this long, in ms. Default 30000. */
  idleTimeoutMs?: number;
  /** Sessions at once; a connection over the limit gets `FAILURE` at once (AGISTATUS=FAILURE). Default 1000. */
  maxConnections?: number;
  /** Largest request block, in bytes. Default 64 KiB. */
  maxRequestBytes?: number;
  /** Largest reply from Asterisk, in bytes. Default 64 KiB. */
  maxReplyBytes?: number;
  /** Commands one session may queue before awaiting them. Default 32. */
  maxQueuedCommands?: number;
  /** When set, only these peer addresses may connect (e.g. the PBX's); others are dropped. Default: anyone. */
  allowFrom?: readonly string[];
  /** On close(), how long running handlers get to finish before their connections are cut, in ms. Default 2000. */
  closeGraceMs?: number;
  /** Structured logger (pino). Default: silent. */
  log?: Log;
}

export interface FastAgiStats {
  /** Connections accepted and served (a request was read). */
  sessions: number;
  /** Sessions whose handler completed. */
  completed: number;
  /** Sessions that ended in FAILURE or an error (bad request, unknown script, handler error, timeouts). */
  failed: number;
  /** Connections refused over maxConnections. */
  overLimit: number;
  /** Connections that sent no request in time. */
  requestTimeouts: number;
  /** Connections that sent something that is not FastAGI. */
  malformed: number;
  /** Requests for a script with no handler. */
  unknownScript: number;
  /** Sessions whose channel hung up while the handler ran. */
  hangups: number;
}

interface Conn {
  socket: net.Socket;
  /** The peer's address, read once (each read of socket.remoteAddress may be a getpeername call). */
  peer: string | undefined;
  decoder: AgiDecoder;
  session: Session | undefined;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
  /** TCP keep-alive: `seen` by one sweep, turned `on` by the next (see KEEPALIVE_SWEEP_MS). */
  keepAlive: 'off' | 'seen' | 'on';
}

const FAILURE_LINE = 'FAILURE\n';
// The ordinary ends of a session, made once: an Error captures a stack trace, and these would
// otherwise be built three times per call on the hot path. They are signal reasons and causes only.
const SESSION_ENDED = new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, 'The FastAGI session has ended.');
const PEER_CLOSED = new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, 'Asterisk closed the FastAGI connection.');
/** After we close our side, how long the peer gets to close its own before the socket is destroyed. */
const LINGER_MS = 1000;
/**
 * TCP keep-alive (first probe after 10 s of silence) matters only to sessions that last: a routed
 * call's session ends in milliseconds, and the setsockopt calls cost it more than all our own
 * request parsing. So a sweep every second gives it to connections that outlived one sweep; on the
 * wire nothing changes, since no probe could have gone out before 10 s anyway.
 */
const KEEPALIVE_SWEEP_MS = 1000;
const KEEPALIVE_DELAY_MS = 10_000;

export class FastAgiServer {
  readonly #opts: Required<Omit<FastAgiServerOptions, 'allowFrom' | 'log' | 'handlers'>>;
  readonly #handlers: ReadonlyMap<string, AgiHandler>;
  readonly #allowFrom: ReadonlySet<string> | undefined;
  readonly #log: Log;
  readonly #server: net.Server;
  readonly #conns = new Set<Conn>();
  /** Sockets refused over the limit, draining until they close. */
  readonly #refused = new Set<net.Socket>();
  #closing: Promise<void> | undefined;
  #overloaded = false;
  #keepAliveSweep: NodeJS.Timeout | undefined;
  readonly #stats: FastAgiStats = { sessions: 0, completed: 0, failed: 0, overLimit: 0, requestTimeouts: 0, malformed: 0, unknownScript: 0, hangups: 0 };

  constructor(options: FastAgiServerOptions) {
    this.#opts = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 4573,
      requestTimeoutMs: options.requestTimeoutMs ?? 2000,
      commandTimeoutMs: options.commandTimeoutMs ?? 5000,
      handlerTimeoutMs: options.handlerTimeoutMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      maxConnections: options.maxConnections ?? 1000,
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
      maxQueuedCommands: options.maxQueuedCommands ?? 32,
      closeGraceMs: options.closeGraceMs ?? 2000,
    };
    this.#handlers = new Map(Object.entries(options.handlers));
    this.#allowFrom = options.allowFrom ? new Set(options.allowFrom.map(normalizeAddress)) : undefined;
    this.#log = options.log ?? silentLog;
    this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
    // Refused sockets are counted too: a flood cannot exhaust file descriptors.
    this.#server.maxConnections = this.#opts.maxConnections * 2 + 16;
    this.#server.on('error', (err) => this.#log.error({ err }, 'FastAGI server error'));
  }

  /** Starts listening; resolves with the bound address (useful with port 0). Rejects AGI_ERR_LISTEN. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(
          new CrmTelephonyError(
            AgiErrorCodes.AGI_ERR_LISTEN,
            `Cannot listen for FastAGI on ${this.#opts.host}:${this.#opts.port} (${err.code ?? err.message}). Pick a free port or another address.`,
            { host: this.#opts.host, port: this.#opts.port, syscallCode: err.code },
            { cause: err },
          ),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen(this.#opts.port, this.#opts.host, () => {
        this.#server.off('error', onError);
        this.#keepAliveSweep ??= setInterval(() => this.#sweepKeepAlive(), KEEPALIVE_SWEEP_MS).unref();
        const addr = this.#server.address() as net.AddressInfo;
        this.#log.info({ host: addr.address, port: addr.port }, 'FastAGI server listening');
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  /** Counters since start (a copy). */
  get stats(): FastAgiStats {
    return { ...this.#stats };
  }

  /** Connections being served now (reading a request, or running a handler). */
  get activeConnections(): number {
    return this.#conns.size;
  }

  /**
   * Stops accepting, tells running handlers to stop (their signal aborts), waits up to closeGraceMs for
   * them, then cuts what is left. Connections still waiting for a request are dropped at once.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    clearInterval(this.#keepAliveSweep);
    const stop = new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, 'The FastAGI server is shutting down.');
    for (const socket of this.#refused) socket.destroy();
    for (const conn of this.#conns) {
      if (conn.session) conn.session.abort(stop);
      else this.#drop(conn, stop);
    }
    if (this.#conns.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.#opts.closeGraceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const conn of this.#conns) this.#drop(conn, stop);
    }
    await closed;
    this.#log.info({ ...this.#stats }, 'FastAGI server closed');
  }

  #accept(socket: net.Socket): void {
    socket.on('error', (err: NodeJS.ErrnoException) => this.#log.debug({ peer: socket.remoteAddress, syscallCode: err.code }, 'FastAGI socket error'));
    if (this.#closing) {
      socket.destroy();
      return;
    }
    if (this.#allowFrom && !this.#allowFrom.has(normalizeAddress(socket.remoteAddress ?? ''))) {
      this.#log.warn({ peer: socket.remoteAddress }, 'FastAGI connection from an address not in allowFrom; dropped');
      socket.destroy();
      return;
    }
    if (this.#conns.size >= this.#opts.maxConnections) {
      this.#refuse(socket);
      return;
    }
    if (this.#overloaded) {
      this.#overloaded = false;
      this.#log.info({ active: this.#conns.size }, 'FastAGI server below its connection limit again');
    }
    const conn: Conn = {
      socket,
      peer: socket.remoteAddress,
      decoder: new AgiDecoder({ maxRequestBytes: this.#opts.maxRequestBytes, maxReplyBytes: this.#opts.maxReplyBytes }),
      session: undefined,
      timer: undefined,
      done: false,
      keepAlive: 'off',
    };
    this.#conns.add(conn);
    socket.setTimeout(this.#opts.idleTimeoutMs);
    socket.on('timeout', () => this.#drop(conn, new CrmTelephonyError(AgiErrorCodes.AGI_ERR_TIMEOUT, `Nothing moved on the FastAGI connection for ${this.#opts.idleTimeoutMs} ms.`)));
    conn.timer = setTimeout(() => {
      this.#stats.requestTimeouts++;
      this.#log.warn({ peer: conn.peer, timeoutMs: this.#opts.requestTimeoutMs }, 'FastAGI connection sent no request in time; closed');
      this.#fail(conn, new CrmTelephonyError(AgiErrorCodes.AGI_ERR_TIMEOUT, `No FastAGI request within ${this.#opts.requestTimeoutMs} ms.`));
    }, this.#opts.requestTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.on('end', () => {
      for (const item of conn.decoder.end()) if (item.kind === 'error') conn.session?.handleClosed(item.error);
      conn.session?.handleClosed(PEER_CLOSED);
    });
    socket.on('close', () => this.#cleanup(conn));
  }

  #onData(conn: Conn, chunk: Buffer): void {
    for (const item of conn.decoder.push(chunk)) {
      switch (item.kind) {
        case 'request':
          clearTimeout(conn.timer);
          conn.timer = undefined;
          this.#dispatch(conn, item.request);
          break;
        case 'reply':
          conn.session?.handleReply(item.reply);
          break;
        case 'hangup':
          if (conn.session && !conn.session.hungUp && !conn.done) this.#stats.hangups++;
          conn.session?.handleHangup();
          break;
        case 'error':
          if (conn.done) return; // already answered and closing: nothing more to count or say
          if (conn.session) {
            this.#log.warn({ ...logContext(conn.session.request), code: item.error.code, err: item.error.message }, 'FastAGI session broken by what Asterisk sent');
            this.#drop(conn, item.error);
          } else {
            this.#stats.malformed++;
            this.#log.warn({ peer: conn.peer, code: item.error.code, err: item.error.message }, 'FastAGI connection sent no valid request; closed');
            this.#fail(conn, item.error);
          }
          return;
      }
    }
  }

  #dispatch(conn: Conn, request: AgiRequest): void {
    this.#stats.sessions++;
    const handler = this.#handlers.get(request.script);
    if (!handler) {
      this.#stats.unknownScript++;
      this.#log.warn(
        { ...logContext(request), scripts: [...this.#handlers.keys()] },
        `FastAGI request for unknown script "${request.script}"; answered FAILURE (check the AGI() URL in the dialplan)`,
      );
      this.#fail(conn, new CrmTelephonyError(AgiErrorCodes.AGI_ERR_UNKNOWN_SCRIPT, `No FastAGI handler for script "${request.script}".`));
      return;
    }
    // The two callbacks come from factories: under tsx an arrow written as a property gets a
    // defineProperty for its name each time it is made, and this runs for every routed call.
    const session = new Session(request, {
      write: writerOf(conn.socket),
      fail: this.#failerOf(conn, request),
      commandTimeoutMs: this.#opts.commandTimeoutMs,
      maxQueuedCommands: this.#opts.maxQueuedCommands,
      remoteAddress: conn.peer,
    });
    conn.session = session;
    void this.#run(conn, session, handler);
  }

  #failerOf(conn: Conn, request: AgiRequest): (err: AgiError) => void {
    return (err) => {
      this.#log.warn({ ...logContext(request), code: err.code, err: err.message }, 'FastAGI session failed');
      this.#drop(conn, err);
    };
  }

  async #run(conn: Conn, session: Session, handler: AgiHandler): Promise<void> {
    const started = performance.now();
    let deadline: NodeJS.Timeout | undefined;
    if (this.#opts.handlerTimeoutMs > 0) {
      deadline = setTimeout(() => {
        const err = new CrmTelephonyError(AgiErrorCodes.AGI_ERR_TIMEOUT, `The "${session.request.script}" handler ran longer than ${this.#opts.handlerTimeoutMs} ms; its connection was closed.`);
        this.#log.warn({ ...logContext(session.request), timeoutMs: this.#opts.handlerTimeoutMs }, 'FastAGI handler over its deadline');
        session.abort(err);
        this.#drop(conn, err);
      }, this.#opts.handlerTimeoutMs);
    }
    try {
      await handler(session);
      if (!conn.done) this.#stats.completed++;
      this.#log.debug({ ...logContext(session.request), ms: round(performance.now() - started), commands: session.commandsSent, hungUp: session.hungUp }, 'FastAGI session done');
      this.#finish(conn);
    } catch (err) {
      if (session.closed || conn.done) {
        // The connection went first (hangup, close, deadline); the handler's error is its echo.
        this.#log.debug({ ...logContext(session.request), err: (err as Error).message }, 'FastAGI handler ended with its connection');
        this.#finish(conn);
      } else {
        this.#log.error({ ...logContext(session.request), err }, `FastAGI "${session.request.script}" handler failed; answered FAILURE`);
        this.#fail(conn, isAgiError(err) ? err : new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, 'The handler failed.', {}, { cause: err }));
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Ends politely: our side closes, the peer's follows (Asterisk then sets AGISTATUS=SUCCESS). */
  #finish(conn: Conn): void {
    if (conn.done) return;
    conn.done = true;
    conn.session?.handleClosed(SESSION_ENDED);
    this.#endSocket(conn.socket);
  }

  /** Answers FAILURE (so AGISTATUS=FAILURE and the dialplan falls back) and closes. */
  #fail(conn: Conn, err: AgiError): void {
    if (conn.done) return;
    this.#stats.failed++;
    conn.done = true;
    conn.session?.handleClosed(err);
    if (!conn.socket.destroyed && conn.socket.writable) conn.socket.write(FAILURE_LINE);
    this.#endSocket(conn.socket);
  }

  /** Cuts the connection at once (broken stream, deadlines, shutdown). */
  #drop(conn: Conn, err: AgiError): void {
    if (!conn.done) this.#stats.failed++;
    conn.done = true;
    conn.session?.handleClosed(err);
    conn.socket.destroy();
  }

  #endSocket(socket: net.Socket): void {
    socket.end();
    // Keep reading (and discarding) so that unread bytes do not turn our close into a reset that
    // could swallow the FAILURE line; a peer that never closes its side is cut after a moment.
    socket.resume();
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }

  #refuse(socket: net.Socket): void {
    this.#stats.overLimit++;
    if (!this.#overloaded) {
      this.#overloaded = true;
      this.#log.warn({ maxConnections: this.#opts.maxConnections }, 'FastAGI server at its connection limit; new calls get FAILURE (the dialplan fallback) until it drains');
    }
    this.#refused.add(socket);
    socket.once('close', () => this.#refused.delete(socket));
    socket.setTimeout(this.#opts.requestTimeoutMs, () => socket.destroy());
    socket.write(FAILURE_LINE);
    this.#endSocket(socket);
  }

  #sweepKeepAlive(): void {
    for (const conn of this.#conns) {
      if (conn.keepAlive === 'on' || conn.socket.destroyed) continue;
      if (conn.keepAlive === 'seen') {
        conn.socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
        conn.keepAlive = 'on';
      } else {
        conn.keepAlive = 'seen';
      }
    }
  }

  #cleanup(conn: Conn): void {
    clearTimeout(conn.timer);
    conn.session?.handleClosed(PEER_CLOSED);
    this.#conns.delete(conn);
  }
}

function writerOf(socket: net.Socket): (line: string) => void {
  return (line) => {
    if (!socket.destroyed && socket.writable) socket.write(line);
  };
}

function logContext(request: AgiRequest): Record<string, unknown> {
  return { script: request.script, uniqueid: request.uniqueid, channel: request.channel };
}

function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
