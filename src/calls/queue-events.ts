/**
 * app_queue's events: the caller joins, members are called, one connects (or the caller abandons),
 * and the queue's own figures (HoldTime, TalkTime) become the call's ring and talk times.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field, eventName } from './fields.ts';
import { markDirty, type Ctx } from './effects.ts';
import { callOf, intern, legAndCall, legOf } from './legs.ts';
import { legAnswered, settlePending, startRinging, stopRinging } from './ringing.ts';
import type { CallState, LegState } from './state.ts';

export function onQueueCallerJoin(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, true);
  if (found === null) return;
  const call = found[1];
  setQueue(ctx, call, field(ev, 'Queue'));
  call.inQueue = true;
  if (Number.isNaN(call.queueJoinAt)) call.queueJoinAt = ctx.t;
}

export function onQueueCallerLeave(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found === null) return;
  const call = found[1];
  call.inQueue = false;
  if (Number.isNaN(call.queueLeftAt)) call.queueLeftAt = ctx.t;
}

export function onQueueCallerAbandon(ctx: Ctx, ev: AmiMessage): void {
  const found = legAndCall(ctx, ev, false);
  if (found === null) return;
  const call = found[1];
  call.abandoned = !call.answered;
  call.inQueue = false;
  if (Number.isNaN(call.queueLeftAt)) call.queueLeftAt = ctx.t;
  const hold = seconds(field(ev, 'HoldTime'));
  if (hold !== null) call.queueHoldSeconds = hold;
  settlePending(ctx, call, null, 'caller-hung-up');
  markDirty(ctx, call);
}

/** A member's phone is called: it rings for this queue. */
export function onAgentCalled(ctx: Ctx, ev: AmiMessage): void {
  const member = memberLeg(ctx, ev, true);
  if (member === null) return;
  const [caller, leg, call] = member;
  setQueue(ctx, call, field(ev, 'Queue'));
  if (leg.dialer === null && !leg.originate && caller !== null) leg.dialer = caller.uniqueid;
  if (leg.queue === null && call.queue !== null) leg.queue = call.queue;
  startRinging(ctx, call, leg);
}

export function onAgentConnect(ctx: Ctx, ev: AmiMessage): void {
  const member = memberLeg(ctx, ev, false);
  if (member === null) return;
  const [, leg, call] = member;
  const hold = seconds(field(ev, 'HoldTime'));
  if (hold !== null && call.queueHoldSeconds === null) call.queueHoldSeconds = hold;
  call.inQueue = false;
  legAnswered(ctx, call, leg);
  markDirty(ctx, call);
}

export function onAgentComplete(ctx: Ctx, ev: AmiMessage): void {
  const member = memberLeg(ctx, ev, false);
  if (member === null) return;
  const [, leg, call] = member;
  const talk = seconds(field(ev, 'TalkTime'));
  if (talk !== null && leg.queueTalkSeconds === null) {
    leg.queueTalkSeconds = talk;
    call.queueTalkSeconds = (call.queueTalkSeconds ?? 0) + talk;
  }
  const reason = field(ev, 'Reason');
  if (reason !== undefined) call.queueCompleteReason = intern(ctx.state, reason);
  markDirty(ctx, call);
}

/** AgentRingNoAnswer (the member's ring timed out) and AgentDump (the member hung up on the announcement). */
export function onAgentStopped(ctx: Ctx, ev: AmiMessage): void {
  const member = memberLeg(ctx, ev, false);
  if (member === null) return;
  const [, leg, call] = member;
  stopRinging(ctx, call, leg, eventName(ev) === 'AgentDump' ? 'rejected' : 'no-answer');
}

/** The caller's leg (the event's channel) and the member's leg (its `Dest*` channel). */
function memberLeg(ctx: Ctx, ev: AmiMessage, create: boolean): [LegState | null, LegState, CallState] | null {
  const caller = legOf(ctx, ev, '', create);
  const leg = legOf(ctx, ev, 'Dest', create);
  if (leg === null) return null;
  const call = callOf(ctx.state, leg);
  return call === undefined ? null : [caller, leg, call];
}

function setQueue(ctx: Ctx, call: CallState, queue: string | undefined): void {
  if (queue === undefined || queue === '' || call.queue === queue) return;
  call.queue = intern(ctx.state, queue);
  markDirty(ctx, call);
}

function seconds(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}
