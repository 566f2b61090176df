/**
 * Keeps the directory in step with SuiteCRM while the service runs: a full sync first (and again
 * every reconcile interval), an incremental sync every interval after that, one at a time. Failures
 * are kept in words for the admin page; a refused login or a wrong setting waits longer before the
 * next try, since only a person can fix it.
 */
import type { SyncProgress, SyncReport, SyncRunOptions } from '../crm-port.ts';
import { errorInWords, isCrmError } from '../crm-errors.ts';
import { silentLog, type Log } from '../../logger.ts';

export interface SyncTarget {
  syncFull(options?: SyncRunOptions): Promise<SyncReport>;
  syncIncremental(options?: SyncRunOptions): Promise<SyncReport>;
  /** When the directory was last fully listed (null: never). */
  lastFullSyncAt(): Promise<number | null>;
  counts(): Promise<DirectoryCounts>;
}

export interface DirectoryCounts {
  users: number;
  accounts: number;
  contacts: number;
  leads: number;
}

export interface SuiteCrmSyncOptions {
  target: SyncTarget;
  /** Between the end of one sync and the start of the next, in ms. */
  intervalMs: number;
  /** A full sync (which removes what SuiteCRM no longer has) at least this often; 0: only the first. */
  reconcileIntervalMs: number;
  log?: Log;
  /** After an error only a person can fix (credentials, settings). Default 60 s. */
  fatalRetryMs?: number;
  now?: () => number;
}

export interface SyncStatus {
  /** stopped, idle (waiting for the next run), syncing, failing (the last run failed). */
  state: 'stopped' | 'idle' | 'syncing' | 'failing';
  running: 'full' | 'incremental' | null;
  progress: SyncProgress | null;
  /** End of the last successful sync (ISO). */
  lastSyncAt: string | null;
  lastFullSyncAt: string | null;
  /** How far behind SuiteCRM the index may be: time since the last successful sync began. */
  lagMs: number | null;
  lastRun: { kind: 'full' | 'incremental'; durationMs: number; finishedAt: string; written: number; removed: number } | null;
  counts: DirectoryCounts | null;
  /** The latest failures in words, newest first (at most 5; cleared by a success). */
  errors: string[];
  /** From the last run: things a person should fix in SuiteCRM. */
  warnings: string[];
  nextRunAt: string | null;
}

const MAX_ERRORS = 5;

export class SuiteCrmSync {
  readonly #o: SuiteCrmSyncOptions;
  readonly #log: Log;
  #stopped = true;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | null = null;
  #current: Promise<SyncReport | null> | null = null;
  #running: 'full' | 'incremental' | null = null;
  #progress: SyncProgress | null = null;
  #lastSuccessStart: number | null = null;
  #lastSyncAt: string | null = null;
  #lastFullAt: number | null = null;
  #lastRun: SyncStatus['lastRun'] = null;
  #counts: DirectoryCounts | null = null;
  #errors: string[] = [];
  #warnings: string[] = [];
  #nextRunAt: number | null = null;

  constructor(options: SuiteCrmSyncOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLog;
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Starts syncing now, then every interval. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the timer and the sync in progress (its partial work stays; the cursors did not move). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#nextRunAt = null;
    this.#abort?.abort();
    await this.#current?.catch(() => undefined);
  }

  /** Runs a sync at once (after the one in progress); `full` lists everything. For "sync now" buttons. */
  async runNow(kind: 'full' | 'incremental' = 'incremental'): Promise<SyncReport | null> {
    while (this.#current) await this.#current.catch(() => undefined);
    return this.#run(kind);
  }

  status(): SyncStatus {
    const now = this.#now();
    return {
      state: this.#running !== null ? 'syncing' : this.#errors.length > 0 ? 'failing' : this.#stopped ? 'stopped' : 'idle',
      running: this.#running,
      progress: this.#progress,
      lastSyncAt: this.#lastSyncAt,
      lastFullSyncAt: this.#lastFullAt === null ? null : new Date(this.#lastFullAt).toISOString(),
      lagMs: this.#lastSuccessStart === null ? null : Math.max(0, now - this.#lastSuccessStart),
      lastRun: this.#lastRun,
      counts: this.#counts,
      errors: [...this.#errors],
      warnings: [...this.#warnings],
      nextRunAt: this.#nextRunAt === null ? null : new Date(this.#nextRunAt).toISOString(),
    };
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#nextRunAt = this.#now() + delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, delayMs);
    this.#timer.unref?.();
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    let delay = this.#o.intervalMs;
    try {
      this.#lastFullAt ??= await this.#o.target.lastFullSyncAt();
      const reconcileDue = this.#o.reconcileIntervalMs > 0 && this.#lastFullAt !== null && this.#now() - this.#lastFullAt >= this.#o.reconcileIntervalMs;
      await this.#run(this.#lastFullAt === null || reconcileDue ? 'full' : 'incremental');
    } catch (err) {
      // Recorded by #run; a person must act on these, so do not hammer SuiteCRM meanwhile.
      if (isCrmError(err) && (err.code === 'CRM_ERR_AUTH' || err.code === 'CRM_ERR_CONFIG' || err.code === 'CRM_ERR_REJECTED')) delay = Math.max(delay, this.#o.fatalRetryMs ?? 60_000);
    }
    this.#schedule(delay);
  }

  async #run(kind: 'full' | 'incremental'): Promise<SyncReport | null> {
    const abort = new AbortController();
    this.#abort = abort;
    this.#running = kind;
    this.#progress = null;
    const started = this.#now();
    const options: SyncRunOptions = { signal: abort.signal, onProgress: (p) => (this.#progress = p) };
    const run = (kind === 'full' ? this.#o.target.syncFull(options) : this.#o.target.syncIncremental(options)).then(
      async (report) => {
        this.#lastSuccessStart = started;
        this.#lastSyncAt = report.finishedAt;
        if (kind === 'full') this.#lastFullAt = started;
        let written = 0;
        let removed = 0;
        for (const m of Object.values(report.modules)) {
          written += m.written;
          removed += m.removed;
        }
        this.#lastRun = { kind, durationMs: report.durationMs, finishedAt: report.finishedAt, written, removed };
        this.#warnings = report.warnings;
        this.#errors = [];
        this.#counts = await this.#o.target.counts().catch(() => this.#counts);
        if (written > 0 || removed > 0 || kind === 'full') this.#log.info({ kind, written, removed, ms: report.durationMs }, 'SuiteCRM sync done');
        return report;
      },
      (err: unknown) => {
        if (abort.signal.aborted && this.#stopped) return null;
        const words = errorInWords(err);
        this.#errors = [words, ...this.#errors.filter((e) => e !== words)].slice(0, MAX_ERRORS);
        this.#log.warn({ kind, code: isCrmError(err) ? err.code : undefined }, `SuiteCRM sync failed: ${words}`);
        throw err;
      },
    );
    this.#current = run;
    try {
      return await run;
    } finally {
      if (this.#current === run) this.#current = null;
      this.#running = null;
      this.#progress = null;
      this.#abort = null;
    }
  }
}
