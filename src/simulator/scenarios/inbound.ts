/**
 * Inbound calls from the carrier to phones: one extension (answered, no answer, busy,
 * unavailable) or a ring group (several extensions at once), optionally routed by FastAGI first.
 * Captures 01-05, 10, 11, 13, a2-a4, t1 and t2 show these.
 */
import {
  agiRoute,
  answerDial,
  dialApp,
  dialBegin,
  dialplanHangup,
  endBridge,
  inboundEntry,
  inboundLeg,
  newLeg,
  recordSubroutine,
  ring,
  ringTime,
  UNANSWERED_CAUSE,
  type Call,
} from './dialplan.ts';
import { cdrCallerId, type Bridge, type Channel } from './pbx-model.ts';

/** How the Dial of an inbound call ends. */
export type InboundOutcome = 'answered' | 'NOANSWER' | 'BUSY' | 'CHANUNAVAIL';

/** An answered inbound call, up to the moment its caller and agent are bridged. */
export interface Connected {
  caller: Channel;
  agent: Channel;
  bridge: Bridge;
  /** When Dial() started, and its data (for the Cdr). */
  dialStartMs: number;
  dialData: string;
  /** Ring group members that rang and were cancelled when `agent` answered (their Cdrs come at the end). */
  losers: Channel[];
  answeredMs: number;
}

/** from-pstn, the recording, then Dial() to `targets`; returns the caller and the Dial's start. */
function enterAndDial(c: Call, targets: readonly string[], timeoutSec: number): { caller: Channel; dialStartMs: number; data: string } {
  const { p } = c;
  const caller = inboundLeg(c);
  const label = targets.length > 1 ? 'Ring group DID' : p.agi !== null ? 'AGI-routed DID' : 'Inbound DID';
  inboundEntry(c, caller, label, false);
  if (p.agi !== null) agiRoute(c, caller, p.agi, targets[0]!);
  recordSubroutine(c, caller);
  const data = `${targets.map((ext) => `PJSIP/${ext}`).join('&')},${timeoutSec},tT`;
  const dialStartMs = c.s.now;
  dialApp(c, caller, data);
  return { caller, dialStartMs, data };
}

/** New legs for every target, their DialBegins, and (for one target) the caller's connected line. */
function dialLegs(c: Call, caller: Channel, targets: readonly string[]): Channel[] {
  const legs = targets.map((ext) =>
    newLeg(c, caller, { endpoint: ext, cidNum: ext, cidName: c.agentName(ext), context: 'from-internal', peerNumber: ext }),
  );
  legs.forEach((leg, i) => dialBegin(c, caller, leg, targets[i]!));
  if (legs.length === 1) c.s.connectedLine(caller, legs[0]!.cidNum, legs[0]!.cidName);
  return legs;
}

function ringAll(c: Call, caller: Channel, legs: readonly Channel[]): void {
  legs.forEach((leg, i) => {
    ring(c, caller, leg);
    if (i === 0) ringTime(c, caller);
  });
}

/** Dial's timeout in seconds: the default of the capture dialplan, or longer than the ringing. */
function timeoutFor(c: Call, targets: readonly string[], outcome: InboundOutcome): number {
  const fallback = targets.length > 1 ? 20 : 15;
  if (outcome === 'NOANSWER') return Math.max(1, Math.round(c.p.ringMs / 1000));
  return Math.max(fallback, Math.ceil(c.p.ringMs / 1000) + 1);
}

/** An inbound call that `p.answeredBy` answers after `p.ringMs`: up to the bridge. */
export function connectInbound(c: Call, targets: readonly string[]): Connected {
  const { s, p } = c;
  const { caller, dialStartMs, data } = enterAndDial(c, targets, timeoutFor(c, targets, 'answered'));
  const legs = dialLegs(c, caller, targets);
  ringAll(c, caller, legs);
  s.wait(p.ringMs);
  const winner = legs[Math.max(0, targets.indexOf(p.answeredBy))]!;
  const losers = legs.filter((l) => l !== winner);
  const answeredMs = s.now;
  const bridge = answerDial(c, caller, winner, losers);
  return { caller, agent: winner, bridge, dialStartMs, dialData: data, losers, answeredMs };
}

/** The Cdr of one Dial leg of the caller. */
export function legCdr(c: Call, caller: Channel, leg: Channel | null, o: { data: string; startMs: number; answerMs: number | null; endMs: number; disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED'; app?: string }): void {
  c.cdr({
    source: caller.cidNum,
    destination: caller.exten,
    destinationContext: caller.context,
    callerId: cdrCallerId(caller.cidNum, caller.cidName),
    channel: caller,
    destinationChannel: leg,
    lastApplication: o.app ?? 'Dial',
    lastData: o.data,
    startMs: o.startMs,
    answerMs: o.answerMs,
    endMs: o.endMs,
    disposition: o.disposition,
  });
}

/** Cdrs of the ring group members that did not answer (written at the end of the call, as Asterisk does). */
export function loserCdrs(c: Call, call: Connected): void {
  for (const leg of call.losers) {
    legCdr(c, call.caller, leg, { data: call.dialData, startMs: call.caller.createdMs, answerMs: null, endMs: call.answeredMs, disposition: 'NO ANSWER' });
  }
}

/** inbound-answered and ringgroup-answered: answer, talk, and the chosen side hangs up. */
export function inboundAnswered(c: Call): void {
  const { s, p } = c;
  const call = connectInbound(c, p.extensions);
  s.wait(p.talkMs);
  const first = p.hangupBy === 'agent' ? call.agent : call.caller;
  endBridge(c, call.bridge, call.caller, call.agent, first, call.dialStartMs, () => {
    loserCdrs(c, call);
    legCdr(c, call.caller, call.agent, {
      data: call.dialData,
      startMs: call.caller.createdMs,
      answerMs: call.agent.answeredMs,
      endMs: s.now,
      disposition: 'ANSWERED',
    });
  });
}

/**
 * inbound-noanswer, ringgroup-noanswer, inbound-busy and inbound-unavailable: the Dial ends
 * without an answer and the dialplan hangs up (the caller hears 603, 486 or 404).
 */
export function inboundUnanswered(c: Call, outcome: Exclude<InboundOutcome, 'answered'>): void {
  const { s, p } = c;
  const targets = p.extensions;
  const { caller, data } = enterAndDial(c, targets, timeoutFor(c, targets, outcome));
  const end = UNANSWERED_CAUSE[outcome];
  if (outcome === 'CHANUNAVAIL') {
    // No contact: no channel is created, so no Newchannel, DialBegin or DialEnd at all.
    s.wait(p.ringMs);
    s.cel(caller, 'APP_END');
    dialplanHangup(c, caller, outcome);
    legCdr(c, caller, null, { data, startMs: caller.createdMs, answerMs: null, endMs: s.now, disposition: end.cdr });
    s.celHangup(caller, end.cause, 'dialplan/builtin', '', '');
    s.hangup(caller, end.cause, end.tech);
    s.cel(caller, 'LINKEDID_END', { app: '', appData: '' });
    s.device(`PJSIP/${p.trunk}`, 'NOT_INUSE');
    return;
  }
  const legs = dialLegs(c, caller, targets);
  if (outcome === 'NOANSWER' || p.ringMs > 0) ringAll(c, caller, legs);
  s.wait(p.ringMs);
  // A busy phone answers 486: its own side ends the leg (HangupRequest with the SIP code).
  if (outcome === 'BUSY') for (const leg of legs) s.hangupRequest(leg, 17, 486);
  s.cel(caller, 'APP_END');
  for (const leg of legs) s.dial('DialEnd', caller, leg, [['DialStatus', outcome]]);
  dialplanHangup(c, caller, outcome);
  const legCause = outcome === 'BUSY' ? 17 : 0;
  for (const leg of legs) {
    s.celHangup(leg, legCause, outcome === 'BUSY' ? leg : null, '');
    s.hangup(leg, legCause, outcome === 'BUSY' ? 486 : undefined);
    s.device(`PJSIP/${leg.endpoint}`, 'NOT_INUSE');
  }
  for (const leg of legs) legCdr(c, caller, leg, { data, startMs: caller.createdMs, answerMs: null, endMs: s.now, disposition: end.cdr });
  // The Hangup() application that follows the Dial gets a record of its own, with no destination.
  legCdr(c, caller, null, { data: '', app: 'Hangup', startMs: s.now, answerMs: null, endMs: s.now, disposition: end.cdr });
  s.celHangup(caller, end.cause, 'dialplan/builtin', outcome, '');
  s.cel(caller, 'LINKEDID_END', { app: '', appData: '' });
  s.hangup(caller, end.cause, end.tech);
  s.device(`PJSIP/${p.trunk}`, 'NOT_INUSE');
}
