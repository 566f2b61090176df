/**
 * Phones ringing, stopping, and answering. One pop per extension: a phone registered twice rings
 * on two legs but is one card, withdrawn when the last of them stops (or at once when one answers).
 */
import { emit, markDirty, type Ctx } from './effects.ts';
import type { StopReason } from './hangup-causes.ts';
import { directionOf, iso } from './record.ts';
import type { CallState, LegState } from './state.ts';

/** A phone starts ringing (DialBegin, AgentCalled, or a Ringing state with no dial seen). */
export function startRinging(ctx: Ctx, call: CallState, leg: LegState): void {
  if (leg.rang) return;
  leg.rang = true;
  if (Number.isNaN(leg.ringStart)) leg.ringStart = ctx.t;
  if (leg.role !== 'agent' || leg.gone || leg.answered || leg.extension === null) return;
  leg.ringing = true;
  const ext = leg.extension;
  if (!call.rang.includes(ext)) {
    call.rang = call.rang.concat(ext);
    markDirty(ctx, call);
  }
  // One pop per phone: a second registration of a ringing phone rings quietly.
  if (ringingLegs(call, ext, leg) > 0) return;
  emit(ctx, {
    type: 'agent-ringing',
    callId: call.id,
    extension: ext,
    channel: leg.channel,
    queue: leg.queue,
    group: leg.queue === null ? leg.group : null,
    direction: directionOf(call, ctx.state.config),
    externalNumber: call.externalNumber,
    normalizedNumber: call.normalizedNumber,
    externalName: call.externalName,
    did: call.did,
    at: iso(ctx.t),
  });
}

export function stopRinging(ctx: Ctx, call: CallState, leg: LegState, reason: StopReason): void {
  if (Number.isNaN(leg.ringEnd) && leg.rang) leg.ringEnd = ctx.t;
  leg.stopPending = false;
  if (!leg.ringing) return;
  leg.ringing = false;
  const ext = leg.extension!;
  if (reason !== 'answered-here' && ringingLegs(call, ext, leg) > 0) return;
  if (reason === 'answered-here') {
    // The phone's other registrations stop with it: the card becomes the call.
    for (const other of call.legs) {
      if (other !== leg && other.ringing && other.extension === ext) {
        other.ringing = false;
        other.stopPending = false;
        if (Number.isNaN(other.ringEnd)) other.ringEnd = ctx.t;
      }
    }
  }
  emit(ctx, { type: 'agent-stopped-ringing', callId: call.id, extension: ext, channel: leg.channel, reason, at: iso(ctx.t) });
}

/** Other legs of this phone still ringing in the call. */
function ringingLegs(call: CallState, ext: string, except: LegState): number {
  let n = 0;
  for (const l of call.legs) if (l !== except && l.ringing && l.extension === ext) n++;
  return n;
}

/**
 * A leg answered. An agent answering their own click-to-call (or outbound) leg does not answer the
 * call; the customer answering it does.
 */
export function legAnswered(ctx: Ctx, call: CallState, leg: LegState): void {
  if (leg.gone) return;
  leg.up = true;
  if (leg.answered) return;
  leg.answered = true;
  leg.answeredAt = ctx.t;
  if (leg.rang && Number.isNaN(leg.ringEnd)) leg.ringEnd = ctx.t;
  if (leg.ringing) stopRinging(ctx, call, leg, 'answered-here');
  for (const other of call.legs) {
    if (other !== leg && other.stopPending && other.dialer === leg.dialer) stopRinging(ctx, call, other, 'answered-elsewhere');
  }
  if (!answersCall(call, leg)) return;
  call.answered = true;
  call.answeredAt = ctx.t;
  call.answerLeg = leg;
  call.answeredBy = leg.role === 'agent' ? leg.extension : null;
  call.inQueue = false;
  markDirty(ctx, call);
  const direction = directionOf(call, ctx.state.config);
  const extension = direction === 'inbound' ? call.answeredBy : (call.answeredBy ?? call.origin?.extension ?? null);
  emit(ctx, { type: 'call-answered', callId: call.id, extension, at: iso(ctx.t) });
}

function answersCall(call: CallState, leg: LegState): boolean {
  if (call.answered || leg === call.origin) return false;
  if (leg.role === 'external') return leg.dialer !== null || leg.originate;
  if (leg.role !== 'agent') return false;
  // The agent an Originate rang first is the one placing the call (click-to-call).
  if (leg.originate) return false;
  const origin = call.origin;
  if (call.originate && origin !== null && origin.role === 'local' && origin.extension === leg.extension) return false;
  return true;
}

/**
 * Why a DialEnd CANCEL stopped this leg, if the call already tells: another leg of the same dial
 * answered, or the dialling side is hanging up. Null when neither is known yet.
 */
export function cancelReason(ctx: Ctx, call: CallState, leg: LegState): StopReason | null {
  for (const other of call.legs) {
    if (other !== leg && other.answered && other.dialer === leg.dialer && other.role !== 'local') return 'answered-elsewhere';
  }
  const caller = call.origin;
  if (caller !== null && !call.answered && (caller.gone || caller.hangingUp)) return 'caller-hung-up';
  // Rung through a Local channel (FreePBX queues and ring groups): the answer came on another Local.
  const answer = call.answerLeg;
  if (answer !== null && answer !== leg && answer.answeredAt >= leg.ringStart) return 'answered-elsewhere';
  if (leg.dialer === null) return null;
  const dialer = ctx.state.legs.get(leg.dialer);
  if (dialer === undefined || dialer.gone || dialer.hangingUp) return 'caller-hung-up';
  return null;
}

/** The dialling side hung up: every leg waiting for a reason stopped because of it. */
export function settlePending(ctx: Ctx, call: CallState, dialer: LegState | null, reason: StopReason): void {
  for (const leg of call.legs) {
    if (leg.stopPending && (dialer === null || leg.dialer === dialer.uniqueid)) stopRinging(ctx, call, leg, reason);
  }
}
