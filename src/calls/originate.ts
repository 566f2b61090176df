/**
 * Click-to-call: our Originate rings the agent's phone first, then dials the customer. The call is
 * ours when it carries our click-to-call id (a channel variable, or the Originate's Account); its
 * `OriginateResponse` says whether the agent's phone answered, and why not.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field } from './fields.ts';
import { splitChannel } from './channels.ts';
import { stripUnderscores } from './config.ts';
import { emit, markDirty, type Ctx } from './effects.ts';
import { originateOutcome } from './hangup-causes.ts';
import { callOf, own, present, setExternalNumber } from './legs.ts';
import { buildRecord } from './record.ts';
import type { CallState, EngineState, LegState, UnclaimedOriginate } from './state.ts';
import { setClickToCallId } from './variables.ts';

/** Originate actions remembered for their ActionID; old ones are forgotten first. */
const MAX_PENDING_ORIGINATES = 1_000;

/** An Originate action the client sent (fed to the engine like an event): remember its ActionID → our id. */
export function onOriginateAction(state: EngineState, action: AmiMessage): void {
  if (field(action, 'Action')?.toLowerCase() !== 'originate') return;
  const actionId = field(action, 'ActionID');
  if (actionId === undefined || actionId === '') return;
  let tag: string | null = null;
  for (const line of action.getAll('Variable')) {
    for (const part of line.split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const meaning = state.config.variables.get(stripUnderscores(part.slice(0, eq).trim()));
      if (meaning?.kind === 'tag') tag = part.slice(eq + 1);
    }
  }
  const account = field(action, 'Account');
  const prefix = state.config.clickToCallAccountPrefix;
  if (tag === null && prefix !== null && account !== undefined && account.startsWith(prefix)) tag = account;
  state.originates.set(actionId, tag);
  while (state.originates.size > MAX_PENDING_ORIGINATES) {
    const oldest = state.originates.keys().next();
    if (oldest.done === true) break;
    state.originates.delete(oldest.value);
  }
}

export function onOriginateResponse(ctx: Ctx, ev: AmiMessage): void {
  const { state } = ctx;
  const actionId = present(field(ev, 'ActionID'));
  const success = field(ev, 'Response') === 'Success';
  const reasonNumber = Number(field(ev, 'Reason'));
  const reason = Number.isInteger(reasonNumber) ? reasonNumber : 0;
  const outcome = originateOutcome(reason, success);
  const tag = actionId === null ? null : (state.originates.get(actionId) ?? null);
  const exten = present(field(ev, 'Exten'));
  const found = findCall(state, ev, tag);
  const call = found === 'ambiguous' ? undefined : found;
  if (call !== undefined) applyOutcome(ctx, call, { device: '', actionId, reason, tag, exten }, success);
  else if (found === 'ambiguous' && !success) {
    // Two Originates ring this phone: the one whose leg now hangs up unanswered is this one.
    const { tech, endpoint } = splitChannel(field(ev, 'Channel') ?? '');
    state.unclaimedOriginates.push({ device: `${tech}/${endpoint}`, actionId, reason, tag, exten });
    if (state.unclaimedOriginates.length > MAX_PENDING_ORIGINATES) state.unclaimedOriginates.shift();
  }
  if (success) return;
  emit(ctx, {
    type: 'originate-failed',
    callId: call?.id ?? null,
    actionId,
    channel: present(field(ev, 'Channel')),
    clickToCallId: call?.clickToCallId ?? tag,
    result: outcome.result,
    reason,
    description: outcome.description,
  });
}

function applyOutcome(ctx: Ctx, call: CallState, o: UnclaimedOriginate, success: boolean): void {
  const { state } = ctx;
  call.originate = true;
  call.originateResult = originateOutcome(o.reason, success).result;
  call.originateReason = o.reason;
  call.originateActionId = o.actionId === null ? null : own(o.actionId);
  if (o.tag !== null && call.clickToCallId === null) setClickToCallId(ctx, call, o.tag);
  if (o.exten !== null) {
    call.originateExten = own(o.exten);
    // The Originate's extension is the number our click-to-call dials; the customer's leg may never come.
    if (call.externalNumber === null && !state.config.isAgentExtension(o.exten)) setExternalNumber(ctx, call, o.exten);
  }
  if (call.ended) emit(ctx, { type: 'call-updated', callId: call.id, record: buildRecord(call, state.config), phone: call.phone });
  else markDirty(ctx, call);
}

/** An Originate's unanswered first leg hangs up: it takes the oldest failure reported for its phone. */
export function claimOriginateFailure(ctx: Ctx, call: CallState, leg: LegState): void {
  const list = ctx.state.unclaimedOriginates;
  if (list.length === 0 || call.originateResult !== null) return;
  const { tech, endpoint } = splitChannel(leg.channel);
  const i = list.findIndex((u) => u.device === `${tech}/${endpoint}`);
  if (i < 0) return;
  const [claimed] = list.splice(i, 1);
  applyOutcome(ctx, call, claimed!, false);
}

/**
 * The call an OriginateResponse is about: by its Uniqueid; by our id for its ActionID; or, when a
 * failed Originate gives neither (`Uniqueid: <unknown>`), the one unanswered Originate ringing that
 * same phone. Two at once on one phone stay unmatched rather than guessed.
 */
function findCall(state: EngineState, ev: AmiMessage, tag: string | null): CallState | undefined | 'ambiguous' {
  const uid = field(ev, 'Uniqueid');
  if (uid !== undefined && uid !== '' && uid !== '<unknown>') {
    const leg = state.legs.get(uid);
    if (leg !== undefined) return callOf(state, leg);
    const endedKey = state.endedLegs.get(uid);
    if (endedKey !== undefined) return state.ended.get(endedKey);
  }
  if (tag !== null) {
    for (const call of state.calls.values()) if (call.clickToCallId === tag) return call;
  }
  const channel = field(ev, 'Channel');
  if (channel === undefined || channel === '') return undefined;
  const device = splitChannel(channel);
  let match: CallState | undefined;
  for (const call of state.calls.values()) {
    const origin = call.origin;
    if (origin === null || !origin.originate || origin.answered || call.originateResult !== null) continue;
    const d = splitChannel(origin.channel);
    if (d.tech !== device.tech || d.endpoint !== device.endpoint) continue;
    if (match !== undefined) return 'ambiguous';
    match = call;
  }
  return match;
}
