/**
 * Counts what a contender delivered: each BenchSeq seen once, lost (never seen), duplicated, and,
 * in checking mode, corrupted (fields differ from the base event that BenchSeq stands for).
 *
 * Two modes, so that checking does not weigh on the timing: `count` only reads BenchSeq (what any
 * consumer does: read one field); `check` also compares every field, case-insensitively on keys,
 * exactly on values, with repeated keys (`Variable`) all present and in order.
 */
import { BENCH_SEQ_KEY, canonical, type BaseEvent, type ExpectedField } from './stream.ts';

export type FieldPairs = readonly (readonly [key: string, value: string])[];

const SEQ_LOWER = BENCH_SEQ_KEY.toLowerCase();
const MAX_SAMPLES = 4;

/** How a field came out wrong, worked out from what was expected and what arrived. */
export const CORRUPTION_KINDS = {
  'utf8-split': 'U+FFFD in the value: a UTF-8 character split between two socket reads was decoded half by half',
  'leading-space-dropped': 'the value lost its leading spaces',
  'repeated-key-collapsed': 'a repeated key lost some of its values',
  missing: 'the key is missing',
  extra: 'a key that was not sent',
  other: 'the value differs',
} as const;
export type CorruptionKind = keyof typeof CORRUPTION_KINDS;

export interface CorruptionSample {
  seq: number;
  event: string;
  kinds: CorruptionKind[];
  /** Keys (lower-cased) whose values differ, are missing or are extra. */
  keys: string[];
  expected: Record<string, string[]>;
  received: Record<string, string[]>;
}

export interface TallyResult {
  /** Events delivered (any kind, including duplicates and unreadable ones). */
  received: number;
  /** Distinct BenchSeq values seen. */
  unique: number;
  lost: number;
  duplicates: number;
  /** Checked mode only: events whose fields differ from their base event (null when not checked). */
  corrupted: number | null;
  /** Events with no readable BenchSeq once the stream began (cannot be matched; their BenchSeq counts as lost). */
  unattributed: number;
  /** Events without BenchSeq before the first stream event: the session's own (FullyBooted after login). */
  preamble: number;
  /** Checked mode: how often each `Event.key` differed, most frequent first. */
  corruptedKeys: [string, number][];
  /** Checked mode: corrupted events per kind of damage (an event may count under several). */
  corruptedKinds: Partial<Record<CorruptionKind, number>>;
  samples: CorruptionSample[];
}

export class Tally {
  readonly #base: readonly BaseEvent[];
  readonly #total: number;
  readonly #seen: Uint8Array;
  #received = 0;
  #unique = 0;
  #duplicates = 0;
  #corrupted = 0;
  #unattributed = 0;
  #preamble = 0;
  #corruptedKeys = new Map<string, number>();
  #corruptedKinds: Partial<Record<CorruptionKind, number>> = {};
  #samples: CorruptionSample[] = [];
  /** performance.now() of the latest delivery. */
  lastEventAt = 0;

  constructor(base: readonly BaseEvent[], total: number) {
    this.#base = base;
    this.#total = total;
    this.#seen = new Uint8Array(total + 1);
  }

  get received(): number {
    return this.#received;
  }

  /** True once the last event of the stream has arrived. */
  get sawLast(): boolean {
    return this.#seen[this.#total] === 1;
  }

  /** Timed mode: reads BenchSeq only. Returns the sequence number, or 0 when it is unreadable. */
  count(seqValue: unknown): number {
    this.#received++;
    this.lastEventAt = performance.now();
    const seq = toSeq(seqValue, this.#total);
    if (seq === 0) {
      if (this.#unique === 0) this.#preamble++;
      else this.#unattributed++;
      return 0;
    }
    if (this.#seen[seq] === 1) {
      this.#duplicates++;
    } else {
      this.#seen[seq] = 1;
      this.#unique++;
    }
    return seq;
  }

  /** Checking mode: counts, then compares every field with the base event. */
  check(seqValue: unknown, fields: FieldPairs): void {
    const seq = this.count(seqValue);
    if (seq === 0) return;
    const base = this.#base[(seq - 1) % this.#base.length]!;
    if (sameInOrder(base.fields, fields, seqValue) || sameInOrder(base.grouped, fields, seqValue)) return;
    // Different order only is not corruption: compare as key-sorted multimaps.
    const got = fields.filter(([k]) => k.toLowerCase() !== SEQ_LOWER).map(([k, v]) => [k.toLowerCase(), v] as const);
    const seqCount = fields.length - got.length;
    if (seqCount === 1 && canonical(got) === base.canonical) return;
    this.#corrupted++;
    const diffs = differences(base, got, seqCount);
    const keys = [...new Set(diffs.map((d) => d.key))];
    const kinds = [...new Set(diffs.map((d) => d.kind))];
    for (const key of keys) {
      const label = `${base.name}.${key}`;
      this.#corruptedKeys.set(label, (this.#corruptedKeys.get(label) ?? 0) + 1);
    }
    for (const kind of kinds) this.#corruptedKinds[kind] = (this.#corruptedKinds[kind] ?? 0) + 1;
    // One example of each kind of damage is worth more than several of the same.
    if (this.#samples.length < MAX_SAMPLES && kinds.some((k) => !this.#samples.some((s) => s.kinds.includes(k)))) {
      const pick = (pairs: readonly (readonly [string, string])[]): Record<string, string[]> => {
        const out: Record<string, string[]> = {};
        for (const [k, v] of pairs) if (keys.includes(k)) (out[k] ??= []).push(v);
        return out;
      };
      this.#samples.push({
        seq,
        event: base.name,
        kinds,
        keys,
        expected: pick(base.fields.map(([, k, v]) => [k, v] as const)),
        received: pick(got),
      });
    }
  }

  result(checked: boolean): TallyResult {
    return {
      received: this.#received,
      unique: this.#unique,
      lost: this.#total - this.#unique,
      duplicates: this.#duplicates,
      corrupted: checked ? this.#corrupted + this.#unattributed : null,
      unattributed: this.#unattributed,
      preamble: this.#preamble,
      corruptedKeys: [...this.#corruptedKeys].sort((a, b) => b[1] - a[1]).slice(0, 10),
      corruptedKinds: this.#corruptedKinds,
      samples: this.#samples,
    };
  }
}

/** BenchSeq as a library hands it out: a string of digits, in range. Anything else is unreadable. */
function toSeq(value: unknown, total: number): number {
  if (typeof value !== 'string' || !/^[1-9][0-9]*$/.test(value)) return 0;
  const n = Number(value);
  return n <= total ? n : 0;
}

/** Fast path: same fields in this order, plus exactly one BenchSeq at the end. */
function sameInOrder(expected: readonly ExpectedField[], got: FieldPairs, seqValue: unknown): boolean {
  if (got.length !== expected.length + 1) return false;
  for (let i = 0; i < expected.length; i++) {
    const [key, lower, value] = expected[i]!;
    const [gotKey, gotValue] = got[i]!;
    if (gotValue !== value) return false;
    if (gotKey !== key && gotKey !== lower && gotKey.toLowerCase() !== lower) return false;
  }
  const last = got[expected.length]!;
  return last[0].toLowerCase() === SEQ_LOWER && last[1] === seqValue;
}

function differences(base: BaseEvent, got: readonly (readonly [string, string])[], seqCount: number): { key: string; kind: CorruptionKind }[] {
  const group = (pairs: readonly (readonly [string, string])[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const [k, v] of pairs) {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    }
    return m;
  };
  const want = group(base.fields.map(([, k, v]) => [k, v] as const));
  const have = group(got);
  const out: { key: string; kind: CorruptionKind }[] = [];
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    const w = want.get(key);
    const h = have.get(key);
    if (JSON.stringify(w) === JSON.stringify(h)) continue;
    out.push({ key, kind: kindOf(w, h) });
  }
  if (seqCount !== 1) out.push({ key: SEQ_LOWER, kind: seqCount === 0 ? 'missing' : 'other' });
  return out;
}

function kindOf(want: string[] | undefined, have: string[] | undefined): CorruptionKind {
  if (!have) return 'missing';
  if (!want) return 'extra';
  if (have.length < want.length && have.every((v) => want.includes(v))) return 'repeated-key-collapsed';
  if (have.length !== want.length) return 'other';
  if (have.some((v, i) => v.includes('\uFFFD') && !want[i]!.includes('\uFFFD'))) return 'utf8-split';
  if (have.every((v, i) => v === want[i] || v === want[i]!.replace(/^\s+/, ''))) return 'leading-space-dropped';
  return 'other';
}
