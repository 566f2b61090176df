/**
 * Fans call updates out to the people they concern, and only to them. Each message gets an id
 * that grows (time-based, the same on every instance of a cluster); the hub remembers each user's active cards and their recent
 * messages, so a browser that reconnects (Last-Event-ID) is brought up to date: cards still active
 * are replayed, and cards that ended while it was away are withdrawn. What it carries is the pop
 * wire contract (`src/pops/wire.ts`); what goes to whom is decided in `src/pops/`.
 */
import type { CallMessage } from '../../pops/wire.ts';
import { isTerminal } from '../../pops/card-state.ts';

export interface Delivered {
  id: number;
  message: CallMessage;
}

type Listener = (delivery: Delivered) => void;

const RECENT_PER_USER = 200;

interface UserBox {
  listeners: Set<Listener>;
  /** callId -> latest message, for cards still on screen. */
  active: Map<string, Delivered>;
  recent: Delivered[];
}

export class CallHub {
  #lastId = 0;
  readonly #now: () => number;
  readonly #users = new Map<string, UserBox>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Ids are microseconds since the epoch, at least one more than the last: they grow on every
   * instance alike, so a browser that reconnects to another instance of a cluster is understood
   * (its Last-Event-ID came from the instance that leads the PBX, carried here by the pop relay).
   */
  #nextId(): number {
    this.#lastId = Math.max(this.#lastId + 1, this.#now() * 1000);
    return this.#lastId;
  }

  #box(userId: string): UserBox {
    let box = this.#users.get(userId);
    if (!box) {
      box = { listeners: new Set(), active: new Map(), recent: [] };
      this.#users.set(userId, box);
    }
    return box;
  }

  /**
   * Sends one message to one user's open streams and records it for replay. `id`: the id another
   * instance gave it (the pop relay); default a new one.
   */
  publish(userId: string, message: CallMessage, id?: number): Delivered {
    if (id !== undefined) this.#lastId = Math.max(this.#lastId, id);
    const delivered = { id: id ?? this.#nextId(), message };
    const box = this.#box(userId);
    if (isTerminal(message.state)) box.active.delete(message.callId);
    else box.active.set(message.callId, delivered);
    box.recent.push(delivered);
    if (box.recent.length > RECENT_PER_USER) box.recent.splice(0, box.recent.length - RECENT_PER_USER);
    for (const listener of box.listeners) listener(delivered);
    return delivered;
  }

  /**
   * Subscribes a stream. Returns what to replay first: the messages after `lastEventId` (when the
   * client had one and the hub still remembers that far back), otherwise every active card.
   */
  subscribe(userId: string, listener: Listener, lastEventId?: number): { replay: Delivered[]; unsubscribe: () => void } {
    const box = this.#box(userId);
    box.listeners.add(listener);
    let replay: Delivered[];
    const oldest = box.recent[0]?.id;
    // Ids are not consecutive: only a browser that saw a message still remembered here can be
    // sure it missed nothing older; any other gets the cards as they are now.
    if (lastEventId !== undefined && oldest !== undefined && lastEventId >= oldest) {
      replay = box.recent.filter((d) => d.id > lastEventId);
    } else {
      replay = [...box.active.values()].sort((a, b) => a.id - b.id);
    }
    return { replay, unsubscribe: () => box.listeners.delete(listener) };
  }

  /** Cards currently shown to a user (for tests and the admin view). */
  activeFor(userId: string): CallMessage[] {
    return [...(this.#users.get(userId)?.active.values() ?? [])].map((d) => d.message);
  }

  get listenerCount(): number {
    let n = 0;
    for (const box of this.#users.values()) n += box.listeners.size;
    return n;
  }
}
