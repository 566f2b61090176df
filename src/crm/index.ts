/**
 * The CRM side of the service: which adapter runs (SuiteCRM when SUITECRM_URL is set, else the
 * embedded directory), its sync scheduler, its call logger and the mirror of missed-call items.
 * `main.ts` wires these; nothing else needs to know which CRM it is.
 */
import type { Directory } from '../directory/directory.ts';
import type { CountryCode } from '../phone/types.ts';
import { suiteCrmSettings, usesSuiteCrm, type SuiteCrmConfig } from './config.ts';
import type { CrmPort } from './crm-port.ts';
import { EmbeddedCrm } from './embedded/embedded-crm.ts';
import { createCallLogger, type CallLogger } from './outbox/call-logger.ts';
import { recordingLinkTemplate } from './outbox/call-entry.ts';
import type { Log } from '../logger.ts';
import { SuiteCrm } from './suitecrm/suitecrm-crm.ts';
import { SuiteCrmSync } from './suitecrm/suitecrm-sync.ts';
import { createMissedMirror, type MissedMirror } from './missed/mirror-worker.ts';

export type { CrmPort } from './crm-port.ts';
export { suitecrmConfigSchema, usesSuiteCrm, suiteCrmSettings } from './config.ts';
export { createCallLogger } from './outbox/call-logger.ts';
export type { CallLogger, CallLoggerStatus } from './outbox/call-logger.ts';
export { callLoggerSink } from './outbox/call-logger-sink.ts';
export { SuiteCrm } from './suitecrm/suitecrm-crm.ts';
export { SuiteCrmSync } from './suitecrm/suitecrm-sync.ts';
export type { SyncStatus } from './suitecrm/suitecrm-sync.ts';
export { EmbeddedCrm } from './embedded/embedded-crm.ts';
export { createMissedMirror } from './missed/mirror-worker.ts';
export type { MissedMirror, MissedMirrorStatus } from './missed/mirror-worker.ts';
export { CrmErrorCodes, isCrmError } from './crm-errors.ts';
export type { CrmError } from './crm-errors.ts';

export interface CrmRuntime {
  crm: CrmPort;
  /** The directory sync (SuiteCRM only). */
  sync: SuiteCrmSync | null;
  /** The call logger (a no-op queue for the embedded CRM: it logs nothing). */
  callLogger: CallLogger;
  /**
   * Missed-call items as planned calls in the CRM (issue 17); null when the CRM has no such place
   * (the embedded CRM: the console is it), when MISSED_CRM_CALLS is off, or when the CRM logs no
   * calls (SUITECRM_LOG_CALLS=false). Call `wake()` after changing `missed_items`.
   */
  missedMirror: MissedMirror | null;
  /** The call logger's and the missed-call mirror's workers: on every instance (their rows are claimed one instance each). */
  start(): void;
  /** The directory sync: on one instance of a cluster (the one leading the PBX), or the only one. */
  startSync(): void;
  stop(): Promise<void>;
}

/** Builds the CRM adapter, sync and call logger from the configuration (throws CRM_ERR_CONFIG in words). */
export function createCrmRuntime(
  config: SuiteCrmConfig & { DEFAULT_REGION: CountryCode; MISSED_CRM_CALLS?: boolean },
  deps: { directory: Directory; log?: Log },
): CrmRuntime {
  const { directory } = deps;
  if (!usesSuiteCrm(config)) {
    const crm = new EmbeddedCrm(directory);
    const callLogger = createCallLogger({ store: directory.store, crm, ...(deps.log ? { log: deps.log } : {}) });
    return { crm, sync: null, callLogger, missedMirror: null, start: () => callLogger.start(), startSync: () => undefined, stop: () => callLogger.stop() };
  }
  const settings = suiteCrmSettings(config);
  const crm = new SuiteCrm(settings, { directory, ...(deps.log ? { log: deps.log } : {}) });
  const sync = new SuiteCrmSync({ target: crm, intervalMs: settings.syncIntervalMs, reconcileIntervalMs: settings.reconcileIntervalMs, ...(deps.log ? { log: deps.log } : {}) });
  const callLogger = createCallLogger({ store: directory.store, crm, recordingUrl: recordingLinkTemplate(settings.recordingLink), ...(deps.log ? { log: deps.log } : {}) });
  // Default on (MISSED_CRM_CALLS); never where the admin keeps our calls out of the CRM.
  const missedMirror = (config.MISSED_CRM_CALLS ?? true) && crm.logsCalls && crm.plansCallbacks ? createMissedMirror({ store: directory.store, crm, ...(deps.log ? { log: deps.log } : {}) }) : null;
  return {
    crm,
    sync,
    callLogger,
    missedMirror,
    start: () => {
      callLogger.start();
      missedMirror?.start();
      // Find out at once which SuiteCRM answers (7 or 8): record links in pops follow it from the first
      // call, on every instance (only the leading one syncs). A failure here is said by the first request.
      crm.tokens.locator.locate().catch(() => undefined);
    },
    startSync: () => sync.start(),
    stop: async () => {
      await Promise.all([sync.stop(), callLogger.stop(), missedMirror?.stop()]);
      await crm.close();
    },
  };
}
