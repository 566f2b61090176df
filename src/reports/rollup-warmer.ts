/**
 * Builds the reports' per-day rollup ahead of the people who will ask (report-rollup.ts builds a
 * day the first time a report needs it: a year of two million calls takes about 12 s on
 * PostgreSQL, too long for the first manager who opens the reports page). A while after the service
 * starts leading, and then every few hours, it asks for the last 13 months, for the company and
 * for each active person with a phone (an agent's own report is a scope of its own), one after
 * another, so that the database never does more than one build at a time. Days already built cost
 * a read; yesterday, and the days a late write invalidated, are built again.
 */
import type { Log } from '../logger.ts';
import { errorInWords } from '../errors.ts';
import type { Reports, ReportViewer } from './reports.ts';

export interface RollupWarmerOptions {
  reports: Pick<Reports, 'report' | 'today'>;
  /** The people whose own reports to build (the directory's users). */
  users(): Promise<readonly { id: string; role: 'admin' | 'agent'; active: boolean; extensions: readonly string[] }[]>;
  log: Log;
  /** The first pass, this long after `start`. Default 60 s: the service's own start comes first. */
  firstAfterMs?: number;
  /** Then a pass this often. Default 6 h. */
  everyMs?: number;
}

/** 13 months back from yesterday: a year's report and the month before it for comparison. */
const DAYS_BACK = 396;

export class RollupWarmer {
  readonly #o: RollupWarmerOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  /** Each start's number: a pass of an earlier start does not arm a timer for a later one. */
  #generation = 0;
  /** Set by `stop`: a pass under way ends after its current scope. */
  #stopping = false;
  #pass: Promise<void> = Promise.resolve();
  /** Passes completed (tests, health). */
  passes = 0;

  constructor(options: RollupWarmerOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    this.#generation++;
    this.#arm(this.#o.firstAfterMs ?? 60_000);
  }

  /** Stops between two scopes (a build under way finishes: its day is written whole or not at all). */
  async stop(): Promise<void> {
    this.#started = false;
    this.#stopping = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#pass;
  }

  /** One pass now (also what the timer runs). */
  async warm(): Promise<void> {
    const today = this.#o.reports.today();
    const to = addDays(today, -1);
    const from = addDays(today, -DAYS_BACK);
    const admin: ReportViewer = { id: 'rollup-warmer', role: 'admin', extensions: [] };
    const viewers: ReportViewer[] = [admin];
    for (const u of await this.#o.users()) {
      if (u.active && u.role !== 'admin' && u.extensions.length > 0) viewers.push({ id: u.id, role: 'agent', extensions: u.extensions });
    }
    const began = Date.now();
    for (const viewer of viewers) {
      if (this.#stopping) return;
      await this.#o.reports.report({ from, to, group: 'month', viewer });
    }
    this.passes++;
    this.#o.log.info({ scopes: viewers.length, ms: Date.now() - began }, 'the reports of the last 13 months are ready (rollup built)');
  }

  #arm(delayMs: number): void {
    const generation = this.#generation;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pass = this.warm()
        .catch((err: unknown) => this.#o.log.warn({ err: errorInWords(err) }, 'building the reports ahead failed; reports read those days live meanwhile, and the next pass tries again'))
        .finally(() => {
          if (this.#started && generation === this.#generation) this.#arm(this.#o.everyMs ?? 6 * 3600_000);
        });
    }, delayMs);
    this.#timer.unref?.();
  }
}

/** `YYYY-MM-DD` plus `days` (calendar arithmetic in UTC: a date has no zone). */
function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
