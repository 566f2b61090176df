/**
 * Reports (issue 17, part 3): the calls already stored, grouped by day, week or month, line, agent
 * and queue, in the company's time zone; JSON for the console's page and CSV for spreadsheets.
 */
import type { Store } from '../../store/store.ts';
import type { Directory } from '../../directory/directory.ts';
import type { Log } from '../../logger.ts';
import { Reports } from '../../reports/reports.ts';
import { RollupWarmer } from '../../reports/rollup-warmer.ts';
import { reportsRoutes } from '../../web/routes/reports-routes.ts';
import type { Capability } from '../capability.ts';

export interface ReportsDeps {
  store: Store;
  /** Who owns which extension: an agent's row carries their name. */
  directory: Pick<Directory, 'listUsers'>;
  log: Log;
  /** The rollup built ahead this long after this instance starts leading. Default 60 s. */
  warmAfterMs?: number;
  /**
   * The company's time zone (IANA name such as `Europe/Moscow`): reports' days, weeks and months
   * begin at its midnight. Default: the server's own zone.
   */
  timeZone?: string;
}

export function createReports(deps: ReportsDeps): Capability {
  const reports = new Reports(deps.store, {
    users: () => deps.directory.listUsers(),
    ...(deps.timeZone !== undefined ? { timeZone: deps.timeZone } : {}),
  });
  // Once per deployment (the leader): the reports' rollup built before anybody asks.
  const warmer = new RollupWarmer({ reports, users: () => deps.directory.listUsers(), log: deps.log, ...(deps.warmAfterMs !== undefined ? { firstAfterMs: deps.warmAfterMs } : {}) });
  return {
    name: 'reports',
    routes: [(app) => reportsRoutes(app, { reports })],
    startLeading: () => warmer.start(),
    stop: () => warmer.stop(),
  };
}
