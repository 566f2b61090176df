/**
 * The cluster's one channel between instances (PostgreSQL NOTIFY, issue 14): typed messages
 * (`kind` + a JSON body) published in order, received by every other instance. Pops, device states
 * and their snapshots ride on it (`pop-relay.ts`, `device-state-share.ts`).
 *
 * Order: messages go out in the order they were published, several per payload and several
 * payloads per statement: those of one turn of the event loop, and those that queue up behind a
 * statement in flight (one transaction: PostgreSQL delivers its notifications together and in
 * order). A message over NOTIFY's 8,000 bytes goes as numbered parts in that same transaction.
 * A failed send is logged and counted, never thrown: the publisher's own instance already acted.
 *
 * On the wire (the sender's id first, so that an instance skips its own echo without parsing it):
 *   `m<instance> [[kind, body], ...]`         messages, packed up to the payload's size
 *   `q<instance> <key> <k> <n> <text>`        part k of n of one `[[kind, body]]` too long for one
 * Instances before packing sent one message per payload (`w{"i","k","b"}`, parts `p<key> <k> <n>`);
 * those are still read, so that a rolling upgrade keeps pops flowing from an older leader.
 */
import { randomBytes } from 'node:crypto';
import type { Log } from '../logger.ts';

export interface ClusterBusOptions {
  instanceId: string;
  log: Log;
  /** Sends these notification payloads in order, in one transaction. */
  send: (payloads: string[]) => Promise<void>;
  /** Largest payload in UTF-8 bytes, header included; default 7,800 (NOTIFY takes under 8,000). */
  payloadBytes?: number;
}

/** One message as instances before packing sent it: who sent it, what kind, its body. */
interface Envelope {
  i: string;
  k: string;
  b: unknown;
}

type Handler = (body: unknown, from: string) => void;

const PART_TTL_MS = 30_000;
const PAYLOAD_BYTES = 7_800;
const ID = /^[A-Za-z0-9_-]+$/;

export class ClusterBus {
  readonly #o: ClusterBusOptions;
  /** Messages (`[kind, body]` as JSON) waiting for the next statement. */
  #queue: string[] = [];
  #sending = false;
  #scheduled = false;
  /** Messages that may wait are queued and this timer will send them (unless another goes first). */
  #waiting: NodeJS.Timeout | null = null;
  readonly #handlers = new Map<string, Handler>();
  readonly #parts = new Map<string, { parts: (string | undefined)[]; at: number }>();
  #sent = 0;
  #received = 0;
  #failed = 0;

  constructor(options: ClusterBusOptions) {
    if (!ID.test(options.instanceId)) throw new Error(`an instance id is letters, digits, _ and - only, got "${options.instanceId}"`);
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

  /**
   * `waitMs`: the message may wait that long for company (device states: a routing answer on
   * another instance a few tens of milliseconds behind costs nothing, and every statement wakes
   * every instance). It goes at once with the next message that does not wait.
   */
  publish(kind: string, body: unknown, options: { waitMs?: number } = {}): void {
    this.#queue.push(JSON.stringify([kind, body]));
    this.#sent++;
    if (this.#scheduled || this.#sending) return;
    const wait = options.waitMs ?? 0;
    if (wait > 0) {
      this.#waiting ??= setTimeout(() => {
        this.#waiting = null;
        this.#schedule();
      }, wait).unref();
      return;
    }
    this.#schedule();
  }

  #schedule(): void {
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
    if (kind === 'm' || kind === 'q') {
      const space = payload.indexOf(' ');
      const from = payload.slice(1, space);
      // Our own echo: every payload of ours comes back to us, and is skipped unread.
      if (space < 2 || from === this.#o.instanceId) return true;
      const json = kind === 'm' ? payload.slice(space + 1) : this.#assemble(from, payload.slice(space + 1));
      if (json === null) return true;
      const messages = this.#parse(json);
      if (!Array.isArray(messages)) return true;
      for (const m of messages) if (Array.isArray(m) && typeof m[0] === 'string') this.#deliver(m[0], m[1], from);
      return true;
    }
    if (kind !== 'w' && kind !== 'p') return false;
    // An instance from before packing: one envelope per payload.
    const json = kind === 'w' ? payload.slice(1) : this.#assemble('', payload.slice(1));
    if (json === null) return true;
    const e = this.#parse(json) as Envelope | undefined;
    if (typeof e !== 'object' || e === null || typeof e.i !== 'string' || typeof e.k !== 'string' || e.i === this.#o.instanceId) return true;
    this.#deliver(e.k, e.b, e.i);
    return true;
  }

  #parse(json: string): unknown {
    try {
      return JSON.parse(json) as unknown;
    } catch {
      this.#o.log.warn('a message from another instance could not be read; skipped');
      return undefined;
    }
  }

  #deliver(kind: string, body: unknown, from: string): void {
    const handler = this.#handlers.get(kind);
    if (handler === undefined) return;
    this.#received++;
    try {
      handler(body, from);
    } catch (err) {
      this.#o.log.warn({ kind, err: (err as Error).message }, 'a message from another instance could not be applied; skipped');
    }
  }

  /** Resolves when everything published so far has been handed to PostgreSQL (or failed). */
  async drained(): Promise<void> {
    while (this.#sending || this.#scheduled || this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async #flush(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    if (this.#waiting !== null) {
      clearTimeout(this.#waiting);
      this.#waiting = null;
    }
    try {
      while (this.#queue.length > 0) {
        const batch = pack(this.#o.instanceId, this.#queue, this.#o.payloadBytes ?? PAYLOAD_BYTES);
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

  /** `<key> <k> <n> <text>` from `from`: the whole text once every part has come, else null. */
  #assemble(from: string, part: string): string | null {
    const m = /^([A-Za-z0-9_-]+) (\d+) (\d+) /.exec(part);
    if (m === null) return null;
    const [head, id, kText, nText] = m as unknown as [string, string, string, string];
    const key = `${from}/${id}`;
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
    entry.parts[k] = part.slice(head.length);
    if (entry.parts.some((p) => p === undefined)) return null;
    this.#parts.delete(key);
    return entry.parts.join('');
  }
}

/**
 * Messages (each `[kind, body]` as JSON) as payloads of `instanceId`: as many whole messages per
 * payload as fit in `payloadBytes`, in order; a message too long for one alone goes as parts.
 */
export function pack(instanceId: string, messages: readonly string[], payloadBytes: number): string[] {
  const head = `m${instanceId} `;
  const room = payloadBytes - Buffer.byteLength(head) - 2;
  const out: string[] = [];
  let group: string[] = [];
  let size = 0;
  const close = (): void => {
    if (group.length > 0) out.push(`${head}[${group.join(',')}]`);
    group = [];
    size = 0;
  };
  for (const message of messages) {
    const bytes = Buffer.byteLength(message);
    if (bytes > room) {
      close();
      out.push(...split(instanceId, `[${message}]`, payloadBytes));
      continue;
    }
    const comma = group.length > 0 ? 1 : 0;
    if (size + comma + bytes > room) close();
    size += (group.length > 0 ? 1 : 0) + bytes;
    group.push(message);
  }
  close();
  return out;
}

/** `json` as numbered parts (`q<instance> <key> <k> <n> <text>`), each under `payloadBytes`. */
export function split(instanceId: string, json: string, payloadBytes: number): string[] {
  const key = randomBytes(6).toString('base64url');
  // A part's header at its longest (k and n up to 5 digits); a character is at most 3 bytes in
  // UTF-8 (a surrogate pair, two units, is 4).
  const headBytes = Buffer.byteLength(`q${instanceId} ${key} 99999 99999 `);
  const chars = Math.max(2, Math.floor((payloadBytes - headBytes) / 3));
  const n = Math.ceil(json.length / chars);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let start = k * chars;
    let end = Math.min(json.length, start + chars);
    // Never split a surrogate pair: PostgreSQL would refuse half a character.
    if (k > 0 && isLowSurrogate(json.charCodeAt(start))) start--;
    if (end < json.length && isLowSurrogate(json.charCodeAt(end))) end--;
    out.push(`q${instanceId} ${key} ${k} ${n} ${json.slice(start, end)}`);
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
