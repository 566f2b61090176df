/**
 * The pops' effect sink: looks up the directory facts an effect needs (the ringing extension's
 * owner, the call's candidates, its number as people read it), runs `reducePop`, and publishes its
 * messages to the push hub in order. The policy is all in the reducer; this file only waits.
 *
 * The session hands a sink one effect at a time and waits for it (`service/pbx-session.ts`), so
 * the state read here is still the call's state once the lookups are done.
 */
import type { Effect } from '../calls/effects.ts';
import type { Candidate } from '../directory/lookup.ts';
import { formatPhoneForPeople } from '../phone/format.ts';
import { normalizePhone } from '../phone/normalize.ts';
import type { CountryCode, NormalizedPhone } from '../phone/types.ts';
import { ExtensionOwners, type UsersByExtension } from './extension-owners.ts';
import { adoptableExtension, reducePop, type PopCall } from './pop-reducer.ts';
import type { CallCandidateView, CallMessage } from './wire.ts';

/** Where messages go: `web/push/call-hub.ts`'s `CallHub`. */
export interface PopHub {
  publish(userId: string, message: CallMessage): unknown;
}

export interface PopSinkOptions {
  hub: PopHub;
  /** Users by extension: the directory. */
  users: UsersByExtension;
  /**
   * Without a context handed with the effect: the directory's matches for a call's outside number,
   * ranked. Asked once per call, at its first ring.
   */
  matchesFor?(callId: string, number: string): Promise<readonly Candidate[]>;
  /** Region whose numbers are shown in national format. */
  defaultRegion: CountryCode;
  /** The clock for messages' `at`. Default `Date.now`. */
  now?: () => number;
  /**
   * Each message handed to the hub, with the milliseconds since its effect was queued (its PBX
   * event had just arrived), when the caller said (for the pop latency metric).
   */
  delivered?(message: CallMessage, sinceQueuedMs: number | null): void;
}

/** Facts about a call that do not change: looked up at its first ring. */
interface CallFacts {
  /** The number they were looked up for (null: none yet, as on a click-to-call's first ring). */
  number: string | null;
  candidates: Promise<CallCandidateView[]>;
  externalNumberFormatted: string | null;
}

type Ring = Extract<Effect, { type: 'agent-ringing' }>;

/**
 * What the PBX session hands with each effect (`service/call-context.ts`): the call's matches,
 * looked up once per call and shared with the call log and the CRM.
 */
export interface PopContext {
  matches(): Promise<readonly Candidate[]>;
  /**
   * The engine's reading of the call's number (its `normalizePhone`, with the engine's region: the
   * service gives the engine and the pops the same `DEFAULT_REGION`), so the card's number is
   * formatted without parsing it again. Absent or null: the number is parsed here.
   */
  readonly phone?: NormalizedPhone | null;
}

export class PopSink {
  readonly #o: PopSinkOptions;
  readonly #owners: ExtensionOwners;
  readonly #now: () => number;
  /** The reducer's state of each call from its first ring until it ends. */
  readonly #calls = new Map<string, PopCall>();
  readonly #facts = new Map<string, CallFacts>();

  constructor(options: PopSinkOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#owners = new ExtensionOwners(options.users, { now: this.#now });
  }

  /** Calls the pops hold (for tests). */
  get size(): number {
    return this.#calls.size;
  }

  async apply(effect: Effect, context?: PopContext, queuedAt?: number): Promise<void> {
    const callId = 'callId' in effect ? effect.callId : null;
    if (callId === null) return;
    // Started before the owner is asked, so the two lookups overlap on a call's first ring.
    if (effect.type === 'agent-ringing' && !this.#facts.has(callId)) this.#facts.set(callId, this.#lookUp(callId, effect, context));
    // A number the first ring did not have (a click-to-call dials the customer after the agent
    // answers) is looked up when the call's record first carries it.
    if ('record' in effect && effect.record.externalNumber !== null && this.#calls.has(callId) && this.#facts.get(callId)?.number === null) {
      this.#facts.set(callId, this.#lookUp(callId, effect.record, context));
    }
    const call = this.#calls.get(callId);
    const adopting = adoptableExtension(call, effect);
    const asked = effect.type === 'agent-ringing' ? effect.extension : adopting;
    const owner = asked === null ? null : await this.#owners.userIdFor(asked);
    // An adopted card's ending needs the call's facts, which its first ring would have looked up.
    if (adopting !== null && owner !== null && 'record' in effect && !this.#facts.has(callId)) this.#facts.set(callId, this.#lookUp(callId, effect.record, context));
    // A dry run first (the reducer is pure): the candidates are awaited only when a message goes
    // out, so a call on a phone nobody owns never holds up the pops queued behind it.
    let step = reducePop(call, effect, { owner, candidates: [], externalNumberFormatted: null }, '');
    if (step.deliveries.length > 0) {
      const facts = this.#facts.get(callId);
      const candidates = facts ? await facts.candidates : [];
      step = reducePop(call, effect, { owner, candidates, externalNumberFormatted: facts?.externalNumberFormatted ?? null }, new Date(this.#now()).toISOString());
    }
    if (step.call) {
      this.#calls.set(callId, step.call);
    } else {
      this.#calls.delete(callId);
      this.#facts.delete(callId);
    }
    for (const { userId, message } of step.deliveries) this.#o.hub.publish(userId, message);
    const delivered = this.#o.delivered;
    if (delivered !== undefined && step.deliveries.length > 0) {
      const since = queuedAt === undefined ? null : performance.now() - queuedAt;
      for (const { message } of step.deliveries) delivered(message, since);
    }
  }

  #lookUp(callId: string, ring: Pick<Ring, 'normalizedNumber' | 'externalNumber'>, context: PopContext | undefined): CallFacts {
    const number = ring.normalizedNumber ?? ring.externalNumber;
    const region = this.#o.defaultRegion;
    return {
      number,
      candidates: number ? this.#candidates(callId, number, context) : Promise.resolve([]),
      externalNumberFormatted: ring.externalNumber ? formatPhoneForPeople(readingOf(ring.externalNumber, context, region), region) : null,
    };
  }

  async #candidates(callId: string, number: string, context: PopContext | undefined): Promise<CallCandidateView[]> {
    try {
      const matches = context !== undefined ? await context.matches() : ((await this.#o.matchesFor?.(callId, number)) ?? []);
      return matches.map(candidateView);
    } catch {
      // A pop without candidates beats no pop: the card still shows the number.
      return [];
    }
  }
}

/** The context's reading of the number when it is this number's; else the number parsed now. */
function readingOf(number: string, context: PopContext | undefined, region: CountryCode): NormalizedPhone {
  const phone = context?.phone;
  return phone != null && phone.raw === number ? phone : normalizePhone(number, { defaultRegion: region });
}

/** A directory match as a card lists it. */
export function candidateView(c: Candidate): CallCandidateView {
  return {
    type: c.type,
    id: c.id,
    name: c.name,
    account: c.account?.name ?? null,
    owner: c.owner?.name ?? null,
    lastCallAt: c.lastActivityAt,
  };
}
