/**
 * Steps of the capture dialplan (test/fixtures/ami-transcripts/asterisk-config/extensions.conf)
 * that several call kinds share: the inbound entry, the recording subroutine, Dial() with its legs,
 * ringing, answering into a bridge, and the ways a Dial ends. Each writes the events Asterisk 20
 * writes for it, in the order the captures show.
 */
import { callerIdAll, UNKNOWN, type Bridge, type CallScript, type CdrRow, type Channel } from './pbx-model.ts';
import type { Resolved } from './resolve.ts';

/** One call being written: the script, its parameters and what the dialplan set so far. */
export class Call {
  readonly s: CallScript;
  readonly p: Resolved;
  /** `__` variables set on the first channel, which every channel it creates inherits. */
  readonly inherited = new Map<string, string>();
  /** The recording's file name once the subroutine ran. */
  recording: string | null = null;

  constructor(s: CallScript, p: Resolved) {
    this.s = s;
    this.p = p;
  }

  agentName(ext: string): string {
    return this.p.agentNames[ext] ?? UNKNOWN;
  }

  setVar(ch: Channel, name: string, value: string): void {
    this.s.varSet(ch, name, value);
    if (name.startsWith('__')) this.inherited.set(name, value);
  }

  /** The Cdr UserField: the dialplan copies the recording name into CDR(userfield). */
  get userField(): string {
    return this.recording ?? '';
  }

  cdr(row: Omit<CdrRow, 'userField'> & { userField?: string }): void {
    this.s.cdr({ ...row, userField: row.userField ?? this.userField });
  }
}

/** The variables Dial() clears when it starts (and sets again when it returns). */
const DIAL_VARS = [
  'DIALSTATUS',
  'DIALEDPEERNUMBER',
  'DIALEDPEERNAME',
  'ANSWEREDTIME',
  'ANSWEREDTIME_MS',
  'DIALEDTIME',
  'DIALEDTIME_MS',
  'RINGTIME',
  'RINGTIME_MS',
  'PROGRESSTIME',
  'PROGRESSTIME_MS',
];

/** The carrier leg of an inbound call: `PJSIP/carrier-…` in from-pstn at the DID, state Ring. */
export function inboundLeg(c: Call): Channel {
  const { s, p } = c;
  const ch = s.pjsip(p.trunk, { state: 4, cidNum: p.caller.number, cidName: p.caller.name, context: 'from-pstn', exten: p.did });
  s.newchannel(ch);
  ch.dnid = p.did;
  s.varSet(ch, 'SIPDOMAIN', '127.0.0.1');
  s.device(`PJSIP/${p.trunk}`, 'INUSE');
  return ch;
}

/** from-pstn,<DID>: NoOp(<label> …), Set(__CRM_DID), then for queues Answer(). */
export function inboundEntry(c: Call, ch: Channel, label: string, answer: boolean): void {
  const { s, p } = c;
  s.newexten(ch, 'NoOp', `${label} ${p.did} from ${callerIdAll(ch.cidNum, ch.cidName)}`, { priority: 1 });
  s.step(ch, 'Set', `__CRM_DID=${p.did}`);
  c.setVar(ch, '__CRM_DID', p.did);
  if (answer) {
    s.step(ch, 'Answer', '');
    s.cel(ch, 'ANSWER');
    s.newstate(ch, 6);
  }
}

/**
 * DID 5550400's FastAGI step: Set(ROUTE_EXT=), AGI(...), then TARGET and __CRM_ROUTE from its
 * answer. With SUCCESS the route server names `target`; with FAILURE `target` is the fallback.
 */
export function agiRoute(c: Call, ch: Channel, status: 'SUCCESS' | 'FAILURE', target: string): void {
  const { s } = c;
  s.step(ch, 'Set', 'ROUTE_EXT=');
  s.varSet(ch, 'ROUTE_EXT', '');
  s.step(ch, 'AGI', `agi://127.0.0.1:4573/route,${ch.cidNum},${c.p.did}`);
  s.cel(ch, 'APP_START');
  if (status === 'SUCCESS') {
    const id = String(Math.floor(s.ids.random() * 2 ** 31));
    const command = `SET VARIABLE ROUTE_EXT ${target}`;
    s.channelEvent('AGIExecStart', ch, [['CommandId', id], ['Command', command]], 'agi,all');
    s.varSet(ch, 'ROUTE_EXT', target);
    s.channelEvent('AGIExecEnd', ch, [['CommandId', id], ['Command', command], ['ResultCode', '200'], ['Result', 'Success']], 'agi,all');
  }
  s.varSet(ch, 'AGISTATUS', status);
  s.cel(ch, 'APP_END');
  s.step(ch, 'NoOp', `AGISTATUS=${status} ROUTE_EXT=${status === 'SUCCESS' ? target : ''}`);
  s.step(ch, 'Set', `TARGET=${target}`);
  s.varSet(ch, 'TARGET', target);
  const route = status === 'SUCCESS' ? 'agi' : 'fallback';
  s.step(ch, 'Set', `__CRM_ROUTE=${route}`);
  c.setVar(ch, '__CRM_ROUTE', route);
}

/**
 * Gosub(sub-record,s,1): names the recording `<YYYYmmdd-HHMMSS>-<callernum>-<UNIQUEID>.wav`, sets
 * `__CRM_RECORDING` and CDR(userfield), starts MixMonitor(…,b) and returns to the next priority.
 */
export function recordSubroutine(c: Call, ch: Channel): void {
  const { s } = c;
  if (!c.p.recording) return;
  s.step(ch, 'Gosub', 'sub-record,s,1');
  s.varSet(ch, 'LOCAL(ARGC)', '0');
  const back = { context: ch.context, exten: ch.exten, priority: ch.priority };
  const file = `${s.compactTime(s.now)}-${ch.cidNum.replace(/[^0-9A-Za-z+]/g, '')}-${ch.uniqueid}.wav`;
  const path = `/var/spool/asterisk/monitor/${file}`;
  s.newexten(ch, 'NoOp', `Recording ${ch.name} uniqueid=${ch.uniqueid}`, { context: 'sub-record', exten: 's', priority: 1 });
  s.step(ch, 'Set', `__CRM_RECORDING=${file}`);
  c.setVar(ch, '__CRM_RECORDING', file);
  s.step(ch, 'Set', `CDR(userfield)=${file}`);
  c.recording = file;
  ch.app = 'MixMonitor';
  ch.appData = `${path},b`;
  s.cel(ch, 'APP_START');
  s.step(ch, 'MixMonitor', `${path},b`);
  s.varSet(ch, 'MIXMONITOR_FILENAME', path);
  s.channelEvent('MixMonitorStart', ch);
  s.cel(ch, 'APP_END');
  s.step(ch, 'Return', '');
  s.varSet(ch, 'ARGC', '');
  s.varSet(ch, 'GOSUB_RETVAL', '');
  Object.assign(ch, back);
}

/** Dial(<data>) at the next priority (or at `at`), with the variables Dial clears. */
export function dialApp(c: Call, ch: Channel, data: string, at?: { context: string; exten: string; priority: number }): void {
  const { s } = c;
  if (at === undefined) s.step(ch, 'Dial', data);
  else s.newexten(ch, 'Dial', data, at);
  for (const name of DIAL_VARS) s.varSet(ch, name, '');
  s.cel(ch, 'APP_START');
}

export interface LegSpec {
  /** PJSIP endpoint: `101`, `carrier`. */
  endpoint: string;
  cidNum: string;
  cidName: string;
  /** The endpoint's context (from-internal for phones, from-pstn for the trunk). */
  context: string;
  /** Dial's DIALEDPEERNUMBER (Dial only; Queue sets none). */
  peerNumber?: string;
  /** The application shown by the new leg (`AppDial`, `AppDial2` for Originate, `AppQueue`). */
  app?: string;
  /** Set the leg's connected line to the dialling channel and run AppDial at once (Dial does; Queue later). */
  announce?: boolean;
}

/** A new outgoing leg of `from` (null: an Originate's first leg): Newchannel and inherited variables. */
export function newLeg(c: Call, from: Channel | null, spec: LegSpec, linkedid?: string): Channel {
  const { s } = c;
  const leg = s.pjsip(spec.endpoint, {
    state: 0,
    cidNum: spec.cidNum,
    cidName: spec.cidName,
    context: spec.context,
    exten: 's',
    ...(linkedid === undefined && from === null ? {} : { linkedid: linkedid ?? from!.linkedid }),
  });
  s.newchannel(leg);
  if (spec.peerNumber !== undefined) s.varSet(leg, 'DIALEDPEERNUMBER', spec.peerNumber);
  for (const [name, value] of [...c.inherited].reverse()) s.varSet(leg, name, value);
  if (from !== null && spec.announce !== false) {
    leg.colNum = from.cidNum;
    leg.colName = from.cidName;
    s.newexten(leg, spec.app ?? 'AppDial', '(Outgoing Line)', { exten: from.exten });
    s.channelEvent('NewConnectedLine', leg);
  }
  return leg;
}

export function dialBegin(c: Call, from: Channel | null, leg: Channel, dialString: string): void {
  c.s.dial('DialBegin', from, leg, [['DialString', dialString]]);
}

/** The phone rings: Newstate Ringing, DialState RINGING, its device RINGING. */
export function ring(c: Call, from: Channel | null, leg: Channel): void {
  const { s } = c;
  s.newstate(leg, 5);
  s.dial('DialState', from, leg, [['DialStatus', 'RINGING']]);
  s.device(`PJSIP/${leg.endpoint}`, 'RINGING');
}

/** RINGTIME/RINGTIME_MS, set on the dialling channel when the first phone starts ringing. */
export function ringTime(c: Call, from: Channel): void {
  c.s.varSet(from, 'RINGTIME', '0');
  c.s.varSet(from, 'RINGTIME_MS', '4');
}

/**
 * `winner` answers the Dial of `from`: the other ringing legs are cancelled (DialEnd CANCEL, cause
 * 26 "Answered elsewhere"), `from` is answered if it was not yet, and both enter a new bridge.
 */
export function answerDial(c: Call, from: Channel, winner: Channel, losers: readonly Channel[], keepExten = false): Bridge {
  const { s } = c;
  s.cel(winner, 'ANSWER');
  if (from.state !== 6) s.cel(from, 'ANSWER');
  s.newstate(winner, 6);
  if (from.colNum !== winner.cidNum || from.colName !== winner.cidName) s.connectedLine(from, winner.cidNum, winner.cidName);
  for (const loser of losers) s.dial('DialEnd', from, loser, [['DialStatus', 'CANCEL']]);
  c.setVar(from, 'DIALSTATUS', 'ANSWER');
  s.varSet(from, 'DIALEDPEERNAME', winner.name);
  s.varSet(from, 'DIALEDPEERNUMBER', winner.endpoint);
  if (!keepExten) winner.exten = '';
  s.dial('DialEnd', from, winner, [['DialStatus', 'ANSWER']]);
  if (from.state !== 6) s.newstate(from, 6);
  for (const loser of losers) {
    s.celHangup(loser, 26, null, '');
    s.hangup(loser, 26);
    s.device(`PJSIP/${loser.endpoint}`, 'NOT_INUSE');
  }
  s.device(`PJSIP/${winner.endpoint}`, 'INUSE');
  const bridge = s.bridgeCreate();
  s.newexten(winner, winner.app === '' ? 'AppDial' : winner.app, '(Outgoing Line)');
  s.bridgeEnter(bridge, winner);
  s.bridgeEnter(bridge, from);
  return bridge;
}

/** What Dial (or Queue) leaves on its channel when it returns after an answered call. */
export function dialReturned(c: Call, from: Channel, dialStartMs: number, dialStatus = true): void {
  const { s } = c;
  const answered = from.answeredMs ?? s.now;
  const answeredMs = Math.max(0, s.now - answered);
  const dialedMs = Math.max(0, s.now - Math.min(from.createdMs, dialStartMs));
  s.varSet(from, 'ANSWEREDTIME', String(Math.floor(answeredMs / 1000)));
  s.varSet(from, 'ANSWEREDTIME_MS', String(answeredMs));
  s.varSet(from, 'DIALEDTIME', String(Math.floor(dialedMs / 1000)));
  s.varSet(from, 'DIALEDTIME_MS', String(dialedMs));
  if (dialStatus) s.varSet(from, 'DIALSTATUS', 'ANSWER');
}

/**
 * The end of a two-party bridge between `dialer` (the channel that ran Dial) and `dialed`: `first`
 * hangs up (its side sent BYE: HangupRequest), the other is hung up by the PBX (SoftHangupRequest),
 * the bridge goes away and both channels hang up with cause 16. `cdrs` writes the call's Cdr
 * records where Asterisk writes them: after the dialling channel's Hangup.
 */
export function endBridge(c: Call, bridge: Bridge, dialer: Channel, dialed: Channel, first: Channel, dialStartMs: number, cdrs: () => void): void {
  const { s } = c;
  s.hangupRequest(first, 16);
  s.bridgeLeave(bridge, first);
  if (first === dialer) {
    dialReturned(c, dialer, dialStartMs);
    s.softHangupRequest(dialer);
    s.bridgeLeave(bridge, dialed);
  } else {
    s.bridgeLeave(bridge, dialer);
    dialReturned(c, dialer, dialStartMs);
    s.softHangupRequest(dialer);
  }
  s.bridgeDestroy(bridge);
  s.cel(dialer, 'APP_END');
  s.celHangup(dialer, 16, first, 'ANSWER', '');
  s.hangup(dialer, 16);
  cdrs();
  s.celHangup(dialed, 16, first, '');
  s.cel(dialed, 'LINKEDID_END');
  s.hangup(dialed, 16);
  s.device(`PJSIP/${dialer.endpoint}`, 'NOT_INUSE');
  s.device(`PJSIP/${dialed.endpoint}`, 'NOT_INUSE');
}

/** After an unanswered Dial: NoOp(DIALSTATUS=…) and Hangup() in the dialplan. */
export function dialplanHangup(c: Call, ch: Channel, status: string): void {
  const { s } = c;
  c.setVar(ch, 'DIALSTATUS', status);
  s.step(ch, 'NoOp', `DIALSTATUS=${status}`);
  s.step(ch, 'Hangup', '');
  s.softHangupRequest(ch);
}

/** Cause (and SIP code) the calling channel hangs up with after an unanswered Dial. */
export const UNANSWERED_CAUSE: Record<'NOANSWER' | 'BUSY' | 'CHANUNAVAIL', { cause: number; tech?: number; cdr: CdrRow['disposition'] }> = {
  NOANSWER: { cause: 16, cdr: 'NO ANSWER' },
  BUSY: { cause: 17, tech: 486, cdr: 'BUSY' },
  CHANUNAVAIL: { cause: 3, tech: 404, cdr: 'FAILED' },
};
