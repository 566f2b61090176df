/**
 * Device states for routing answers on every instance (issue 14): only the instance that leads a
 * PBX hears it, so it shares what its tracker for that PBX learns. Each event that changed the
 * tracker goes on the cluster bus as the event's fields; after each reload from the PBX's lists (a
 * new connection) it sends the whole state, and it answers a standby that asks (at the standby's
 * start). A standby applies what it gets to its own tracker of that PBX, so its routing answers
 * know who is free. Every message names its PBX: 101 at one office is not 101 at another.
 */
import { AmiMessage } from '../ami/message.ts';
import type { DeviceStateDump, DeviceStateTracker } from '../routing/index.ts';
import type { ClusterBus } from './cluster-bus.ts';

/** One PBX's side: told of the changes its leader's tracker made. */
export interface PbxDeviceStates {
  /** An event changed the tracker: the others apply it too (only while this instance leads). */
  changed(event: AmiMessage): void;
  /** The tracker was reloaded from the PBX's lists: the others take its whole state. */
  reloaded(): void;
}

interface Shared {
  tracker: DeviceStateTracker;
  leading: () => boolean;
}

/** How long a device-state change may wait on the bus for other messages. */
export const DEVICE_WAIT_MS = 50;

export class DeviceStateShare {
  readonly #bus: ClusterBus;
  readonly #pbxs = new Map<string, Shared>();

  constructor(bus: ClusterBus) {
    this.#bus = bus;
    bus.on('device', (body) => {
      const b = body as { p?: unknown; f?: unknown };
      const shared = typeof b.p === 'string' ? this.#pbxs.get(b.p) : undefined;
      if (shared === undefined || shared.leading() || !Array.isArray(b.f)) return;
      shared.tracker.apply(new AmiMessage(b.f as [string, string][]));
    });
    bus.on('device-states', (body) => {
      const b = body as { p?: unknown; to?: unknown; dump?: DeviceStateDump };
      const shared = typeof b.p === 'string' ? this.#pbxs.get(b.p) : undefined;
      if (shared === undefined || shared.leading() || (b.to !== '*' && b.to !== bus.instanceId) || typeof b.dump !== 'object' || b.dump === null) return;
      shared.tracker.import(b.dump);
    });
    bus.on('device-states?', (_body, from) => {
      for (const [p, shared] of this.#pbxs) if (shared.leading()) bus.publish('device-states', { p, to: from, dump: shared.tracker.export() });
    });
  }

  /** Shares one PBX's tracker: `leading` says whether this instance follows that PBX now. */
  add(pbxId: string, tracker: DeviceStateTracker, leading: () => boolean): PbxDeviceStates {
    const shared: Shared = { tracker, leading };
    this.#pbxs.set(pbxId, shared);
    const bus = this.#bus;
    return {
      changed: (event) => {
        // A change may wait 50 ms for company: at 100 calls/s they were most of the statements
        // that woke every instance, and a standby's routing answer that late is as good.
        if (leading()) bus.publish('device', { p: pbxId, f: event.fields }, { waitMs: DEVICE_WAIT_MS });
      },
      reloaded: () => {
        if (leading()) bus.publish('device-states', { p: pbxId, to: '*', dump: tracker.export() });
      },
    };
  }

  /** A standby's start: the leaders of the PBXs it does not follow send their whole states. */
  ask(): void {
    if ([...this.#pbxs.values()].some((s) => !s.leading())) this.#bus.publish('device-states?', {});
  }
}
