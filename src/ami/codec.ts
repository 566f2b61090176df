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
const GREETING_PREFIX = 'Asterisk Call Manager/';
const END_COMMAND = '--END COMMAND--';
/** Asterisk's longest messages (Command output, big Status lists) stay far below this. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export type AmiGreeting = { kind: 'greeting'; line: string; version: string };
export type AmiDecoded = AmiGreeting | { kind: 'message'; message: AmiMessage } | { kind: 'error'; error: CrmTelephonyError };

export interface AmiDecoderOptions {
  /** Expect the greeting line first (a client reading a PBX). A server reading actions sets false. */
  expectGreeting?: boolean;
  /** A message longer than this is dropped and reported; the decoder then resynchronizes. */
  maxMessageBytes?: number;
}

/**
 * Incremental decoder. Feed it chunks in arrival order; it returns what became complete.
 * Never throws on input: anything wrong comes back as a `{ kind: 'error' }` item.
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
    this.#append(chunk);
    const buf = this.#buf.subarray(0, this.#end);
    let lineStart = this.#scan;
    for (;;) {
      const nl = buf.indexOf(LF, lineStart);
      if (nl < 0) break;
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
            out.push(this.#complete(lineStart, () => decodeFollows(buf.toString('utf8', this.#start, lineEnd))));
            this.#follows = false;
            this.#start = next;
          }
        } else if (lineEnd === lineStart) {
          out.push(this.#complete(lineStart, () => decodeMessage(buf.toString('utf8', this.#start, lineStart))));
          this.#start = next;
        }
      }
      lineStart = next;
    }
    this.#scan = lineStart;
    if (this.#end - this.#start > this.maxMessageBytes) {
      const partial = this.#end - this.#scan;
      this.#midLine = partial > 1 || (partial === 1 && buf[this.#scan] !== CR);
      if (this.#discarding) this.#start = this.#scan = this.#end; // already reported: just drop
      else out.push(this.#overflow());
    }
    this.#compact();
    return out;
  }

  /** Call when the stream ends: reports a message cut off by the close (nothing is silently lost). */
  end(): AmiDecoded[] {
    const pending = this.#end - this.#start;
    const discarding = this.#discarding;
    this.#buf = EMPTY;
    this.#start = this.#scan = this.#end = 0;
    this.#discarding = this.#midLine = this.#follows = false;
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

  #append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#start === this.#end) {
      // Common case: the previous chunk ended on a message boundary; use the chunk as it is.
      this.#buf = data;
      this.#start = this.#scan = 0;
      this.#end = data.length;
      return;
    }
    if (this.#buf.length - this.#end >= data.length) {
      data.copy(this.#buf, this.#end);
      this.#end += data.length;
      return;
    }
    // Grow by doubling, so a long message in tiny chunks costs linear, not quadratic, copying.
    const pending = this.#end - this.#start;
    const need = pending + data.length;
    const grown = Buffer.allocUnsafe(Math.max(need, pending * 2, 4096));
    this.#buf.copy(grown, 0, this.#start, this.#end);
    data.copy(grown, pending);
    this.#buf = grown;
    this.#scan -= this.#start;
    this.#start = 0;
    this.#end = need;
  }

  /** A whole message arrived in one chunk: it still may not exceed the limit. */
  #complete(bodyEnd: number, decode: () => AmiDecoded): AmiDecoded {
    if (bodyEnd - this.#start <= this.maxMessageBytes) return decode();
    return {
      kind: 'error',
      error: new CrmTelephonyError(
        ErrorCodes.AMI_ERR_FRAME_TOO_LARGE,
        `An AMI message of ${bodyEnd - this.#start} bytes is over the ${this.maxMessageBytes}-byte limit; it was dropped.`,
        { bytes: bodyEnd - this.#start, limit: this.maxMessageBytes },
      ),
    };
  }

  #compact(): void {
    if (this.#start === this.#end) {
      this.#buf = EMPTY;
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
  // The hot path of every event: one pass over the text, slicing keys and values in place.
  const fields: AmiField[] = [];
  let unparsed: string[] | undefined;
  const length = text.length;
  let start = 0;
  while (start < length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      let v = colon + 1;
      if (v < end && text.charCodeAt(v) === 32) v++;
      const key = text.slice(start, colon);
      // Keys almost never carry spaces; trim only when they do.
      fields.push([key.charCodeAt(0) === 32 || key.charCodeAt(key.length - 1) === 32 ? key.trim() : key, text.slice(v, end)]);
    } else if (end > start || nl < length) {
      (unparsed ??= []).push(text.slice(start, end));
    }
    start = nl + 1;
  }
  return { kind: 'message', message: new AmiMessage(fields, unparsed ?? EMPTY_LIST) };
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);

/**
 * Legacy `Response: Follows`: header lines, then free output up to `--END COMMAND--`. The output
 * becomes `Output` fields, one per line, the same shape Asterisk 14+ sends, so callers read both alike.
 */
function decodeFollows(text: string): AmiDecoded {
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
  return { kind: 'message', message: new AmiMessage(fields) };
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
