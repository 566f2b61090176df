/** Ids per `in (...)` list: well under either engine's limit on bound parameters (SQLite 32766, PostgreSQL 65535). */
export const IN_LIST_CHUNK = 500;

/** `items` in slices of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size = IN_LIST_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
