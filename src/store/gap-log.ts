/**
 * The gaps in the service's view of each PBX, kept in the store: when the PBX was last heard while
 * connected (a restart reads it to know where its own gap began), and each gap whose CDRs are still
 * to be read. A gap is read again until it is done, across restarts.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from './store.ts';

export type GapCause = 'link-cut' | 'restart' | 'pbx-restart';
export type GapState = 'pending' | 'done' | 'skipped';

export interface Gap {
  id: string;
  pbx: string;
  /** Epoch ms. */
  from: number;
  /** Epoch ms. */
  to: number;
  cause: GapCause;
  state: GapState;
  attempts: number;
  lastError: string | null;
  corrected: number;
  rebuilt: number;
  createdAt: string;
  doneAt: string | null;
}

export class GapLog {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Records that the PBX was heard, connected, at `at` (epoch ms). */
  async heartbeat(pbx: string, at: number): Promise<void> {
    const aliveAt = new Date(at).toISOString();
    await this.#store.db
      .insertInto('pbx_heartbeats')
      .values({ pbx, alive_at: aliveAt })
      .onConflict((oc) => oc.column('pbx').doUpdateSet({ alive_at: aliveAt }))
      .execute();
  }

  /** The last moment the PBX was heard while connected, epoch ms; null if never. */
  async lastAlive(pbx: string): Promise<number | null> {
    const row = await this.#store.db.selectFrom('pbx_heartbeats').select('alive_at').where('pbx', '=', pbx).executeTakeFirst();
    const at = row === undefined ? Number.NaN : Date.parse(row.alive_at);
    return Number.isFinite(at) ? at : null;
  }

  async add(pbx: string, gap: { from: number; to: number; cause: GapCause; state?: GapState }, now: number = Date.now()): Promise<Gap> {
    const id = randomUUID();
    const created = new Date(now).toISOString();
    const state = gap.state ?? 'pending';
    await this.#store.db
      .insertInto('pbx_gaps')
      .values({
        id,
        pbx,
        from_at: new Date(gap.from).toISOString(),
        to_at: new Date(gap.to).toISOString(),
        cause: gap.cause,
        state,
        next_attempt_at: created,
        last_error: null,
        created_at: created,
        done_at: null,
      })
      .execute();
    return { id, pbx, from: gap.from, to: gap.to, cause: gap.cause, state, attempts: 0, lastError: null, corrected: 0, rebuilt: 0, createdAt: created, doneAt: null };
  }

  /** Pending gaps of a PBX whose next attempt is due, oldest first. */
  async due(pbx: string, now: number = Date.now()): Promise<Gap[]> {
    const rows = await this.#store.db
      .selectFrom('pbx_gaps')
      .selectAll()
      .where('pbx', '=', pbx)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', new Date(now).toISOString())
      .orderBy('from_at')
      .execute();
    return rows.map(toGap);
  }

  /** When the earliest pending gap of a PBX is next due (epoch ms), or null when none is pending. */
  async nextAttemptAt(pbx: string): Promise<number | null> {
    const row = await this.#store.db
      .selectFrom('pbx_gaps')
      .select((eb) => eb.fn.min<string>('next_attempt_at').as('at'))
      .where('pbx', '=', pbx)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    const at = row?.at == null ? Number.NaN : Date.parse(row.at);
    return Number.isFinite(at) ? at : null;
  }

  /** The latest gaps of a PBX (for health and the admin page). */
  async recent(pbx: string, limit = 20): Promise<Gap[]> {
    const rows = await this.#store.db.selectFrom('pbx_gaps').selectAll().where('pbx', '=', pbx).orderBy('from_at', 'desc').limit(limit).execute();
    return rows.map(toGap);
  }

  async pendingCount(pbx: string): Promise<number> {
    const row = await this.#store.db
      .selectFrom('pbx_gaps')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('pbx', '=', pbx)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async done(id: string, result: { corrected: number; rebuilt: number }, now: number = Date.now()): Promise<void> {
    await this.#store.db
      .updateTable('pbx_gaps')
      .set((eb) => ({
        state: 'done',
        done_at: new Date(now).toISOString(),
        corrected: eb('corrected', '+', result.corrected),
        rebuilt: eb('rebuilt', '+', result.rebuilt),
        attempts: eb('attempts', '+', 1),
        last_error: null,
      }))
      .where('id', '=', id)
      .execute();
  }

  /** Counts what one pass filled in, and asks for another pass at `nextAt` (calls still going on). */
  async progress(id: string, result: { corrected: number; rebuilt: number }, nextAt: number, error: string | null = null): Promise<void> {
    await this.#store.db
      .updateTable('pbx_gaps')
      .set((eb) => ({
        corrected: eb('corrected', '+', result.corrected),
        rebuilt: eb('rebuilt', '+', result.rebuilt),
        attempts: eb('attempts', '+', 1),
        next_attempt_at: new Date(nextAt).toISOString(),
        last_error: error,
      }))
      .where('id', '=', id)
      .execute();
  }
}

function toGap(r: {
  id: string;
  pbx: string;
  from_at: string;
  to_at: string;
  cause: string;
  state: string;
  attempts: number;
  last_error: string | null;
  corrected: number;
  rebuilt: number;
  created_at: string;
  done_at: string | null;
}): Gap {
  return {
    id: r.id,
    pbx: r.pbx,
    from: Date.parse(r.from_at),
    to: Date.parse(r.to_at),
    cause: r.cause as GapCause,
    state: r.state as GapState,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    corrected: Number(r.corrected),
    rebuilt: Number(r.rebuilt),
    createdAt: r.created_at,
    doneAt: r.done_at,
  };
}
