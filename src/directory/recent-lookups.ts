/**
 * A small, bounded memory of recent lookups by normalized number: a caller ringing ten phones of a
 * group at once is looked up once, not ten times. Pure (the clock is injected).
 *
 * An entry is served only while it is younger than `ttlMs` and the directory's write count
 * (`write-generation.ts`) is the one it was read at; the oldest entry leaves when the memory is
 * full, and a served entry counts as new again.
 */

export interface RecentLookupsOptions {
  /** Most entries kept. Default 1000; 0 keeps none (every lookup asks the database). */
  entries?: number;
  /** How long an entry is served, in milliseconds. Default 5000: writes by other processes (a CLI import, another instance) are seen within that time. */
  ttlMs?: number;
  /** Milliseconds on a monotonic clock. Default `performance.now`. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  generation: number;
  expiresAt: number;
}

export const DEFAULT_RECENT_LOOKUPS = 1000;
export const DEFAULT_RECENT_LOOKUP_TTL_MS = 5000;

export class RecentLookups<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: RecentLookupsOptions = {}) {
    this.#capacity = Math.max(0, Math.floor(options.entries ?? DEFAULT_RECENT_LOOKUPS));
    this.#ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_RECENT_LOOKUP_TTL_MS);
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value remembered for `key` at this write count, if still fresh. */
  get(key: string, generation: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.generation !== generation || this.#now() >= entry.expiresAt) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Remembers `value` for `key`, read at write count `generation` (taken before the read began). */
  set(key: string, generation: number, value: V): void {
    if (this.#capacity === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, generation, expiresAt: this.#now() + this.#ttlMs });
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Forgets `key` if it still holds `value` (a newer value stays). */
  forget(key: string, value: V): void {
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
