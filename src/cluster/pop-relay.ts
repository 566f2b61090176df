/**
 * Pops for agents on every instance (issue 14): the instance that follows a PBX publishes each
 * card to its own push hub and, through PostgreSQL's NOTIFY, to every other instance's hub, with
 * the same event id, so an agent's stream on any instance gets every pop and a browser that
 * reconnects to another instance is replayed from where it was.
 *
 * Order: messages go out in the order they were published, several per statement when they queue
 * up behind one in flight (one transaction: PostgreSQL delivers its notifications together and in
 * order). A payload over NOTIFY's 8,000 bytes goes as numbered parts in that same transaction.
 * A failed send is logged and dropped: agents on the leading instance still got the pop, and the
 * others' cards are brought up to date by the call's next message (its end withdraws them).
 */
import { randomBytes } from 'node:crypto';
import type { Log } from '../logger.ts';
import type { CallMessage } from '../pops/wire.ts';
import type { CallHub } from '../web/push/call-hub.ts';

/** What one relayed message carries. */
interface Relayed {
  /** The publishing instance (receivers skip their own). */
  i: string;
  u: string;
  d: number;
  m: CallMessage;
}

export interface PopRelayOptions {
  hub: CallHub;
  instanceId: string;
  log: Log;
  /** Sends these notification payloads in order, in one transaction. */
  send: (payloads: string[]) => Promise<void>;
  /** Largest payload in UTF-16 units; default 2,600 (at most 3 bytes each: under NOTIFY's 8,000). */
  partChars?: number;
}

const PART_TTL_MS = 30_000;

export class PopRelay {
  readonly #o: PopRelayOptions;
  #queue: string[] = [];
  #sending = false;
  readonly #parts = new Map<string, { parts: (string | undefined)[]; at: number }>();
  #sent = 0;
  #received = 0;
  #failed = 0;

  constructor(options: PopRelayOptions) {
    this.#o = options;
  }

  /** For health and tests: messages sent to and received from other instances, sends that failed. */
  get stats(): { sent: number; received: number; failed: number } {
    return { sent: this.#sent, received: this.#received, failed: this.#failed };
  }

  /** The pop sink's publish: to this instance's hub at once, then to the others. */
  publish(userId: string, message: CallMessage): void {
    const delivered = this.#o.hub.publish(userId, message);
    const json = JSON.stringify({ i: this.#o.instanceId, u: userId, d: delivered.id, m: message } satisfies Relayed);
    this.#queue.push(...encode(json, this.#o.partChars ?? 2600));
    this.#sent++;
    void this.#flush();
  }

  /** A notification from the channel (ours included: they are skipped). */
  receive(payload: string): void {
    const json = this.#assemble(payload);
    if (json === null) return;
    let r: Relayed;
    try {
      r = JSON.parse(json) as Relayed;
    } catch {
      this.#o.log.warn('a pop relayed by another instance could not be read; skipped');
      return;
    }
    if (r.i === this.#o.instanceId) return;
    if (typeof r.u !== 'string' || typeof r.d !== 'number' || typeof r.m !== 'object' || r.m === null) return;
    this.#received++;
    this.#o.hub.publish(r.u, r.m, r.d);
  }

  /** Resolves when everything published so far has been handed to PostgreSQL (or failed). */
  async drained(): Promise<void> {
    while (this.#sending || this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
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
          this.#o.log.warn({ err: (err as Error).message, messages: batch.length }, 'pops could not be relayed to the other instances (PostgreSQL); agents connected there miss them until the next update');
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
    if (n < 1 || n > 1000 || k >= n) return null;
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
