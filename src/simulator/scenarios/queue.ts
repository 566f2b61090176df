/**
 * Queue calls (captures 06 and a1): the DID answers, runs the recording subroutine and Queue()
 * rings every member at once (strategy ringall). One member answers (AgentConnect, then
 * AgentComplete with the talk time), or the caller gives up first (QueueCallerAbandon).
 */
import { dialReturned, inboundEntry, inboundLeg, newLeg, recordSubroutine, type Call } from './dialplan.ts';
import { legCdr } from './inbound.ts';
import type { AmiField } from '../../ami/message.ts';
import type { Channel } from './pbx-model.ts';

interface Queued {
  caller: Channel;
  legs: Channel[];
  joinMs: number;
  data: string;
}

function queueFields(c: Call, extra: readonly AmiField[]): AmiField[] {
  return [['Queue', c.p.queue], ...extra];
}

function memberFields(c: Call, leg: Channel): AmiField[] {
  return [
    ['Queue', c.p.queue],
    ['Interface', `PJSIP/${leg.endpoint}`],
    ['MemberName', c.agentName(leg.endpoint)],
  ];
}

/** The caller joins the queue, hears music, and every member's phone rings. */
function joinAndRing(c: Call): Queued {
  const { s, p } = c;
  const caller = inboundLeg(c);
  inboundEntry(c, caller, 'Queue DID', true);
  recordSubroutine(c, caller);
  const data = `${p.queue},tT,,,60`;
  s.step(caller, 'Queue', data);
  s.cel(caller, 'APP_START');
  s.varSet(caller, 'QUEUEWAIT', '');
  s.varSet(caller, 'QUEUEWAIT_MS', '');
  s.channelEvent('QueueCallerJoin', caller, queueFields(c, [['Position', '1'], ['Count', '1']]), 'agent,all');
  const joinMs = s.now;
  s.cel(caller, 'STREAM_BEGIN', { extra: '{"class":"default"}' });
  s.channelEvent('MusicOnHoldStart', caller, [['Class', 'default']]);
  const legs: Channel[] = [];
  for (const ext of p.extensions) {
    const leg = newLeg(c, caller, { endpoint: ext, cidNum: ext, cidName: c.agentName(ext), context: 'from-internal', announce: false });
    // AgentCalled already shows the member's connected line and the DID; the DialBegin right after
    // still carries the channel as it was created (exten s, no connected line), as app_queue sends it.
    const asCreated = { ...leg };
    leg.colNum = caller.cidNum;
    leg.colName = caller.cidName;
    leg.exten = caller.exten;
    s.agentEvent('AgentCalled', caller, leg, memberFields(c, leg));
    s.dial('DialBegin', caller, asCreated, [['DialString', `PJSIP/${ext}`]]);
    legs.push(leg);
  }
  for (const leg of legs) {
    s.dial('DialState', caller, leg, [['DialStatus', 'RINGING']]);
    s.newstate(leg, 5);
    s.newexten(leg, 'AppQueue', '(Outgoing Line)');
    s.channelEvent('NewConnectedLine', leg);
    s.device(`PJSIP/${leg.endpoint}`, 'RINGING');
  }
  return { caller, legs, joinMs, data };
}

/** Whole seconds, as app_queue reports HoldTime and TalkTime. */
function secs(ms: number): string {
  return String(Math.max(0, Math.round(ms / 1000)));
}

/** queue-answered: `p.answeredBy` answers after `p.ringMs`; after `p.talkMs` one side hangs up. */
export function queueAnswered(c: Call): void {
  const { s, p } = c;
  const q = joinAndRing(c);
  const { caller } = q;
  s.wait(p.ringMs);
  const winner = q.legs.find((l) => l.endpoint === p.answeredBy) ?? q.legs[0]!;
  const losers = q.legs.filter((l) => l !== winner);
  s.cel(winner, 'ANSWER');
  s.newstate(winner, 6);
  s.dial('DialEnd', caller, winner, [['DialStatus', 'ANSWER']]);
  // app_queue reports the cancelled members twice: once from the ring loop, once when it hangs them up.
  for (const loser of losers) s.dial('DialEnd', caller, loser, [['DialStatus', 'CANCEL']]);
  s.connectedLine(caller, winner.cidNum, winner.cidName);
  for (const loser of losers) s.dial('DialEnd', caller, loser, [['DialStatus', 'CANCEL']]);
  s.cel(caller, 'STREAM_END');
  for (const loser of losers) {
    s.celHangup(loser, 26, null, '');
    s.hangup(loser, 26);
    s.device(`PJSIP/${loser.endpoint}`, 'NOT_INUSE');
  }
  s.channelEvent('MusicOnHoldStop', caller);
  s.channelEvent('QueueCallerLeave', caller, queueFields(c, [['Position', '1'], ['Count', '0']]), 'agent,all');
  const holdMs = s.now - q.joinMs;
  s.varSet(caller, 'QUEUEPOSITION', '1');
  s.varSet(caller, 'QUEUEWAIT', secs(holdMs));
  s.varSet(caller, 'QUEUEWAIT_MS', String(holdMs));
  s.agentEvent('AgentConnect', caller, winner, [...memberFields(c, winner), ['HoldTime', secs(holdMs)], ['RingTime', secs(holdMs)]]);
  const connectMs = s.now;
  const answeredMs = s.now;
  s.device(`PJSIP/${winner.endpoint}`, 'INUSE');
  const bridge = s.bridgeCreate();
  s.bridgeEnter(bridge, winner);
  s.bridgeEnter(bridge, caller);
  s.wait(p.talkMs);
  const agentFirst = p.hangupBy === 'agent';
  const first = agentFirst ? winner : caller;
  // The caller's own BYE reaches app_queue as a HangupRequest with no cause.
  s.hangupRequest(first, agentFirst ? 16 : null);
  s.agentEvent('AgentComplete', caller, winner, [
    ...memberFields(c, winner),
    ['HoldTime', secs(holdMs)],
    ['TalkTime', secs(s.now - connectMs)],
    ['Reason', agentFirst ? 'agent' : 'caller'],
  ]);
  s.bridgeLeave(bridge, first);
  if (agentFirst) s.bridgeLeave(bridge, caller);
  dialReturned(c, caller, q.joinMs, false);
  s.softHangupRequest(caller);
  if (!agentFirst) s.bridgeLeave(bridge, winner);
  s.bridgeDestroy(bridge);
  legCdr(c, caller, winner, { data: q.data, app: 'Queue', startMs: caller.createdMs, answerMs: caller.answeredMs, endMs: s.now, disposition: 'ANSWERED' });
  for (const loser of losers) {
    legCdr(c, caller, loser, { data: q.data, app: 'Queue', startMs: caller.createdMs, answerMs: caller.answeredMs, endMs: answeredMs, disposition: 'NO ANSWER' });
  }
  s.cel(caller, 'APP_END');
  s.celHangup(caller, 16, first, '', '');
  s.hangup(caller, 16);
  s.device(`PJSIP/${p.trunk}`, 'NOT_INUSE');
  s.celHangup(winner, 16, first, '');
  s.cel(winner, 'LINKEDID_END');
  s.hangup(winner, 16);
  s.device(`PJSIP/${winner.endpoint}`, 'NOT_INUSE');
}

/** queue-abandoned: nobody answers, and the caller hangs up after waiting `p.ringMs`. */
export function queueAbandoned(c: Call): void {
  const { s, p } = c;
  const q = joinAndRing(c);
  const { caller } = q;
  s.wait(p.ringMs);
  s.hangupRequest(caller, null);
  s.cel(caller, 'STREAM_END');
  s.channelEvent('MusicOnHoldStop', caller);
  for (const leg of q.legs) s.dial('DialEnd', caller, leg, [['DialStatus', 'CANCEL']]);
  const holdMs = s.now - q.joinMs;
  for (const leg of q.legs) {
    s.dial('DialEnd', caller, leg, [['DialStatus', 'CANCEL']]);
    s.celHangup(leg, 0, null, '');
    s.hangup(leg, 0);
    s.device(`PJSIP/${leg.endpoint}`, 'NOT_INUSE');
    // The caller was answered by Answer(): these NO ANSWER records still carry billable seconds.
    legCdr(c, caller, leg, { data: q.data, app: 'Queue', startMs: caller.createdMs, answerMs: caller.answeredMs, endMs: s.now, disposition: 'NO ANSWER' });
  }
  s.varSet(caller, 'QUEUEWAIT', secs(holdMs));
  s.varSet(caller, 'QUEUEWAIT_MS', String(holdMs));
  s.varSet(caller, 'ABANDONED', 'TRUE');
  s.channelEvent('QueueCallerAbandon', caller, queueFields(c, [['Position', '1'], ['OriginalPosition', '1'], ['HoldTime', secs(holdMs)]]), 'agent,all');
  s.channelEvent('QueueCallerLeave', caller, queueFields(c, [['Position', '1'], ['Count', '0']]), 'agent,all');
  s.varSet(caller, 'QUEUEPOSITION', '1');
  s.softHangupRequest(caller);
  s.cel(caller, 'APP_END');
  s.celHangup(caller, 0, caller, '', '');
  s.cel(caller, 'LINKEDID_END', { app: '', appData: '' });
  s.hangup(caller, 0);
  s.device(`PJSIP/${p.trunk}`, 'NOT_INUSE');
}
