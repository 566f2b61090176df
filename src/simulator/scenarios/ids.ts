/**
 * Fresh identifiers for generated calls, handed out the way Asterisk hands them out, so that any
 * number of calls built from one allocator never collide:
 *
 * - Uniqueid `<epoch seconds>.<sequence>`: the sequence is global to the PBX and never reused, the
 *   epoch is the second the channel was created (`1795463828.0`, `1795463828.1`, ...).
 * - Channel suffixes: 8 lower-case hex digits from a counter per channel driver (chan_pjsip counts
 *   `PJSIP/carrier-0000000a`, `PJSIP/101-0000000b` together; Local channels have their own counter,
 *   so `Local/102@agents-00000000` can appear in the middle of PJSIP channel 0x13).
 * - Bridge ids: UUIDs. They come from a seeded generator, so one allocator gives the same ids on
 *   every run (generated scripts are reproducible), and two allocators with different seeds differ.
 */

export interface ScenarioIdsOptions {
  /** First Uniqueid sequence number. Default 0 (a freshly started PBX). */
  uniqueSeq?: number;
  /** First PJSIP channel number. Default 0. */
  pjsipSeq?: number;
  /** First Local channel number. Default 0. */
  localSeq?: number;
  /** Seed of the bridge-id generator. Default 1. */
  seed?: number;
}

export class ScenarioIds {
  #uniqueSeq: number;
  #pjsipSeq: number;
  #localSeq: number;
  #rand: () => number;
  #counter = 0;

  constructor(options: ScenarioIdsOptions = {}) {
    this.#uniqueSeq = options.uniqueSeq ?? 0;
    this.#pjsipSeq = options.pjsipSeq ?? 0;
    this.#localSeq = options.localSeq ?? 0;
    this.#rand = seededRandom(options.seed ?? 1);
  }

  /** A new channel's Uniqueid, for a channel created at `epochMs`. */
  uniqueid(epochMs: number): string {
    return `${Math.floor(epochMs / 1000)}.${this.#uniqueSeq++}`;
  }

  /** The suffix of a new PJSIP channel: `0000000a`. */
  pjsipSuffix(): string {
    return hex8(this.#pjsipSeq++);
  }

  /** The suffix shared by the two halves of a new Local channel pair. */
  localSuffix(): string {
    return hex8(this.#localSeq++);
  }

  /**
   * One number that is both an unused Uniqueid sequence and an unused PJSIP channel number, for
   * a channel named outside the scenarios (the simulator's own Originate answers): with no
   * scenario played it counts 0, 1, 2, ... as before.
   */
  reserveChannelNumber(): number {
    const n = this.peekChannelNumber();
    this.#uniqueSeq = n + 1;
    this.#pjsipSeq = n + 1;
    return n;
  }

  /** The number reserveChannelNumber() would hand out next. */
  peekChannelNumber(): number {
    return Math.max(this.#uniqueSeq, this.#pjsipSeq);
  }

  /** A bridge id in UUID form (`6a0dccb2-48e0-4c99-8418-b1320e7416df`). */
  bridgeId(): string {
    const hex = (digits: number): string => {
      let out = '';
      while (out.length < digits) out += Math.floor(this.#rand() * 0x10000).toString(16).padStart(4, '0');
      return out.slice(0, digits);
    };
    const variant = '89ab'[Math.floor(this.#rand() * 4)]!;
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }

  /** A short token unique within this allocator, for ActionIDs and click-to-call ids. */
  token(): string {
    return `${(this.#counter++).toString(36)}${Math.floor(this.#rand() * 36 ** 4).toString(36).padStart(4, '0')}`;
  }

  /** A random number in [0, 1) from the allocator's seeded generator (load mode draws from it). */
  random(): number {
    return this.#rand();
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** mulberry32: a small, fast, seedable PRNG (public domain); good enough for ids and load mixes, not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
