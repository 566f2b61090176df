/**
 * Legs (channels) and the calls they make up: finding or creating them from an event's Uniqueid
 * and Linkedid, moving a leg when Asterisk re-links it, bridges, and the talk clock (the outside
 * party connected to an agent, directly or through Local channel pairs).
 */
import type { AmiMessage } from '../ami/message.ts';
import { field, unescapedField } from './fields.ts';
import { normalizePhone } from '../phone/index.ts';
import { classifyChannel } from './channels.ts';
import { emit, markDirty, type Ctx } from './effects.ts';
import { endCall } from './lifecycle.ts';
import { buildRecord, partyLeg } from './record.ts';
import { CallState, LegState, type EngineState } from './state.ts';

/**
 * Copies a string out of the message it was sliced from. V8 keeps a slice's whole parent alive;
 * a leg lives for minutes, and must not pin a kilobyte of event text per field.
 */
export function own(s: string): string {
  // Short strings are copied by V8 anyway; a JSON round trip makes a flat copy of the rest.
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** At most this many distinct words are shared; past that, values are copied as they come. */
const MAX_WORDS = 10_000;

/**
 * The engine's one copy of a value that many calls repeat (extensions, DIDs, queue names, dial
 * statuses, hangup cause texts): thousands of calls then hold one string instead of one each.
 */
export function intern(state: EngineState, s: string): string {
  const known = state.words.get(s);
  if (known !== undefined) return known;
  const copy = own(s);
  if (state.words.size < MAX_WORDS) state.words.set(copy, copy);
  return copy;
}

/** `<unknown>` and empty mean "none" in AMI's caller ID fields. */
export function present(value: string | undefined): string | null {
  return value === undefined || value === '' || value === '<unknown>' ? null : value;
}

export function newCall(ctx: Ctx, key: string): CallState {
  const { state } = ctx;
  const call = new CallState(key, state.config.callIdPrefix + key, ctx.t, ctx.now);
  state.calls.set(key, call);
  return call;
}

export interface LegFields {
  uniqueid: string;
  linkedid: string;
  channel: string;
  context?: string | undefined;
  exten?: string | undefined;
  callerIdNum?: string | undefined;
  callerIdName?: string | undefined;
  up?: boolean;
}

/** The leg fields of a channel event (`Channel`, `Uniqueid`, ...), or of its `Dest*` side. */
export function legFields(ev: AmiMessage, prefix: '' | 'Dest' = ''): LegFields | null {
  const uniqueid = field(ev, `${prefix}Uniqueid`);
  const channel = field(ev, `${prefix}Channel`);
  if (uniqueid === undefined || channel === undefined || uniqueid === '' || uniqueid === '<unknown>' || channel === '') return null;
  const linkedid = field(ev, `${prefix}Linkedid`);
  return {
    uniqueid,
    linkedid: linkedid === undefined || linkedid === '' ? uniqueid : linkedid,
    channel,
    context: field(ev, `${prefix}Context`),
    exten: field(ev, `${prefix}Exten`),
    callerIdNum: field(ev, `${prefix}CallerIDNum`),
    callerIdName: unescapedField(ev, `${prefix}CallerIDName`),
    up: field(ev, `${prefix}ChannelStateDesc`) === 'Up',
  };
}

/** The leg an event is about (and its call); `create` for events that may be the first we hear of it. */
export function legAndCall(ctx: Ctx, ev: AmiMessage, create: boolean): [LegState, CallState] | null {
  const leg = legOf(ctx, ev, '', create);
  if (leg === null) return null;
  const call = callOf(ctx.state, leg);
  return call === undefined ? null : [leg, call];
}

const KEYS = {
  '': { uniqueid: 'Uniqueid', linkedid: 'Linkedid' },
  Dest: { uniqueid: 'DestUniqueid', linkedid: 'DestLinkedid' },
} as const;

/**
 * The leg of an event's channel (or of its `Dest*` channel). A known leg is found by its Uniqueid
 * alone, reading nothing else of the event: most events are about legs the engine already follows.
 */
export function legOf(ctx: Ctx, ev: AmiMessage, prefix: '' | 'Dest', create: boolean): LegState | null {
  const keys = KEYS[prefix];
  const uniqueid = field(ev, keys.uniqueid);
  if (uniqueid === undefined) return null;
  const leg = ctx.state.legs.get(uniqueid);
  if (leg !== undefined) {
    const linkedid = field(ev, keys.linkedid);
    if (linkedid !== undefined && linkedid !== '' && linkedid !== leg.callKey && !ctx.state.ended.has(linkedid)) relink(ctx, leg, linkedid);
    touchCall(ctx, leg);
    return leg;
  }
  if (!create) return null;
  const f = legFields(ev, prefix);
  return f === null ? null : touchLeg(ctx, f, true);
}

/**
 * The leg an event is about. Creates it (and its call) when `create` is set and the call has not
 * already ended; re-links it when its Linkedid changed. Null when there is nothing to follow.
 */
export function touchLeg(ctx: Ctx, f: LegFields, create: boolean): LegState | null {
  const { state } = ctx;
  let leg = state.legs.get(f.uniqueid);
  if (leg !== undefined) {
    if (f.linkedid !== f.uniqueid && leg.callKey !== f.linkedid && !state.ended.has(f.linkedid)) relink(ctx, leg, f.linkedid);
    touchCall(ctx, leg);
    return leg;
  }
  if (!create || state.ended.has(f.linkedid) || state.endedLegs.has(f.uniqueid)) return null;
  let call = state.calls.get(f.linkedid);
  const isNewCall = call === undefined;
  if (call === undefined) call = newCall(ctx, own(f.linkedid));
  leg = addLeg(ctx, call, f);
  if (isNewCall) emit(ctx, { type: 'call-started', callId: call.id, record: buildRecord(call, state.config), phone: call.phone });
  touchCall(ctx, leg);
  return leg;
}

export function addLeg(ctx: Ctx, call: CallState, f: LegFields): LegState {
  const { state } = ctx;
  const info = classifyChannel(f.channel, f.context, state.config);
  // The first leg's Uniqueid is the call's Linkedid: one string for both.
  const uniqueid = f.uniqueid === call.key ? call.key : own(f.uniqueid);
  const extension = info.extension === null ? null : intern(state, info.extension);
  const leg = new LegState(uniqueid, own(f.channel), call.key, info.role, extension, ctx.t);
  if (info.localBase !== null) leg.localBase = own(info.localBase);
  if (f.up === true) leg.up = true;
  if (leg.role === 'external') {
    const num = present(f.callerIdNum);
    if (num !== null) leg.callerIdNum = own(num);
  }
  state.legs.set(leg.uniqueid, leg);
  // concat, not push: a pushed-to array reserves room for 16 more legs, in every call.
  call.legs = call.legs.concat(leg);
  call.liveLegs++;
  if (leg.localBase !== null) pairLocal(state, leg);
  placeLeg(ctx, call, leg, f);
  return leg;
}

/** Decides what a new leg means for its call: the origin, the outside party, the DID. */
function placeLeg(ctx: Ctx, call: CallState, leg: LegState, f: LegFields): void {
  // A call restored after a restart had its first leg before: only the Linkedid's own channel is it.
  if (call.origin === null && (leg.uniqueid === call.key || (call.legs.length === 1 && call.restored === null))) {
    call.origin = leg;
    if (call.restored === null && (Number.isNaN(call.startedAt) || leg.uniqueid === call.key)) call.startedAt = leg.createdAt;
  }
  if (leg.role === 'external' && call.external === null && leg === call.origin) {
    setExternal(ctx, call, leg, leg.callerIdNum, present(f.callerIdName));
    // The dialled extension of an inbound channel is its DID until a DID variable says otherwise.
    if (f.exten !== undefined && f.exten !== '' && f.exten !== 's' && call.did === null) call.did = intern(ctx.state, f.exten);
  }
  markDirty(ctx, call);
}

export function setExternal(ctx: Ctx, call: CallState, leg: LegState, num: string | null, name: string | null): void {
  call.external = leg;
  if (num !== null && call.externalNumber === null) setExternalNumber(ctx, call, num);
  if (name !== null && call.externalName === null) call.externalName = own(name);
  markDirty(ctx, call);
}

export function setExternalNumber(ctx: Ctx, call: CallState, num: string): void {
  const number = own(num);
  call.externalNumber = number;
  // The call's own copy is read, so that the reading (its `raw`) does not pin the event's text.
  const n = normalizePhone(number, { defaultRegion: ctx.state.config.defaultRegion });
  // Trunks mostly present E.164 already: then one string serves both fields.
  call.normalizedNumber = n.kind !== 'number' ? null : n.e164 === call.externalNumber ? call.externalNumber : n.e164;
  call.phone = n;
  markDirty(ctx, call);
}

function pairLocal(state: EngineState, leg: LegState): void {
  const base = leg.localBase!;
  const other = state.localHalves.get(base);
  if (other === undefined || other === leg.uniqueid) {
    state.localHalves.set(base, leg.uniqueid);
    return;
  }
  const partner = state.legs.get(other);
  state.localHalves.delete(base);
  if (partner === undefined) return;
  partner.partner = leg.uniqueid;
  leg.partner = partner.uniqueid;
}

/** Records that an event for this call arrived now (idle timeouts count from here). */
export function touchCall(ctx: Ctx, leg: LegState): CallState | undefined {
  const call = ctx.state.calls.get(leg.callKey);
  if (call !== undefined) {
    if (!(call.lastEventAt >= ctx.t)) call.lastEventAt = Number.isNaN(ctx.t) ? call.lastEventAt : ctx.t;
    call.lastSeenAt = ctx.now;
  }
  return call;
}

export function callOf(state: EngineState, leg: LegState): CallState | undefined {
  return state.calls.get(leg.callKey);
}

/**
 * Asterisk re-links channels when a transfer joins two calls; the leg then belongs to the call of
 * its new Linkedid. The call it leaves ends when it has no live leg left.
 */
function relink(ctx: Ctx, leg: LegState, linkedid: string): void {
  const { state } = ctx;
  const from = state.calls.get(leg.callKey);
  let to = state.calls.get(linkedid);
  if (to === undefined) {
    to = newCall(ctx, own(linkedid));
    emit(ctx, { type: 'call-started', callId: to.id, record: buildRecord(to, state.config), phone: to.phone });
  }
  if (from !== undefined) {
    from.legs = from.legs.filter((l) => l !== leg);
    if (!leg.gone) from.liveLegs--;
    if (from.origin === leg) from.origin = null;
    if (from.external === leg) from.external = null;
  }
  leg.callKey = to.key;
  to.legs = to.legs.concat(leg);
  if (!leg.gone) to.liveLegs++;
  markDirty(ctx, to);
  if (from !== undefined) {
    updateTalk(ctx, from);
    if (from.liveLegs <= 0) endCall(ctx, from, 'hangup');
    else markDirty(ctx, from);
  }
  updateTalk(ctx, to);
}

// ---- bridges and talk ----

export function enterBridge(state: EngineState, leg: LegState, bridgeId: string): void {
  if (leg.bridge === bridgeId) return;
  if (leg.bridge !== null) leaveBridge(state, leg);
  const bridge = state.bridges.get(bridgeId);
  if (bridge === undefined) {
    const id = own(bridgeId);
    state.bridges.set(id, { id, members: [leg.uniqueid] });
    leg.bridge = id;
    return;
  }
  // The bridge's own copy of the id: the event's would keep the whole event's text alive.
  if (!bridge.members.includes(leg.uniqueid)) bridge.members = bridge.members.concat(leg.uniqueid);
  leg.bridge = bridge.id;
}

export function leaveBridge(state: EngineState, leg: LegState): void {
  const id = leg.bridge;
  if (id === null) return;
  leg.bridge = null;
  const bridge = state.bridges.get(id);
  if (bridge === undefined) return;
  bridge.members = bridge.members.filter((m) => m !== leg.uniqueid);
  if (bridge.members.length === 0) state.bridges.delete(id);
}

/**
 * The live agent legs (real phones, not Local plumbing) connected to `from` through bridges and
 * Local channel pairs. Calls have a handful of legs, so a breadth-first walk is cheap.
 */
export function connectedAgents(state: EngineState, from: LegState): LegState[] {
  const out: LegState[] = [];
  const seen = new Set<string>([from.uniqueid]);
  const queue: LegState[] = [from];
  for (let i = 0; i < queue.length; i++) {
    const leg = queue[i]!;
    const next: string[] = [];
    if (leg.bridge !== null) {
      const bridge = state.bridges.get(leg.bridge);
      if (bridge !== undefined) for (const id of bridge.members) next.push(id);
    }
    if (leg.partner !== null) next.push(leg.partner);
    for (const id of next) {
      if (seen.has(id)) continue;
      seen.add(id);
      const other = state.legs.get(id);
      if (other === undefined || other.gone) continue;
      if (other.role === 'agent') out.push(other);
      if (other.role === 'local' || other.role === 'other' || other.role === 'agent') queue.push(other);
    }
  }
  return out;
}

/** Starts or stops the talk clock: talking means the outside party is connected to an answered agent. */
export function updateTalk(ctx: Ctx, call: CallState): void {
  const party = partyLeg(call);
  let talking = false;
  if (party !== null && !party.gone && party.bridge !== null) {
    for (const agent of connectedAgents(ctx.state, party)) {
      if (agent !== party && agent.up) {
        talking = true;
        break;
      }
    }
  }
  if (talking === call.talking) return;
  call.talking = talking;
  if (talking) {
    call.talkSince = ctx.t;
  } else {
    call.talkMs += ctx.t - call.talkSince;
    call.talkSince = Number.NaN;
  }
  // With no clock there is nothing to count from; the PBX's figures (Cdr) give the talk time instead.
  if (Number.isNaN(call.talkMs) || Number.isNaN(ctx.t)) call.talkUnknown = true;
}
