/**
 * Turns the engine's effects into screen-pop messages for the people they concern: the owner of
 * each ringing extension gets a card that follows the call (ringing, answered here, answered
 * elsewhere, missed, ended); the agent who clicked to call sees its progress and failures in words.
 */
import type { Effect } from '../calls/effects.ts';
import type { CallRecord } from '../calls/record.ts';
import type { StopReason } from '../calls/hangup-causes.ts';
import type { CallHub } from '../web/push/call-hub.ts';
import type { CallMessage, CallCandidateView, CardState } from '../pops/wire.ts';

export interface PopDirectory {
  /** The user owning an extension, or null (a phone nobody owns: no pop). */
  userIdForExtension(extension: string): Promise<string | null>;
  /** Directory matches for the call's outside number, ranked (looked up once per call). */
  candidatesFor(callId: string, number: string): Promise<CallCandidateView[]>;
  /** Formats the number for people in the configured region. */
  formatNumber(number: string): string;
}

interface CardInfo {
  userId: string;
  extension: string;
  state: CardState;
}

interface CallView {
  direction: CallMessage['direction'];
  externalNumber: string | null;
  externalName: string | null;
  did: string | null;
  queue: string | null;
  candidates: Promise<CallCandidateView[]>;
  cards: Map<string, CardInfo>;
}

const STOP_TO_STATE: Record<StopReason, CardState> = {
  'answered-here': 'answered',
  'answered-elsewhere': 'answered-elsewhere',
  'caller-hung-up': 'missed',
  'no-answer': 'missed',
  busy: 'missed',
  rejected: 'missed',
  unavailable: 'missed',
  unknown: 'ended',
};

export class PopBuilder {
  readonly #hub: CallHub;
  readonly #dir: PopDirectory;
  readonly #calls = new Map<string, CallView>();

  constructor(hub: CallHub, directory: PopDirectory) {
    this.#hub = hub;
    this.#dir = directory;
  }

  /** Active calls with at least one card (for tests and health). */
  get size(): number {
    return this.#calls.size;
  }

  async apply(effect: Effect): Promise<void> {
    switch (effect.type) {
      case 'call-started':
      case 'call-updated':
        this.#view(effect.callId, effect.record);
        return;
      case 'agent-ringing': {
        const view = this.#calls.get(effect.callId) ?? this.#newView(effect.callId, effect);
        view.queue = effect.queue ?? effect.group ?? view.queue;
        const userId = await this.#dir.userIdForExtension(effect.extension);
        if (!userId) return;
        view.cards.set(effect.extension, { userId, extension: effect.extension, state: 'ringing' });
        await this.#publish(effect.callId, view, effect.extension, 'ringing', view.direction === 'outbound' ? 'Ringing your phone: pick up to call the customer.' : undefined);
        return;
      }
      case 'agent-stopped-ringing': {
        const view = this.#calls.get(effect.callId);
        const card = view?.cards.get(effect.extension);
        if (!view || !card) return;
        const state = STOP_TO_STATE[effect.reason];
        const detail = view.direction === 'outbound' && state !== 'answered' ? 'Your phone did not answer; the call was not placed.' : view.direction === 'outbound' ? 'Calling the customer...' : undefined;
        await this.#publish(effect.callId, view, effect.extension, state, detail);
        if (state !== 'answered') view.cards.delete(effect.extension);
        return;
      }
      case 'call-answered': {
        const view = this.#calls.get(effect.callId);
        if (!view || view.direction !== 'outbound') return;
        for (const card of view.cards.values()) await this.#publish(effect.callId, view, card.extension, 'answered', 'Connected.');
        return;
      }
      case 'originate-failed': {
        if (!effect.callId) return;
        const view = this.#calls.get(effect.callId);
        if (!view) return;
        for (const card of view.cards.values()) await this.#publish(effect.callId, view, card.extension, 'ended', effect.description);
        view.cards.clear();
        return;
      }
      case 'call-ended': {
        const view = this.#calls.get(effect.callId);
        if (!view) return;
        this.#view(effect.callId, effect.record);
        for (const card of view.cards.values()) {
          const missed = card.state === 'ringing';
          await this.#publish(effect.callId, view, card.extension, missed ? 'missed' : 'ended');
        }
        this.#calls.delete(effect.callId);
        return;
      }
      default:
        return;
    }
  }

  #newView(callId: string, from: { direction: CallMessage['direction']; externalNumber: string | null; normalizedNumber: string | null; externalName: string | null; did: string | null }): CallView {
    const number = from.normalizedNumber ?? from.externalNumber;
    const view: CallView = {
      direction: from.direction,
      externalNumber: from.externalNumber,
      externalName: from.externalName,
      did: from.did,
      queue: null,
      candidates: number ? this.#dir.candidatesFor(callId, number).catch(() => []) : Promise.resolve([]),
      cards: new Map(),
    };
    this.#calls.set(callId, view);
    return view;
  }

  #view(callId: string, record: CallRecord): void {
    const view = this.#calls.get(callId);
    if (!view) return;
    view.did = record.did ?? view.did;
    view.queue = record.queue ?? view.queue;
    view.externalName = record.externalName ?? view.externalName;
    view.direction = record.direction;
  }

  async #publish(callId: string, view: CallView, extension: string, state: CardState, detail?: string): Promise<void> {
    const card = view.cards.get(extension);
    if (!card) return;
    card.state = state;
    const message: CallMessage = {
      callId,
      state,
      extension,
      direction: view.direction,
      externalNumber: view.externalNumber,
      externalNumberFormatted: view.externalNumber ? this.#dir.formatNumber(view.externalNumber) : null,
      externalName: view.externalName,
      did: view.did,
      queue: view.queue,
      candidates: await view.candidates,
      at: new Date().toISOString(),
      ...(detail ? { detail } : {}),
    };
    this.#hub.publish(card.userId, message);
  }
}
