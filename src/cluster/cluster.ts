/**
 * Several instances on one PostgreSQL (issue 14): this instance's part in the cluster. One link
 * (`cluster-link.ts`) holds the lead of each PBX it follows (`pbx-lead.ts`: one lock per PBX, so
 * two PBXs may be led by two instances) and listens on the cluster's channel; on its bus
 * (`cluster-bus.ts`) ride the leaders' pops (`pop-relay.ts`), device states
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
import { DeviceStateShare, type PbxDeviceStates } from './device-state-share.ts';
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
  /** The PBXs this deployment follows; each is led by one instance at a time. */
  pbxIds: readonly string[];
  /** This instance now leads that PBX: follow it. */
  onLead: (pbxId: string) => void;
  /** Another instance took that PBX over while this one was cut off: stop following it. */
  onLost: (pbxId: string) => void;
  /** Lock attempts and link checks; default 1 s each (tests pass shorter). */
  retryMs?: number;
}

export interface ClusterStatus {
  instance: string;
  /** The link to PostgreSQL that carries locks and pops is up. */
  linked: boolean;
  /** This instance's part in the first PBX (the one whose leader also does the once-per-deployment work). */
  lead: LeadState;
  leadingSince: string | null;
  /** Each PBX: whether this instance leads it, and since when. */
  pbxs: Record<string, { lead: LeadState; leadingSince: string | null }>;
  /** Messages on the cluster's channel: sent, received from other instances, sends that failed. */
  relay: { sent: number; received: number; failed: number };
}

export class Cluster {
  readonly instanceId = `i_${randomBytes(6).toString('base64url')}`;
  readonly bus: ClusterBus;
  readonly relay: PopRelay;
  /** Click-to-call from a standby, placed by the leader. */
  readonly calls: CallForwarding;
  /** Routing's device states: each PBX's leader shares them, the others are filled from them. */
  readonly deviceStates: DeviceStateShare;
  readonly #link: ClusterLink;
  readonly #leads: Map<string, PbxLead>;
  readonly #first: PbxLead;

  private constructor(options: ClusterOptions, channel: string) {
    const { pool, log } = options;
    const leading = (pbxId: string): boolean => this.#leads.get(pbxId)?.state === 'leading';
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
    // One lock per PBX on the one link: PBXs are led independently, by whichever instance got there.
    this.#leads = new Map(
      options.pbxIds.map((pbxId) => [
        pbxId,
        new PbxLead({ pbxId, link: this.#link, log, onLead: () => options.onLead(pbxId), onLost: () => options.onLost(pbxId), ...(options.retryMs ? { retryMs: options.retryMs } : {}) }),
      ]),
    );
    const first = this.#leads.get(options.pbxIds[0] ?? '');
    if (first === undefined) throw new Error('a cluster follows at least one PBX');
    this.#first = first;
    this.deviceStates = new DeviceStateShare(this.bus);
  }

  /** Whether this instance leads that PBX now. */
  leads(pbxId: string): boolean {
    return this.#leads.get(pbxId)?.state === 'leading';
  }

  /** The channel is per schema, so that deployments (and test runs) sharing a database stay apart. */
  static async create(options: ClusterOptions): Promise<Cluster> {
    const r = await options.pool.query<{ schema: string }>('select current_schema() as schema');
    const schema = r.rows[0]?.schema ?? 'public';
    return new Cluster(options, `crmt_${schema}`.slice(0, 63));
  }

  /** Routing's device states for one PBX, shared with the other instances. Before `start`. */
  shareDeviceStates(pbxId: string, tracker: DeviceStateTracker): PbxDeviceStates {
    return this.deviceStates.add(pbxId, tracker, () => this.leads(pbxId));
  }

  /** Links to PostgreSQL and starts trying for each PBX's lead (`onLead` when one comes). */
  async start(): Promise<void> {
    await this.#link.start();
    for (const lead of this.#leads.values()) await lead.start();
    // A standby's routing needs the device states the leaders have now.
    this.deviceStates.ask();
  }

  get status(): ClusterStatus {
    const iso = (since: number | null): string | null => (since === null ? null : new Date(since).toISOString());
    const pbxs: ClusterStatus['pbxs'] = {};
    for (const [id, lead] of this.#leads) pbxs[id] = { lead: lead.state, leadingSince: iso(lead.leadingSince) };
    return { instance: this.instanceId, linked: this.#link.connected, lead: this.#first.state, leadingSince: iso(this.#first.leadingSince), pbxs, relay: this.bus.stats };
  }

  /**
   * Gives the PBX's lead up at once (closing the link frees the lock), so that a standby takes over
   * while this instance still finishes its work. The bus still sends (it uses the store's pool).
   */
  async releaseLead(): Promise<void> {
    for (const lead of this.#leads.values()) lead.stop();
    await this.#link.close();
  }

  /** After `releaseLead` and the last effects: what is queued for the others is sent. */
  async stop(): Promise<void> {
    await this.releaseLead();
    await this.bus.drained();
  }
}
