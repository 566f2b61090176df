/**
 * Fans missed-call item changes out to the people they concern (`event: missed` on /api/events).
 * Nothing is kept for replay: an item is a row anyone can read again, and a page re-reads the list
 * whenever its stream (re)connects. In a cluster, the instance that made the change also sends it
 * to the others (the missed capability), each of which tells its own streams.
 */
type Listener = (message: unknown) => void;

export class MissedHub {
  readonly #users = new Map<string, Set<Listener>>();

  publish(userIds: readonly string[], message: unknown): void {
    for (const id of userIds) for (const listener of this.#users.get(id) ?? []) listener(message);
  }

  subscribe(userId: string, listener: Listener): () => void {
    let set = this.#users.get(userId);
    if (!set) this.#users.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#users.delete(userId);
    };
  }
}
