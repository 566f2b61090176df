/**
 * The metrics as a capability of the service: counts each call that ends (by PBX, direction and
 * disposition) and each AMI event, and serves `GET /metrics` to metrics tokens.
 */
import type { Effect } from '../calls/index.ts';
import type { Capability } from '../service/capability.ts';
import type { EffectSink } from '../service/pbx-session.ts';
import { metricsRoutes } from '../web/routes/metrics-routes.ts';
import type { ServiceMetrics } from './service-metrics.ts';

const CALL_ENDED: ReadonlySet<Effect['type']> = new Set(['call-ended']);

export function createMetricsCapability(metrics: ServiceMetrics): Capability {
  const routes = [metricsRoutes(metrics)];
  const sink: EffectSink = (effect) => {
    if (effect.type !== 'call-ended') return;
    const r = effect.record;
    metrics.calls.inc({ pbx: r.pbx, direction: r.direction, disposition: r.disposition ?? 'unknown' });
  };
  sink.label = 'metrics';
  const eventCounters = new Map<string, ReturnType<ServiceMetrics['amiEvents']['labels']>>();
  sink.accepts = CALL_ENDED;
  // A count missed under overload is better than a PBX reading paused for it.
  sink.overflow = 'shed-progress';
  return {
    name: 'metrics',
    routes,
    sinks: [sink],
    onPbxEvent: (_event, pbxId) => {
      // Every AMI event passes here: the PBX's counter is looked up once, not its labels per event.
      let counter = eventCounters.get(pbxId);
      if (counter === undefined) eventCounters.set(pbxId, (counter = metrics.amiEvents.labels({ pbx: pbxId })));
      counter.inc();
    },
  };
}
