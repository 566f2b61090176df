/**
 * A capability of the service (pops, call history, routing, recordings, the CRM...) as the
 * composition root sees it: what it adds to the web server, which effects it takes from each PBX,
 * and how it starts and stops. Each is built by one `create…(config slice, dependencies)` in
 * `capabilities/`, so `service.ts` reads as the list of what the service does.
 */
import type { FastifyInstance } from 'fastify';
import type { AmiMessage } from '../ami/message.ts';
import type { EffectSink } from './pbx-session.ts';

export type RoutePlugin = (app: FastifyInstance) => Promise<void>;

export interface Capability {
  readonly name: string;
  /** Fastify plugins: the capability's HTTP API (registered in list order). */
  readonly routes?: readonly RoutePlugin[];
  /** Effect sinks the PBX session feeds, each on its own bounded queue. */
  readonly sinks?: readonly EffectSink[];
  /** Every raw AMI event of a PBX (device states...), with the PBX's id. */
  onPbxEvent?(event: AmiMessage, pbxId: string): void;
  /** A PBX's connection is (again) ready: lists to read afresh. */
  onPbxReady?(pbxId: string): void;
  /** After the web server is up, before the PBX is connected. In list order. */
  start?(): Promise<void> | void;
  /**
   * Work done once per deployment, not once per instance (a CRM directory sync, retention): on
   * SQLite right after `start`; on PostgreSQL on the one instance that leads the first PBX, when it
   * takes that lead (`cluster/`). Stopped by `stop`.
   */
  startLeading?(): void;
  /** In reverse list order, after the PBX session has handled every effect. */
  stop?(): Promise<void> | void;
}

/** The capabilities' sinks, in list order. */
export function sinksOf(capabilities: readonly Capability[]): EffectSink[] {
  return capabilities.flatMap((c) => c.sinks ?? []);
}

export function routesOf(capabilities: readonly Capability[]): RoutePlugin[] {
  return capabilities.flatMap((c) => c.routes ?? []);
}
