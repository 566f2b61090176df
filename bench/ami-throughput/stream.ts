/**
 * The benchmark's event stream, built from real Asterisk 20 captures.
 *
 * The base list is every `Event:` message of every `*.ami` transcript, in file-name order, as the
 * exact bytes Asterisk sent. The stream repeats that list until it holds at least `minEvents`
 * events and stamps each one with a last header `BenchSeq: <n>` (1, 2, 3, ...), so that a receiver
 * can tell which event it got, and so count lost, duplicated and corrupted events.
 *
 * ~1M events are ~440 MB, so the stream is cut into blocks of `blockEvents` events; each block is
 * one Buffer, built on demand, and BenchSeq runs on across blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TRANSCRIPT_DIR = new URL('../../test/fixtures/ami-transcripts/', import.meta.url);

/** One field of an expected event: the key as sent, the key lower-cased, and the value exactly. */
export type ExpectedField = readonly [key: string, lowerKey: string, value: string];

export interface BaseEvent {
  /** The event as sent, without its ending empty line: `Event: X\r\n...\r\nLast: v\r\n`. */
  readonly bytes: Buffer;
  /** The event name, for reports. */
  readonly name: string;
  /** Fields in wire order. */
  readonly fields: readonly ExpectedField[];
  /** Fields grouped by key in order of first appearance: the order an object-per-event library keeps. */
  readonly grouped: readonly ExpectedField[];
  /** Key-sorted, order-within-key kept: two events are equal exactly when these are. */
  readonly canonical: string;
}

export interface StreamPlan {
  readonly base: readonly BaseEvent[];
  /** The transcripts read, in order. */
  readonly files: readonly string[];
  /** The greeting line the PBX sent (`Asterisk Call Manager/9.0.0\r\n`), for in-process decoding. */
  readonly greeting: Buffer;
  /** Events in the stream; BenchSeq runs 1..total. */
  readonly total: number;
  readonly blockEvents: number;
  readonly blocks: number;
  /** Bytes in the whole stream (all blocks). */
  readonly bytes: number;
}

export const BENCH_SEQ_KEY = 'BenchSeq';

export function loadBaseEvents(dir: URL = TRANSCRIPT_DIR): { base: BaseEvent[]; files: string[]; greeting: Buffer } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ami'))
    .sort();
  const base: BaseEvent[] = [];
  let greeting: Buffer | undefined;
  for (const file of files) {
    const raw = readFileSync(join(dir.pathname, file));
    const banner = raw.indexOf(0x0a) + 1;
    greeting ??= raw.subarray(0, banner);
    // Events never hold an empty line (only `Response: Follows` output may, and we skip responses).
    let start = banner;
    for (;;) {
      const end = raw.indexOf('\r\n\r\n', start, 'latin1');
      if (end < 0) break;
      const message = raw.subarray(start, end + 2);
      if (message.toString('latin1', 0, 6) === 'Event:') base.push(describe(Buffer.from(message)));
      start = end + 4;
    }
  }
  if (base.length === 0 || greeting === undefined) throw new Error(`No AMI events found in ${dir.pathname}`);
  return { base, files, greeting };
}

/** Reference parse, independent of the code under test: `Key: Value`, split at the first colon. */
function describe(bytes: Buffer): BaseEvent {
  const lines = bytes.toString('utf8').split('\r\n');
  lines.pop(); // the text ends in CRLF
  const fields: ExpectedField[] = lines.map((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0 || line[colon + 1] !== ' ') throw new Error(`Unexpected AMI line in a fixture: ${JSON.stringify(line)}`);
    const key = line.slice(0, colon);
    return [key, key.toLowerCase(), line.slice(colon + 2)];
  });
  const order: string[] = [];
  const byKey = new Map<string, ExpectedField[]>();
  for (const f of fields) {
    const list = byKey.get(f[1]);
    if (list) {
      list.push(f);
    } else {
      byKey.set(f[1], [f]);
      order.push(f[1]);
    }
  }
  return {
    bytes,
    name: fields[0]![2],
    fields,
    grouped: order.flatMap((k) => byKey.get(k)!),
    canonical: canonical(fields.map(([, lower, value]) => [lower, value] as const)),
  };
}

/** Keys lower-cased and sorted (stably, so repeated keys keep their order), then serialized. */
export function canonical(pairs: readonly (readonly [lowerKey: string, value: string])[]): string {
  return JSON.stringify([...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

export function planStream(minEvents = 1_000_000, blockEvents = 50_000): StreamPlan {
  const { base, files, greeting } = loadBaseEvents();
  const total = Math.ceil(minEvents / base.length) * base.length;
  let bytes = 0;
  for (let seq = 1; seq <= total; seq++) bytes += base[(seq - 1) % base.length]!.bytes.length + seqHeaderLength(seq);
  return { base, files, greeting, total, blockEvents, blocks: Math.ceil(total / blockEvents), bytes };
}

/** `BenchSeq: <n>\r\n` plus the empty line that ends the event. */
function seqHeaderLength(seq: number): number {
  return BENCH_SEQ_KEY.length + 2 + String(seq).length + 4;
}

/** Block `index` (0-based) of the stream as one Buffer. */
export function buildBlock(plan: StreamPlan, index: number): Buffer {
  const first = index * plan.blockEvents + 1;
  const last = Math.min(plan.total, first + plan.blockEvents - 1);
  let size = 0;
  for (let seq = first; seq <= last; seq++) size += plan.base[(seq - 1) % plan.base.length]!.bytes.length + seqHeaderLength(seq);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let seq = first; seq <= last; seq++) {
    at += plan.base[(seq - 1) % plan.base.length]!.bytes.copy(out, at);
    at += SEQ_PREFIX.copy(out, at);
    at = writeDigits(out, at, seq);
    at += SEQ_SUFFIX.copy(out, at);
  }
  return out;
}

const SEQ_PREFIX = Buffer.from(`${BENCH_SEQ_KEY}: `, 'latin1');
const SEQ_SUFFIX = Buffer.from('\r\n\r\n', 'latin1');

/** Writes `n` in decimal at `at`; returns the end. A million Buffer.write calls took a second longer. */
function writeDigits(out: Buffer, at: number, n: number): number {
  const width = String(n).length;
  for (let i = at + width - 1; i >= at; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + width;
}

/** Every block, in order. ~440 MB for 1M events: call once per process and reuse. */
export function buildStream(plan: StreamPlan): Buffer[] {
  return Array.from({ length: plan.blocks }, (_, i) => buildBlock(plan, i));
}
