/**
 * Live availability of agents' phones, from AMI events. No I/O and no clock: feed it every AMI event
 * (the connection's `event` stream, and the items of a `DeviceStateList` / `ExtensionStateList` action
 * after each (re)connect) and ask it about an extension.
 *
 * Sources, all optional (a PBX shows what its configuration makes it show):
 * - `DeviceStateChange` (Device: PJSIP/101, State: NOT_INUSE|INUSE|BUSY|INVALID|UNAVAILABLE|RINGING|
 *   RINGINUSE|ONHOLD|UNKNOWN): the endpoint's own state; always sent with `Events: on` (transcript 15).
 * - `ExtensionStatus` (Exten, Context, Status bitmask, StatusText): a dialplan hint's combined state;
 *   only for extensions that have a `hint`.
 * - `ContactStatus` (EndpointName, URI, ContactStatus) and `PeerStatus` (Peer, PeerStatus):
 *   registration. An endpoint whose every known contact is gone or unreachable is `unregistered`.
 * - DND, which Asterisk has no native notion of. We read the two conventions in use:
 *   FreePBX's custom device state `Custom:DND<ext>` (BUSY while DND is on, NOT_INUSE when off; also
 *   `Custom:DND_<ext>`), and presence `dnd` (`PresenceStateChange` of `CustomPresence:<ext>`, or
 *   `PresenceStatus` of the extension's hint). Both patterns can be replaced in the options.
 *
 * Precedence when sources disagree: dnd, then unregistered, then the freshest of the endpoint's
 * device state and its hint state.
 */
import type { AmiMessage } from '../ami/message.ts';
import type { Availability } from './types.ts';

export interface DeviceStateOptions {
  /** The devices that are extension `ext`'s phone. Default `PJSIP/<ext>`, `SIP/<ext>`, `IAX2/<ext>`. */
  devicesOf?: (extension: string) => readonly string[];
  /** Custom devices whose busy state means DND is on for `ext`. Default `Custom:DND<ext>`, `Custom:DND_<ext>`. */
  dndDevicesOf?: (extension: string) => readonly string[];
  /** Presence entities whose `dnd` status means DND for `ext`. Default `CustomPresence:<ext>`. */
  presenceOf?: (extension: string) => readonly string[];
}

/** Device states that mean "DND on" for a DND custom device (FreePBX sets BUSY). */
const DND_ON = new Set(['BUSY', 'INUSE', 'ONHOLD', 'RINGING', 'RINGINUSE']);
const CONTACT_UP = new Set(['reachable', 'created', 'updated', 'unqualified', 'nonqualified', 'unknown']);
const PEER_DOWN = new Set(['unregistered', 'unreachable', 'rejected']);

/** A tracker's whole state as plain data (JSON-safe). */
export interface DeviceStateDump {
  seq: number;
  devices: [string, string, number][];
  hints: [string, number, number][];
  presence: [string, string][];
  hintPresence: [string, string][];
  contacts: [string, [string, string][]][];
  peers: [string, string][];
}

interface Stamped<T> {
  value: T;
  /** Arrival order: decides which of two sources is fresher. */
  seq: number;
}

export class DeviceStateTracker {
  readonly #devicesOf: (extension: string) => readonly string[];
  readonly #dndDevicesOf: (extension: string) => readonly string[];
  readonly #presenceOf: (extension: string) => readonly string[];
  #seq = 0;
  readonly #devices = new Map<string, Stamped<string>>();
  readonly #hints = new Map<string, Stamped<number>>();
  readonly #presence = new Map<string, string>();
  readonly #hintPresence = new Map<string, string>();
  /** Endpoint name -> contact URI -> status (lower case). */
  readonly #contacts = new Map<string, Map<string, string>>();
  readonly #peers = new Map<string, string>();

  constructor(options: DeviceStateOptions = {}) {
    this.#devicesOf = options.devicesOf ?? ((ext) => [`PJSIP/${ext}`, `SIP/${ext}`, `IAX2/${ext}`]);
    this.#dndDevicesOf = options.dndDevicesOf ?? ((ext) => [`Custom:DND${ext}`, `Custom:DND_${ext}`]);
    this.#presenceOf = options.presenceOf ?? ((ext) => [`CustomPresence:${ext}`]);
  }

  /** Applies one AMI event; returns true when it was one of ours (state may have changed). */
  apply(message: AmiMessage): boolean {
    switch (message.event?.toLowerCase()) {
      case 'devicestatechange': {
        const device = message.get('Device');
        const state = message.get('State');
        if (!device || !state) return false;
        this.#devices.set(device, { value: state.trim().toUpperCase(), seq: ++this.#seq });
        return true;
      }
      case 'extensionstatus': {
        const exten = message.get('Exten');
        const status = Number(message.get('Status'));
        if (!exten || !Number.isInteger(status)) return false;
        // -1: the hint was removed, -2: the extension was removed. Either way the hint tells no more.
        if (status < 0) this.#hints.delete(exten);
        else this.#hints.set(exten, { value: status, seq: ++this.#seq });
        return true;
      }
      case 'presencestatechange': {
        const who = message.get('Presentity');
        if (!who) return false;
        this.#presence.set(who, (message.get('Status') ?? '').trim().toLowerCase());
        return true;
      }
      case 'presencestatus': {
        const exten = message.get('Exten');
        if (!exten) return false;
        this.#hintPresence.set(exten, (message.get('Status') ?? '').trim().toLowerCase());
        return true;
      }
      case 'contactstatus': {
        const endpoint = message.get('EndpointName');
        const uri = message.get('URI');
        const status = (message.get('ContactStatus') ?? '').trim().toLowerCase();
        if (!endpoint || !uri || !status) return false;
        let contacts = this.#contacts.get(endpoint);
        if (!contacts) this.#contacts.set(endpoint, (contacts = new Map()));
        if (status === 'removed') contacts.delete(uri);
        else contacts.set(uri, status);
        return true;
      }
      case 'peerstatus': {
        const peer = message.get('Peer');
        const status = message.get('PeerStatus');
        if (!peer || !status) return false;
        this.#peers.set(peer, status.trim().toLowerCase());
        return true;
      }
      default:
        return false;
    }
  }

  /** Forgets everything (call on AMI reconnect, before replaying DeviceStateList): unknown routes anyway. */
  clear(): void {
    this.#devices.clear();
    this.#hints.clear();
    this.#presence.clear();
    this.#hintPresence.clear();
    this.#contacts.clear();
    this.#peers.clear();
  }

  /**
   * Everything known, as plain data: for an instance that does not follow the PBX itself (a
   * standby of a cluster gets the leader's, `cluster/device-state-share.ts`).
   */
  export(): DeviceStateDump {
    return {
      seq: this.#seq,
      devices: [...this.#devices].map(([k, s]) => [k, s.value, s.seq]),
      hints: [...this.#hints].map(([k, s]) => [k, s.value, s.seq]),
      presence: [...this.#presence],
      hintPresence: [...this.#hintPresence],
      contacts: [...this.#contacts].map(([endpoint, uris]) => [endpoint, [...uris]]),
      peers: [...this.#peers],
    };
  }

  /** Replaces everything known with a dump (`export`). */
  import(dump: DeviceStateDump): void {
    this.clear();
    for (const [k, value, seq] of dump.devices) this.#devices.set(k, { value, seq });
    for (const [k, value, seq] of dump.hints) this.#hints.set(k, { value, seq });
    for (const [k, v] of dump.presence) this.#presence.set(k, v);
    for (const [k, v] of dump.hintPresence) this.#hintPresence.set(k, v);
    for (const [endpoint, uris] of dump.contacts) this.#contacts.set(endpoint, new Map(uris));
    for (const [k, v] of dump.peers) this.#peers.set(k, v);
    this.#seq = Math.max(this.#seq, dump.seq);
  }

  availabilityOf(extension: string): Availability {
    if (this.#dnd(extension)) return 'dnd';
    const devices = this.#devicesOf(extension);
    if (devices.some((d) => this.#unregistered(d))) return 'unregistered';
    let freshest: Stamped<Availability> | undefined;
    for (const device of devices) {
      const s = this.#devices.get(device);
      if (s && (!freshest || s.seq > freshest.seq)) freshest = { value: fromDeviceState(s.value), seq: s.seq };
    }
    const hint = this.#hints.get(extension);
    if (hint && (!freshest || hint.seq > freshest.seq)) freshest = { value: fromHintStatus(hint.value), seq: hint.seq };
    return freshest?.value ?? 'unknown';
  }

  /** Availability of several extensions at once: the `availability` of RouteFacts. */
  snapshot(extensions: Iterable<string>): Record<string, Availability> {
    const out = Object.create(null) as Record<string, Availability>;
    for (const ext of extensions) out[ext] = this.availabilityOf(ext);
    return out;
  }

  #dnd(extension: string): boolean {
    for (const device of this.#dndDevicesOf(extension)) {
      const s = this.#devices.get(device);
      if (s && DND_ON.has(s.value)) return true;
    }
    if (this.#hintPresence.get(extension) === 'dnd') return true;
    return this.#presenceOf(extension).some((p) => this.#presence.get(p) === 'dnd');
  }

  #unregistered(device: string): boolean {
    const peer = this.#peers.get(device);
    if (peer !== undefined && PEER_DOWN.has(peer)) return true;
    const slash = device.indexOf('/');
    const contacts = slash >= 0 && device.slice(0, slash).toUpperCase() === 'PJSIP' ? this.#contacts.get(device.slice(slash + 1)) : undefined;
    if (!contacts) return false;
    // Known contacts, none of them up (all removed, or unreachable): nobody can ring.
    for (const status of contacts.values()) if (CONTACT_UP.has(status)) return false;
    return true;
  }
}

/** A device state name (`NOT_INUSE`, ...) as an availability. */
export function fromDeviceState(state: string): Availability {
  switch (state) {
    case 'NOT_INUSE':
      return 'available';
    case 'INUSE':
    case 'RINGINUSE':
      return 'in-use';
    case 'BUSY':
      return 'busy';
    case 'RINGING':
      return 'ringing';
    case 'ONHOLD':
      return 'on-hold';
    case 'UNAVAILABLE':
    case 'INVALID':
      return 'unavailable';
    default:
      return 'unknown';
  }
}

/** An `ExtensionStatus` Status bitmask (1 InUse, 2 Busy, 4 Unavailable, 8 Ringing, 16 Hold) as an availability. */
export function fromHintStatus(status: number): Availability {
  if (status & 4) return 'unavailable';
  if (status & 2) return 'busy';
  if (status & 1) return 'in-use';
  if (status & 8) return 'ringing';
  if (status & 16) return 'on-hold';
  return 'available';
}
