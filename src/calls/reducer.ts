/**
 * The call engine's reducer: one AMI event in, the state updated and the effects out. No I/O, no
 * clocks of its own (time comes from the event's `Timestamp` header or the caller's `now`).
 *
 * The state is updated in place and returned: copying maps of thousands of calls per event would
 * cost more than the work itself. Treat the state passed in as consumed, as with any reducer whose
 * result you keep.
 *
 * Unknown, malformed or out-of-order events are ignored or absorbed; the reducer never throws.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field, eventName, unescapedField } from './fields.ts';
import { stripUnderscores, type ResolvedEngineConfig } from './config.ts';
import { emit, flush, newCtx, NO_EFFECTS, type Ctx } from './effects.ts';
import { stopReasonForCause, stopReasonForDialStatus } from './hangup-causes.ts';
import { callOf, connectedAgents, enterBridge, intern, leaveBridge, legAndCall, legOf, own, present, setExternal, setExternalNumber, touchCall, updateTalk } from './legs.ts';
import { endCall, type ReduceResult } from './lifecycle.ts';
import { claimOriginateFailure, onOriginateAction, onOriginateResponse } from './originate.ts';
import { onAgentCalled, onAgentComplete, onAgentConnect, onAgentStopped, onQueueCallerAbandon, onQueueCallerJoin, onQueueCallerLeave } from './queue-events.ts';
import { partyLeg } from './record.ts';
import { cancelReason, legAnswered, settlePending, startRinging, stopRinging } from './ringing.ts';
import type { CallState, EngineState, LegState } from './state.ts';
import { onAttendedTransfer, onBlindTransfer, onRedirect } from './transfers.ts';
import { onCdr } from './cdr.ts';
import { dialledNumber } from './channels.ts';
import { noteDialStatus, onDialAppData, onTagAccountCode, onVariable, setRecording } from './variables.ts';

type Handler = (ctx: Ctx, ev: AmiMessage) => void;

/**
 * Feeds one AMI message to the engine. `now` is the service clock (epoch ms); an event's own
 * `Timestamp:` header (manager.conf `timestampevents=yes`) takes precedence. Pass NaN when there is
 * no clock at all (a capture without one): times are then taken from the PBX's Cdr figures.
 *
 * Besides events, the client may feed the Originate actions it sends: the engine then ties an
 * `OriginateResponse` to our click-to-call id by its ActionID.
 */
export function reduce(state: EngineState, event: AmiMessage, now: number): ReduceResult {
  const name = eventName(event);
  if (name === undefined) {
    if (event.type === 'action') onOriginateAction(state, event);
    return { state, effects: NO_EFFECTS };
  }
  const handler = HANDLERS.get(name);
  if (handler === undefined || !worthIt(state, name, event)) return { state, effects: NO_EFFECTS };
  const ctx = newCtx(state, eventTime(event, now), now);
  try {
    handler(ctx, event);
  } catch (err) {
    // A bug must not stop the engine for every other call; it is reported for the logs instead.
    emit(ctx, { type: 'engine-error', event: name, message: err instanceof Error ? err.message : String(err) });
  }
  return { state, effects: flush(ctx) };
}

/** `Timestamp: 1795468599.130711` (seconds) in ms; else the service clock. */
export function eventTime(event: AmiMessage, now: number): number {
  const ts = field(event, 'Timestamp');
  if (ts !== undefined) {
    const secs = Number(ts);
    if (Number.isFinite(secs) && secs > 0) return secs * 1000;
  }
  return now;
}

/**
 * Every event the reducer reads, for a PBX that can leave the rest out at the source (the AMI
 * `Filter` action: see service/pbx-event-filter.ts). Of VarSet only `variables` matter (bare names:
 * Asterisk may prefix them with `_` or `__`), as `worthIt` below says; Newexten matters whatever its
 * application (on a bridged channel it is how a Redirect shows), so it is in `events` whole.
 */
export function eventsRead(config: ResolvedEngineConfig): { events: readonly string[]; variables: readonly string[] } {
  return { events: [...HANDLERS.keys()].filter((name) => name !== 'VarSet'), variables: [DIAL_STATUS, ...config.variables.keys()] };
}

const DIAL_STATUS = 'DIALSTATUS';

/** Cheap checks that skip the noisiest events (most VarSets and Newextens) before any work. */
function worthIt(state: EngineState, name: string, ev: AmiMessage): boolean {
  if (name === 'VarSet') {
    const v = field(ev, 'Variable');
    if (v === undefined) return false;
    const bare = stripUnderscores(v);
    return bare === DIAL_STATUS || state.config.variables.has(bare);
  }
  if (name === 'Newexten') {
    const app = field(ev, 'Application');
    if (app === 'Dial' || app === 'MixMonitor') return true;
    const uid = field(ev, 'Uniqueid');
    return uid !== undefined && (state.legs.get(uid)?.bridge ?? null) !== null;
  }
  return true;
}

const HANDLERS = new Map<string, Handler>([
  ['Newchannel', onNewchannel],
  ['Newstate', onNewstate],
  ['NewCallerid', onNewCallerid],
  ['NewAccountCode', onTagAccountCode],
  ['DialBegin', onDialBegin],
  ['DialEnd', onDialEnd],
  ['BridgeEnter', onBridgeEnter],
  ['BridgeLeave', onBridgeLeave],
  ['HangupRequest', onHangupRequest],
  ['SoftHangupRequest', onSoftHangupRequest],
  ['Hangup', onHangup],
  ['VarSet', onVariable],
  ['Newexten', onNewexten],
  ['QueueCallerJoin', onQueueCallerJoin],
  ['QueueCallerLeave', onQueueCallerLeave],
  ['QueueCallerAbandon', onQueueCallerAbandon],
  ['AgentCalled', onAgentCalled],
  ['AgentConnect', onAgentConnect],
  ['AgentComplete', onAgentComplete],
  ['AgentRingNoAnswer', onAgentStopped],
  ['AgentDump', onAgentStopped],
  ['BlindTransfer', onBlindTransfer],
  ['AttendedTransfer', onAttendedTransfer],
  ['OriginateResponse', onOriginateResponse],
  ['Cdr', onCdr],
  ['RTCPSent', onMediaReport],
  ['RTCPReceived', onMediaReport],
]);

/** Media reports come every few seconds while people talk: the call is alive, even if silent otherwise. */
function onMediaReport(ctx: Ctx, ev: AmiMessage): void {
  const uid = field(ev, 'Uniqueid');
  const leg = uid === undefined ? undefined : ctx.state.legs.get(uid);
  if (leg !== undefined) touchCall(ctx, leg);
}

function onNewchannel(ctx: Ctx, ev: AmiMessage): void {
  legAndCall(ctx, ev, true);
}

function onNewstate(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, true);
  if (found === null) return;
  const [leg, call] = found;
  const desc = field(ev, 'ChannelStateDesc');
  if (desc === 'Up') {
    if (leg.rang && !leg.answered) legAnswered(ctx, call, leg);
    else leg.up = true;
  } else if (desc === 'Ringing' && leg.role === 'agent' && leg !== call.origin) {
    // A phone alerted with no DialBegin seen (a dial by an application that reports none).
    startRinging(ctx, call, leg);
  }
}

function onNewCallerid(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found === null) return;
  const [leg, call] = found;
  const num = present(field(ev, 'CallerIDNum'));
  const name = present(unescapedField(ev, 'CallerIDName'));
  if (leg.role === 'external' && num !== null) leg.callerIdNum = own(num);
  if (call.external === leg) {
    if (call.externalNumber === null && num !== null) setExternalNumber(ctx, call, num);
    if (call.externalName === null && name !== null) setExternal(ctx, call, leg, null, name);
  }
}

function onDialBegin(ctx: Ctx, ev: AmiMessage): void {
  const dialer = legOf(ctx, ev, '', true);
  const dest = legOf(ctx, ev, 'Dest', true);
  if (dest === null) return;
  const call = callOf(ctx.state, dest);
  if (call === undefined) return;
  if (dest.dialer === null && !dest.originate) {
    dest.dialer = dialer === null ? null : dialer.uniqueid;
    dest.originate = dialer === null;
  }
  if (dest.originate) call.originate = true;
  if (dialer !== null) {
    if (dialer.dialTargets !== null && dest.extension !== null) {
      dialer.dialTargets = dialer.dialTargets.filter((x) => x !== dest.extension);
    }
    const via = dialer.role === 'local' && dialer.partner !== null ? ctx.state.legs.get(dialer.partner) : undefined;
    if (dest.queue === null) dest.queue = call.inQueue ? call.queue : (via?.queue ?? null);
    if (dest.group === null) dest.group = dialer.dialGroup ?? via?.group ?? null;
  }
  if (dest.role === 'external' && call.external === null) {
    const dialString = field(ev, 'DialString');
    const number = dialString === undefined || dialString === '' ? dest.callerIdNum : dialledNumber(dialString);
    setExternal(ctx, call, dest, number, present(unescapedField(ev, 'DestCallerIDName')));
  }
  startRinging(ctx, call, dest);
}

function onDialEnd(ctx: Ctx, ev: AmiMessage): void {
  const dest = legOf(ctx, ev, 'Dest', false);
  if (dest === null) return;
  const call = callOf(ctx.state, dest);
  if (call === undefined) return;
  const status = field(ev, 'DialStatus') ?? '';
  if (status === 'ANSWER') {
    legAnswered(ctx, call, dest);
    return;
  }
  if (status === 'CANCEL') {
    if (!dest.ringing || dest.stopPending) {
      if (dest.rang && Number.isNaN(dest.ringEnd)) dest.ringEnd = ctx.t;
      return;
    }
    const reason = cancelReason(ctx, call, dest);
    if (reason !== null) stopRinging(ctx, call, dest, reason);
    else {
      dest.stopPending = true;
      if (Number.isNaN(dest.ringEnd)) dest.ringEnd = ctx.t;
    }
    return;
  }
  noteDialStatus(call, status);
  stopRinging(ctx, call, dest, stopReasonForDialStatus(status) ?? 'no-answer');
}

function onBridgeEnter(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, true);
  const bridgeId = field(ev, 'BridgeUniqueid');
  if (found === null || bridgeId === undefined || bridgeId === '') return;
  const [leg, call] = found;
  enterBridge(ctx.state, leg, bridgeId);
  leg.up = true;
  // A bridged phone has answered, whether or not its DialEnd was seen.
  if (leg.rang && !leg.answered && (leg.role === 'agent' || leg.role === 'external')) legAnswered(ctx, call, leg);
  updateTalkAround(ctx, call, bridgeId);
}

function onBridgeLeave(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found === null) return;
  const [leg, call] = found;
  const bridgeId = leg.bridge;
  leaveBridge(ctx.state, leg);
  leg.transferPending = false;
  updateTalkAround(ctx, call, bridgeId);
}

/** A bridge change may start or stop talk on every call with a leg in that bridge. */
function updateTalkAround(ctx: Ctx, call: CallState, bridgeId: string | null): void {
  updateTalk(ctx, call);
  if (bridgeId === null) return;
  const bridge = ctx.state.bridges.get(bridgeId);
  if (bridge === undefined) return;
  for (const id of bridge.members) {
    const other = ctx.state.legs.get(id);
    if (other === undefined || other.callKey === call.key) continue;
    const otherCall = ctx.state.calls.get(other.callKey);
    if (otherCall !== undefined) updateTalk(ctx, otherCall);
  }
}

function onHangupRequest(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found === null) return;
  const [leg, call] = found;
  leg.hangingUp = true;
  whoHungUp(ctx, call, leg, field(ev, 'Cause'));
}

function onSoftHangupRequest(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found !== null) found[0].hangingUp = true;
}

/**
 * `HangupRequest` marks the channel whose own side hung up (the PBX's side gets only a
 * SoftHangupRequest), so the first one that ends the conversation names who hung up. Requests
 * that end nothing (an agent leaving a consultation, Local channel plumbing) are not it.
 */
function whoHungUp(ctx: Ctx, call: CallState, leg: LegState, causeField: string | undefined): void {
  if (call.hangupBy !== null || leg.role === 'local' || leg.role === 'other') return;
  const party = partyLeg(call);
  let by: 'caller' | 'agent' | null = null;
  if (!call.answered) {
    // Before an answer only the calling side can give up; the called side refusing (busy,
    // decline) leaves the PBX to end the attempt.
    if (leg !== (call.origin ?? party)) return;
    let ringing = false;
    for (const l of call.legs) if (l.ringing || (l.rang && !l.answered && !l.gone && Number.isNaN(l.ringEnd))) ringing = true;
    if (ringing || call.inQueue || call.rang.length === 0) call.abandoned = true;
    settlePending(ctx, call, null, 'caller-hung-up');
    // The calling side of an outbound call is an agent; of an internal one, the calling extension.
    by = leg.role === 'agent' && call.external !== null ? 'agent' : 'caller';
  } else if (leg === party) {
    by = 'caller';
  } else if (leg.role === 'agent' && party !== null && connectedAgents(ctx.state, party).includes(leg)) {
    by = 'agent';
  } else if (leg.role === 'external') {
    by = 'caller';
  }
  if (by === null) return;
  call.hangupBy = by;
  call.hangupExtension = leg.role === 'agent' ? leg.extension : null;
  const cause = causeField === undefined ? Number.NaN : Number(causeField);
  if (Number.isInteger(cause)) call.hangupCause = cause;
}

function onHangup(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found === null) return;
  const [leg, call] = found;
  if (leg.gone) return;
  const cause = Number(field(ev, 'Cause'));
  leg.cause = Number.isInteger(cause) ? cause : null;
  const text = field(ev, 'Cause-txt');
  leg.causeText = text === undefined || text === '' ? null : intern(ctx.state, text);
  if (leg.ringing || leg.stopPending) stopRinging(ctx, call, leg, hungUpWhileRinging(ctx, call, leg));
  else if (leg.rang && Number.isNaN(leg.ringEnd)) leg.ringEnd = ctx.t;
  leg.gone = true;
  leg.hangingUp = true;
  if (leg.originate && leg === call.origin && !leg.answered) claimOriginateFailure(ctx, call, leg);
  const bridgeId = leg.bridge;
  leaveBridge(ctx.state, leg);
  call.liveLegs--;
  if (leg === partyLeg(call) && !call.answered) settlePending(ctx, call, null, 'caller-hung-up');
  updateTalkAround(ctx, call, bridgeId);
  if (call.liveLegs <= 0) endCall(ctx, call, 'hangup');
}

function hungUpWhileRinging(ctx: Ctx, call: CallState, leg: LegState): 'answered-elsewhere' | 'caller-hung-up' | 'no-answer' | 'busy' | 'rejected' | 'unavailable' {
  const byCause = leg.cause === null ? null : stopReasonForCause(leg.cause);
  if (byCause !== null && byCause !== 'unknown' && byCause !== 'answered-here') return byCause;
  const reason = cancelReason(ctx, call, leg);
  if (reason === 'answered-elsewhere' || reason === 'caller-hung-up') return reason;
  return 'no-answer';
}

function onNewexten(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, true);
  if (found === null) return;
  const [leg, call] = found;
  // A bridged channel runs no dialplan: one that does was pulled out of its bridge (Redirect).
  if (leg.bridge !== null) {
    onRedirect(ctx, call, leg, ev);
    return;
  }
  const app = field(ev, 'Application');
  const data = field(ev, 'AppData') ?? '';
  if (app === 'MixMonitor') {
    const comma = data.indexOf(',');
    setRecording(ctx, call, comma >= 0 ? data.slice(0, comma) : data, ctx.state.config.variables.size);
  } else if (app === 'Dial') {
    onDialAppData(ctx, leg, data, field(ev, 'Exten'));
  }
}
