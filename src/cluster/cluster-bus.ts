/**
 * The cluster's one channel between instances (PostgreSQL NOTIFY, issue 14): typed messages
 * (`kind` + a JSON body) published in order, received by every other instance. Pops, device states
 * and their snapshots ride on it (`pop-relay.ts`, `device-state-share.ts`).
 *
 * Order: messages go out in the order they were published, several per statement: those of one
 * turn of the event loop, and those that queue up behind a statement in flight (one transaction:
 * PostgreSQL delivers its notifications together and in order). A payload over NOTIFY's 8,000 bytes goes as numbered parts in that same transaction.
 * A failed send is logged and counted, never thrown: the publisher's own instance already acted.
 */
import { randomBytes } from 'node:crypto';
import type { Log } from '../logger.ts';

export interface ClusterBusOptions {
  instanceId: string;
  log: Log;
  /** Sends these notification payloads in order, in one transaction. */
  send: (payloads: string[]) => Promise<void>;
  /** Largest payload in UTF-16 units; default 2,600 (at most 3 bytes each: under NOTIFY's 8,000). */
  partChars?: number;
}

/** One message on the wire: who sent it, what kind, its body. */
interface Envelope {
  i: string;
  k: string;
  b: unknown;
}

type Handler = (body: unknown, from: string) => void;

const PART_TTL_MS = 30_000;

export class ClusterBus {
  readonly #o: ClusterBusOptions;
  #queue: string[] = [];
  #sending = false;
  #scheduled = false;
  readonly #handlers = new Map<string, Handler>();
  readonly #parts = new Map<string, { parts: (string | undefined)[]; at: number }>();
  #sent = 0;
  #received = 0;
  #failed = 0;

  constructor(options: ClusterBusOptions) {
    this.#o = options;
  }

  get instanceId(): string {
    return this.#o.instanceId;
  }

  /** For health and tests: messages sent, messages received from other instances, sends that failed. */
  get stats(): { sent: number; received: number; failed: number } {
    return { sent: this.#sent, received: this.#received, failed: this.#failed };
  }

  /** What to do with messages of one kind from other instances (one handler per kind). */
  on(kind: string, handler: Handler): void {
    this.#handlers.set(kind, handler);
  }

  publish(kind: string, body: unknown): void {
    const json = JSON.stringify({ i: this.#o.instanceId, k: kind, b: body } satisfies Envelope);
    this.#queue.push(...encode(json, this.#o.partChars ?? 2600));
    this.#sent++;
    // What one event of the PBX makes (a pop, a device state or two) goes in one statement: sent
    // once the current turn of the event loop is over, not per message (a round trip to
    // PostgreSQL per message was a third of the leader's CPU in the calm cluster's profile).
    if (this.#scheduled || this.#sending) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  /** A notification from the channel (ours included: they are skipped). False: not the bus's. */
  receive(payload: string): boolean {
    const kind = payload[0];
    if (kind !== 'w' && kind !== 'p') return false;
    const json = this.#assemble(payload);
    if (json === null) return true;
    let e: Envelope;
    try {
      e = JSON.parse(json) as Envelope;
    } catch {
      this.#o.log.warn('a message from another instance could not be read; skipped');
      return true;
    }
    if (typeof e !== 'object' || e === null || typeof e.i !== 'string' || typeof e.k !== 'string' || e.i === this.#o.instanceId) return true;
    const handler = this.#handlers.get(e.k);
    if (handler === undefined) return true;
    this.#received++;
    try {
      handler(e.b, e.i);
    } catch (err) {
      this.#o.log.warn({ kind: e.k, err: (err as Error).message }, 'a message from another instance could not be applied; skipped');
    }
    return true;
  }

  /** Resolves when everything published so far has been handed to PostgreSQL (or failed). */
  async drained(): Promise<void> {
    while (this.#sending || this.#scheduled || this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async #flush(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.#o.send(batch);
        } catch (err) {
          this.#failed++;
          this.#o.log.warn({ err: (err as Error).message, payloads: batch.length }, 'messages to the other instances could not be sent (PostgreSQL); agents connected there miss pops until the next update');
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  #assemble(payload: string): string | null {
    if (payload.startsWith('w')) return payload.slice(1);
    // p<key> <k> <n> <text>
    const m = /^p([A-Za-z0-9_-]+) (\d+) (\d+) /.exec(payload);
    if (m === null) return null;
    const [head, key, kText, nText] = m as unknown as [string, string, string, string];
    const k = Number(kText);
    const n = Number(nText);
    if (n < 1 || n > 10_000 || k >= n) return null;
    const now = Date.now();
    for (const [old, entry] of this.#parts) if (now - entry.at > PART_TTL_MS) this.#parts.delete(old);
    let entry = this.#parts.get(key);
    if (entry === undefined) {
      entry = { parts: new Array<string | undefined>(n).fill(undefined), at: now };
      this.#parts.set(key, entry);
    }
    entry.parts[k] = payload.slice(head.length);
    if (entry.parts.some((p) => p === undefined)) return null;
    this.#parts.delete(key);
    return entry.parts.join('');
  }
}

/** One payload (`w…`), or numbered parts (`p<key> <k> <n> …`) when it is too long for one. */
export function encode(json: string, partChars: number): string[] {
  if (json.length <= partChars) return [`w${json}`];
  const key = randomBytes(6).toString('base64url');
  const n = Math.ceil(json.length / partChars);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let start = k * partChars;
    let end = Math.min(json.length, start + partChars);
    // Never split a surrogate pair: PostgreSQL would refuse half a character.
    if (k > 0 && isLowSurrogate(json.charCodeAt(start))) start--;
    if (end < json.length && isLowSurrogate(json.charCodeAt(end))) end--;
    out.push(`p${key} ${k} ${n} ${json.slice(start, end)}`);
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
