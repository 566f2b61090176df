/**
 * Event streams for the call-engine benchmark, built from the real Asterisk 20 captures in
 * test/fixtures/ami-transcripts/, with their identifiers rewritten so that copies of a call never
 * collide: copy `k` of a capture gets its own Uniqueids and Linkedids (`<epoch>.<seq + k·SEQ_STRIDE>`),
 * channel suffixes (`PJSIP/101-<n + k·CHANNEL_STRIDE>`, `Local/102@agents-...;1`) and bridge ids.
 *
 * Each capture is compiled once into a template (literal text and identifier slots); a copy is the
 * template with the slots filled, encoded as AMI bytes and decoded by our `AmiDecoder`, so the
 * engine sees messages exactly as the live client hands them over (strings sliced from the frame).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmiDecoder } from '../src/ami/codec.ts';
import type { AmiMessage } from '../src/ami/message.ts';

export const TRANSCRIPT_DIR = new URL('../test/fixtures/ami-transcripts/', import.meta.url);

/** A copy's Uniqueid sequence numbers are offset by k times this (the captures use fewer than 1,000). */
export const SEQ_STRIDE = 1_000;
/** A copy's channel numbers are offset by k times this. */
export const CHANNEL_STRIDE = 0x1000;

type Slot =
  | { kind: 'uniqueid'; epoch: string; seq: number }
  | { kind: 'channel'; n: number }
  | { kind: 'bridge'; head: string };

/** One captured event as text pieces and identifier slots, alternating. */
interface EventTemplate {
  readonly parts: readonly string[];
  readonly slots: readonly Slot[];
}

export interface CaptureTemplate {
  readonly file: string;
  readonly events: readonly EventTemplate[];
}

// Order matters: a bridge id is matched before its parts could look like anything else.
const TOKEN = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)[0-9a-f]{12}|\b(\d{10})\.(\d+)\b|-([0-9a-f]{8})\b/g;

/** The `Event:` messages of a capture (responses and the banner left out), as a template. */
export function loadTemplate(file: string, dir: URL = TRANSCRIPT_DIR): CaptureTemplate {
  const raw = readFileSync(join(dir.pathname, file)).toString('latin1');
  const events: EventTemplate[] = [];
  let start = raw.startsWith('Asterisk Call Manager/') ? raw.indexOf('\n') + 1 : 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', start);
    if (end < 0) break;
    const text = raw.slice(start, end + 4);
    start = end + 4;
    if (text.startsWith('Event:')) events.push(compile(text));
  }
  return { file, events };
}

/** Every capture in the fixtures folder, in file-name order. */
export function loadAllTemplates(dir: URL = TRANSCRIPT_DIR): CaptureTemplate[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ami'))
    .sort()
    .map((f) => loadTemplate(f, dir));
}

function compile(text: string): EventTemplate {
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    parts.push(text.slice(last, m.index));
    if (m[1] !== undefined) slots.push({ kind: 'bridge', head: m[1] });
    else if (m[2] !== undefined) slots.push({ kind: 'uniqueid', epoch: m[2], seq: Number(m[3]) });
    else slots.push({ kind: 'channel', n: parseInt(m[4]!, 16) });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return { parts, slots };
}

function fill(slot: Slot, copy: number): string {
  switch (slot.kind) {
    case 'uniqueid':
      return `${slot.epoch}.${slot.seq + copy * SEQ_STRIDE}`;
    case 'channel':
      return `-${((slot.n + copy * CHANNEL_STRIDE) >>> 0).toString(16).padStart(8, '0')}`;
    case 'bridge':
      return `${slot.head}${copy.toString(16).padStart(12, '0')}`;
  }
}

/** Copy `copy` of events `[from, to)` of a template, as AMI text (latin1: the captures' bytes as they are). */
export function instantiate(template: CaptureTemplate, copy: number, from = 0, to = template.events.length): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const { parts, slots } = template.events[i]!;
    for (let j = 0; j < slots.length; j++) out += parts[j]! + fill(slots[j]!, copy);
    out += parts[parts.length - 1]!;
  }
  return out;
}

/** AMI text decoded as the live client decodes it. */
export function decode(text: string): AmiMessage[] {
  const decoder = new AmiDecoder({ expectGreeting: false });
  const out: AmiMessage[] = [];
  for (const item of decoder.push(Buffer.from(text, 'latin1'))) {
    if (item.kind === 'message') out.push(item.message);
    else if (item.kind === 'error') throw item.error;
  }
  return out;
}

/** Index of the first event of a template whose text matches, or -1. */
export function findEvent(template: CaptureTemplate, pattern: RegExp, after = 0): number {
  for (let i = after; i < template.events.length; i++) if (pattern.test(template.events[i]!.parts.join(''))) return i;
  return -1;
}

/**
 * The throughput stream: every capture's events in file order (the same base as ami-throughput),
 * repeated with fresh identifiers per repetition. Produced on demand, so the million events never
 * sit in memory at once.
 */
export class EngineStream {
  readonly templates: readonly CaptureTemplate[];
  /** Events in one repetition of every capture. */
  readonly perRepetition: number;
  readonly repetitions: number;
  readonly total: number;

  constructor(minEvents: number, templates: readonly CaptureTemplate[] = loadAllTemplates()) {
    this.templates = templates;
    this.perRepetition = templates.reduce((n, t) => n + t.events.length, 0);
    this.repetitions = Math.max(1, Math.ceil(minEvents / this.perRepetition));
    this.total = this.repetitions * this.perRepetition;
  }

  /**
   * The stream in order, one capture's copy at a time (~100 events, about what one 64 KiB socket
   * read holds), decoded: the engine sees short-lived messages, as behind the live client.
   */
  *blocks(): Generator<AmiMessage[]> {
    for (let k = 0; k < this.repetitions; k++) for (const t of this.templates) yield decode(instantiate(t, k));
  }
}
