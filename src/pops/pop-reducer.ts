/**
 * Where a screen pop is decided: a pure reducer from the engine's effects to the messages each
 * person's cards receive. The owner of each ringing extension gets a card that follows the call
 * (ringing, answered here, answered elsewhere, missed, ended); the agent who clicked to call sees
 * its progress and failures in words.
 *
 * One call's pop state, one effect, the directory facts already resolved for it and the time in;
 * the new state and the messages to deliver out. No promises, no clock, no I/O: `pop-sink.ts`
 * looks the facts up and hands the messages to the push hub.
 */
import type { Effect } from '../calls/effects.ts';
import type { StopReason } from '../calls/hangup-causes.ts';
import type { CallRecord } from '../calls/record.ts';
import type { CallCandidateView, CallMessage, CardState, ClickToCallStep } from './wire.ts';

/** One person's card on one ringing extension. */
export interface PopCard {
  readonly userId: string;
  readonly state: CardState;
}

/** What the pops keep of one call, from its first ring until it ends. */
export interface PopCall {
  readonly direction: CallMessage['direction'];
  readonly externalNumber: string | null;
  readonly externalName: string | null;
  readonly did: string | null;
  readonly queue: string | null;
  /** Cards by extension, in the order the phones rang. */
  readonly cards: ReadonlyMap<string, PopCard>;
}

/** What the directory says, resolved before the reducer runs. */
export interface PopFacts {
  /**
   * For `agent-ringing`: the user who gets the ringing extension's card (its owner, when active), or
   * null: a phone nobody owns gets no card. Not read for other effects.
   */
  owner: string | null;
  /** The directory's matches for the call's outside number, ranked (looked up once per call). */
  candidates: CallCandidateView[];
  /** The call's outside number as people read it; null when the call has none. */
  externalNumberFormatted: string | null;
}

export interface PopDelivery {
  userId: string;
  message: CallMessage;
}

export interface PopStep {
  /** The call's state after the effect; undefined: the pops hold nothing for it (ended, or never rang). */
  call: PopCall | undefined;
  /** Messages to deliver, in this order. */
  deliveries: PopDelivery[];
}

/** Why a phone stopped ringing, as its card says it. */
export const STOP_TO_STATE: Readonly<Record<StopReason, CardState>> = {
  'answered-here': 'answered',
  'answered-elsewhere': 'answered-elsewhere',
  'caller-hung-up': 'missed',
  'no-answer': 'missed',
  busy: 'missed',
  rejected: 'missed',
  unavailable: 'missed',
  unknown: 'ended',
};

/**
 * Click-to-call in words. The engine sees a click-to-call as an outbound call whose first leg rings
 * the agent's own phone; the customer is dialled only once the agent picks up.
 */
export const CLICK_TO_CALL_DETAIL = {
  ringingYourPhone: 'Ringing your phone: pick up to call the customer.',
  notPlaced: 'Your phone did not answer; the call was not placed.',
  calling: 'Calling the customer...',
  connected: 'Connected.',
} as const;

/**
 * The pops after one effect of a call. `call` is what an earlier step returned for this call
 * (undefined before its first ring); `at` is the time for the messages (ISO).
 */
export function reducePop(call: PopCall | undefined, effect: Effect, facts: PopFacts, at: string): PopStep {
  switch (effect.type) {
    case 'call-started':
    case 'call-updated': {
      if (call) return { call: withRecord(call, effect.record), deliveries: [] };
      // A call this instance never saw ring (it took the PBX over, or restarted, mid-call): the
      // agent on it has the card the previous instance showed; it is adopted, so that it ends
      // with the call instead of staying on screen.
      const extension = adoptableExtension(undefined, effect);
      if (extension === null || !facts.owner) return { call, deliveries: [] };
      const r = effect.record;
      const cards = new Map<string, PopCard>([[extension, { userId: facts.owner, state: 'answered' }]]);
      return { call: { direction: r.direction, externalNumber: r.externalNumber, externalName: r.externalName, did: r.did, queue: r.queue, cards }, deliveries: [] };
    }
    case 'agent-ringing': {
      // The first ring starts the call's pop state, whether or not anyone owns the phone.
      const base = call ?? { direction: effect.direction, externalNumber: effect.externalNumber, externalName: effect.externalName, did: effect.did, queue: null, cards: new Map() };
      const rang: PopCall = { ...base, queue: effect.queue ?? effect.group ?? base.queue };
      if (!facts.owner) return { call: rang, deliveries: [] };
      const cards = new Map(rang.cards).set(effect.extension, { userId: facts.owner, state: 'ringing' });
      const detail = rang.direction === 'outbound' ? stepDetail('ringingYourPhone') : undefined;
      return deliver(effect.callId, { ...rang, cards }, [effect.extension], 'ringing', detail, facts, at);
    }
    case 'agent-stopped-ringing': {
      if (!call?.cards.has(effect.extension)) return { call, deliveries: [] };
      const state = STOP_TO_STATE[effect.reason];
      const outbound = call.direction === 'outbound';
      const detail = !outbound ? undefined : stepDetail(state === 'answered' ? 'calling' : 'notPlaced');
      const step = deliver(effect.callId, call, [effect.extension], state, detail, facts, at);
      // Answered here, the card becomes the call and stays until it ends; otherwise it is withdrawn.
      if (state === 'answered') return step;
      const cards = new Map(step.call.cards);
      cards.delete(effect.extension);
      return { call: { ...step.call, cards }, deliveries: step.deliveries };
    }
    case 'call-answered':
      // Only a click-to-call's card changes: the customer answered the call the agent placed.
      if (!call || call.direction !== 'outbound') return { call, deliveries: [] };
      return deliver(effect.callId, call, [...call.cards.keys()], 'answered', stepDetail('connected'), facts, at);
    case 'originate-failed': {
      if (!effect.callId || !call) return { call, deliveries: [] };
      const ended = deliver(effect.callId, call, [...call.cards.keys()], 'ended', effect.description ? { text: effect.description, code: 'failed' } : undefined, facts, at);
      return { call: { ...ended.call, cards: new Map() }, deliveries: ended.deliveries };
    }
    case 'call-ended': {
      if (!call) return { call, deliveries: [] };
      const last = withRecord(call, effect.record);
      // A phone still ringing when the call ends missed it; a card that became the call ends with it.
      const deliveries = [...last.cards].map(([extension, card]) => ({
        userId: card.userId,
        message: messageFor(effect.callId, last, extension, card.state === 'ringing' ? 'missed' : 'ended', undefined, facts, at),
      }));
      return { call: undefined, deliveries };
    }
    default:
      return { call, deliveries: [] };
  }
}

/**
 * The extension whose card a call in progress adopts when the pops hold nothing for it (see
 * `call-started`): the agent on an inbound or internal call, or the agent of our click-to-call.
 * A call dialled by hand from a phone never had a card. Null when there is nothing to adopt.
 */
export function adoptableExtension(call: PopCall | undefined, effect: Effect): string | null {
  if (call !== undefined || (effect.type !== 'call-started' && effect.type !== 'call-updated')) return null;
  const r = effect.record;
  if (r.status !== 'in-progress' || r.answeredBy === null) return null;
  return r.direction !== 'outbound' || r.clickToCallId !== null ? r.answeredBy : null;
}

interface Detail {
  text: string;
  code: ClickToCallStep;
}

function stepDetail(code: Exclude<ClickToCallStep, 'failed'>): Detail {
  return { text: CLICK_TO_CALL_DETAIL[code], code };
}

/**
 * The engine's record of the call is newer than what the first ring said: a click-to-call rings
 * the agent before the customer's number is on any channel, so the number comes with the record.
 */
function withRecord(call: PopCall, record: CallRecord): PopCall {
  return {
    ...call,
    externalNumber: call.externalNumber ?? record.externalNumber,
    did: record.did ?? call.did,
    queue: record.queue ?? call.queue,
    externalName: record.externalName ?? call.externalName,
    direction: record.direction,
  };
}

/** These extensions' cards take `state`, and each owner gets a message saying so. */
function deliver(callId: string, call: PopCall, extensions: readonly string[], state: CardState, detail: Detail | undefined, facts: PopFacts, at: string): PopStep & { call: PopCall } {
  const cards = new Map(call.cards);
  const deliveries: PopDelivery[] = [];
  for (const extension of extensions) {
    const card = cards.get(extension);
    if (!card) continue;
    cards.set(extension, { ...card, state });
    deliveries.push({ userId: card.userId, message: messageFor(callId, call, extension, state, detail, facts, at) });
  }
  return { call: { ...call, cards }, deliveries };
}

function messageFor(callId: string, call: PopCall, extension: string, state: CardState, detail: Detail | undefined, facts: PopFacts, at: string): CallMessage {
  return {
    callId,
    state,
    extension,
    direction: call.direction,
    externalNumber: call.externalNumber,
    externalNumberFormatted: facts.externalNumberFormatted,
    externalName: call.externalName,
    did: call.did,
    queue: call.queue,
    candidates: facts.candidates,
    at,
    ...(detail ? { detail: detail.text, detailCode: detail.code } : {}),
  };
}
