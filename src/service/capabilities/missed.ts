/**
 * Missed calls that somebody owns (issue 17, src/missed/): ended calls into items, the items' API,
 * their changes told to the people concerned (on every instance of a cluster), and the escalation
 * tick that moves items nobody called back in time.
 */
import type { Config } from '../../config.ts';
import type { Log } from '../../logger.ts';
import type { Directory } from '../../directory/directory.ts';
import { findByPhone } from '../../directory/lookup.ts';
import type { Store } from '../../store/store.ts';
import type { CallLog } from '../../store/call-log.ts';
import { MissedItems } from '../../store/missed-items.ts';
import { MissedWorkflow, type MissedMessage } from '../../missed/workflow.ts';
import { missedItemView, type MissedItemView } from '../../missed/view.ts';
import { rulesFromConfig, type RoutingConfig } from '../../routing/config.ts';
import type { MissedHub } from '../../web/push/missed-hub.ts';
import { missedItemsRoutes } from '../../web/routes/missed-items-routes.ts';
import { errorInWords } from '../../errors.ts';
import type { Capability } from '../capability.ts';
import type { EffectSink } from '../pbx-session.ts';
import type { Effect } from '../../calls/effects.ts';

/** What goes to the streams (and, in a cluster, to the other instances' streams). */
export interface MissedPush {
  userIds: string[];
  message: { change: MissedMessage['change']; item: MissedItemView };
}

export interface MissedDeps {
  store: Store;
  directory: Directory;
  callLog: CallLog;
  pbxs: readonly { id: string; qualifier: string | null; config: RoutingConfig }[];
  hub: MissedHub;
  /** Several instances: the changes this one makes go to the others' streams too, and theirs to this one's. */
  cluster?: { publish(push: MissedPush): void; onPush(handler: (push: MissedPush) => void): void };
  log: Log;
  /** An item changed (the CRM's mirror of the items catches up at once rather than at its next poll). */
  changed?: () => void;
  /** How often open items are checked for their escalation time, in ms. Default 15 s. */
  tickMs?: number;
}

export interface MissedCapability extends Capability {
  workflow: MissedWorkflow;
  items: MissedItems;
}

/** Updates of calls in progress (most of them) never reach the missed-calls sink: only ended calls and their corrections matter there. */
export function endedCallsOnly(effect: Effect): boolean {
  return effect.type !== 'call-updated' || effect.record.status === 'ended';
}

export function createMissed(config: Pick<Config, 'DEFAULT_REGION' | 'MISSED_ESCALATE_MINUTES'>, deps: MissedDeps): MissedCapability {
  const { directory, log } = deps;
  const items = new MissedItems(deps.store);
  const byPbx = new Map(deps.pbxs.map((p) => [p.id, { qualifier: p.qualifier, rules: rulesFromConfig(p.config) }]));
  const first = deps.pbxs[0];
  const unit = (pbxId: string) => byPbx.get(pbxId) ?? (first ? byPbx.get(first.id)! : { qualifier: null, rules: null });
  const deliver = (push: MissedPush): void => deps.hub.publish(push.userIds, push.message);
  deps.cluster?.onPush(deliver);
  const workflow = new MissedWorkflow({
    items,
    directory,
    lastAgentFor: (number, since) => deps.callLog.lastAgentFor(number, since),
    rulesOf: (pbxId) => {
      const rules = unit(pbxId).rules;
      return rules ?? { order: ['owner', 'last-agent', 'did-default', 'fallback'], lastAgentDays: 30, didDefaults: {}, fallback: '' };
    },
    qualifierOf: (pbxId) => unit(pbxId).qualifier,
    escalateMinutes: config.MISSED_ESCALATE_MINUTES,
    publish: (userIds, message) => {
      const push: MissedPush = { userIds: [...userIds], message: { change: message.change, item: missedItemView(message.item, config.DEFAULT_REGION) } };
      deliver(push);
      deps.cluster?.publish(push);
      deps.changed?.();
    },
    log,
  });

  const sink: EffectSink = async (effect, context) => {
    if (effect.type !== 'call-ended' && effect.type !== 'call-updated') return;
    const record = effect.record;
    try {
      await workflow.callEnded(record, async () => (context ? context.matches() : (await findByPhone(directory, record.normalizedNumber ?? record.externalNumber ?? '')).candidates));
    } catch (err) {
      // The call itself is in the call log; the item can be made again from it by the next change.
      log.error({ callId: record.id, err: errorInWords(err) }, 'could not file the missed call for a callback');
    }
  };
  sink.label = 'missed calls';
  sink.accepts = new Set(['call-ended', 'call-updated']);
  sink.wants = endedCallsOnly;

  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> = Promise.resolve();
  return {
    name: 'missed',
    workflow,
    items,
    sinks: [sink],
    routes: [(app) => missedItemsRoutes(app, { items, workflow, users: directory, defaultRegion: config.DEFAULT_REGION })],
    start: () => {
      if (config.MISSED_ESCALATE_MINUTES <= 0) return;
      // Every instance ticks; each item moves once (compare-and-set on its version).
      timer = setInterval(() => {
        ticking = workflow.escalateDue().catch((err: unknown) => log.warn({ err: errorInWords(err) }, 'could not check missed calls for escalation; trying again at the next tick'));
      }, deps.tickMs ?? 15_000);
      timer.unref();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
    },
  };
}
