/**
 * How many times the directory of a store has been written: a counter per store that every write
 * path (`Directory`, `bulkUpsert`, `SyncedRows`) bumps once its transaction is over. A cached lookup
 * remembers the count it was read at and is not served once the count moved on, so an edit is
 * seen by the very next lookup. Per store, not per `Directory`: every object writing through the
 * same store invalidates every cache reading from it.
 *
 * Writes by another process (a CLI import next to the running service, a second instance on
 * PostgreSQL) do not count here: the cache's short lifetime bounds how long they go unseen.
 */
import type { Store } from '../store/store.ts';

const generations = new WeakMap<Store, number>();

/** The store's directory write count now (0 before the first write). */
export function writeGeneration(store: Store): number {
  return generations.get(store) ?? 0;
}

/** Called after every directory write (also after a failed one: a needless miss costs one query). */
export function noteDirectoryWrite(store: Store): void {
  generations.set(store, writeGeneration(store) + 1);
}

/** Runs a write and notes it once the write is over, whether it succeeded or not. */
export async function writing<T>(store: Store, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    noteDirectoryWrite(store);
  }
}
