/**
 * What channel variables and dialplan steps tell about a call: the recording's file, the DID, our
 * click-to-call id, the outcome of a Dial(), and which phones a Dial() named.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field, unescapedField } from './fields.ts';
import { dialTargets } from './channels.ts';
import { stripUnderscores } from './config.ts';
import { emit, markDirty, type Ctx } from './effects.ts';
import { intern, legAndCall, own } from './legs.ts';
import type { CallState, LegState } from './state.ts';

export function onVariable(ctx: Ctx, ev: AmiMessage): void {
  const variable = field(ev, 'Variable');
  const value = unescapedField(ev, 'Value') ?? '';
  if (variable === undefined) return;
  const name = stripUnderscores(variable);
  if (name === 'DIALSTATUS') {
    if (value === '') return; // cleared as a Dial() starts
    const found = legAndCall(ctx, ev, false);
    if (found !== null) dialFinished(ctx, found[1], found[0], value);
    return;
  }
  const meaning = ctx.state.config.variables.get(name);
  if (meaning === undefined || value === '') return;
  const found = legAndCall(ctx, ev, true);
  if (found === null) return;
  applyVariable(ctx, found[1], meaning.kind, meaning.rank, value);
}

/** Applies one known variable (from a VarSet, or a Status item's `Variable:` lines). */
export function applyVariable(ctx: Ctx, call: CallState, kind: 'recording' | 'did' | 'tag', rank: number, value: string): void {
  if (kind === 'recording') setRecording(ctx, call, value, rank);
  else if (kind === 'did') {
    if (rank < call.didRank && call.did !== value) {
      call.did = intern(ctx.state, value);
      call.didRank = rank;
      markDirty(ctx, call);
    } else if (rank < call.didRank) call.didRank = rank;
  } else setClickToCallId(ctx, call, value);
}

export function setClickToCallId(ctx: Ctx, call: CallState, tag: string): void {
  call.originate = true;
  if (call.clickToCallId === tag) return;
  call.clickToCallId = own(tag);
  markDirty(ctx, call);
}

/**
 * A recording's name or path. Better-ranked sources win (configured variables in their order, then
 * MixMonitor's data); a path for the file already known only adds the path.
 */
export function setRecording(ctx: Ctx, call: CallState, value: string, rank: number): void {
  const path = value.trim();
  if (path === '') return;
  const slash = path.lastIndexOf('/');
  const file = slash >= 0 ? path.slice(slash + 1) : path;
  if (file === '') return;
  const fullPath = slash >= 0 ? own(path) : null;
  if (call.recording === file) {
    if (rank < call.recordingRank) call.recordingRank = rank;
    if (fullPath !== null && !call.recordingPathKnown) {
      call.recordingPathKnown = true;
      emit(ctx, { type: 'recording-located', callId: call.id, file, path: fullPath });
    }
    return;
  }
  if (call.recording !== null && rank >= call.recordingRank) return;
  call.recording = own(file);
  call.recordingRank = rank;
  call.recordingPathKnown = fullPath !== null;
  markDirty(ctx, call);
  emit(ctx, { type: 'recording-located', callId: call.id, file: call.recording, path: fullPath });
}

/** `DIALSTATUS` set to a result: the Dial() on this leg is over. */
function dialFinished(ctx: Ctx, call: CallState, leg: LegState, status: string): void {
  call.lastDialStatus = intern(ctx.state, status);
  noteDialStatus(call, status);
  const targets = leg.dialTargets;
  leg.dialTargets = null;
  // Phones the Dial() named but never rang got no channel at all: offline (CHANUNAVAIL).
  if (targets !== null && status !== 'ANSWER') {
    for (const ext of targets) if (!call.unreachable.includes(ext)) call.unreachable = call.unreachable.concat(ext);
    if (targets.length > 0) markDirty(ctx, call);
  }
}

/** A `Dial()` starts on this leg: note the phones it names, and whether it is a ring group. */
export function onDialAppData(ctx: Ctx, leg: LegState, data: string, exten: string | undefined): void {
  const targets = dialTargets(data, ctx.state.config).map((ext) => intern(ctx.state, ext));
  leg.dialTargets = targets;
  leg.dialGroup = targets.length > 1 && exten !== undefined && exten !== '' ? intern(ctx.state, exten) : null;
}

/** Our Originate's `Account` shows as the channel's AccountCode. */
export function onTagAccountCode(ctx: Ctx, ev: AmiMessage): void {
  const prefix = ctx.state.config.clickToCallAccountPrefix;
  const account = field(ev, 'AccountCode');
  if (prefix === null || account === undefined || !account.startsWith(prefix)) return;
  const found = legAndCall(ctx, ev, true);
  if (found !== null && found[1].clickToCallId === null) setClickToCallId(ctx, found[1], account);
}

export function noteDialStatus(call: CallState, status: string): void {
  if (status === 'BUSY') call.sawBusy = true;
  else if (status === 'NOANSWER') call.sawNoAnswer = true;
  else if (status === 'CHANUNAVAIL') call.sawUnavailable = true;
  else if (status === 'CONGESTION') call.sawCongestion = true;
}
