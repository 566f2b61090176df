/** Screen pops: the pop sink (decided in `pops/`), the per-user push hub and its SSE stream. */
import type { Config } from '../../config.ts';
import type { Directory } from '../../directory/directory.ts';
import { PopSink, type PopHub, type PopSinkOptions } from '../../pops/pop-sink.ts';
import { CallHub } from '../../web/push/call-hub.ts';
import { eventsRoute } from '../../web/routes/events-route.ts';
import type { MissedHub } from '../../web/push/missed-hub.ts';
import type { Capability } from '../capability.ts';
import type { EffectSink } from '../pbx-session.ts';

export interface PopsCapability extends Capability {
  hub: CallHub;
}

/**
 * `hub`: this instance's push hub (default a new one); `publisher`: where the pop sink publishes
 * (default the hub; in a cluster, the pop relay, which also tells the other instances).
 */
export function createPops(
  config: Pick<Config, 'DEFAULT_REGION'>,
  deps: { directory: Directory; hub?: CallHub; publisher?: PopHub; delivered?: PopSinkOptions['delivered']; missed?: MissedHub },
): PopsCapability {
  const hub = deps.hub ?? new CallHub();
  const pops = new PopSink({ hub: deps.publisher ?? hub, users: deps.directory, defaultRegion: config.DEFAULT_REGION, ...(deps.delivered ? { delivered: deps.delivered } : {}) });
  // The candidates come from the call's context: the same lookup as the call log's and the CRM's.
  const sink: EffectSink = (effect, context, queuedAt) => pops.apply(effect, context, queuedAt);
  sink.label = 'pops';
  // A ring shown late is of no use; an end must still withdraw its card (see effect-queue.ts).
  sink.overflow = 'shed-progress';
  return { name: 'pops', hub, sinks: [sink], routes: [(app) => eventsRoute(app, { hub, ...(deps.missed ? { missed: deps.missed } : {}) })] };
}
