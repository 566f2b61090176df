/**
 * The FastAGI wire codec: bytes from Asterisk in, a request and replies out; commands out as bytes.
 * Pure: no sockets, no timers.
 *
 * On one connection Asterisk first sends the request block (`agi_key: value` lines ended by LF, then
 * an empty line), then one reply per command we send: `200 result=1`, `200 result=0 endpos=1234`,
 * `200 result=1 (value)`, `510 Invalid or unknown command`, `511 Command Not Permitted on a dead
 * channel`, or the multi-line usage reply that starts `520-Invalid command syntax.  Proper usage
 * follows:` and ends with a line `520 End of proper usage.`. Between replies it may send the line
 * `HANGUP` when the channel hangs up (FastAGI's stand-in for SIGHUP); the reply to a command sent
 * around that moment still follows. Lines end in LF; we tolerate CRLF.
 *
 * We frame on bytes and decode text per whole line, so a UTF-8 caller name split across TCP chunks
 * survives, and a peer that never ends a line or a block is cut off at a byte limit. Any error ends
 * the stream for good: FastAGI has no way to resynchronize, so the connection is dropped.
 */
import { type AgiError, AgiErrorCodes, CrmTelephonyError } from './agi-errors.ts';
import { isRequestKey, knownRequestKey, notRequestKey, printable, RequestBlock, type AgiRequest } from './request.ts';

export type { AgiRequest } from './request.ts';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const EMPTY = Buffer.alloc(0);

/** A real request block is about 600 bytes; many long AGI() arguments still fit. */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
/** Replies are short; `GET VARIABLE` of a long value and 520 usage texts are the longest. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024;
/**
 * Asterisk reads each command with `fgets` into a 2048-byte buffer (AGI_BUF_LEN in res_agi.c): a
 * longer line is cut and its tail runs as a second command. So a command may hold 2046 bytes, plus LF.
 */
export const MAX_COMMAND_BYTES = 2046;

export interface AgiReply {
  /** 200 success; 510 unknown command; 511 refused on a dead channel; 520 wrong syntax. */
  code: number;
  /** The value after `result=` (`1`, `0`, `-1`, digits pressed), or null when there is none. */
  result: string | null;
  /** The text in parentheses after the result (`200 result=1 (value)`), or null. */
  data: string | null;
  /** `key=value` words after the result and data (`endpos=1234`). */
  fields: Readonly<Record<string, string>>;
  /** Everything after the code on the first line, as sent. */
  text: string;
  /** For the multi-line 520 reply: the usage text between its first and last line. */
  usage: string | null;
}

export type AgiDecoded =
  | { kind: 'request'; request: AgiRequest }
  | { kind: 'reply'; reply: AgiReply }
  | { kind: 'hangup' }
  | { kind: 'error'; error: AgiError };

export interface AgiDecoderOptions {
  /** Largest request block accepted, in bytes. Default 64 KiB. */
  maxRequestBytes?: number;
  /** Largest reply accepted (a line, or a whole 520 usage reply), in bytes. Default 64 KiB. */
  maxReplyBytes?: number;
}

/**
 * Incremental decoder for what Asterisk sends on one FastAGI connection. Feed chunks in arrival
 * order; it returns what became complete. Never throws on input: a problem comes back as one
 * `{ kind: 'error' }` item, after which the decoder ignores all input (drop the connection).
 */
export class AgiDecoder {
  readonly maxRequestBytes: number;
  readonly maxReplyBytes: number;
  #phase: 'request' | 'replies' | 'failed' = 'request';
  #buf: Buffer = EMPTY;
  #end = 0;
  /** Start of the frame (request block, reply) being read. */
  #start = 0;
  /** Start of the first line not yet seen whole. */
  #scan = 0;
  /** The request block read so far (until its empty line). */
  #block: RequestBlock | undefined;
  /** Lines of a 520 usage reply read so far (after its first line). */
  #usage: string[] | undefined;
  #usageHead = '';

  constructor(options: AgiDecoderOptions = {}) {
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  }

  /** `request` until the block is in, then `replies`; `failed` after an error. */
  get phase(): 'request' | 'replies' | 'failed' {
    return this.#phase;
  }

  /** Bytes held for a frame not yet complete (bounded by the limits). */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): AgiDecoded[] {
    if (this.#phase === 'failed' || chunk.length === 0) return [];
    const out: AgiDecoded[] = [];
    this.#append(chunk);
    // A view up to the valid bytes: the spare capacity past #end holds stale bytes.
    const buf = this.#buf.subarray(0, this.#end);
    let lineStart = this.#scan;
    for (;;) {
      const nl = buf.indexOf(LF, lineStart);
      if (nl < 0) break;
      const lineEnd = nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl;
      const item = this.#phase === 'request' ? this.#requestLine(buf, lineStart, lineEnd, nl + 1) : this.#replyLine(buf, lineStart, lineEnd, nl + 1);
      lineStart = nl + 1;
      if (item) {
        out.push(item);
        if (item.kind === 'error') return out;
      }
    }
    this.#scan = lineStart;
    const limit = this.#phase === 'request' ? this.maxRequestBytes : this.maxReplyBytes;
    if (this.#end - this.#start > limit) return [...out, this.#fail(tooLarge(this.#phase === 'request' ? 'request block' : 'reply', this.#end - this.#start, limit))];
    this.#compact();
    return out;
  }

  /** Call when the stream ends: reports a request or reply cut off by the close. */
  end(): AgiDecoded[] {
    const pending = this.#end - this.#start;
    const phase = this.#phase;
    this.#buf = EMPTY;
    this.#start = this.#scan = this.#end = 0;
    if (phase === 'failed') return [];
    this.#phase = 'failed';
    if (phase === 'request' || pending > 0 || this.#usage !== undefined) {
      const what = phase === 'request' ? 'before its request block ended' : 'in the middle of a reply';
      return [
        {
          kind: 'error',
          error: new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, `The FastAGI connection closed ${what} (${pending} bytes pending).`, { bytes: pending, phase }),
        },
      ];
    }
    return [];
  }

  #requestLine(buf: Buffer, start: number, end: number, next: number): AgiDecoded | undefined {
    if (next - this.#start > this.maxRequestBytes) return this.#fail(tooLarge('request block', next - this.#start, this.maxRequestBytes));
    if (end === start) {
      // The empty line: the block is complete.
      const block = this.#block ?? new RequestBlock();
      this.#block = undefined;
      this.#start = next;
      this.#phase = 'replies';
      try {
        return { kind: 'request', request: block.finish() };
      } catch (err) {
        return this.#fail(err as AgiError);
      }
    }
    // Split on the first ": " only: values hold colons (`agi_request: agi://host:4573/route`). The
    // bytes are scanned, and only the key and the value are decoded: ": " is ASCII, never inside a
    // UTF-8 sequence, so this splits where splitting the decoded line would.
    let sep = -1;
    let ascii = true;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b === COLON && i + 1 < end && buf[i + 1] === SPACE) {
        sep = i;
        break;
      }
      if (b >= 0x80) ascii = false;
    }
    let key: string;
    let value: string;
    if (sep > start) {
      key = knownRequestKey(buf, start, sep) ?? buf.toString(ascii ? 'latin1' : 'utf8', start, sep);
      value = sep + 2 === end ? '' : buf.toString('utf8', sep + 2, end);
    } else if (buf[end - 1] === COLON && end - start > 1 && !hasSpace(buf, start, end)) {
      // `agi_accountcode:` with its trailing space stripped by some proxy: an empty value.
      key = buf.toString('utf8', start, end - 1);
      value = '';
    } else {
      const line = buf.toString('utf8', start, end);
      return this.#fail(
        new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, `A FastAGI request line is not "agi_key: value": "${printable(line)}". Is this port reached by something other than Asterisk's AGI()?`, {
          line: printable(line),
        }),
      );
    }
    // Garbage is refused at its first line: the peer must not hold a slot until the deadline.
    if (!isRequestKey(key)) return this.#fail(notRequestKey(key));
    (this.#block ??= new RequestBlock()).add(key, value);
    return undefined;
  }

  #replyLine(buf: Buffer, start: number, end: number, next: number): AgiDecoded | undefined {
    if (next - this.#start > this.maxReplyBytes) return this.#fail(tooLarge('reply', next - this.#start, this.maxReplyBytes));
    const line = buf.toString('utf8', start, end);
    if (this.#usage !== undefined) {
      // Inside `520-...`: every line is usage text until `520 End of proper usage.`
      if (/^520(?: |$)/.test(line)) {
        const usage = this.#usage.join('\n');
        this.#usage = undefined;
        this.#start = next;
        return { kind: 'reply', reply: { code: 520, result: null, data: null, fields: {}, text: this.#usageHead, usage } };
      }
      this.#usage.push(line);
      return undefined;
    }
    this.#start = next;
    if (line === '') return undefined; // never sent between replies; harmless if a proxy adds one
    if (line === 'HANGUP') return { kind: 'hangup' };
    const m = /^([1-9][0-9]{2})(?:([ -])(.*))?$/s.exec(line);
    if (!m) {
      return this.#fail(
        new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, `Asterisk sent a line that is not an AGI reply: "${printable(line)}".`, { line: printable(line) }),
      );
    }
    const code = Number(m[1]);
    const text = m[3] ?? '';
    if (m[2] === '-') {
      if (code !== 520) return this.#fail(new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, `Asterisk sent a multi-line reply with code ${code}; only 520 is multi-line.`, { code }));
      // The usage reply: the frame (and its byte limit) runs from this line to `520 End of proper usage.`
      this.#usage = [];
      this.#usageHead = text;
      this.#start = start;
      return undefined;
    }
    return { kind: 'reply', reply: parseReplyText(code, text) };
  }

  #fail(error: AgiError): AgiDecoded {
    this.#phase = 'failed';
    this.#buf = EMPTY;
    this.#start = this.#scan = this.#end = 0;
    this.#block = undefined;
    this.#usage = undefined;
    return { kind: 'error', error };
  }

  #append(chunk: Uint8Array): void {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#start === this.#end) {
      // The previous chunk ended on a frame boundary: use the chunk as it is, no copy.
      this.#buf = data;
      this.#start = this.#scan = 0;
      this.#end = data.length;
      return;
    }
    if (this.#buf.length - this.#end >= data.length && this.#buf !== data) {
      data.copy(this.#buf, this.#end);
      this.#end += data.length;
      return;
    }
    // Grow by doubling, so a frame in tiny chunks costs linear, not quadratic, copying.
    const pending = this.#end - this.#start;
    const need = pending + data.length;
    const grown = Buffer.allocUnsafe(Math.max(need, pending * 2, 1024));
    this.#buf.copy(grown, 0, this.#start, this.#end);
    data.copy(grown, pending);
    this.#buf = grown;
    this.#scan -= this.#start;
    this.#start = 0;
    this.#end = need;
  }

  #compact(): void {
    if (this.#start === this.#end) {
      this.#buf = EMPTY;
      this.#start = this.#scan = this.#end = 0;
    } else if (this.#start > 0 && this.#buf.length > 4096 && this.#start > this.#buf.length / 2) {
      // Replies follow each other on one long-lived buffer: drop what was consumed.
      const rest = Buffer.allocUnsafe(Math.max(this.#end - this.#start, 1024));
      this.#buf.copy(rest, 0, this.#start, this.#end);
      this.#scan -= this.#start;
      this.#end -= this.#start;
      this.#start = 0;
      this.#buf = rest;
    }
  }
}

function hasSpace(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === SPACE) return true;
  return false;
}

function tooLarge(what: string, bytes: number, limit: number): AgiError {
  return new CrmTelephonyError(AgiErrorCodes.AGI_ERR_FRAME_TOO_LARGE, `A FastAGI ${what} grew past ${limit} bytes without ending; the connection was dropped.`, { bytes, limit });
}

/** `key=value` words, as Asterisk appends them after a result (`endpos=1234`, `results=2`). */
const TRAILING_FIELDS = /^(?:\s+[A-Za-z_][A-Za-z0-9_-]*=\S*)*\s*$/;

/**
 * Reads the text after a reply's code: `result=1 (value) endpos=5`. The data in parentheses may hold
 * parentheses and spaces itself (a variable's value), so it ends at the last `)` that is followed
 * only by `key=value` words.
 */
export function parseReplyText(code: number, text: string): AgiReply {
  const reply: AgiReply = { code, result: null, data: null, fields: {}, text, usage: null };
  if (!text.startsWith('result=')) return reply;
  let at = text.indexOf(' ');
  reply.result = at < 0 ? text.slice(7) : text.slice(7, at);
  if (at < 0) return reply;
  let rest = text.slice(at + 1);
  if (rest.startsWith('(')) {
    let close = rest.lastIndexOf(')');
    while (close > 0 && !TRAILING_FIELDS.test(rest.slice(close + 1))) close = rest.lastIndexOf(')', close - 1);
    if (close > 0) {
      reply.data = rest.slice(1, close);
      rest = rest.slice(close + 1);
    } else {
      reply.data = rest.slice(1); // unterminated: keep what there is
      rest = '';
    }
  }
  const fields = Object.create(null) as Record<string, string>;
  for (const word of rest.split(/\s+/)) {
    at = word.indexOf('=');
    if (at > 0) fields[word.slice(0, at)] = word.slice(at + 1);
  }
  reply.fields = fields;
  return reply;
}

// ---- encoder ---------------------------------------------------------------------------------

/** Command words as Asterisk's AGI commands are spelled: `SET VARIABLE`, `VERBOSE`, `GET FULL VARIABLE`. */
const COMMAND_WORDS = /^[A-Za-z]+(?: [A-Za-z]+)*$/;
/** A channel variable or dialplan function: `ROUTE_EXT`, `CALLERID(name)`, `HASH(a,b)`, `__INHERITED`. */
const VARIABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*(?:\([A-Za-z0-9_.:,-]*\))?$/;
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/**
 * Quotes one argument the way Asterisk's `parse_args()` (res_agi.c) reads it back: inside double
 * quotes spaces are kept, a backslash makes the next character literal, so `\` and `"` are escaped.
 * An empty value becomes `""`, which Asterisk reads as an empty argument.
 */
export function quoteArg(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Encodes one command line, LF included: the command words, then each argument quoted. Refuses
 * (AGI_ERR_INJECTION) a CR, LF or NUL anywhere — one would end the command early and let a CRM
 * name smuggle a second command (`EXEC System ...`) onto the PBX — and a line too long for Asterisk.
 */
export function encodeCommand(command: string, args: readonly (string | number)[] = []): string {
  if (!COMMAND_WORDS.test(command)) {
    throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_INJECTION, `Refused the AGI command ${JSON.stringify(printable(command))}: command words are letters separated by single spaces.`, {
      command: printable(command),
    });
  }
  let line = command;
  for (const arg of args) {
    const text = String(arg);
    checkNoBreak(text, command);
    line += ` ${quoteArg(text)}`;
  }
  return finish(line, command);
}

/** `SET VARIABLE name "value"`: the name is checked (no spaces, quotes or line breaks), the value quoted. */
export function encodeSetVariable(name: string, value: string): string {
  checkVariableName(name);
  checkNoBreak(value, 'SET VARIABLE');
  return finish(`SET VARIABLE ${name} ${quoteArg(value)}`, 'SET VARIABLE');
}

/** `VERBOSE "message" level`: level 1 to 4, as Asterisk accepts. */
export function encodeVerbose(message: string, level = 1): string {
  if (!Number.isInteger(level) || level < 1 || level > 4) {
    throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_INJECTION, `VERBOSE level ${level} is not 1 to 4.`, { level });
  }
  checkNoBreak(message, 'VERBOSE');
  return finish(`VERBOSE ${quoteArg(message)} ${level}`, 'VERBOSE');
}

/** `GET VARIABLE name`. */
export function encodeGetVariable(name: string): string {
  checkVariableName(name);
  return finish(`GET VARIABLE ${name}`, 'GET VARIABLE');
}

/**
 * Checks a command written by hand (`session.command('ANSWER')`) and adds its LF. Refuses line breaks
 * and NUL, and lines Asterisk would cut; quoting is the caller's business here.
 */
export function encodeRawCommand(raw: string): string {
  checkNoBreak(raw, 'a raw command');
  if (raw.trim() === '') throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_INJECTION, 'Refused an empty AGI command.');
  return finish(raw, printable(raw.split(' ', 1)[0] ?? ''));
}

function checkVariableName(name: string): void {
  if (!VARIABLE_NAME.test(name)) {
    throw new CrmTelephonyError(
      AgiErrorCodes.AGI_ERR_INJECTION,
      `Refused the channel variable name ${JSON.stringify(printable(name))}: use letters, digits and _ (a function such as CALLERID(name) may follow with its arguments).`,
      { name: printable(name) },
    );
  }
}

function checkNoBreak(text: string, command: string): void {
  if (LINE_BREAK_OR_NUL.test(text)) {
    throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_INJECTION, `Refused to send ${command}: a value holds a line break or NUL, which would end the command early and inject another. Remove CR/LF from the value.`, {
      command,
    });
  }
}

function finish(line: string, command: string): string {
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > MAX_COMMAND_BYTES) {
    throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_INJECTION, `Refused to send ${command}: ${bytes} bytes is over the ${MAX_COMMAND_BYTES} Asterisk reads as one command; shorten the value.`, {
      command,
      bytes,
    });
  }
  return `${line}\n`;
}
