/**
 * Who gets the card when an extension rings: the user owning it, while that user is active (a
 * deactivated agent's phone may still ring, but nobody is left to see the card).
 *
 * Extensions are looked up on every ring, so answers are kept briefly: a burst of rings costs one
 * query, and a change in the directory shows within the TTL. The cache is bounded: a PBX with more
 * extensions than it holds only costs more queries.
 */

/** The directory's side: `Directory.userByExtension`. */
export interface UsersByExtension {
  userByExtension(extension: string): Promise<{ id: string; active: boolean } | null | undefined>;
}

export interface ExtensionOwnersOptions {
  /** How long an answer is kept, in ms. Default 30 s. */
  ttlMs?: number;
  /** Extensions remembered at most (the oldest answer goes first). Default 10,000. */
  maxEntries?: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

export class ExtensionOwners {
  readonly #users: UsersByExtension;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** extension -> its owner's user id (null: nobody, or inactive), oldest answer first. */
  readonly #cache = new Map<string, { userId: string | null; at: number }>();

  constructor(users: UsersByExtension, options: ExtensionOwnersOptions = {}) {
    this.#users = users;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The user who gets this extension's card, or null. */
  async userIdFor(extension: string): Promise<string | null> {
    const cached = this.#cache.get(extension);
    if (cached && this.#now() - cached.at < this.#ttlMs) return cached.userId;
    const user = await this.#users.userByExtension(extension);
    const userId = user && user.active ? user.id : null;
    // Delete first so the map stays in age order and the first entry is the oldest.
    this.#cache.delete(extension);
    this.#cache.set(extension, { userId, at: this.#now() });
    if (this.#cache.size > this.#maxEntries) this.#cache.delete(this.#cache.keys().next().value!);
    return userId;
  }

  /** Extensions remembered (for tests). */
  get size(): number {
    return this.#cache.size;
  }
}
