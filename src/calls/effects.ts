/**
 * What the engine asks the rest of the service to do, as data. `main.ts` routes each effect to the
 * adapter that carries it out (push to browsers, the store, the CRM outbox, recordings).
 *
 * Every effect about a phone names its extension, so a pop can be shown and withdrawn on exactly
 * the phones that ring. Records are snapshots: an adapter may keep them.
 *
 * The record effects of the event in which the engine learned the call's number also carry
 * `phone`: the engine's own reading of that number (`normalizePhone` of `externalNumber` with the
 * engine's `defaultRegion`, the one parse per call), so that the lookup and the pop's formatting
 * need not parse it again (the service keeps it with the call's context). Later effects leave it
 * out, so a call does not hold it for its whole life; it is never part of the record (not stored,
 * not printed). Effects built elsewhere (tests, tools) may leave it out too.
 */
import type { NormalizedPhone } from '../phone/types.ts';
import type { OriginateResult, StopReason } from './hangup-causes.ts';
import { buildRecord, type CallRecord } from './record.ts';
import type { CallState, Direction, EngineState, Transfer } from './state.ts';

export type Effect =
  /** A new call: its first channel appeared (or a reconnect found it going on: `record.recovered`). */
  | { type: 'call-started'; callId: string; record: CallRecord; phone?: NormalizedPhone | null }
  /** A phone started ringing: pop a card on it. */
  | {
      type: 'agent-ringing';
      callId: string;
      extension: string;
      channel: string;
      /** The queue that rang it, if any. */
      queue: string | null;
      /** The ring group (the dialplan extension of a Dial() to several phones), if any. */
      group: string | null;
      direction: Direction;
      externalNumber: string | null;
      normalizedNumber: string | null;
      externalName: string | null;
      did: string | null;
      at: string | null;
    }
  /** A phone stopped ringing: withdraw its card (or turn it into the call, when answered here). */
  | { type: 'agent-stopped-ringing'; callId: string; extension: string; channel: string; reason: StopReason; at: string | null }
  /** The call was answered; `extension` is the agent on it (null when no agent: a forward to an outside number). */
  | { type: 'call-answered'; callId: string; extension: string | null; at: string | null }
  | { type: 'call-transferred'; callId: string; transfer: Transfer }
  /**
   * The recording's name became known. `path` is the full path on the PBX when the events gave it:
   * for the recordings adapter only, never for browsers.
   */
  | { type: 'recording-located'; callId: string; file: string; path: string | null }
  /** An Originate failed (`callId` null when no call came of it: the phone could not even be called). */
  | {
      type: 'originate-failed';
      callId: string | null;
      actionId: string | null;
      channel: string | null;
      clickToCallId: string | null;
      result: OriginateResult;
      reason: number;
      description: string;
    }
  /** A bug in the engine met an event it could not handle; the event was skipped. For the logs. */
  | { type: 'engine-error'; event: string; message: string }
  /** The record changed: upsert it. */
  | { type: 'call-updated'; callId: string; record: CallRecord; phone?: NormalizedPhone | null }
  /** The call is over; this is its final record (a late Cdr may still refine it with `call-updated`). */
  | { type: 'call-ended'; callId: string; record: CallRecord; phone?: NormalizedPhone | null };

export type EffectType = Effect['type'];

/** Shared by every handler of one event: the time it happened and the effects so far. */
export interface Ctx {
  readonly state: EngineState;
  /** Event time: the `Timestamp` header, else the service clock; NaN when neither is known. */
  t: number;
  /** The service clock. */
  readonly now: number;
  /** Null until the first effect: most events have none, and allocate nothing. */
  effects: Effect[] | null;
  /** Calls whose record changed during this event (a call-updated is sent for each at the end). */
  dirty: CallState[] | null;
}

export const NO_EFFECTS: readonly Effect[] = Object.freeze([]) as readonly Effect[];

export function newCtx(state: EngineState, t: number, now: number): Ctx {
  return { state, t, now, effects: null, dirty: null };
}

export function emit(ctx: Ctx, effect: Effect): void {
  if (ctx.effects === null) ctx.effects = [effect];
  else ctx.effects.push(effect);
}

export function markDirty(ctx: Ctx, call: CallState): void {
  if (ctx.dirty === null) ctx.dirty = [call];
  else if (!ctx.dirty.includes(call)) ctx.dirty.push(call);
}

/** Ends an event: one call-updated per changed call that neither started nor ended in it. */
export function flush(ctx: Ctx): readonly Effect[] {
  for (const call of ctx.dirty ?? NO_CALLS) {
    if (call.ended) {
      call.phone = null;
      continue;
    }
    let covered = false;
    for (const e of ctx.effects ?? NO_EFFECTS) {
      if (e.type === 'call-started' && e.callId === call.id) {
        // The started record is stale by now: refresh it instead of sending a second effect.
        e.record = buildRecord(call, ctx.state.config);
        e.phone = call.phone;
        covered = true;
        break;
      }
    }
    if (!covered) emit(ctx, { type: 'call-updated', callId: call.id, record: buildRecord(call, ctx.state.config), phone: call.phone });
    // Handed on with this event's effects: the call need not keep it (memory per call).
    call.phone = null;
  }
  return ctx.effects ?? NO_EFFECTS;
}

const NO_CALLS: readonly CallState[] = Object.freeze([]);
