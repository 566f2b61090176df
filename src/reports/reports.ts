/**
 * Reports over the calls already stored (issue 17, part 3): calls per day, week or month, per line,
 * per agent and per queue, their answered, missed and abandoned shares, time to answer, talk,
 * callbacks, and the open missed-call items by age. Admins see every call; anyone else their own
 * (calls their extensions rang, answered or placed).
 *
 * The work is split: `periods.ts` (the calendar, time zones), `report-sql.ts` (grouped reads on
 * both engines), `report-model.ts` (folding the rows into tables), `percentiles.ts`, `report-csv.ts`.
 */
import type { Store } from '../store/store.ts';
import { hostTimeZone } from '../cdr/local-time.ts';
import { dayNumber, reportWindow, type Grouping } from './periods.ts';
import { foldReport, missedAgeBounds, MISSED_AGES, type AggregateRow, type ExtensionOwner, type Report } from './report-model.ts';
import { aggregateRows, openMissedByAge, rangMissed } from './report-sql.ts';
import { ReportRollup } from './report-rollup.ts';

/** Who asks: admins see everyone's calls, anyone else their own. */
export interface ReportViewer {
  id: string;
  role: 'admin' | 'agent';
  extensions: readonly string[];
}

export interface ReportRequest {
  /** Local dates of the company's zone, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
  group: Grouping;
  viewer: ReportViewer;
}

export interface ReportsOptions {
  /** Who owns which extension (the directory's `listUsers`). */
  users(): Promise<readonly ExtensionOwner[]>;
  /**
   * The company's time zone (IANA name, `Europe/Moscow`): days, weeks and months begin at its
   * midnight, across daylight-saving changes. Default: the server's own zone.
   */
  timeZone?: string;
  /** The clock (tests): the open missed items' ages are counted from it, and today (read live, never rolled up) is its day. */
  now?: () => Date;
  /**
   * Read the days that are over from the per-day rollup (`report-rollup.ts`), kept as reports ask
   * for them. Default true; false reads every call of the range each time (the benchmark compares).
   */
  rollup?: boolean;
  /** The rollup's allowance for late commits and clocks apart (`ReportRollupOptions.settleMs`). */
  rollupSettleMs?: number;
}

export class Reports {
  readonly #store: Store;
  readonly #options: ReportsOptions;
  readonly #rollup: ReportRollup | null;
  readonly timeZone: string;

  constructor(store: Store, options: ReportsOptions) {
    this.#store = store;
    this.#options = options;
    this.timeZone = options.timeZone ?? hostTimeZone();
    this.#rollup =
      options.rollup === false ? null : new ReportRollup(store, { zone: this.timeZone, ...(options.rollupSettleMs !== undefined ? { settleMs: options.rollupSettleMs } : {}) });
  }

  /** Today's date in the company's zone (the console's presets count from it). */
  today(): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone: this.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.#now());
  }

  async report(request: ReportRequest): Promise<Report> {
    const { viewer, group } = request;
    const now = this.#now();
    const window = reportWindow(request.from, request.to, this.timeZone);
    const own = viewer.role !== 'admin';
    // An agent with no phone took no calls: nothing to read.
    const extensions = own ? [...viewer.extensions] : null;
    const none = extensions !== null && extensions.length === 0;
    const bounds = missedAgeBounds(now);
    const [{ rows, rang }, owners, open] = await Promise.all([
      none ? { rows: [], rang: new Map<string, number>() } : this.#calls(window, extensions),
      this.#options.users(),
      openMissedByAge(
        this.#store,
        bounds.map((b) => b.sinceIso),
        own ? viewer.id : null,
      ),
    ]);
    const tables = foldReport({ window, group, rows, rangMissed: rang, owners, onlyExtensions: extensions === null ? null : new Set(extensions) });
    return {
      from: request.from,
      to: request.to,
      group,
      timeZone: this.timeZone,
      scope: own ? 'own' : 'all',
      generatedAt: now.toISOString(),
      ...tables,
      missedOpen: MISSED_AGES.map((age, i) => ({ age, open: open[i] ?? 0 })),
    };
  }

  /** The grouped rows and the extensions' missed calls: from the rollup, or every call live. */
  async #calls(window: ReturnType<typeof reportWindow>, extensions: readonly string[] | null): Promise<{ rows: AggregateRow[]; rang: Map<string, number> }> {
    if (this.#rollup !== null) {
      const read = await this.#rollup.read(window, extensions, dayNumber(this.today())!);
      return { rows: read.rows, rang: read.rangMissed };
    }
    const [rows, rang] = await Promise.all([aggregateRows(this.#store, window, extensions), rangMissed(this.#store, window, extensions)]);
    return { rows, rang };
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
