/**
 * Fans call updates out to the people they concern, and only to them. Each message gets a
 * monotonically increasing id; the hub remembers each user's active cards and their recent
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
  #nextId = 1;
  readonly #users = new Map<string, UserBox>();

  #box(userId: string): UserBox {
    let box = this.#users.get(userId);
    if (!box) {
      box = { listeners: new Set(), active: new Map(), recent: [] };
      this.#users.set(userId, box);
    }
    return box;
  }

  /** Sends one message to one user's open streams and records it for replay. */
  publish(userId: string, message: CallMessage): Delivered {
    const delivered = { id: this.#nextId++, message };
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
    if (lastEventId !== undefined && oldest !== undefined && lastEventId >= oldest - 1) {
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
