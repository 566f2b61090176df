/**
 * One FastAGI session as a handler sees it: the request, commands that await their replies, and
 * the channel's hangup as an AbortSignal. This is the request-correlation layer: no socket here,
 * the server hands it a `write` function and feeds it what the codec decoded.
 *
 * AGI is strictly one command, one reply, in order. Commands issued together are queued and written
 * one at a time, never pipelined: Asterisk's run_agi() polls the socket, then reads one line with
 * fgets() from a stdio buffer; a second line already slurped into that buffer would sit there unseen
 * until more bytes arrive, stalling the call. A command whose reply misses its deadline breaks the session: a late reply would
 * be taken for the next command's, so the session is closed instead (AGI_ERR_TIMEOUT).
 *
 * After `HANGUP` Asterisk keeps reading commands on the dead channel: SET VARIABLE and VERBOSE still
 * answer 200, others 511. So commands still go out and resolve; the signal tells the handler to stop.
 */
import { type AgiError, AgiErrorCodes, CrmTelephonyError } from './agi-errors.ts';
import { encodeGetVariable, encodeRawCommand, encodeSetVariable, encodeVerbose, type AgiReply } from './codec.ts';
import type { AgiRequest } from './request.ts';

export interface CommandOptions {
  /** Overrides the server's reply deadline for this command, in ms. */
  timeoutMs?: number;
}

export interface AgiSession {
  readonly request: AgiRequest;
  /**
   * Aborted when the channel hangs up (`HANGUP`), the connection closes, the handler's deadline
   * passes or the server shuts down; `signal.reason` is an AgiError or `{ hangup: true }`.
   */
  readonly signal: AbortSignal;
  /** True once Asterisk sent `HANGUP`. */
  readonly hungUp: boolean;
  /**
   * The same as `signal.aborted`, without making the signal (the server's sessions make it only
   * when it is read). Optional so that a hand-made session (a test's) need not have it.
   */
  readonly aborted?: boolean;
  /** The peer's address (the PBX). */
  readonly remoteAddress: string | undefined;
  /**
   * Sends one command line as written (no LF; refused with AGI_ERR_INJECTION if it holds CR, LF or
   * NUL) and resolves with Asterisk's reply, whatever its code. Rejects AGI_ERR_TIMEOUT,
   * AGI_ERR_CLOSED or AGI_ERR_QUEUE_FULL.
   */
  command(raw: string, options?: CommandOptions): Promise<AgiReply>;
  /** `SET VARIABLE name "value"`; rejects unless Asterisk answers 200 (511: AGI_ERR_DEAD_CHANNEL). */
  setVariable(name: string, value: string, options?: CommandOptions): Promise<void>;
  /** `GET VARIABLE name`: the value, or null when the variable is not set. */
  getVariable(name: string, options?: CommandOptions): Promise<string | null>;
  /** `VERBOSE "message" level`: a line in the Asterisk console at verbosity `level` (1-4). */
  verbose(message: string, level?: number, options?: CommandOptions): Promise<void>;
}

export const HANGUP_REASON = Object.freeze({ hangup: true as const });

interface Pending {
  line: string;
  timeoutMs: number;
  resolve(reply: AgiReply): void;
  reject(err: Error): void;
}

export interface SessionOptions {
  /** Writes one encoded command; the server's socket. */
  write(line: string): void;
  /** Called when the session must end because it is broken (a command deadline passed). */
  fail(err: AgiError): void;
  commandTimeoutMs: number;
  maxQueuedCommands: number;
  remoteAddress: string | undefined;
}

export class Session implements AgiSession {
  readonly request: AgiRequest;
  readonly remoteAddress: string | undefined;
  readonly #options: SessionOptions;
  /**
   * Made on the first read of `signal`: most sessions end without anyone listening, and an
   * AbortController (an EventTarget) per call is measurable on the routing path. Until then the
   * reason alone says whether the session was told to stop.
   */
  #abort: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #queue: Pending[] = [];
  /** The command written and awaiting its reply (always the head of #queue when set). */
  #inFlight: Pending | undefined;
  #timer: NodeJS.Timeout | undefined;
  #hungUp = false;
  #closed: AgiError | undefined;
  #sent = 0;

  constructor(request: AgiRequest, options: SessionOptions) {
    this.request = request;
    this.remoteAddress = options.remoteAddress;
    this.#options = options;
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#aborted) this.#abort.abort(this.#abortReason);
    }
    return this.#abort.signal;
  }

  /** True once the session was told to stop (what `signal.aborted` says, without making the signal). */
  get aborted(): boolean {
    return this.#aborted;
  }

  get hungUp(): boolean {
    return this.#hungUp;
  }

  /** Commands written so far, for the session's log line. */
  get commandsSent(): number {
    return this.#sent;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  command(raw: string, options: CommandOptions = {}): Promise<AgiReply> {
    return this.#call(() => encodeRawCommand(raw), options, (reply) => reply);
  }

  setVariable(name: string, value: string, options: CommandOptions = {}): Promise<void> {
    return this.#call(
      () => encodeSetVariable(name, value),
      options,
      (reply) => void expectSuccess(reply, `SET VARIABLE ${name}`),
    );
  }

  getVariable(name: string, options: CommandOptions = {}): Promise<string | null> {
    return this.#call(
      () => encodeGetVariable(name),
      options,
      (reply) => (expectSuccess(reply, `GET VARIABLE ${name}`).result === '1' ? (reply.data ?? '') : null),
    );
  }

  verbose(message: string, level = 1, options: CommandOptions = {}): Promise<void> {
    return this.#call(
      () => encodeVerbose(message, level),
      options,
      (reply) => void expectSuccess(reply, 'VERBOSE'),
    );
  }

  // ---- fed by the server -------------------------------------------------------------------

  handleReply(reply: AgiReply): void {
    const pending = this.#inFlight;
    if (!pending) {
      // A reply nobody asked for: the stream is out of step, and every later reply would be misread.
      this.#options.fail(new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, `Asterisk sent a reply (${reply.code}) to no command; the session was dropped.`, { code: reply.code }));
      return;
    }
    clearTimeout(this.#timer);
    this.#inFlight = undefined;
    this.#queue.shift();
    pending.resolve(reply);
    this.#writeNext();
  }

  handleHangup(): void {
    if (this.#hungUp) return;
    this.#hungUp = true;
    this.#stop(HANGUP_REASON);
  }

  /** The connection is gone (or must go): every command still waiting is rejected with `err`. */
  handleClosed(err: AgiError): void {
    if (this.#closed) return;
    this.#closed = err;
    clearTimeout(this.#timer);
    const queue = this.#queue;
    this.#queue = [];
    this.#inFlight = undefined;
    // A specific cause (a deadline, a broken stream) is what the waiting commands get; a plain close
    // becomes an error naming the command (the shared end-of-session reasons carry no useful stack).
    for (const pending of queue) pending.reject(err.code === AgiErrorCodes.AGI_ERR_CLOSED ? closedError(err, pending.line) : err);
    this.#stop(err);
  }

  /** Tells the handler to stop (deadline or shutdown) without closing the connection yet. */
  abort(reason: AgiError): void {
    this.#stop(reason);
  }

  /** Aborts once; the first reason stands, as with AbortController. */
  #stop(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#abort?.abort(reason);
  }

  /**
   * Encodes, queues and maps one command. The promise is marked handled: a handler that returns
   * without awaiting a command must not crash the process with an unhandled rejection when the
   * session ends under it. Whoever awaits still gets the error.
   */
  #call<T>(encode: () => string, options: CommandOptions, map: (reply: AgiReply) => T): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = this.#send(encode(), options).then(map);
    } catch (err) {
      promise = Promise.reject(err as Error);
    }
    promise.catch(() => undefined);
    return promise;
  }

  #send(line: string, options: CommandOptions): Promise<AgiReply> {
    if (this.#closed) return Promise.reject(closedError(this.#closed, line));
    if (this.#queue.length >= this.#options.maxQueuedCommands) {
      return Promise.reject(
        new CrmTelephonyError(AgiErrorCodes.AGI_ERR_QUEUE_FULL, `${this.#queue.length} AGI commands are already waiting on this session; await each command before sending more.`, {
          queued: this.#queue.length,
        }),
      );
    }
    return new Promise<AgiReply>((resolve, reject) => {
      this.#queue.push({ line, timeoutMs: options.timeoutMs ?? this.#options.commandTimeoutMs, resolve, reject });
      if (!this.#inFlight) this.#writeNext();
    });
  }

  #writeNext(): void {
    const next = this.#queue[0];
    if (!next || this.#closed) return;
    this.#inFlight = next;
    this.#sent++;
    this.#timer = setTimeout(() => {
      const verb = commandVerb(next.line);
      this.#options.fail(
        new CrmTelephonyError(AgiErrorCodes.AGI_ERR_TIMEOUT, `Asterisk did not answer ${verb} within ${next.timeoutMs} ms; the session was closed (a late reply would be misread).`, {
          command: verb,
          timeoutMs: next.timeoutMs,
        }),
      );
    }, next.timeoutMs);
    this.#options.write(next.line);
  }
}

function expectSuccess(reply: AgiReply, what: string): AgiReply {
  if (reply.code === 200) return reply;
  if (reply.code === 511) {
    throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_DEAD_CHANNEL, `Asterisk refused ${what}: the channel has hung up (511).`, { code: reply.code });
  }
  throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_COMMAND_FAILED, `Asterisk refused ${what} with ${reply.code} ${reply.text}`.trim(), { code: reply.code, usage: reply.usage });
}

function closedError(cause: AgiError, line: string): AgiError {
  return new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, `${commandVerb(line)} got no answer: ${cause.message}`, { cause: cause.code }, { cause });
}

/** The command words without arguments, for logs and messages (values may be personal data). */
function commandVerb(line: string): string {
  const words = line.trim().split(' ');
  const verb: string[] = [];
  for (const w of words) {
    if (!/^[A-Za-z]+$/.test(w) || verb.length === 3) break;
    verb.push(w.toUpperCase());
  }
  return verb.join(' ') || 'a command';
}
