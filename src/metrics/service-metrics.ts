/**
 * The service's metrics for operators (issue 15), in the Prometheus text format through
 * prom-client: what is counted as it happens (calls, pops and their latency, AMI events, routing
 * answers and their latency, caller lookups) and what is read when Prometheus scrapes (each PBX's
 * connection, reconnects and gaps, SSE clients, the CRM outbox, the recording copy queue, the open
 * missed-call items and their CRM copies, and the process itself). Every name starts with `crmt_`. `routes/metrics-routes.ts` serves them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PbxHealth } from '../web/routes/health-routes.ts';

/** What is read at each scrape; each may be missing (a service without a CRM has no outbox). */
export interface MetricsSources {
  pbxs: () => readonly Pick<PbxHealth, 'id' | 'state' | 'reconnects' | 'cdr' | 'lead'>[];
  sseClients: () => number;
  /** The CRM outbox: calls waiting to be written to the CRM, and how long the oldest has waited. */
  outbox?: () => Promise<{ depth: number; oldestSeconds: number | null }>;
  /** Recordings waiting to be copied to our storage. */
  recordingCopies?: () => Promise<number>;
  /** Missed-call items open (nobody called back yet), everyone's. */
  missedItemsOpen?: () => Promise<number>;
  /** The CRM's copies of the missed-call items (planned calls): changes waiting to be written, and those the CRM refused. */
  missedMirror?: () => Promise<{ pending: number; failed: number }>;
}

/** Latencies of a live path, in seconds: 1 ms to 2.5 s. */
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class ServiceMetrics {
  readonly registry = new Registry();
  /** Calls that ended, by PBX, direction and disposition. */
  readonly calls: Counter<'pbx' | 'direction' | 'disposition'>;
  /** Card messages sent to people, by state (ringing, answered, missed...). */
  readonly pops: Counter<'state'>;
  /** From the PBX's event reaching the service to its card message written to the streams. */
  readonly popLatency: Histogram;
  readonly amiEvents: Counter<'pbx'>;
  readonly lookupLatency: Histogram;
  readonly routingLatency: Histogram<'pbx'>;
  /** Routing answers by how the destination was found (owner, last agent, DID, fallback...). */
  readonly routingAnswers: Counter<'pbx' | 'reason'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.calls = new Counter({ name: 'crmt_calls_total', help: 'Calls that ended, by PBX, direction and disposition.', labelNames: ['pbx', 'direction', 'disposition'], registers });
    this.pops = new Counter({ name: 'crmt_pops_sent_total', help: 'Screen-pop card messages sent to people, by card state.', labelNames: ['state'], registers });
    this.popLatency = new Histogram({ name: 'crmt_pop_latency_seconds', help: "From the PBX's event reaching the service to the card written to the person's event streams.", buckets: FAST_BUCKETS, registers });
    this.amiEvents = new Counter({ name: 'crmt_ami_events_total', help: 'AMI events received, by PBX (rate() gives events per second).', labelNames: ['pbx'], registers });
    this.lookupLatency = new Histogram({ name: 'crmt_lookup_seconds', help: 'Finding the records that match a caller\'s number.', buckets: FAST_BUCKETS, registers });
    this.routingLatency = new Histogram({ name: 'crmt_routing_seconds', help: 'Answering a routing request from the dialplan (FastAGI or HTTP), by PBX.', labelNames: ['pbx'], buckets: FAST_BUCKETS, registers });
    this.routingAnswers = new Counter({ name: 'crmt_routing_answers_total', help: 'Routing answers by PBX and by how the destination was chosen.', labelNames: ['pbx', 'reason'], registers });

    new Gauge({
      name: 'crmt_ami_connected',
      help: 'Whether the AMI connection to the PBX is up and logged in (1) or not (0).',
      labelNames: ['pbx'],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pbxs()) this.set({ pbx: p.id }, p.state === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'crmt_pbx_leading',
      help: 'Whether this instance follows the PBX (1) or another instance does (0; several instances on PostgreSQL).',
      labelNames: ['pbx'],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pbxs()) this.set({ pbx: p.id }, p.lead === undefined || p.lead === 'leading' ? 1 : 0);
      },
    });
    new Counter({
      name: 'crmt_ami_reconnects_total',
      help: 'Times the AMI connection to the PBX was made again after it dropped.',
      labelNames: ['pbx'],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pbxs()) this.inc({ pbx: p.id }, p.reconnects);
      },
    });
    new Counter({
      name: 'crmt_pbx_gaps_filled_total',
      help: "Gaps in the service's view of the PBX (link cuts, restarts) read from the PBX's CDRs.",
      labelNames: ['pbx'],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pbxs()) this.inc({ pbx: p.id }, p.cdr?.filled.gaps ?? 0);
      },
    });
    new Counter({
      name: 'crmt_cdr_backfill_calls_total',
      help: "Calls the PBX's CDRs corrected (ended unseen) or rebuilt (never seen) after gaps.",
      labelNames: ['pbx', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pbxs()) {
          this.inc({ pbx: p.id, kind: 'corrected' }, p.cdr?.filled.corrected ?? 0);
          this.inc({ pbx: p.id, kind: 'rebuilt' }, p.cdr?.filled.rebuilt ?? 0);
        }
      },
    });
    new Gauge({
      name: 'crmt_pbx_pending_gaps',
      help: "Gaps whose CDRs are still to be read (the PBX's CDR source down or behind).",
      labelNames: ['pbx'],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pbxs()) this.set({ pbx: p.id }, p.cdr?.pendingGaps ?? 0);
      },
    });
    new Gauge({
      name: 'crmt_sse_clients',
      help: 'Browsers and widgets holding an event stream (GET /api/events) on this instance.',
      registers,
      collect() {
        this.set(sources.sseClients());
      },
    });
    if (sources.outbox) {
      // One query per scrape for both gauges (prom-client collects them side by side).
      const outbox = once(sources.outbox);
      new Gauge({
        name: 'crmt_crm_outbox_depth',
        help: 'Calls waiting to be written to the CRM.',
        registers,
        async collect() {
          this.set((await outbox()).depth);
        },
      });
      new Gauge({
        name: 'crmt_crm_outbox_oldest_seconds',
        help: 'How long the oldest call waiting for the CRM has waited (0 when none waits).',
        registers,
        async collect() {
          this.set((await outbox()).oldestSeconds ?? 0);
        },
      });
    }
    if (sources.recordingCopies) {
      const copies = sources.recordingCopies;
      new Gauge({
        name: 'crmt_recording_copy_queue',
        help: "Recordings waiting to be copied to the service's storage.",
        registers,
        async collect() {
          this.set(await copies());
        },
      });
    }
    if (sources.missedItemsOpen) {
      const open = sources.missedItemsOpen;
      new Gauge({
        name: 'crmt_missed_items_open',
        help: 'Missed callers nobody has called back yet (open missed-call items, snoozed ones included).',
        registers,
        async collect() {
          this.set(await open());
        },
      });
    }
    if (sources.missedMirror) {
      const mirror = once(sources.missedMirror);
      new Gauge({
        name: 'crmt_crm_missed_mirror_pending',
        help: "Missed-call items whose planned call in the CRM is behind (waiting to be written).",
        registers,
        async collect() {
          this.set((await mirror()).pending);
        },
      });
      new Gauge({
        name: 'crmt_crm_missed_mirror_failed',
        help: 'Missed-call items whose planned call the CRM refused (tried again when the item changes).',
        registers,
        async collect() {
          this.set((await mirror()).failed);
        },
      });
    }
    collectDefaultMetrics({ register: this.registry, prefix: 'crmt_' });
  }

  /** The whole exposition, as Prometheus scrapes it. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** `read`, but callers that overlap share one call of it. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= read().finally(() => {
      pending = null;
    });
    return pending;
  };
}
