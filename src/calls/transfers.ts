/**
 * Transfers: blind (`BlindTransfer`), attended (`AttendedTransfer`, usually through a Local channel
 * pair that is then optimized away), and redirects (`Redirect` has no event of its own: the caller's
 * channel starts running dialplan while it is still bridged, which only an async goto does).
 */
import type { AmiMessage } from '../ami/message.ts';
import { field } from './fields.ts';
import { emit, markDirty, type Ctx } from './effects.ts';
import { callOf, connectedAgents, intern, own, present, touchCall } from './legs.ts';
import { iso, partyLeg } from './record.ts';
import type { CallState, LegState, Transfer, TransferKind } from './state.ts';

export function onBlindTransfer(ctx: Ctx, ev: AmiMessage): void {
  if (field(ev, 'Result') !== 'Success') return;
  const transferee = leg(ctx, field(ev, 'TransfereeUniqueid'));
  const transferer = leg(ctx, field(ev, 'TransfererUniqueid'));
  const call = callOfEither(ctx, transferee, transferer);
  if (call === undefined) return;
  // The transferee now runs the dialplan while still bridged: that step is this transfer, not a Redirect.
  if (transferee !== null) transferee.transferPending = true;
  const from = transferer?.extension ?? agentNumber(ctx, field(ev, 'TransfererCallerIDNum'));
  const key = `blind|${field(ev, 'TransfererUniqueid')}|${field(ev, 'TransfereeUniqueid')}|${field(ev, 'Extension')}`;
  addTransfer(ctx, call, from, present(field(ev, 'Extension')), 'blind', key);
}

export function onAttendedTransfer(ctx: Ctx, ev: AmiMessage): void {
  if (field(ev, 'Result') !== 'Success' || field(ev, 'DestType') === 'Fail') return;
  const transferee = leg(ctx, field(ev, 'TransfereeUniqueid'));
  const transferer = leg(ctx, field(ev, 'OrigTransfererUniqueid'));
  const call = callOfEither(ctx, transferee, transferer);
  if (call === undefined) return;
  const from = transferer?.extension ?? agentNumber(ctx, field(ev, 'OrigTransfererCallerIDNum'));
  const key = `attended|${field(ev, 'OrigTransfererUniqueid')}|${field(ev, 'TransfereeUniqueid')}|${field(ev, 'TransferTargetUniqueid')}`;
  addTransfer(ctx, call, from, transferTarget(ctx, ev, from), 'attended', key);
}

/** A Newexten on a bridged channel: the caller was redirected away from the agent it talked to. */
export function onRedirect(ctx: Ctx, call: CallState, moved: LegState, ev: AmiMessage): void {
  if (moved.transferPending || moved !== partyLeg(call)) return;
  moved.transferPending = true; // until it leaves the bridge: one redirect, however many steps
  const agents = connectedAgents(ctx.state, moved);
  const from = agents.find((a) => a !== moved)?.extension ?? null;
  addTransfer(ctx, call, from, present(field(ev, 'Exten')), 'redirect', null);
}

/**
 * Where an attended transfer went: the target channel's agent, or, when the target is a Local
 * channel, the agent at its far end.
 */
function transferTarget(ctx: Ctx, ev: AmiMessage, from: string | null): string | null {
  const target = leg(ctx, field(ev, 'TransferTargetUniqueid'));
  if (target !== null) {
    if (target.role === 'agent') return target.extension;
    for (const agent of connectedAgents(ctx.state, target)) if (agent.extension !== from) return agent.extension;
    if (target.extension !== null) return target.extension;
  }
  return agentNumber(ctx, field(ev, 'TransferTargetCallerIDNum')) ?? present(field(ev, 'TransferTargetExten'));
}

/** `key` names the event, so that the same event delivered twice is one transfer. */
function addTransfer(ctx: Ctx, call: CallState, from: string | null, to: string | null, kind: TransferKind, key: string | null): void {
  if (key !== null && key === call.lastTransferKey) return;
  // Built from the event's fields: a copy, so that the event's text is not kept alive with it.
  call.lastTransferKey = key === null ? null : own(key);
  const transfer: Transfer = { from: from === null ? null : intern(ctx.state, from), to: to === null ? null : intern(ctx.state, to), kind, at: iso(ctx.t) };
  call.transfers = call.transfers.concat(transfer);
  markDirty(ctx, call);
  emit(ctx, { type: 'call-transferred', callId: call.id, transfer: { ...transfer } });
}

function leg(ctx: Ctx, uniqueid: string | undefined): LegState | null {
  if (uniqueid === undefined) return null;
  const found = ctx.state.legs.get(uniqueid);
  if (found === undefined) return null;
  touchCall(ctx, found);
  return found;
}

function callOfEither(ctx: Ctx, a: LegState | null, b: LegState | null): CallState | undefined {
  return (a === null ? undefined : callOf(ctx.state, a)) ?? (b === null ? undefined : callOf(ctx.state, b));
}

function agentNumber(ctx: Ctx, num: string | undefined): string | null {
  const n = present(num);
  return n !== null && ctx.state.config.isAgentExtension(n) ? n : null;
}
