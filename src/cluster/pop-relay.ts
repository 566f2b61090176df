/**
 * Pops for agents on every instance (issue 14): the instance that follows a PBX publishes each
 * card to its own push hub and, on the cluster bus, to every other instance's hub with the same
 * event id, so an agent's stream on any instance gets every pop and a browser that reconnects to
 * another instance is replayed from where it was. A send that fails is counted on the bus: agents
 * on the leading instance still got the pop, and the others' cards are brought up to date by the
 * call's next message (its end withdraws them).
 */
import type { CallMessage } from '../pops/wire.ts';
import type { CallHub } from '../web/push/call-hub.ts';
import type { ClusterBus } from './cluster-bus.ts';

interface RelayedPop {
  u: string;
  d: number;
  m: CallMessage;
}

export class PopRelay {
  readonly #hub: CallHub;
  readonly #bus: ClusterBus;

  constructor(hub: CallHub, bus: ClusterBus) {
    this.#hub = hub;
    this.#bus = bus;
    bus.on('pop', (body) => {
      const r = body as RelayedPop;
      if (typeof r?.u !== 'string' || typeof r.d !== 'number' || typeof r.m !== 'object' || r.m === null) return;
      hub.publish(r.u, r.m, r.d);
    });
  }

  /** The pop sink's publish: to this instance's hub at once, then to the others. */
  publish(userId: string, message: CallMessage): void {
    const delivered = this.#hub.publish(userId, message);
    this.#bus.publish('pop', { u: userId, d: delivered.id, m: message } satisfies RelayedPop);
  }
}
