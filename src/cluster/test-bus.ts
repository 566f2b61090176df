/**
 * For the cluster's tests: instances joined by an in-memory channel that delivers each batch in
 * order to every instance (the sender's own included), as PostgreSQL's NOTIFY does.
 */
import { createLogger } from '../logger.ts';
import { ClusterBus } from './cluster-bus.ts';

export function busesOn(names: readonly string[], payloadBytes?: number): { buses: Map<string, ClusterBus>; batches: string[][] } {
  const buses = new Map<string, ClusterBus>();
  const batches: string[][] = [];
  const send = async (payloads: string[]): Promise<void> => {
    batches.push(payloads);
    await new Promise((resolve) => setImmediate(resolve));
    for (const p of payloads) for (const bus of buses.values()) bus.receive(p);
  };
  for (const name of names) buses.set(name, new ClusterBus({ instanceId: name, log: createLogger('silent'), send, ...(payloadBytes ? { payloadBytes } : {}) }));
  return { buses, batches };
}

/** Until every bus has sent what it was given and the channel delivered it. */
export async function settled(buses: Map<string, ClusterBus>): Promise<void> {
  for (const bus of buses.values()) await bus.drained();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
