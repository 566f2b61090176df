/**
 * Fans missed-call item changes out to the people they concern (`event: missed` on /api/events):
 * the owner and the previous owner, and every administrator who holds a stream (their missed-calls
 * page can show everyone's items, and follows them live). Nothing is kept for replay: an item is a
 * row anyone can read again, and a page re-reads the list whenever its stream (re)connects. In a
 * cluster, the instance that made the change also sends it to the others (the missed capability),
 * each of which tells its own streams.
 */
type Listener = (message: unknown) => void;

export interface MissedSubscription {
  /** Hear every item's changes, not only the ones addressed to this user (administrators). */
  everyone?: boolean;
}

export class MissedHub {
  readonly #users = new Map<string, Set<Listener>>();
  readonly #everyone = new Set<Listener>();

  publish(userIds: readonly string[], message: unknown): void {
    // Each stream once, though its user may be both the owner and an administrator.
    const told = new Set<Listener>();
    for (const id of userIds) for (const listener of this.#users.get(id) ?? []) told.add(listener);
    for (const listener of this.#everyone) told.add(listener);
    for (const listener of told) listener(message);
  }

  subscribe(userId: string, listener: Listener, options: MissedSubscription = {}): () => void {
    if (options.everyone) {
      this.#everyone.add(listener);
      return () => void this.#everyone.delete(listener);
    }
    let set = this.#users.get(userId);
    if (!set) this.#users.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#users.delete(userId);
    };
  }
}
