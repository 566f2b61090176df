/**
 * The durable job queue: jobs are rows of a table their owner gives (`JobTable`), so a restart
 * loses nothing and several service instances can share one database.
 *
 * - A claim is one conditional UPDATE over the due jobs that nobody holds (no lease, or one that ran
 *   out), returning the rows it took: two instances never take the same job, and the jobs of an
 *   instance that died come back when its leases run out.
 * - A worker renews its lease while it works (`renew`, `hold`) and gives it back when it stops
 *   without finishing (`release`: the attempt is not counted, the job is due at once).
 * - A failure counts an attempt and makes the job due again after the retry strategy's backoff; a
 *   permanent cause, the last attempt, or a strategy that gives up makes it a dead letter: kept as
 *   `failed` with its last error, for admins to see, and never claimed again.
 *
 * The SQL is here and only here, written once through Kysely: the same statements on SQLite and
 * PostgreSQL (UPDATE ... RETURNING runs on both).
 */
import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Store } from '../store/store.ts';
import type { RetryStrategy } from '../retry.ts';
import { JobStates, type JobTable } from './job-table.ts';

type Value = string | number | null;
/** Any job table, as Kysely sees it: the names come from the owner's `JobTable`. */
type JobsDb = Record<string, Record<string, Value>>;
/** The owner's names, checked against its row type where they were given; plain text here. */
type AnyJobTable = JobTable<Record<string, Value>>;

export interface JobQueueOptions<Row> {
  store: Store;
  table: JobTable<Row>;
  /** How long a claim holds before another instance may take the job, in ms. */
  leaseMs: number;
  /** When to try a failed job again: `(attempts so far, cause) => delayMs | false`; false makes it a dead letter. */
  retry: RetryStrategy;
  /** Attempts in all (the first included) before a job is a dead letter. Default: the strategy alone decides. */
  maxAttempts?: number;
  /** Causes no retry can fix: such a job is a dead letter at once. Default: none. */
  permanent?: (cause: Error) => boolean;
  /** This instance's name in the table's `leasedBy` column. Default random. */
  instanceId?: string;
  now?: () => number;
}

export interface JobFailure {
  cause: Error;
  /** What is kept as the job's last error, in words. */
  message: string;
  /** The stable code kept beside it, when the table has a column for it. */
  code?: string | null;
}

/** What a failure made of the job: due again after `retryInMs`, or a dead letter. */
export type FailOutcome = { dead: false; attempts: number; retryInMs: number } | { dead: true; attempts: number };

export class JobQueue<Row extends object> {
  readonly #o: JobQueueOptions<Row>;
  readonly #t: AnyJobTable;
  readonly #db: Kysely<JobsDb>;
  readonly #instance: string;

  constructor(options: JobQueueOptions<Row>) {
    this.#o = options;
    this.#t = options.table as unknown as AnyJobTable;
    this.#db = options.store.db as unknown as Kysely<JobsDb>;
    this.#instance = options.instanceId ?? randomUUID();
  }

  /** This instance's name in the leases it takes. */
  get instanceId(): string {
    return this.#instance;
  }

  /**
   * Adds a job due at `dueAtMs` (default now), with the owner's own `values`; false when the job is
   * there already (queuing twice is one job).
   */
  async enqueue(id: string, values: Partial<Row> = {}, dueAtMs = this.#now()): Promise<boolean> {
    const c = this.#t.columns;
    const now = this.#iso();
    const row: Record<string, Value> = {
      ...(values as Record<string, Value>),
      ...this.#scope(),
      [this.#t.id]: id,
      [c.state]: JobStates.pending,
      [c.attempts]: 0,
      [c.dueAt]: new Date(dueAtMs).toISOString(),
      [c.leaseUntil]: null,
      [c.lastError]: null,
      [c.createdAt]: now,
      [c.updatedAt]: now,
      ...(c.leasedBy ? { [c.leasedBy]: null } : {}),
      ...(c.lastErrorCode ? { [c.lastErrorCode]: null } : {}),
    };
    const res = await this.#db
      .insertInto(this.#t.name)
      .values(row)
      .onConflict((oc) => oc.columns([...Object.keys(this.#scope()), this.#t.id]).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Makes a pending job due at `dueAtMs` if it was due later (never postpones it). */
  async bringForward(id: string, dueAtMs: number): Promise<void> {
    const c = this.#t.columns;
    const due = new Date(dueAtMs).toISOString();
    await this.#db
      .updateTable(this.#t.name)
      .set({ [c.dueAt]: due, [c.updatedAt]: this.#iso() })
      .where((eb) => this.#job(eb, id))
      .where(c.state, '=', JobStates.pending)
      .where(c.dueAt, '>', due)
      .execute();
  }

  /**
   * Takes up to `limit` due jobs nobody holds (oldest due first, none of `exclude`) for `leaseMs`,
   * and returns them as they are now. One statement: of two instances claiming at once, each job
   * goes to one (the other's UPDATE finds it held when it gets to the row, and skips it).
   */
  async claim(limit: number, exclude: readonly string[] = []): Promise<Row[]> {
    if (limit <= 0) return [];
    const c = this.#t.columns;
    const now = this.#iso();
    let due = this.#db
      .selectFrom(this.#t.name)
      .select(this.#t.id)
      .where((eb) => this.#claimable(eb, now))
      .orderBy(c.dueAt)
      .orderBy(c.createdAt)
      .limit(limit);
    if (exclude.length > 0) due = due.where(this.#t.id, 'not in', exclude);
    const rows = await this.#db
      .updateTable(this.#t.name)
      .set({ [c.leaseUntil]: this.#leaseEnd(), [c.updatedAt]: now, ...(c.leasedBy ? { [c.leasedBy]: this.#instance } : {}) })
      .where(this.#t.id, 'in', due)
      // Again on the row itself: a row another instance took meanwhile is no longer claimable.
      .where((eb) => this.#claimable(eb, now))
      .returningAll()
      .execute();
    // RETURNING keeps no order.
    const key = (r: Record<string, Value>): string => `${r[c.dueAt]} ${r[c.createdAt]}`;
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) as unknown as Row[];
  }

  /**
   * Extends the lease of a job this worker holds, writing the owner's `progress` in the same
   * statement (a step's outcome and the hold move together). False when the job is gone, or (with
   * a `leasedBy` column) held by another instance now.
   */
  async renew(id: string, progress: Partial<Row> = {}): Promise<boolean> {
    const c = this.#t.columns;
    const res = await this.#db
      .updateTable(this.#t.name)
      .set({ ...(progress as Record<string, Value>), [c.leaseUntil]: this.#leaseEnd(), [c.updatedAt]: this.#iso() })
      .where((eb) => this.#held(eb, id))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Renews the lease every third of its length until the returned function is called (a long piece of work). */
  hold(id: string): () => void {
    const timer = setInterval(() => {
      // A missed renewal is retried at the next tick; the lease outlasts two of them.
      void this.renew(id).catch(() => undefined);
    }, Math.max(1000, this.#o.leaseMs / 3));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Gives a job back unfinished (the worker stops): due as it was, the attempt not counted. */
  async release(id: string): Promise<void> {
    const c = this.#t.columns;
    await this.#db
      .updateTable(this.#t.name)
      .set({ [c.leaseUntil]: null, [c.updatedAt]: this.#iso(), ...(c.leasedBy ? { [c.leasedBy]: null } : {}) })
      .where((eb) => this.#held(eb, id))
      .execute();
  }

  /**
   * The job is done: deleted, or kept in the table's done state. `only` guards it with the owner's
   * columns (done only while they hold these values); false when the guard failed or the job is gone.
   */
  async complete(id: string, only: Partial<Row> = {}): Promise<boolean> {
    const c = this.#t.columns;
    const done = this.#t.done;
    const guard = Object.entries(only as Record<string, Value>);
    if (done === 'delete') {
      let del = this.#db.deleteFrom(this.#t.name).where((eb) => this.#job(eb, id));
      for (const [column, value] of guard) del = del.where(column, '=', value);
      const res = await del.executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    }
    const now = this.#iso();
    let upd = this.#db
      .updateTable(this.#t.name)
      .set({
        [c.state]: done.state,
        [c.leaseUntil]: null,
        [c.lastError]: null,
        [c.updatedAt]: now,
        ...(done.at ? { [done.at]: now } : {}),
        ...(c.leasedBy ? { [c.leasedBy]: null } : {}),
        ...(c.lastErrorCode ? { [c.lastErrorCode]: null } : {}),
      })
      .where((eb) => this.#job(eb, id));
    for (const [column, value] of guard) upd = upd.where(column, '=', value);
    const res = await upd.executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * An attempt of a claimed job failed: one more attempt counted, the lease given back, and the job
   * due again after the backoff, or kept as a dead letter (`failed`, never claimed again). Null
   * when the job is gone (its owner removed it meanwhile): nothing to keep.
   */
  async fail(job: Row, failure: JobFailure): Promise<FailOutcome | null> {
    const c = this.#t.columns;
    const fields = job as Record<string, Value>;
    const id = String(fields[this.#t.id]);
    const attempts = Number(fields[c.attempts]) + 1;
    const retryIn = this.#retryIn(attempts, failure.cause);
    const nowMs = this.#now();
    const res = await this.#db
      .updateTable(this.#t.name)
      .set({
        [c.state]: retryIn === false ? JobStates.failed : JobStates.pending,
        [c.attempts]: attempts,
        // A dead letter's due time is when it was given up.
        [c.dueAt]: new Date(nowMs + (retryIn === false ? 0 : retryIn)).toISOString(),
        [c.leaseUntil]: null,
        [c.lastError]: failure.message,
        [c.updatedAt]: new Date(nowMs).toISOString(),
        ...(c.leasedBy ? { [c.leasedBy]: null } : {}),
        ...(c.lastErrorCode ? { [c.lastErrorCode]: failure.code ?? null } : {}),
      })
      .where((eb) => this.#job(eb, id))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return null;
    return retryIn === false ? { dead: true, attempts } : { dead: false, attempts, retryInMs: retryIn };
  }

  async remove(id: string): Promise<void> {
    await this.#db
      .deleteFrom(this.#t.name)
      .where((eb) => this.#job(eb, id))
      .execute();
  }

  async get(id: string): Promise<Row | undefined> {
    const row = await this.#db
      .selectFrom(this.#t.name)
      .selectAll()
      .where((eb) => this.#job(eb, id))
      .executeTakeFirst();
    return row as Row | undefined;
  }

  /**
   * When the next pending job can be claimed (ISO): its due time, or the end of its lease when one
   * holds it longer (a held job is not work for a poller until then). Null when none waits.
   */
  async nextDueAt(): Promise<string | null> {
    const c = this.#t.columns;
    const row = await this.#db
      .selectFrom(this.#t.name)
      .select((eb) =>
        eb.fn
          .min(
            eb
              .case()
              .when(eb.and([eb(c.leaseUntil, 'is not', null), eb(c.leaseUntil, '>', eb.ref(c.dueAt))]))
              .then(eb.ref(c.leaseUntil))
              .else(eb.ref(c.dueAt))
              .end(),
          )
          .as('at'),
      )
      .where((eb) => this.#scoped(eb))
      .where(c.state, '=', JobStates.pending)
      .executeTakeFirst();
    return (row?.at as string | null | undefined) ?? null;
  }

  /** Pending jobs (held or not) and when the oldest of them was queued (ISO), for the metrics. */
  async backlog(): Promise<{ depth: number; oldestCreatedAt: string | null }> {
    const c = this.#t.columns;
    const row = await this.#db
      .selectFrom(this.#t.name)
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min(c.createdAt).as('oldest')])
      .where((eb) => this.#scoped(eb))
      .where(c.state, '=', JobStates.pending)
      .executeTakeFirst();
    return { depth: Number(row?.n ?? 0), oldestCreatedAt: (row?.oldest as string | null | undefined) ?? null };
  }

  /** Pending jobs and dead letters, soonest due first. */
  async jobs(limit: number): Promise<Row[]> {
    const c = this.#t.columns;
    const rows = await this.#db
      .selectFrom(this.#t.name)
      .selectAll()
      .where((eb) => this.#scoped(eb))
      .where(c.state, 'in', [JobStates.pending, JobStates.failed])
      .orderBy(c.dueAt)
      .limit(limit)
      .execute();
    return rows as unknown as Row[];
  }

  /** The dead letters, the latest given up first. */
  async deadLetters(limit: number): Promise<Row[]> {
    const c = this.#t.columns;
    const rows = await this.#db
      .selectFrom(this.#t.name)
      .selectAll()
      .where((eb) => this.#scoped(eb))
      .where(c.state, '=', JobStates.failed)
      .orderBy(c.updatedAt, 'desc')
      .limit(limit)
      .execute();
    return rows as unknown as Row[];
  }

  #retryIn(attempts: number, cause: Error): number | false {
    if (this.#o.permanent?.(cause)) return false;
    if (this.#o.maxAttempts !== undefined && attempts >= this.#o.maxAttempts) return false;
    return this.#o.retry(attempts, cause);
  }

  #scope(): Record<string, Value> {
    return (this.#t.scope ?? {}) as Record<string, Value>;
  }

  #scoped(eb: ExpressionBuilder<JobsDb, string>) {
    return eb.and(Object.entries(this.#scope()).map(([column, value]) => eb(column, '=', value)));
  }

  /** The one job `id` of this queue. */
  #job(eb: ExpressionBuilder<JobsDb, string>, id: string) {
    return eb.and([this.#scoped(eb), eb(this.#t.id, '=', id)]);
  }

  /** The job, while this instance may hold it (with a `leasedBy` column: holds it). */
  #held(eb: ExpressionBuilder<JobsDb, string>, id: string) {
    const by = this.#t.columns.leasedBy;
    return by ? eb.and([this.#job(eb, id), eb(by, '=', this.#instance)]) : this.#job(eb, id);
  }

  /** Pending, due by `now`, and held by nobody (no lease, or one that ran out). */
  #claimable(eb: ExpressionBuilder<JobsDb, string>, now: string) {
    const c = this.#t.columns;
    return eb.and([
      this.#scoped(eb),
      eb(c.state, '=', JobStates.pending),
      eb(c.dueAt, '<=', now),
      eb.or([eb(c.leaseUntil, 'is', null), eb(c.leaseUntil, '<', now)]),
    ]);
  }

  #leaseEnd(): string {
    return new Date(this.#now() + this.#o.leaseMs).toISOString();
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}
