/**
 * The CRM: embedded (the directory is the CRM) or SuiteCRM (directory sync, the call-logging outbox,
 * missed-call items as planned calls), and, for SuiteCRM's pages, the widget: its script, the
 * sign-in from SuiteCRM, SuiteCRM's ids.
 */
import type { Config } from '../../config.ts';
import type { Log } from '../../logger.ts';
import type { Directory } from '../../directory/directory.ts';
import type { Store } from '../../store/store.ts';
import { callLoggerSink, createCrmRuntime, type CrmRuntime } from '../../crm/index.ts';
import { widgetRoutes } from '../../web/routes/widget-routes.ts';
import type { Capability } from '../capability.ts';
import type { EffectSink } from '../pbx-session.ts';

type CrmConfig = Parameters<typeof createCrmRuntime>[0] & Pick<Config, 'CRM_WIDGET_SECRET' | 'CORS_ORIGINS' | 'MISSED_CRM_CALLS'>;

export interface CrmCapability extends Capability {
  crm: CrmRuntime;
  /**
   * A missed-call item changed (opened, counted, moved, closed): the CRM's planned call catches up
   * now rather than at the next poll (2 s; changes made on other instances are found by it).
   */
  missedItemChanged(): void;
}

export function createCrm(config: CrmConfig, deps: { store: Store; directory: Directory; log: Log }): CrmCapability {
  const crm = createCrmRuntime(config, { directory: deps.directory, log: deps.log });
  // Ended calls into the outbox, with the matches and origin of the call's context.
  const sink: EffectSink = callLoggerSink(crm.callLogger, { log: deps.log });
  sink.label = 'CRM';
  return {
    name: 'crm',
    crm,
    missedItemChanged: () => crm.missedMirror?.wake(),
    sinks: [sink],
    routes: [(app) => widgetRoutes(app, { store: deps.store, directory: deps.directory, secrets: config.CRM_WIDGET_SECRET, allowedOrigins: config.CORS_ORIGINS })],
    start: () => crm.start(),
    startLeading: () => crm.startSync(),
    stop: () => crm.stop(),
  };
}
