/**
 * Device states for routing answers on every instance (issue 14): only the leading instance hears
 * the PBX, so it shares what its tracker learns. Each event that changed its tracker goes on the
 * cluster bus as the event's fields; after each reload from the PBX's lists (a new connection) it
 * sends its whole state, and it answers a standby that asks for it (at the standby's start).
 * A standby applies what it gets to its own tracker, so its routing answers know who is free.
 */
import { AmiMessage } from '../ami/message.ts';
import type { DeviceStateDump, DeviceStateTracker } from '../routing/index.ts';
import type { ClusterBus } from './cluster-bus.ts';

export class DeviceStateShare {
  readonly #tracker: DeviceStateTracker;
  readonly #bus: ClusterBus;
  readonly #leading: () => boolean;

  constructor(tracker: DeviceStateTracker, bus: ClusterBus, leading: () => boolean) {
    this.#tracker = tracker;
    this.#bus = bus;
    this.#leading = leading;
    bus.on('device', (body) => {
      if (this.#leading() || !Array.isArray(body)) return;
      tracker.apply(new AmiMessage(body as [string, string][]));
    });
    bus.on('device-states', (body) => {
      const b = body as { to?: unknown; dump?: DeviceStateDump };
      if (this.#leading() || (b.to !== '*' && b.to !== bus.instanceId) || typeof b.dump !== 'object' || b.dump === null) return;
      tracker.import(b.dump);
    });
    bus.on('device-states?', (_body, from) => {
      if (this.#leading()) this.#bus.publish('device-states', { to: from, dump: this.#tracker.export() });
    });
  }

  /** The leader's tracker took this event: pass it on. */
  changed(event: AmiMessage): void {
    if (this.#leading()) this.#bus.publish('device', event.fields);
  }

  /** The leader reloaded its tracker from the PBX's lists: everyone takes the whole state. */
  reloaded(): void {
    if (this.#leading()) this.#bus.publish('device-states', { to: '*', dump: this.#tracker.export() });
  }

  /** A standby asks the leader for its whole state. */
  ask(): void {
    if (!this.#leading()) this.#bus.publish('device-states?', {});
  }
}
