/**
 * How calls end: normally at their last channel's Hangup; otherwise by `tick` (a Hangup that never
 * came), `endAll` (the engine gives up on a PBX, or a capture ends), or `recover` (a reconnect
 * found the call gone). No call stays open forever.
 */
import { emit, flush, newCtx, type Ctx, type Effect } from './effects.ts';
import { leaveBridge } from './legs.ts';
import { buildRecord } from './record.ts';
import { stopRinging } from './ringing.ts';
import type { CallState, EndReason, EngineState } from './state.ts';

export interface ReduceResult {
  state: EngineState;
  effects: readonly Effect[];
}

/** Ends a call at `at` (its last Hangup, or the best time known), and remembers it for late events. */
export function endCall(ctx: Ctx, call: CallState, reason: EndReason, at: number = ctx.t): void {
  if (call.ended) return;
  const { state } = ctx;
  const saved = ctx.t;
  ctx.t = at;
  for (const leg of call.legs) {
    if (leg.ringing || leg.stopPending) stopRinging(ctx, call, leg, leg.stopPending ? 'no-answer' : 'unknown');
  }
  if (call.talking) {
    call.talkMs += at - call.talkSince;
    call.talking = false;
    if (Number.isNaN(call.talkMs)) call.talkUnknown = true;
  }
  ctx.t = saved;
  call.ended = true;
  call.endedAt = at;
  call.endReason = reason;
  call.lastSeenAt = ctx.now;
  const party = call.external ?? call.origin;
  if (call.hangupCause === null && party !== null && party.cause !== null) {
    call.hangupCause = party.cause;
    call.hangupCauseText = party.causeText;
  }
  for (const leg of call.legs) {
    leaveBridge(state, leg);
    if (state.legs.get(leg.uniqueid) === leg) state.legs.delete(leg.uniqueid);
    if (leg.localBase !== null && state.localHalves.get(leg.localBase) === leg.uniqueid) state.localHalves.delete(leg.localBase);
    state.endedLegs.set(leg.uniqueid, call.key);
  }
  state.calls.delete(call.key);
  state.ended.set(call.key, call);
  forgetOldest(state, state.config.endedRetentionCount);
  emit(ctx, { type: 'call-ended', callId: call.id, record: buildRecord(call, state.config), phone: call.phone });
}

function forgetOldest(state: EngineState, keep: number): void {
  while (state.ended.size > keep) {
    const oldest = state.ended.keys().next();
    if (oldest.done === true) return;
    forget(state, oldest.value);
  }
}

function forget(state: EngineState, key: string): void {
  const call = state.ended.get(key);
  state.ended.delete(key);
  if (call === undefined) return;
  for (const leg of call.legs) if (state.endedLegs.get(leg.uniqueid) === key) state.endedLegs.delete(leg.uniqueid);
}

/**
 * Call now and then (say every 10 s) with the service clock. Ends calls that went silent for
 * `idleTimeoutMs`, and calls whose remaining channels were all asked to hang up `hangupGraceMs`
 * ago without a Hangup; forgets ended calls older than `endedRetentionMs`.
 */
export function tick(state: EngineState, now: number): ReduceResult {
  const ctx = newCtx(state, now, now);
  const { idleTimeoutMs, hangupGraceMs, endedRetentionMs } = state.config;
  for (const call of [...state.calls.values()]) {
    const silentFor = now - call.lastSeenAt;
    if (silentFor > idleTimeoutMs) {
      endCall(ctx, call, 'idle', call.lastEventAt);
    } else if (silentFor > hangupGraceMs && call.legs.every((l) => l.gone || l.hangingUp)) {
      endCall(ctx, call, 'hangup-missing', call.lastEventAt);
    }
  }
  for (const [key, call] of state.ended) {
    if (!(now - call.lastSeenAt > endedRetentionMs)) break;
    forget(state, key);
  }
  return { state, effects: flush(ctx) };
}

/** Why `endAll` ends the calls: `disconnected` marks every record as ended while disconnected. */
export type EndAllReason = 'disconnected' | 'shutdown' | 'capture-ended';

/**
 * Ends every open call at the last time the engine heard of it. For giving up on a PBX (no
 * reconnect in sight), shutting down, or the end of a capture. A short disconnect needs no
 * endAll: keep the state, and call `recover` once reconnected.
 */
export function endAll(state: EngineState, now: number, reason: EndAllReason): ReduceResult {
  const ctx = newCtx(state, now, now);
  for (const call of [...state.calls.values()]) {
    if (reason === 'disconnected') call.endedWhileDisconnected = true;
    endCall(ctx, call, reason, call.lastEventAt);
  }
  return { state, effects: flush(ctx) };
}
