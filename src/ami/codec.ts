/**
 * The AMI wire codec: bytes in, messages out, and actions out as bytes. Pure: no sockets, no timers.
 *
 * AMI is line based: a greeting line (`Asterisk Call Manager/9.0.0`), then messages made of
 * `Key: Value` lines, each message ended by an empty line. Lines end in CRLF; we also accept bare
 * LF, which some proxies and hand-written peers send. The old `Response: Follows` reply to
 * `Command` carries free text that may hold empty lines and ends with `--END COMMAND--`.
 *
 * We frame on bytes and turn bytes into text only once a whole message is in: a UTF-8 character
 * split across two TCP chunks then decodes correctly, and a peer that never ends a message is cut
 * off at `maxMessageBytes` instead of growing our memory.
 */
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { AmiMessage, type AmiField } from './message.ts';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const GREETING_PREFIX = 'Asterisk Call Manager/';
const END_COMMAND = '--END COMMAND--';
/** Asterisk's longest messages (Command output, big Status lists) stay far below this. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export type AmiGreeting = { kind: 'greeting'; line: string; version: string };
export type AmiDecodeError = { kind: 'error'; error: CrmTelephonyError };
export type AmiDecoded = AmiGreeting | { kind: 'message'; message: AmiMessage } | AmiDecodeError;
/** What `pushInto` hands out: messages bare, greetings and errors as `push` gives them. */
export type AmiDecodedItem = AmiMessage | AmiGreeting | AmiDecodeError;

export interface AmiDecoderOptions {
  /** Expect the greeting line first (a client reading a PBX). A server reading actions sets false. */
  expectGreeting?: boolean;
  /** A message longer than this is dropped and reported; the decoder then resynchronizes. */
  maxMessageBytes?: number;
}

/** The two ways an empty line can follow a line: CRLF and bare LF (to cut a chunk after a message). */
const LF_CR_LF = Buffer.from('\n\r\n', 'latin1');
const LF_LF = Buffer.from('\n\n', 'latin1');
/** Our own buffer for unfinished bytes is kept between messages up to this size, and let go above. */
const KEEP_BUFFER_BYTES = 64 * 1024;

/**
 * Incremental decoder. Feed it chunks in arrival order; it returns what became complete.
 * Never throws on input: anything wrong comes back as a `{ kind: 'error' }` item. It keeps no view
 * of a chunk once `push` returns (an unfinished message is copied), so a caller may reuse the memory.
 */
export class AmiDecoder {
  readonly maxMessageBytes: number;
  #buf: Buffer = EMPTY;
  /** End of the valid bytes in #buf (the rest is spare capacity). */
  #end = 0;
  /** Start of the message being read, within #buf. */
  #start = 0;
  /** Where the line scan resumes (start of the first line not yet seen whole). */
  #scan = 0;
  /** Where #message stopped in a message not yet whole: the start of its first line not seen whole. */
  #lineAt = 0;
  /** #buf is the caller's chunk (or a part of it), not ours: copy what is left before push returns. */
  #borrowed = false;
  /** Our buffer, kept for the next unfinished message. */
  #spare: Buffer = EMPTY;
  #awaitingGreeting: boolean;
  /** True while skipping the rest of an oversized message, up to the next empty line. */
  #discarding = false;
  /** Inside a legacy `Response: Follows` message: end at `--END COMMAND--`, not at an empty line. */
  #follows = false;
  /** The bytes last dropped ended inside a line: the next LF ends that line, not an empty one. */
  #midLine = false;

  constructor(options: AmiDecoderOptions = {}) {
    this.#awaitingGreeting = options.expectGreeting ?? true;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Bytes held for a message not yet complete (never more than maxMessageBytes). */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): AmiDecoded[] {
    const out: AmiDecoded[] = [];
    this.#feed(chunk, out, true);
    return out;
  }

  /**
   * `push` for a hot path: what became complete is appended to `into`, messages bare rather than
   * each in a `{ kind: 'message', message }` wrapper. The same decoding, one object less per message.
   */
  pushInto(chunk: Uint8Array, into: AmiDecodedItem[]): void {
    this.#feed(chunk, into, false);
  }

  /** Call when the stream ends: reports a message cut off by the close (nothing is silently lost). */
  end(): AmiDecoded[] {
    const pending = this.#end - this.#start;
    const discarding = this.#discarding;
    this.#buf = this.#spare = EMPTY;
    this.#start = this.#scan = this.#end = 0;
    this.#borrowed = this.#discarding = this.#midLine = this.#follows = false;
    if (pending > 0 && !discarding) {
      return [
        {
          kind: 'error',
          error: new CrmTelephonyError(
            ErrorCodes.AMI_ERR_MALFORMED,
            `The AMI connection closed in the middle of a message (${pending} bytes never ended).`,
            { bytes: pending },
          ),
        },
      ];
    }
    return [];
  }

  #feed(chunk: Uint8Array, out: (AmiDecoded | AmiMessage)[], wrap: boolean): void {
    if (chunk.length === 0) return;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#start < this.#end) {
      // A message was left unfinished: append only the bytes that finish it, so that the rest of
      // the chunk is read where it lies instead of being copied behind it. Any cut decodes alike.
      const head = this.#headLength(data);
      if (head > 0 && head < data.length) {
        this.#append(data.subarray(0, head));
        this.#decode(out, wrap);
        data = data.subarray(head);
      }
    }
    this.#append(data);
    this.#decode(out, wrap);
    if (this.#borrowed) this.#keepRest();
  }

  /**
   * How many bytes at the start of `chunk` finish the message held (through the empty line that
   * ends it), or -1 when that is not plain to see. Only a guess to save copying.
   */
  #headLength(chunk: Buffer): number {
    if (this.#awaitingGreeting || this.#discarding || this.#follows) return -1;
    const buf = this.#buf;
    const end = this.#end;
    // The empty line may straddle the cut.
    const last = buf[end - 1];
    if (last === LF) {
      if (chunk[0] === LF) return 1;
      if (chunk[0] === CR && chunk[1] === LF) return 2;
    } else if (last === CR && chunk[0] === LF && end - 2 >= this.#start && buf[end - 2] === LF) {
      return 1;
    }
    const crlf = chunk.indexOf(LF_CR_LF);
    if (crlf >= 0) return crlf + 3;
    const lf = chunk.indexOf(LF_LF);
    return lf >= 0 ? lf + 2 : -1;
  }

  #append(data: Buffer): void {
    if (this.#start === this.#end) {
      // Common case: the previous chunk ended on a message boundary; read the chunk where it lies.
      this.#buf = data;
      this.#borrowed = true;
      this.#start = this.#scan = 0;
      this.#end = data.length;
      return;
    }
    if (!this.#borrowed && this.#buf.length - this.#end >= data.length) {
      data.copy(this.#buf, this.#end);
      this.#end += data.length;
      return;
    }
    // Grow by doubling, so a long message in tiny chunks costs linear, not quadratic, copying.
    const pending = this.#end - this.#start;
    const need = pending + data.length;
    const grown = this.#ownBuffer(Math.max(need, pending * 2, 4096));
    this.#buf.copy(grown, 0, this.#start, this.#end);
    data.copy(grown, pending);
    this.#moveTo(grown, need);
  }

  /** The unfinished bytes move from the caller's chunk into our own buffer. */
  #keepRest(): void {
    if (this.#start === this.#end) return;
    const pending = this.#end - this.#start;
    const own = this.#ownBuffer(Math.max(pending * 2, 4096));
    this.#buf.copy(own, 0, this.#start, this.#end);
    this.#moveTo(own, pending);
  }

  /** A buffer of ours with room for `size` bytes: the spare one when it is large enough. */
  #ownBuffer(size: number): Buffer {
    const spare = this.#spare;
    if (spare.length >= size && spare !== this.#buf) return spare;
    const fresh = Buffer.allocUnsafe(size);
    if (size <= KEEP_BUFFER_BYTES) this.#spare = fresh;
    return fresh;
  }

  /** #buf becomes `buf`, holding the pending bytes at its start; the cursors follow. */
  #moveTo(buf: Buffer, end: number): void {
    this.#buf = buf;
    this.#borrowed = false;
    this.#scan -= this.#start;
    this.#start = 0;
    this.#end = end;
  }

  /** Reads every whole message (and line) in #buf. */
  #decode(out: (AmiDecoded | AmiMessage)[], wrap: boolean): void {
    // Searches must not run into our buffer's spare capacity.
    const end = this.#end;
    const buf = this.#buf.length === end ? this.#buf : this.#buf.subarray(0, end);
    let lineStart = this.#scan;
    // The bytes as Latin-1 text, made once per pass when a message is read whole (see #message).
    let latin: string | undefined;
    while (lineStart < end) {
      if (lineStart === this.#start && !this.#awaitingGreeting && !this.#discarding) {
        // At the start of a message: unless it is an empty line or a legacy Follows response, read
        // it whole, found by its ending empty line, instead of line by line.
        if (latin === undefined) {
          // Not one line whole yet (a long first line in small chunks): wait, without making text.
          if (buf.indexOf(LF, lineStart) < 0) break;
          latin = buf.toString('latin1', 0, end);
        }
        const next = this.#message(buf, latin, lineStart, out, wrap);
        if (next === 0) {
          // Not all here yet: the lines seen whole are not read again; #line goes on from there.
          lineStart = this.#lineAt;
          break;
        }
        if (next > 0) {
          lineStart = this.#start = next;
          continue;
        }
      }
      const nl = buf.indexOf(LF, lineStart);
      if (nl < 0) break;
      lineStart = this.#line(buf, lineStart, nl, out, wrap);
    }
    this.#scan = lineStart;
    if (this.#end - this.#start > this.maxMessageBytes) {
      this.#midLine = endsMidLine(buf, this.#start, this.#end);
      if (this.#discarding) this.#start = this.#scan = this.#end; // already reported: just drop
      else out.push(this.#overflow());
    }
    this.#compact();
  }

  /**
   * Reads the message that starts at `s`: returns where the next one starts, 0 when its end has
   * not arrived (#lineAt: the first line not seen whole), or -1 when it is for #line to read (an
   * empty line, a Follows response).
   *
   * The lines are found in `latin`, the pass's bytes as Latin-1 text (one character per byte, so
   * its offsets are the bytes'): one pass finds each line, its colon and the empty line that ends
   * the message. The message's bytes are then decoded as UTF-8; when that text has one character
   * per byte (ASCII, nearly always) the offsets found are its fields. Anything else (UTF-8 letters,
   * a padded key, a line with no colon) is read again from the text by readFields.
   */
  #message(buf: Buffer, latin: string, s: number, out: (AmiDecoded | AmiMessage)[], wrap: boolean): number {
    const first = buf[s];
    if (first === LF || first === CR) return -1;
    let n = 0;
    let plain = true;
    let lineStart = s;
    // The first colon at or after lineStart, kept while lines before it have none (-1: no more).
    let colon = latin.indexOf(':', s);
    for (;;) {
      const nl = latin.indexOf('\n', lineStart);
      if (nl < 0) break;
      const lineEnd = nl > lineStart && latin.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      if (lineEnd === lineStart) return this.#whole(buf, s, lineStart, nl + 1, plain, n, out, wrap);
      if (lineStart === s && (first === 0x52 || first === 0x72) && isFollowsLine(buf, s, lineEnd)) return -1;
      if (colon >= 0 && colon < lineStart) colon = latin.indexOf(':', lineStart);
      if (colon > lineStart && colon < lineEnd && latin.charCodeAt(lineStart) !== SPACE && latin.charCodeAt(colon - 1) !== SPACE) {
        let v = colon + 1;
        if (v < lineEnd && latin.charCodeAt(v) === SPACE) v++;
        spans[n] = lineStart - s;
        spans[n + 1] = colon - s;
        spans[n + 2] = v - s;
        spans[n + 3] = lineEnd - s;
        n += 4;
      } else {
        plain = false;
      }
      lineStart = nl + 1;
    }
    this.#lineAt = lineStart;
    return 0;
  }

  /** The message [s, bodyEnd) is whole; `plain`: the `n` offsets in `spans` are its fields. */
  #whole(buf: Buffer, s: number, bodyEnd: number, next: number, plain: boolean, n: number, out: (AmiDecoded | AmiMessage)[], wrap: boolean): number {
    const size = bodyEnd - s;
    if (size > this.maxMessageBytes) {
      out.push(this.#tooLarge(size));
    } else {
      const text = buf.toString('utf8', s, bodyEnd);
      // As long as the bytes, the text has one character per byte (ASCII, or a stray byte read as
      // U+FFFD): the offsets found in the bytes are the text's. Otherwise (UTF-8 letters) read the
      // text again. Framed at its first empty line, it holds none: readFields does not refuse it.
      const message = plain && text.length === size ? AmiMessage.fromText(text, spans.slice(0, n), EMPTY_LIST) : readFields(text, true)!;
      out.push(wrap ? { kind: 'message', message } : message);
    }
    if (spans.length > 4096) spans = [];
    return next;
  }

  /** Reads one line ending at the LF at `nl`, in whatever state the decoder is; returns the next line's start. */
  #line(buf: Buffer, lineStart: number, nl: number, out: (AmiDecoded | AmiMessage)[], wrap: boolean): number {
    const lineEnd = nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl;
    const next = nl + 1;
    if (this.#awaitingGreeting) {
      out.push(this.#greeting(buf.toString('utf8', lineStart, lineEnd)));
      this.#start = next;
    } else if (this.#discarding) {
      if (lineEnd === lineStart && !this.#midLine) this.#discarding = false;
      this.#midLine = false;
      this.#start = next; // drop as we go: memory stays bounded
    } else if (lineStart === this.#start && lineEnd === lineStart) {
      this.#start = next; // stray empty line between messages: nothing to deliver
    } else {
      if (lineStart === this.#start) this.#follows = isFollowsLine(buf, lineStart, lineEnd);
      if (this.#follows) {
        if (isEndCommand(buf, lineStart, lineEnd)) {
          const size = lineStart - this.#start;
          out.push(size <= this.maxMessageBytes ? wrapped(decodeFollows(buf.toString('utf8', this.#start, lineEnd)), wrap) : this.#tooLarge(size));
          this.#follows = false;
          this.#start = next;
        }
      } else if (lineEnd === lineStart) {
        const size = lineStart - this.#start;
        // Read line by line, the text holds no empty line: decodeWire cannot refuse it.
        const message = size <= this.maxMessageBytes ? decodeWire(buf, this.#start, lineStart) : null;
        out.push(message ? wrapped(message, wrap) : this.#tooLarge(size));
        this.#start = next;
      }
    }
    return next;
  }

  /** A whole message arrived, but over the limit. */
  #tooLarge(bytes: number): AmiDecodeError {
    return {
      kind: 'error',
      error: new CrmTelephonyError(
        ErrorCodes.AMI_ERR_FRAME_TOO_LARGE,
        `An AMI message of ${bytes} bytes is over the ${this.maxMessageBytes}-byte limit; it was dropped.`,
        { bytes, limit: this.maxMessageBytes },
      ),
    };
  }

  #compact(): void {
    if (this.#start === this.#end) {
      this.#buf = EMPTY;
      this.#borrowed = false;
      this.#start = this.#scan = this.#end = 0;
    }
  }

  #greeting(line: string): AmiDecoded {
    this.#awaitingGreeting = false;
    if (line.startsWith(GREETING_PREFIX)) {
      return { kind: 'greeting', line, version: line.slice(GREETING_PREFIX.length).trim() };
    }
    return {
      kind: 'error',
      error: new CrmTelephonyError(
        ErrorCodes.AMI_ERR_NOT_AMI,
        `The peer is not an Asterisk Manager Interface: it greeted with "${printable(line)}". ` +
          'Check AMI_HOST and AMI_PORT (Asterisk listens on 5038 by default, see manager.conf).',
        { greeting: printable(line) },
      ),
    };
  }

  #overflow(): AmiDecoded {
    const size = this.#end - this.#start;
    const greeting = this.#awaitingGreeting;
    // Keep scanning from here for the empty line that ends the oversized message.
    this.#discarding = !greeting;
    this.#awaitingGreeting = false;
    this.#follows = false;
    this.#start = this.#scan = this.#end;
    return {
      kind: 'error',
      error: new CrmTelephonyError(
        greeting ? ErrorCodes.AMI_ERR_NOT_AMI : ErrorCodes.AMI_ERR_FRAME_TOO_LARGE,
        greeting
          ? 'The peer sent a long stream with no greeting line: this is not an AMI port. Check AMI_HOST and AMI_PORT.'
          : `An AMI message grew past ${this.maxMessageBytes} bytes without ending; it was dropped and reading resumes at the next message.`,
        { bytes: size, limit: this.maxMessageBytes },
      ),
    };
  }
}

function wrapped(message: AmiMessage, wrap: boolean): AmiDecoded | AmiMessage {
  return wrap ? { kind: 'message', message } : message;
}

/**
 * Whether the bytes held end inside a line: not right after a LF, nor after a LF and a CR (which
 * may be the first half of an empty line).
 */
function endsMidLine(buf: Buffer, start: number, end: number): boolean {
  const last = buf[end - 1];
  if (last === LF) return false;
  if (last === CR) return !(end - 1 === start || buf[end - 2] === LF);
  return true;
}

function isFollowsLine(buf: Buffer, start: number, end: number): boolean {
  // "Response: Follows" is 17 bytes; compare case-insensitively without allocating for other lines.
  if (end - start < 17 || end - start > 24) return false;
  return /^response:\s*follows\s*$/i.test(buf.toString('latin1', start, end));
}

function isEndCommand(buf: Buffer, start: number, end: number): boolean {
  // The marker may share a line with the last output (no newline before it) on old Asterisk.
  if (end - start < END_COMMAND.length) return false;
  return buf.toString('latin1', end - END_COMMAND.length, end) === END_COMMAND;
}

/** Splits `Key: Value` on the first colon; one space after it belongs to the syntax, not the value. */
function parseLine(line: string, fields: AmiField[], unparsed: string[]): void {
  const colon = line.indexOf(':');
  if (colon <= 0) {
    unparsed.push(line);
    return;
  }
  const key = line.slice(0, colon).trim();
  let v = colon + 1;
  if (line.charCodeAt(v) === 32) v++;
  fields.push([key, line.slice(v)]);
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Decodes one whole message (the text before its empty line). */
export function decodeMessage(text: string): AmiDecoded {
  return { kind: 'message', message: readFields(text, false)! };
}

/**
 * The bytes of one message, up to and including the LF of its last line, as a message; null when
 * the text holds an empty line (it ran past the end of the message: the caller frames again).
 * Bytes become text only here, for a whole message, so a UTF-8 character is never cut in two.
 */
function decodeWire(buf: Buffer, start: number, end: number): AmiMessage | null {
  return readFields(buf.toString('utf8', start, end), true);
}

/** Offsets of the message being read, four per field; copied out at the end (one exact-size array). */
let spans: number[] = [];

/**
 * The hot path of every event: one pass over the text, noting where each key and value lie
 * (AmiMessage cuts them out only when asked). `Key: Value` splits at the first colon; one space
 * after it belongs to the syntax, not the value; a key is trimmed when it starts or ends in a space.
 * Lines that are not `Key: Value` are kept as unparsed. With `wire`, an empty line gives null.
 */
function readFields(text: string, wire: boolean): AmiMessage | null {
  let n = 0;
  let unparsed: string[] | undefined;
  const length = text.length;
  let start = 0;
  // The first colon at or after `start`, kept while lines before it have none (length: no more).
  let colon = -1;
  while (start < length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (colon < start) {
      colon = text.indexOf(':', start);
      if (colon < 0) colon = length;
    }
    if (colon > start && colon < end) {
      let keyStart = start;
      let keyEnd = colon;
      if (text.charCodeAt(keyStart) === 32 || text.charCodeAt(keyEnd - 1) === 32) {
        // Keys almost never carry spaces; trim (as String#trim does) only when they do.
        const key = text.slice(keyStart, keyEnd);
        const trimmed = key.trimStart();
        keyStart += key.length - trimmed.length;
        keyEnd = keyStart + trimmed.trimEnd().length;
      }
      let v = colon + 1;
      if (v < end && text.charCodeAt(v) === 32) v++;
      spans[n] = keyStart;
      spans[n + 1] = keyEnd;
      spans[n + 2] = v;
      spans[n + 3] = end;
      n += 4;
    } else if (end > start || nl < length) {
      if (wire && end === start) return null;
      (unparsed ??= []).push(text.slice(start, end));
    }
    start = nl + 1;
  }
  const own = spans.slice(0, n);
  // A huge message's offsets are not kept for the next one.
  if (spans.length > 4096) spans = [];
  return AmiMessage.fromText(text, own, unparsed ?? EMPTY_LIST);
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);

/**
 * Legacy `Response: Follows`: header lines, then free output up to `--END COMMAND--`. The output
 * becomes `Output` fields, one per line, the same shape Asterisk 14+ sends, so callers read both alike.
 */
function decodeFollows(text: string): AmiMessage {
  const fields: AmiField[] = [];
  const lines = splitLines(text);
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // Headers are Response, Privilege, ActionID; the first line that is not a known header starts output.
    if (colon <= 0 || !/^(response|privilege|actionid|message)$/i.test(line.slice(0, colon).trim())) break;
    parseLine(line, fields, []);
  }
  for (; i < lines.length; i++) {
    let line = lines[i]!;
    if (i === lines.length - 1 && line.endsWith(END_COMMAND)) {
      line = line.slice(0, -END_COMMAND.length);
      if (line === '') break;
    }
    fields.push(['Output', line]);
  }
  return new AmiMessage(fields);
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 60);
}

/** A field value to encode: arrays become repeated keys (`Variable: a=1`, `Variable: b=2`). */
export type AmiValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type AmiFieldsInput = Readonly<Record<string, AmiValue>> | readonly (readonly [string, string | number])[];

/**
 * Encodes one action. Refuses (AMI_ERR_INJECTION) any CR or LF in a key or value: one would let a
 * caller name or a form field smuggle a second action (`Action: Originate`) onto the PBX.
 */
export function encodeAction(action: string, fields: AmiFieldsInput = {}): string {
  let out = '';
  const add = (key: string, value: string | number | boolean): void => {
    const v = String(value);
    checkAmiField(key, v);
    out += `${key}: ${v}\r\n`;
  };
  add('Action', action);
  const entries: readonly (readonly [string, AmiValue])[] = Array.isArray(fields)
    ? (fields as readonly (readonly [string, string | number])[])
    : Object.entries(fields as Record<string, AmiValue>);
  for (const [key, value] of entries) {
    if (key.toLowerCase() === 'action') continue;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value as readonly (string | number)[]) add(key, item);
    else add(key, value as string | number | boolean);
  }
  return out + '\r\n';
}

/**
 * Refuses (AMI_ERR_INJECTION) a key or value that would break the line framing: used for every
 * field we write, by the client's actions and the simulator's messages alike.
 */
export function checkAmiField(key: string, value: string): void {
  if (key.length === 0 || /[\r\n:]/.test(key) || key.trim() !== key) {
    throw new CrmTelephonyError(
      ErrorCodes.AMI_ERR_INJECTION,
      `Refused to send an AMI field with an invalid key ${JSON.stringify(key)}: keys must be non-empty with no colon, CR or LF.`,
      { key },
    );
  }
  if (/[\r\n]/.test(value)) {
    throw new CrmTelephonyError(
      ErrorCodes.AMI_ERR_INJECTION,
      `Refused to send AMI field "${key}": its value holds a line break, which would let it inject a second message. Remove CR/LF from the value.`,
      { key },
    );
  }
}
