/**
 * A small model of the Asterisk core that writes a call's AMI events: channels with the state
 * Asterisk snapshots into every channel event (caller ID, connected line, dialplan location),
 * bridges, CEL records and Cdrs, each event stamped with the script's clock.
 *
 * The scenario builders (inbound.ts, queue.ts, ...) drive it step by step as the dialplan in
 * test/fixtures/ami-transcripts/asterisk-config/ would; this file knows the shapes (field names and
 * order, as Asterisk 20 sends them), not the call flows.
 */
import { escapeC } from '../../ami/escaping.ts';
import type { AmiField } from '../../ami/message.ts';
import type { ScenarioIds } from './ids.ts';
import type { TimedEvent } from './types.ts';

export type StateCode = 0 | 4 | 5 | 6;

const STATE_DESC: Record<StateCode, string> = { 0: 'Down', 4: 'Ring', 5: 'Ringing', 6: 'Up' };

/** Q.850 cause texts as Asterisk's ast_cause2str prints them. */
const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  34: 'Circuit/channel congestion',
};

export interface Channel {
  readonly name: string;
  readonly uniqueid: string;
  readonly linkedid: string;
  /** `carrier`, `101`; for Local channels `102@agents`. */
  readonly endpoint: string;
  readonly local: boolean;
  state: StateCode;
  cidNum: string;
  cidName: string;
  colNum: string;
  colName: string;
  accountCode: string;
  context: string;
  exten: string;
  priority: number;
  /** The running application, as CEL reports it. */
  app: string;
  appData: string;
  ani: string;
  dnid: string;
  readonly createdMs: number;
  answeredMs: number | null;
  bridge: Bridge | null;
}

export interface Bridge {
  readonly id: string;
  members: Channel[];
}

export interface ChannelInit {
  state: StateCode;
  cidNum?: string;
  cidName?: string;
  context: string;
  exten: string;
  priority?: number;
  /** The call this channel joins; absent: it starts a call (its Uniqueid becomes the Linkedid). */
  linkedid?: string;
  accountCode?: string;
}

export interface CdrRow {
  accountCode?: string;
  source: string;
  destination: string;
  destinationContext: string;
  callerId: string;
  channel: Channel;
  destinationChannel: Channel | null;
  lastApplication: string;
  lastData: string;
  startMs: number;
  answerMs: number | null;
  endMs: number;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
  userField: string;
}

export interface ScriptOptions {
  startEpochMs: number;
  timestamps: boolean;
  cel: boolean;
  deviceStates: boolean;
  utcOffsetMinutes: number;
}

const UNKNOWN = '<unknown>';

export class CallScript {
  readonly events: TimedEvent[] = [];
  /** Milliseconds since the start of the call. */
  t = 0;
  readonly ids: ScenarioIds;
  readonly options: ScriptOptions;
  #lastStampUs = 0;

  constructor(ids: ScenarioIds, options: ScriptOptions) {
    this.ids = ids;
    this.options = options;
  }

  wait(ms: number): void {
    this.t += Math.max(0, Math.round(ms));
  }

  /** The script's clock as epoch ms. */
  get now(): number {
    return this.options.startEpochMs + this.t;
  }

  /** `2026-11-23 19:57:08`, the PBX's local wall clock as CEL and Cdr print it. */
  localTime(epochMs: number): string {
    const d = new Date(Math.floor(epochMs / 1000) * 1000 + this.options.utcOffsetMinutes * 60_000);
    return d.toISOString().slice(0, 19).replace('T', ' ');
  }

  /** `20261123-195708`, as the dialplan's STRFTIME(${EPOCH},,%Y%m%d-%H%M%S) names recordings. */
  compactTime(epochMs: number): string {
    return this.localTime(epochMs).replace(/-/g, '').replace(' ', '-').replace(/:/g, '');
  }

  // ---- channels ----

  pjsip(endpoint: string, init: ChannelInit): Channel {
    return this.#channel(`PJSIP/${endpoint}-${this.ids.pjsipSuffix()}`, endpoint, false, init);
  }

  /** A Local channel pair (`Local/102@agents-00000000;1` and `;2`): `;1` Down, `;2` Ring. */
  localPair(exten: string, context: string, linkedid: string): [Channel, Channel] {
    const base = `Local/${exten}@${context}-${this.ids.localSuffix()}`;
    const init = { context, exten, linkedid, cidNum: UNKNOWN, cidName: UNKNOWN };
    const one = this.#channel(`${base};1`, `${exten}@${context}`, true, { ...init, state: 0 });
    const two = this.#channel(`${base};2`, `${exten}@${context}`, true, { ...init, state: 4 });
    return [one, two];
  }

  #channel(name: string, endpoint: string, local: boolean, init: ChannelInit): Channel {
    const uniqueid = this.ids.uniqueid(this.now);
    return {
      name,
      uniqueid,
      linkedid: init.linkedid ?? uniqueid,
      endpoint,
      local,
      state: init.state,
      cidNum: init.cidNum ?? UNKNOWN,
      cidName: init.cidName ?? UNKNOWN,
      colNum: UNKNOWN,
      colName: UNKNOWN,
      accountCode: init.accountCode ?? '',
      context: init.context,
      exten: init.exten,
      priority: init.priority ?? 1,
      app: '',
      appData: '',
      ani: '',
      dnid: '',
      createdMs: this.now,
      answeredMs: null,
      bridge: null,
    };
  }

  /**
   * The 14 channel-state lines every channel event carries, optionally prefixed (`Dest`). The two
   * names are C-escaped (`O\'Neil`), as ast_manager_build_channel_state_string_prefix does.
   */
  snapshot(ch: Channel, prefix = ''): AmiField[] {
    return [
      [`${prefix}Channel`, ch.name],
      [`${prefix}ChannelState`, String(ch.state)],
      [`${prefix}ChannelStateDesc`, STATE_DESC[ch.state]],
      [`${prefix}CallerIDNum`, ch.cidNum],
      [`${prefix}CallerIDName`, escapeC(ch.cidName)],
      [`${prefix}ConnectedLineNum`, ch.colNum],
      [`${prefix}ConnectedLineName`, escapeC(ch.colName)],
      [`${prefix}Language`, 'en'],
      [`${prefix}AccountCode`, ch.accountCode],
      [`${prefix}Context`, ch.context],
      [`${prefix}Exten`, ch.exten],
      [`${prefix}Priority`, String(ch.priority)],
      [`${prefix}Uniqueid`, ch.uniqueid],
      [`${prefix}Linkedid`, ch.linkedid],
    ];
  }

  // ---- events ----

  /** Any event: `Event`, `Privilege`, `Timestamp` when timestampevents is on, then `body`. */
  event(name: string, privilege: string, body: readonly AmiField[]): void {
    const fields: AmiField[] = [
      ['Event', name],
      ['Privilege', privilege],
    ];
    if (this.options.timestamps) fields.push(['Timestamp', this.#stamp()]);
    fields.push(...body);
    this.events.push({ atMs: this.t, fields });
  }

  /** Epoch seconds with microseconds, strictly increasing as a real PBX's are. */
  #stamp(): string {
    const us = Math.max(this.#lastStampUs + 11, this.now * 1000 + 100);
    this.#lastStampUs = us;
    return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
  }

  channelEvent(name: string, ch: Channel, extra: readonly AmiField[] = [], privilege = 'call,all'): void {
    this.event(name, privilege, [...this.snapshot(ch), ...extra]);
  }

  /** CEL CHAN_START, then Newchannel (Asterisk sends them in this order). */
  newchannel(ch: Channel): void {
    this.cel(ch, 'CHAN_START');
    this.channelEvent('Newchannel', ch);
    if (!ch.local) ch.ani = ch.cidNum === UNKNOWN ? '' : ch.cidNum;
  }

  /** VarSet's value is C-escaped, as Asterisk's varset_to_ami does. */
  varSet(ch: Channel, variable: string, value: string): void {
    this.channelEvent('VarSet', ch, [
      ['Variable', variable],
      ['Value', escapeC(value)],
    ], 'dialplan,all');
  }

  /** The channel runs `app(data)` at its next (or the given) dialplan location. */
  newexten(ch: Channel, app: string, data: string, at: { context?: string; exten?: string; priority?: number } = {}): void {
    if (at.context !== undefined) ch.context = at.context;
    if (at.exten !== undefined) ch.exten = at.exten;
    ch.priority = at.priority ?? ch.priority;
    ch.app = app;
    ch.appData = data;
    this.channelEvent('Newexten', ch, [
      ['Extension', ch.exten],
      ['Application', app],
      ['AppData', data],
    ], 'dialplan,all');
  }

  /** Newexten at the next priority. */
  step(ch: Channel, app: string, data: string): void {
    this.newexten(ch, app, data, { priority: ch.priority + 1 });
  }

  newstate(ch: Channel, state: StateCode): void {
    ch.state = state;
    if (state === 6 && ch.answeredMs === null) ch.answeredMs = this.now;
    this.channelEvent('Newstate', ch);
  }

  connectedLine(ch: Channel, num: string, name: string): void {
    ch.colNum = num;
    ch.colName = name;
    this.channelEvent('NewConnectedLine', ch);
  }

  callerId(ch: Channel, num: string, name: string): void {
    ch.cidNum = num;
    ch.cidName = name;
    this.channelEvent('NewCallerid', ch, [['CID-CallingPres', '0 (Presentation Allowed, Not Screened)']]);
  }

  newAccountCode(ch: Channel, code: string): void {
    const old = ch.accountCode;
    ch.accountCode = code;
    this.channelEvent('NewAccountCode', ch, [['OldAccountCode', old]]);
  }

  /** DialBegin/DialState/DialEnd; `caller` null for an Originate's first leg (only Dest* lines). */
  dial(name: 'DialBegin' | 'DialState' | 'DialEnd', caller: Channel | null, dest: Channel, extra: readonly AmiField[]): void {
    this.event(name, 'call,all', [...(caller === null ? [] : this.snapshot(caller)), ...this.snapshot(dest, 'Dest'), ...extra]);
  }

  /** Caller and member lines, then the queue's own fields (AgentCalled, AgentConnect, ...). */
  agentEvent(name: string, caller: Channel, member: Channel, extra: readonly AmiField[]): void {
    this.event(name, 'agent,all', [...this.snapshot(caller), ...this.snapshot(member, 'Dest'), ...extra]);
  }

  hangupRequest(ch: Channel, cause: number | null, techCause?: number): void {
    const extra: AmiField[] = [];
    if (cause !== null) extra.push(['Cause', String(cause)]);
    if (techCause !== undefined) extra.push(['TechCause', String(techCause)]);
    this.channelEvent('HangupRequest', ch, extra);
  }

  softHangupRequest(ch: Channel, cause = 16): void {
    this.channelEvent('SoftHangupRequest', ch, [['Cause', String(cause)]]);
  }

  hangup(ch: Channel, cause: number, techCause?: number): void {
    const extra: AmiField[] = [
      ['Cause', String(cause)],
      ['Cause-txt', CAUSE_TEXT[cause] ?? 'Unknown'],
    ];
    if (techCause !== undefined) extra.push(['TechCause', String(techCause)]);
    this.channelEvent('Hangup', ch, extra);
  }

  /** The CEL HANGUP and CHAN_END records of a channel. */
  celHangup(ch: Channel, cause: number, source: Channel | 'dialplan/builtin' | null, dialStatus: string, app?: string): void {
    const src = source === null ? '' : typeof source === 'string' ? source : source.name;
    const extra = `{"hangupcause":${cause},"hangupsource":"${src}","dialstatus":"${dialStatus}"}`;
    this.cel(ch, 'HANGUP', { extra, ...(app === undefined ? {} : { app, appData: '' }) });
    this.cel(ch, 'CHAN_END', app === undefined ? {} : { app, appData: '' });
  }

  device(device: string, state: 'NOT_INUSE' | 'INUSE' | 'RINGING' | 'ONHOLD'): void {
    if (!this.options.deviceStates) return;
    this.event('DeviceStateChange', 'call,all', [
      ['Device', device],
      ['State', state],
    ]);
  }

  // ---- bridges ----

  bridgeCreate(): Bridge {
    const bridge: Bridge = { id: this.ids.bridgeId(), members: [] };
    this.event('BridgeCreate', 'call,all', this.bridgeFields(bridge));
    return bridge;
  }

  bridgeEnter(bridge: Bridge, ch: Channel, swap?: Channel): void {
    bridge.members.push(ch);
    ch.bridge = bridge;
    const peer = bridge.members.find((m) => m !== ch);
    this.cel(ch, 'BRIDGE_ENTER', { peer: peer?.name ?? '', extra: this.#bridgeExtra(bridge) });
    const extra: AmiField[] = swap === undefined ? [] : [['SwapUniqueid', swap.uniqueid]];
    this.event('BridgeEnter', 'call,all', [...this.bridgeFields(bridge), ...this.snapshot(ch), ...extra]);
  }

  bridgeLeave(bridge: Bridge, ch: Channel): void {
    const peer = bridge.members.find((m) => m !== ch);
    bridge.members = bridge.members.filter((m) => m !== ch);
    if (ch.bridge === bridge) ch.bridge = null;
    this.cel(ch, 'BRIDGE_EXIT', { peer: peer?.name ?? '', extra: this.#bridgeExtra(bridge) });
    this.event('BridgeLeave', 'call,all', [...this.bridgeFields(bridge), ...this.snapshot(ch)]);
  }

  bridgeDestroy(bridge: Bridge): void {
    this.event('BridgeDestroy', 'call,all', this.bridgeFields(bridge));
  }

  /** The lines describing a bridge, optionally prefixed (`OrigBridge`, `ToBridge`). */
  bridgeFields(bridge: Bridge, prefix = 'Bridge', count = bridge.members.length): AmiField[] {
    return [
      [`${prefix}Uniqueid`, bridge.id],
      [`${prefix}Type`, 'basic'],
      [`${prefix}Technology`, 'simple_bridge'],
      [`${prefix}Creator`, UNKNOWN],
      [`${prefix}Name`, UNKNOWN],
      [`${prefix}NumChannels`, String(count)],
      [`${prefix}VideoSourceMode`, 'none'],
    ];
  }

  #bridgeExtra(bridge: Bridge): string {
    return `{"bridge_id":"${bridge.id}","bridge_technology":"simple_bridge"}`;
  }

  // ---- records ----

  /** A CEL record for the channel as it is now (cel.conf `events=ALL`, `apps=dial,queue,mixmonitor,agi`). */
  cel(ch: Channel, eventName: string, o: { peer?: string; extra?: string; app?: string; appData?: string } = {}): void {
    if (!this.options.cel) return;
    this.event('CEL', 'call,all', [
      ['EventName', eventName],
      ['AccountCode', ch.accountCode],
      ['CallerIDnum', ch.cidNum === UNKNOWN ? '' : ch.cidNum],
      ['CallerIDname', ch.cidName === UNKNOWN ? '' : ch.cidName],
      ['CallerIDani', ch.ani],
      ['CallerIDrdnis', ''],
      ['CallerIDdnid', ch.dnid],
      ['Exten', ch.exten],
      ['Context', ch.context],
      ['Channel', ch.name],
      ['Application', o.app ?? ch.app],
      ['AppData', o.appData ?? ch.appData],
      ['EventTime', this.localTime(this.now)],
      ['AMAFlags', 'DOCUMENTATION'],
      ['UniqueID', ch.uniqueid],
      ['LinkedID', ch.linkedid],
      ['Userfield', ''],
      ['Peer', o.peer ?? ''],
      ['PeerAccount', ''],
      ['Extra', o.extra ?? ''],
    ]);
  }

  /**
   * A Cdr as cdr_manager sends it. Its text fields hold what the CDR's fixed-size fields (cdr.h)
   * keep: a longer value is cut, so a long caller name loses its closing quote and number here, in
   * the Master.csv line and in every other CDR store alike.
   */
  cdr(row: CdrRow): void {
    const duration = Math.max(0, Math.floor((row.endMs - row.startMs) / 1000));
    const billsec = row.answerMs === null ? 0 : Math.max(0, Math.floor((row.endMs - row.answerMs) / 1000));
    const field = (value: string): string => cutUtf8(value, CDR_FIELD_BYTES - 1);
    this.event('Cdr', 'cdr,all', [
      ['AccountCode', field(row.accountCode ?? '')],
      ['Source', field(row.source)],
      ['Destination', field(row.destination)],
      ['DestinationContext', field(row.destinationContext)],
      ['CallerID', field(row.callerId)],
      ['Channel', field(row.channel.name)],
      ['DestinationChannel', field(row.destinationChannel?.name ?? '')],
      ['LastApplication', field(row.lastApplication)],
      ['LastData', field(row.lastData)],
      ['StartTime', this.localTime(row.startMs)],
      ['AnswerTime', row.answerMs === null ? '' : this.localTime(row.answerMs)],
      ['EndTime', this.localTime(row.endMs)],
      ['Duration', String(duration)],
      ['BillableSeconds', String(billsec)],
      ['Disposition', row.disposition],
      ['AMAFlags', 'DOCUMENTATION'],
      ['UniqueID', row.channel.uniqueid],
      ['UserField', cutUtf8(row.userField, CDR_USERFIELD_BYTES - 1)],
    ]);
  }
}

/** `"Name" <number>` as the dialplan's ${CALLERID(all)} shows it in NoOp texts; just the number without a name. */
export function callerIdAll(num: string, name: string): string {
  const n = num === UNKNOWN ? '' : num;
  if (name === '' || name === UNKNOWN) return n;
  return n === '' ? `"${name}"` : `"${name}" <${n}>`;
}

/**
 * The CDR's `clid` (the Cdr event's CallerID, Master.csv's clid), as cdr.c builds it with
 * ast_callerid_merge: always `"Name" <number>`, an absent name or number left empty
 * (`"" <+15551230001>`), the name passed through ast_escape_quoted, so a caller who sends
 * `Bob \"The Boss\"` is stored as `"Bob \\\"The Boss\\\"" <…>` (the real Master.csv shows it). Not
 * C-escaped like CallerIDName. `cdr()` cuts it to the field's 79 bytes.
 */
export function cdrCallerId(num: string, name: string): string {
  // ast_escape_quoted writes into a 128-byte buffer; the 80-byte clid always cuts sooner.
  return `"${escapeQuoted(name === UNKNOWN ? '' : name)}" <${num === UNKNOWN ? '' : num}>`;
}

/**
 * ast_escape_quoted (main/utils.c): a backslash before every byte outside SIP's quoted-string
 * set, that is `"`, `\`, and control characters other than tab and vertical tab. UTF-8 passes.
 */
function escapeQuoted(name: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are exactly what it escapes
  return name.replace(/[\x00-\x08\x0a\x0c-\x1f"\\\x7f]/g, (c) => `\\${c}`);
}

/** ast_cdr's text fields: 80 bytes (AST_MAX_EXTENSION, AST_MAX_ACCOUNT_CODE) with the NUL. */
const CDR_FIELD_BYTES = 80;
/** ast_cdr's userfield: AST_MAX_USER_FIELD. */
const CDR_USERFIELD_BYTES = 256;

/**
 * `value` cut to at most `max` UTF-8 bytes, as ast_copy_string into a C buffer does. Asterisk may
 * cut inside a character and keep its first bytes; a string cannot hold them, so that character
 * is dropped whole (a reader that decodes the bytes drops it too: U+FFFD).
 */
export function cutUtf8(value: string, max: number): string {
  if (value.length * 3 <= max || Buffer.byteLength(value, 'utf8') <= max) return value;
  let bytes = 0;
  let end = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > max) break;
    bytes += size;
    end += ch.length;
  }
  return value.slice(0, end);
}

export { UNKNOWN };
