/**
 * The channels the simulated PBX believes exist, kept up to date from the events it emits or
 * replays, so that CoreShowChannels, Status and Getvar answer with what the event stream said.
 *
 * Channels are keyed by Uniqueid (names change on masquerade and Rename; Uniqueids do not).
 * Only `Newchannel` creates a channel and only `Hangup` removes one: a transcript that starts in
 * the middle of a call (a2) therefore shows no channels, as a PBX restarted mid-call would not.
 */
import { unescapeC } from '../ami/escaping.ts';
import type { AmiField, AmiMessage } from '../ami/message.ts';

/** The channel-state lines every Asterisk channel event carries, in Asterisk's order. */
export const SNAPSHOT_KEYS = [
  'Channel',
  'ChannelState',
  'ChannelStateDesc',
  'CallerIDNum',
  'CallerIDName',
  'ConnectedLineNum',
  'ConnectedLineName',
  'Language',
  'AccountCode',
  'Context',
  'Exten',
  'Priority',
  'Uniqueid',
  'Linkedid',
] as const;

export type SnapshotKey = (typeof SNAPSHOT_KEYS)[number];

export interface ChannelRecord {
  snapshot: Record<SnapshotKey, string>;
  /** Current dialplan application and its data, from Newexten (`AppDial` on an outbound leg). */
  application: string;
  applicationData: string;
  /** The bridge the channel is in, or '' (BridgeEnter / BridgeLeave). */
  bridgeId: string;
  /** The dialled number, learnt from CEL's CallerIDdnid (no other event carries it). */
  dnid: string;
  /** Channel variables without their inheritance prefix (`__CRM_RECORDING` is `CRM_RECORDING`). */
  variables: Map<string, string>;
  /** When the simulator learnt of the channel (ms epoch): Duration and Seconds count from here. */
  createdAt: number;
}

/**
 * Events that carry a second channel's state with a prefix (`DestChannel`, `DestUniqueid`, ...);
 * DialBegin/DialEnd move the dialled leg through Ring and Up this way.
 */
const PREFIXES = ['', 'Dest'] as const;

export class ChannelTable {
  #byId = new Map<string, ChannelRecord>();

  get size(): number {
    return this.#byId.size;
  }

  /** Channels in the order they were created, as Asterisk lists them. */
  list(): ChannelRecord[] {
    return [...this.#byId.values()];
  }

  /** By channel name (case-insensitive, as Asterisk matches) or by Uniqueid. */
  find(nameOrId: string): ChannelRecord | undefined {
    const byId = this.#byId.get(nameOrId);
    if (byId) return byId;
    const wanted = nameOrId.toLowerCase();
    for (const c of this.#byId.values()) if (c.snapshot.Channel.toLowerCase() === wanted) return c;
    return undefined;
  }

  clear(): void {
    this.#byId.clear();
  }

  /** Updates the table from one event the PBX sends. Events it does not know are ignored. */
  apply(event: AmiMessage, now: number): void {
    const name = event.event;
    if (name === undefined) return;
    if (name === 'CEL') {
      // CEL spells it UniqueID and carries no channel state, only the DNID Status needs.
      const dnid = event.get('CallerIDdnid');
      const chan = this.#byId.get(event.get('UniqueID') ?? '');
      if (chan && dnid) chan.dnid = dnid;
      return;
    }
    const id = event.get('Uniqueid');
    if (name === 'Newchannel' && id !== undefined && !this.#byId.has(id)) {
      this.#byId.set(id, newRecord(event, now));
      return;
    }
    if (name === 'Hangup') {
      if (id !== undefined) this.#byId.delete(id);
      return;
    }
    for (const prefix of PREFIXES) this.#refresh(event, prefix);
    const chan = id === undefined ? undefined : this.#byId.get(id);
    if (!chan) return;
    switch (name) {
      case 'Newexten':
        chan.application = event.get('Application') ?? '';
        chan.applicationData = event.get('AppData') ?? '';
        break;
      case 'BridgeEnter':
        chan.bridgeId = event.get('BridgeUniqueid') ?? '';
        break;
      case 'BridgeLeave':
        chan.bridgeId = '';
        break;
      case 'VarSet': {
        const variable = event.get('Variable');
        // VarSet sends the value C-escaped; Status and Getvar print it as it is.
        if (variable) chan.variables.set(stripInheritance(variable), unescapeC(event.get('Value') ?? ''));
        break;
      }
      case 'Rename': {
        const newName = event.get('Newname');
        if (newName) chan.snapshot.Channel = newName;
        break;
      }
    }
  }

  /** Copies the channel-state lines of an event onto the channel they describe. */
  #refresh(event: AmiMessage, prefix: string): void {
    // Only events that carry a full snapshot have ChannelState; Cdr has a Channel but no state.
    if (!event.has(`${prefix}ChannelState`)) return;
    const chan = this.#byId.get(event.get(`${prefix}Uniqueid`) ?? '');
    if (!chan) return;
    for (const key of SNAPSHOT_KEYS) {
      const value = event.get(prefix + key);
      if (value !== undefined) chan.snapshot[key] = value;
    }
  }
}

/** The snapshot as AMI lines, in Asterisk's order. */
export function snapshotFields(chan: ChannelRecord): AmiField[] {
  return SNAPSHOT_KEYS.map((key) => [key, chan.snapshot[key]] as const);
}

/** `_X` and `__X` set X with inheritance; the variable is read back as plain `X`. */
export function stripInheritance(name: string): string {
  return name.replace(/^_{1,2}/, '');
}

function newRecord(event: AmiMessage, now: number): ChannelRecord {
  const snapshot = {} as Record<SnapshotKey, string>;
  for (const key of SNAPSHOT_KEYS) snapshot[key] = event.get(key) ?? '';
  return {
    snapshot,
    application: '',
    applicationData: '',
    bridgeId: '',
    dnid: '',
    variables: new Map(),
    createdAt: now,
  };
}
