/**
 * How an owner's table holds jobs: which of its columns are the parts of a job that the queue reads
 * and writes. The table stays its owner's (created by its migration, with the owner's own columns
 * beside these); the queue only needs to be told the names. Names come from code, never from input,
 * and Kysely quotes them.
 *
 * Times are ISO-8601 UTC text, as everywhere in the store: they compare as text, the same on SQLite
 * and PostgreSQL.
 */

/** A column of the owner's row type: a misspelt name does not compile. */
export type ColumnOf<Row> = keyof Row & string;

/** The state column's values the queue writes and reads. An owner that keeps done jobs names its own done state too. */
export const JobStates = { pending: 'pending', failed: 'failed' } as const;

export interface JobColumns<Row> {
  /** `pending` (work left) or `failed` (a dead letter: kept for admins, never retried by the queue). */
  state: ColumnOf<Row>;
  /** Attempts made (failed ones; a released job's attempt is not counted). */
  attempts: ColumnOf<Row>;
  /** When the job may run (next). */
  dueAt: ColumnOf<Row>;
  /** Until when a worker holds the job, or null: past it, another worker may take the job. */
  leaseUntil: ColumnOf<Row>;
  /**
   * Which instance holds the job, or null. Optional: with it, only the holder renews or releases a
   * lease; without it, the lease time alone marks the hold and the caller must be the holder.
   */
  leasedBy?: ColumnOf<Row>;
  /** The last failure, in words. */
  lastError: ColumnOf<Row>;
  /** The last failure's stable code (`RECORDING_ERR_MISSING`...), if the table keeps one. */
  lastErrorCode?: ColumnOf<Row>;
  /** When the job was queued: ties in `dueAt` run oldest first. */
  createdAt: ColumnOf<Row>;
  updatedAt: ColumnOf<Row>;
}

export interface JobTable<Row> {
  name: string;
  /** The column naming a job, unique within `scope`. */
  id: ColumnOf<Row>;
  /**
   * Column values every statement matches and every new job gets, when several queues share one
   * table (`crm_outbox`: one queue per CRM, `{ crm: 'suitecrm' }`). The unique key is these columns
   * and `id`.
   */
  scope?: Partial<Record<ColumnOf<Row>, string>>;
  columns: JobColumns<Row>;
  /** What a completed job becomes: its row deleted, or kept with this state (and the time in `at`). */
  done: 'delete' | { state: string; at?: ColumnOf<Row> };
}
