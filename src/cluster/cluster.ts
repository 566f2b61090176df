/**
 * Several instances on one PostgreSQL (issue 14): this instance's part in the cluster. One link
 * (`cluster-link.ts`) holds the PBX's lead (`pbx-lead.ts`) and listens on the cluster's channel;
 * on its bus (`cluster-bus.ts`) ride the leader's pops (`pop-relay.ts`), device states
 * (`device-state-share.ts`) and click-to-call asked on a standby (`call-forwarding.ts`). SQLite has
 * no cluster: one instance per file (`store/instance-lock.ts`).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Log } from '../logger.ts';
import type { DeviceStateTracker } from '../routing/index.ts';
import type { CallHub } from '../web/push/call-hub.ts';
import { ClusterBus } from './cluster-bus.ts';
import { ClusterLink } from './cluster-link.ts';
import { DeviceStateShare } from './device-state-share.ts';
import { PbxLead, type LeadState } from './pbx-lead.ts';
import { PopRelay } from './pop-relay.ts';
import { CallForwarding } from './call-forwarding.ts';

export interface ClusterOptions {
  /** The store's PostgreSQL URL (the same database and search_path). */
  url: string;
  /** The store's pool, for sending. */
  pool: pg.Pool;
  hub: CallHub;
  log: Log;
  pbxId: string;
  onLead: () => void;
  onLost: () => void;
  /** Lock attempts and link checks; default 1 s each (tests pass shorter). */
  retryMs?: number;
}

export interface ClusterStatus {
  instance: string;
  /** The link to PostgreSQL that carries locks and pops is up. */
  linked: boolean;
  lead: LeadState;
  leadingSince: string | null;
  /** Messages on the cluster's channel: sent, received from other instances, sends that failed. */
  relay: { sent: number; received: number; failed: number };
}

export class Cluster {
  readonly instanceId = `i_${randomBytes(6).toString('base64url')}`;
  readonly bus: ClusterBus;
  readonly relay: PopRelay;
  /** Click-to-call from a standby, placed by the leader. */
  readonly calls: CallForwarding;
  readonly #link: ClusterLink;
  readonly #lead: PbxLead;
  #deviceStates: DeviceStateShare | null = null;

  private constructor(options: ClusterOptions, channel: string) {
    const { pool, log } = options;
    const leading = (): boolean => this.#lead.state === 'leading';
    this.bus = new ClusterBus({
      instanceId: this.instanceId,
      log,
      send: async (payloads) => {
        // One statement, one transaction: delivered together and in order.
        const calls = payloads.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ');
        await pool.query(`select ${calls}`, [channel, ...payloads]);
      },
    });
    this.relay = new PopRelay(options.hub, this.bus);
    this.calls = new CallForwarding({ bus: this.bus, log, leading });
    this.#link = new ClusterLink({ url: options.url, log, channel, onNotification: (payload) => void this.bus.receive(payload), ...(options.retryMs ? { retryMs: options.retryMs, pingMs: options.retryMs } : {}) });
    this.#lead = new PbxLead({ pbxId: options.pbxId, link: this.#link, log, onLead: options.onLead, onLost: options.onLost, ...(options.retryMs ? { retryMs: options.retryMs } : {}) });
  }

  /** The channel is per schema, so that deployments (and test runs) sharing a database stay apart. */
  static async create(options: ClusterOptions): Promise<Cluster> {
    const r = await options.pool.query<{ schema: string }>('select current_schema() as schema');
    const schema = r.rows[0]?.schema ?? 'public';
    return new Cluster(options, `crmt_${schema}`.slice(0, 63));
  }

  /** Routing's device states: the leader's shared, a standby's filled from them. Before `start`. */
  shareDeviceStates(tracker: DeviceStateTracker): DeviceStateShare {
    this.#deviceStates = new DeviceStateShare(tracker, this.bus, () => this.#lead.state === 'leading');
    return this.#deviceStates;
  }

  /** Links to PostgreSQL and starts trying for the PBX's lead (`onLead` when it comes). */
  async start(): Promise<void> {
    await this.#link.start();
    await this.#lead.start();
    // A standby's routing needs the device states the leader has now.
    if (this.#lead.state === 'standby') this.#deviceStates?.ask();
  }

  get status(): ClusterStatus {
    const since = this.#lead.leadingSince;
    return { instance: this.instanceId, linked: this.#link.connected, lead: this.#lead.state, leadingSince: since === null ? null : new Date(since).toISOString(), relay: this.bus.stats };
  }

  /**
   * Gives the PBX's lead up at once (closing the link frees the lock), so that a standby takes over
   * while this instance still finishes its work. The bus still sends (it uses the store's pool).
   */
  async releaseLead(): Promise<void> {
    this.#lead.stop();
    await this.#link.close();
  }

  /** After `releaseLead` and the last effects: what is queued for the others is sent. */
  async stop(): Promise<void> {
    await this.releaseLead();
    await this.bus.drained();
  }
}
