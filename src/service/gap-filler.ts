/**
 * Fills each gap in the service's view of a PBX from the PBX's own record. A gap is the time from
 * the last moment the PBX was heard (the link was lost, or this service stopped) to the recovery
 * after it. Gaps are kept in the store (`GapLog`), so one survives a restart or a CDR store that is
 * down; each is read a short while after the recovery (the PBX writes a call's CDR when it ends),
 * and again while calls that were going on at the recovery are still open, until none is.
 *
 * The decisions are the engine's (`backfillFromCdrs`); this holds the timers, the store and the source.
 */
import { rowsForWindow, UNSEEN_LOOKBACK_MS, type CdrBackfillInput } from '../calls/cdr-backfill.ts';
import type { StoredCall } from '../calls/index.ts';
import type { CdrSource } from '../cdr/pbx-cdr.ts';
import type { Log } from '../logger.ts';
import type { Gap, GapCause, GapLog } from '../store/gap-log.ts';

export interface GapFillerOptions {
  pbxId: string;
  log: GapLog;
  /** Where the PBX's CDRs are read; null: gaps are recorded as `skipped` (calls inside them may be lost). */
  source: CdrSource | null;
  /** Why there is no source, for admins (what to set). */
  sourceMissing?: string | null;
  /** The engine's side: fills in from the rows; says whether a call the gap touched is still going on. */
  backfill: (input: CdrBackfillInput) => { corrected: number; rebuilt: number; stillOpen: boolean };
  /** Of the Linkedids a read concerns, those the engine no longer holds (looked up in the store). */
  unknownKeys: (keys: readonly string[]) => string[];
  storedCalls: (callIds: readonly string[]) => Promise<readonly StoredCall[]>;
  callIdPrefix: string;
  logger: Log;
  /** Wait this long after a recovery before the first read (the PBX writes CDRs as calls end). Default 5 s. */
  firstReadDelayMs?: number;
  /** Read again this often while the gap's calls go on or the source fails. Default 60 s. */
  retryMs?: number;
  /**
   * Read each gap once more this long after it ended, for CDRs that reach their store late
   * (cdr.conf's batch mode holds them up to its `time`; a database replica lags): a call that began
   * and ended inside the gap is rebuilt then. 0: one read. Default 120 s (CDR_LATE_READ_SECONDS).
   */
  lateReadMs?: number;
  /** Give up on a gap this long after it ended (the CDR store may have rotated). Default 7 days. */
  maxAgeMs?: number;
  /**
   * Read this much before the gap too: calls whose events never reached us (the service was behind
   * when the link dropped) and whole-second CDR times. Default `UNSEEN_LOOKBACK_MS` (15 s).
   */
  slackMs?: number;
  clock?: () => number;
}

export interface GapStatus {
  /** The CDR source, in words (never a secret); null when none is set. */
  source: string | null;
  /** Set when there is no source: that calls inside gaps can be lost, and how to turn it on. */
  warning: string | null;
  pendingGaps: number;
  lastGap: { from: string; to: string; cause: GapCause; state: string; corrected: number; rebuilt: number; lastError: string | null } | null;
  /** Totals since start. */
  filled: { gaps: number; corrected: number; rebuilt: number };
}

export class GapFiller {
  readonly #o: GapFillerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #stopped = false;
  #timerAt = Infinity;
  #pending = 0;
  #last: Gap | null = null;
  readonly #totals = { gaps: 0, corrected: 0, rebuilt: 0 };

  constructor(options: GapFillerOptions) {
    this.#o = options;
  }

  #now(): number {
    return (this.#o.clock ?? Date.now)();
  }

  /** A gap the session just closed (a recovery after it). */
  async add(gap: { from: number; to: number; cause: GapCause }): Promise<void> {
    const { log, pbxId, source, logger } = this.#o;
    if (!(gap.to > gap.from)) return;
    const saved = await log.add(pbxId, { ...gap, state: source === null ? 'skipped' : 'pending' }, this.#now());
    this.#last = saved;
    if (source !== null) this.#pending++;
    const seconds = Math.round((gap.to - gap.from) / 1000);
    if (source === null) {
      logger.warn({ pbx: pbxId, from: new Date(gap.from).toISOString(), seconds, cause: gap.cause }, `a gap of ${seconds} s in the view of the PBX (${gap.cause}); with no CDR source, calls that began and ended inside it are not logged. Set CDR_SOURCE (README, "Across outages").`);
      return;
    }
    logger.info({ pbx: pbxId, from: new Date(gap.from).toISOString(), seconds, cause: gap.cause }, `a gap of ${seconds} s in the view of the PBX; its CDRs will be read (${source.description})`);
    this.schedule(this.#o.firstReadDelayMs ?? 5_000);
  }

  /** Reads due gaps after `delayMs` (the earliest request wins). */
  schedule(delayMs: number): void {
    if (this.#stopped || this.#o.source === null) return;
    const at = this.#now() + delayMs;
    // A later read already waiting (a gap's second read) gives way to an earlier one.
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      void this.fillNow();
    }, delayMs);
    this.#timer.unref();
  }

  /** Reads every due gap now (tests and shutdown call it directly). */
  async fillNow(): Promise<void> {
    if (this.#running !== null) return this.#running;
    this.#running = this.#fill().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** What health and the admin page show (kept in memory: health never waits for the store). */
  status(): GapStatus {
    const { source } = this.#o;
    const last = this.#last;
    return {
      source: source?.description ?? null,
      warning: source === null ? (this.#o.sourceMissing ?? 'No CDR source: calls that begin and end while the link to the PBX is down (or while this service restarts) are not logged. Set CDR_SOURCE (README, "Across outages").') : null,
      pendingGaps: this.#pending,
      lastGap:
        last === null
          ? null
          : { from: new Date(last.from).toISOString(), to: new Date(last.to).toISOString(), cause: last.cause, state: last.state, corrected: last.corrected, rebuilt: last.rebuilt, lastError: last.lastError },
      filled: { ...this.#totals },
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #fill(): Promise<void> {
    const { log, pbxId, source, logger } = this.#o;
    if (source === null) return;
    const retryMs = this.#o.retryMs ?? 60_000;
    const lateReadMs = this.#o.lateReadMs ?? 120_000;
    let again = false;
    let lateAt = Infinity;
    const gaps = await log.due(pbxId, this.#now()).catch((err: unknown) => {
      logger.warn({ pbx: pbxId, err: (err as Error).message }, 'could not read the gaps to fill from the store; trying again later');
      again = true;
      return [] as Gap[];
    });
    this.#pending = Math.max(this.#pending, gaps.length);
    for (const gap of gaps) {
      if (this.#stopped) return;
      const now = this.#now();
      try {
        const slack = this.#o.slackMs ?? UNSEEN_LOOKBACK_MS;
        // Rows that began after the recovery belong to calls that went on across it (a transfer's
        // next leg): without them a call's talk would be split short. Up to an hour on.
        const read = await source.read({ from: gap.from - slack, to: Math.max(gap.to, Math.min(now, gap.to + 3_600_000)) });
        const { skipped } = read;
        const { rows, keys } = rowsForWindow(read.rows, { from: gap.from, to: gap.to });
        const unknown = this.#o.unknownKeys(keys);
        const stored = unknown.length === 0 ? [] : await this.#o.storedCalls(unknown.map((k) => this.#o.callIdPrefix + k));
        const result = this.#o.backfill({ rows, window: { from: gap.from, to: gap.to }, stored });
        this.#totals.corrected += result.corrected;
        this.#totals.rebuilt += result.rebuilt;
        const tooOld = now - gap.to > (this.#o.maxAgeMs ?? 7 * 24 * 3600_000);
        const last = this.#last?.id === gap.id ? this.#last : null;
        if (last !== null) {
          last.corrected += result.corrected;
          last.rebuilt += result.rebuilt;
          last.lastError = null;
        }
        if (result.stillOpen && !tooOld) {
          await log.progress(gap.id, result, now + retryMs);
          again = true;
        } else if (now < gap.to + lateReadMs) {
          // Read once more when rows written late are in: until then the gap stays pending.
          await log.progress(gap.id, result, gap.to + lateReadMs);
          lateAt = Math.min(lateAt, gap.to + lateReadMs);
        } else {
          await log.done(gap.id, result, now);
          this.#totals.gaps++;
          this.#pending = Math.max(0, this.#pending - 1);
          if (last !== null) last.state = 'done';
        }
        if (result.corrected + result.rebuilt > 0 || skipped > 0) {
          logger.info({ pbx: pbxId, gap: gap.id, rows: rows.length, skipped, corrected: result.corrected, rebuilt: result.rebuilt }, 'the PBX\'s CDRs filled in a gap');
        }
      } catch (err) {
        const message = (err as Error).message;
        const tooOld = now - gap.to > (this.#o.maxAgeMs ?? 7 * 24 * 3600_000);
        logger.warn({ pbx: pbxId, gap: gap.id, err: message }, tooOld ? 'gave up reading the CDRs of an old gap' : `could not read the PBX's CDRs for a gap; trying again in ${Math.round(retryMs / 1000)} s`);
        if (this.#last?.id === gap.id) this.#last.lastError = message;
        try {
          if (tooOld) await log.done(gap.id, { corrected: 0, rebuilt: 0 }, now);
          else await log.progress(gap.id, { corrected: 0, rebuilt: 0 }, now + retryMs, message);
        } catch {
          // The store is down too: the gap stays due, and the next pass tries again.
        }
        again = true;
      }
    }
    // The earlier of the two is kept (schedule).
    if (again) this.schedule(retryMs);
    if (lateAt !== Infinity) this.schedule(Math.max(0, lateAt - this.#now()));
    // Gaps pending but not due yet, whose reads another instance planned (it led the PBX and was
    // killed, or stopped, before their second read): the timer for them was that instance's.
    const next = this.#stopped ? null : await log.nextAttemptAt(pbxId).catch(() => null);
    if (next !== null) this.schedule(Math.max(0, next - this.#now()));
  }
}
