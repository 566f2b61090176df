/**
 * Recovery after a (re)connect: the client asks `CoreShowChannels` (and `Status`, for channel
 * variables such as the DID and the recording) and hands the list items here. Calls going on are
 * rebuilt (or brought up to date); calls the engine knew that are gone are ended at the last time
 * it heard of them and marked as ended while disconnected.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field, eventName } from './fields.ts';
import { dialledNumber, uniqueidEpochMs } from './channels.ts';
import { stripUnderscores } from './config.ts';
import { flush, markDirty, newCtx, type Ctx } from './effects.ts';
import { callOf, enterBridge, intern, leaveBridge, legFields, own, present, setExternal, touchLeg, updateTalk } from './legs.ts';
import { endCall, type ReduceResult } from './lifecycle.ts';
import { partyLeg } from './record.ts';
import { legAnswered, startRinging, stopRinging } from './ringing.ts';
import type { CallState, EngineState, LegState } from './state.ts';
import { applyVariable } from './variables.ts';

export interface RecoverOptions {
  /**
   * The lists are complete (every channel on the PBX): calls and legs not in them are gone.
   * Default true. Pass false for a `Status` of one channel, which only adds detail.
   */
  endMissing?: boolean;
  /**
   * When the engine stopped hearing from the PBX (the link was lost, or the previous run of the
   * service last knew it alive), epoch ms. A call gone from the lists ended inside the gap, so no
   * earlier than this: it is ended at the later of this and its last event. Default: unknown.
   */
  lostAt?: number;
}

interface Snapshot {
  leg: LegState;
  app: string | null;
  appData: string;
  bridge: string | null;
  state: string;
  items: AmiMessage[];
}

/**
 * Rebuilds calls in progress from `CoreShowChannel` and `Status` list items (either list may be
 * empty; an item in both is one channel). `now` is the service clock.
 */
export function recover(
  state: EngineState,
  coreShowChannels: readonly AmiMessage[],
  statusEvents: readonly AmiMessage[],
  now: number,
  options: RecoverOptions = {},
): ReduceResult {
  const ctx = newCtx(state, now, now);
  // Whatever the engine followed when it lost sight of the PBX may have changed unseen: the PBX's
  // CDRs will be asked about it (cdr-backfill.ts).
  if (options.endMissing !== false) for (const call of state.calls.values()) call.spannedGap = true;
  const items = new Map<string, AmiMessage[]>();
  for (const m of [...coreShowChannels, ...statusEvents]) {
    if (eventName(m) !== 'CoreShowChannel' && eventName(m) !== 'Status') continue;
    const uid = field(m, 'Uniqueid');
    if (uid === undefined || uid === '') continue;
    const list = items.get(uid);
    if (list === undefined) items.set(uid, [m]);
    else list.push(m);
  }
  const seen: Snapshot[] = [];
  const fresh = new Set<CallState>();
  // The call's first channel (its Uniqueid is the Linkedid; else the oldest) is placed first: it is
  // the call's origin, whatever order the PBX lists channels in.
  for (const [uid, list] of [...items].sort(byAge)) {
    const snap = placeLeg(ctx, uid, list, fresh, items);
    if (snap !== null) seen.push(snap);
  }
  for (const snap of seen) describeLeg(ctx, snap);
  const snaps = new Map(seen.map((snap) => [snap.leg.uniqueid, snap]));
  for (const snap of seen) connectLeg(ctx, snap, fresh, snaps);
  // Talk that began while the engine was not watching began at an unknown time, after sight was
  // lost (or the call began) and before now: the clock runs from now, and the part before is
  // counted from the likeliest moment until the PBX's CDRs tell better. A call restored after a
  // restart lost its old legs' story: its talk is left to the CDRs (or its record) altogether.
  const saved = ctx.t;
  for (const snap of seen) {
    const call = callOf(state, snap.leg);
    if (call === undefined) continue;
    const wasTalking = call.talking;
    ctx.t = call.restored === null ? saved : Number.NaN;
    updateTalk(ctx, call);
    if (!wasTalking && call.talking && call.restored === null) {
      const lostAt = options.lostAt ?? Number.NaN;
      const lo = Math.max(Number.isFinite(lostAt) ? lostAt : -Infinity, call.startedAt, Number.isFinite(call.answeredAt) ? call.answeredAt : -Infinity);
      call.unseenTalk = { lo: Number.isFinite(lo) && lo <= saved ? lo : saved, hi: saved, until: saved };
    }
  }
  ctx.t = saved;
  if (options.endMissing !== false) endMissing(ctx, items, options.lostAt ?? Number.NaN);
  return { state, effects: flush(ctx) };
}

/** Linkedid channels first, then by Uniqueid (`<epoch>.<sequence>`: creation order on one PBX). */
function byAge([a, la]: [string, AmiMessage[]], [b, lb]: [string, AmiMessage[]]): number {
  const aFirst = field(la[0]!, 'Linkedid') === a ? 0 : 1;
  const bFirst = field(lb[0]!, 'Linkedid') === b ? 0 : 1;
  if (aFirst !== bFirst) return aFirst - bFirst;
  return compareUniqueids(a, b);
}

/** Orders Uniqueids `<epoch>.<sequence>` (optionally `<system>-` prefixed) by creation; others by text. */
export function compareUniqueids(a: string, b: string): number {
  const pa = uniqueidParts(a);
  const pb = uniqueidParts(b);
  if (pa !== null && pb !== null) return pa[0] - pb[0] || pa[1] - pb[1];
  return a < b ? -1 : a > b ? 1 : 0;
}

function uniqueidParts(uid: string): [number, number] | null {
  const m = /(\d+)\.(\d+)$/.exec(uid);
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

function placeLeg(ctx: Ctx, uid: string, list: AmiMessage[], fresh: Set<CallState>, aliveUids: ReadonlyMap<string, unknown>): Snapshot | null {
  const { state } = ctx;
  const item = list[0]!;
  const f = legFields(item);
  if (f === null) return null;
  if (state.ended.has(f.linkedid)) revive(state, f.linkedid, aliveUids);
  const isNewCall = !state.calls.has(f.linkedid);
  const known = state.legs.has(uid);
  const leg = touchLeg(ctx, f, true);
  if (leg === null) return null;
  const call = callOf(state, leg);
  if (call === undefined) return null;
  if (isNewCall) {
    call.recovered = true;
    call.spannedGap = true;
    fresh.add(call);
    const epoch = uniqueidEpochMs(call.key);
    if (!Number.isNaN(epoch)) call.startedAt = epoch;
  }
  if (!known) leg.createdAt = createdAt(ctx, list, uid);
  if (isNewCall && call.origin === leg) call.startedAt = Number.isNaN(uniqueidEpochMs(call.key)) ? leg.createdAt : call.startedAt;
  const first = (key: string): string | undefined => {
    for (const m of list) {
      const v = field(m, key);
      if (v !== undefined && v !== '') return v;
    }
    return undefined;
  };
  return {
    leg,
    app: first('Application') ?? null,
    appData: first('ApplicationData') ?? first('Data') ?? '',
    bridge: first('BridgeId') ?? null,
    state: first('ChannelStateDesc') ?? '',
    items: list,
  };
}

/** A channel's birth: its Uniqueid's epoch, else its age (Status `Seconds`, CoreShowChannel `Duration`). */
function createdAt(ctx: Ctx, list: AmiMessage[], uid: string): number {
  const epoch = uniqueidEpochMs(uid);
  if (!Number.isNaN(epoch)) return epoch;
  for (const m of list) {
    const secs = Number(field(m, 'Seconds'));
    if ((field(m, 'Seconds') !== undefined) && Number.isFinite(secs)) return ctx.now - secs * 1000;
    const hms = /^(\d+):(\d{2}):(\d{2})$/.exec(field(m, 'Duration') ?? '');
    if (hms !== null) return ctx.now - (+hms[1]! * 3600 + +hms[2]! * 60 + +hms[3]!) * 1000;
  }
  return ctx.now;
}

/** Channel variables (Status `Variable:` lines), the DNID, bridges and queues. */
function describeLeg(ctx: Ctx, snap: Snapshot): void {
  const { state } = ctx;
  const call = callOf(state, snap.leg);
  if (call === undefined) return;
  if (snap.bridge !== null && snap.leg.bridge !== snap.bridge) enterBridge(state, snap.leg, own(snap.bridge));
  let dnid: string | null = null;
  for (const item of snap.items) {
    for (const [name, value] of item.variables()) {
      const meaning = state.config.variables.get(stripUnderscores(name));
      if (meaning !== undefined && value !== '') applyVariable(ctx, call, meaning.kind, meaning.rank, value);
    }
    dnid ??= present(field(item, 'DNID'));
  }
  if (dnid !== null && call.did === null && snap.leg === call.origin && snap.leg.role === 'external') {
    call.did = intern(state, dnid);
    markDirty(ctx, call);
  }
  if (snap.app === 'Queue' && snap.leg === partyLeg(call)) {
    const comma = snap.appData.indexOf(',');
    const queue = comma >= 0 ? snap.appData.slice(0, comma) : snap.appData;
    if (queue !== '' && call.queue === null) {
      call.queue = intern(state, queue);
      markDirty(ctx, call);
    }
    if (!call.answered) call.inQueue = true;
  }
}

/** Dialled legs: who dialled them, and whether they ring now or answered while the engine was away. */
function connectLeg(ctx: Ctx, snap: Snapshot, fresh: Set<CallState>, snaps: ReadonlyMap<string, Snapshot>): void {
  const leg = snap.leg;
  const call = callOf(ctx.state, leg);
  if (call === undefined) return;
  if (leg === call.origin && snap.app === 'AppDial2' && leg.role !== 'local' && !leg.originate) {
    // An Originate's first leg (our click-to-call rings the agent first): ringing, it pops; its
    // OriginateResponse will find the call by this phone.
    leg.originate = true;
    call.originate = true;
    if (snap.state === 'Ringing' && !leg.rang) {
      leg.ringStart = leg.createdAt;
      startRinging(ctx, call, leg);
    }
    markDirty(ctx, call);
    return;
  }
  if (leg === call.origin || (leg.role !== 'agent' && leg.role !== 'external')) return;
  if (leg.dialer === null && !leg.originate) {
    const dialer = call.legs.find((l) => l !== leg && (l === call.origin || l.role === 'local') && !l.gone) ?? null;
    leg.dialer = dialer === null ? null : dialer.uniqueid;
  }
  if (snap.app === 'AppQueue' && leg.queue === null) leg.queue = call.queue;
  // An outside leg that something dialled is the customer (an outbound call, or a restored one).
  if (leg.role === 'external' && call.external === null) {
    // The number dialled is in the dialling channel's Dial() data (`PJSIP/16175550105@carrier,30`).
    const dialer = leg.dialer === null ? undefined : snaps.get(leg.dialer);
    const target = dialer !== undefined && dialer.app === 'Dial' ? dialer.appData.split(',')[0] ?? '' : '';
    const number = target !== '' && !target.includes('&') ? present(dialledNumber(target)) : null;
    setExternal(ctx, call, leg, number, null);
  }
  if (snap.state === 'Ringing' && !leg.rang) {
    leg.ringStart = leg.createdAt;
    startRinging(ctx, call, leg);
  } else if (snap.state === 'Up' && !leg.answered) {
    if (!leg.rang && (fresh.has(call) || leg.role === 'agent')) {
      // It rang before the engine watched; when, only the Cdr will tell.
      leg.rang = true;
      if (leg.role === 'agent' && leg.extension !== null && !call.rang.includes(leg.extension)) call.rang = call.rang.concat(leg.extension);
    }
    const saved = ctx.t;
    ctx.t = Number.NaN;
    legAnswered(ctx, call, leg);
    ctx.t = saved;
    markDirty(ctx, call);
  }
}

/**
 * Legs missing from a complete snapshot are gone; a call with none left ended while disconnected,
 * no earlier than the moment the link was lost (`lostAt`), nor than its last event.
 */
function endMissing(ctx: Ctx, items: Map<string, AmiMessage[]>, lostAt: number): void {
  for (const call of [...ctx.state.calls.values()]) {
    let changed = false;
    const goneAt = Number.isFinite(lostAt) && !(call.lastEventAt >= lostAt) ? lostAt : call.lastEventAt;
    for (const leg of call.legs) {
      if (leg.gone || items.has(leg.uniqueid)) continue;
      const saved = ctx.t;
      ctx.t = goneAt;
      if (leg.ringing || leg.stopPending) stopRinging(ctx, call, leg, 'unknown');
      ctx.t = saved;
      leg.gone = true;
      leaveBridge(ctx.state, leg);
      call.liveLegs--;
      changed = true;
    }
    // A call restored after a restart has no leg until the PBX lists one: none listed, it is gone.
    if (!changed && call.liveLegs > 0) continue;
    if (call.liveLegs <= 0) {
      call.endedWhileDisconnected = true;
      endCall(ctx, call, 'gone-after-reconnect', goneAt);
    } else {
      const saved = ctx.t;
      ctx.t = goneAt;
      updateTalk(ctx, call);
      ctx.t = saved;
      markDirty(ctx, call);
    }
  }
}

/**
 * A call ended by `endAll` (the engine gave up during a long disconnect) is still going on: it
 * comes back as it was, so its record keeps its history. The legs still alive are re-added.
 */
function revive(state: EngineState, key: string, alive: ReadonlyMap<string, unknown>): void {
  const call = state.ended.get(key);
  if (call === undefined) return;
  state.ended.delete(key);
  for (const leg of call.legs) if (state.endedLegs.get(leg.uniqueid) === key) state.endedLegs.delete(leg.uniqueid);
  call.legs = call.legs.filter((l) => !alive.has(l.uniqueid));
  call.liveLegs = 0;
  call.ended = false;
  call.endedAt = Number.NaN;
  call.endReason = null;
  call.endedWhileDisconnected = false;
  if (call.origin !== null && alive.has(call.origin.uniqueid)) call.origin = null;
  if (call.external !== null && alive.has(call.external.uniqueid)) call.external = null;
  state.calls.set(key, call);
}
