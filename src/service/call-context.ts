/**
 * What every effect sink needs to know about a live call besides the effect itself: the directory's
 * matches for its outside number (looked up once, on the first ask) and the record a click-to-call
 * was placed from. The PBX session opens a call's context with its first effect and hands it with
 * every effect of the call; the context is closed when the call has ended and every sink has handled
 * every effect it was given. So the pop, the call log and the CRM see one answer, and no entry
 * outlives its call however far one sink lags behind another.
 *
 * The context also keeps the engine's reading of the call's number (the effect's `phone`, see
 * calls/effects.ts), so that neither the lookup nor the pop's formatting parses the number again.
 */
import type { Effect } from '../calls/effects.ts';
import type { Candidate } from '../directory/lookup.ts';
import type { RecordType } from '../directory/record-types.ts';
import type { NormalizedPhone } from '../phone/types.ts';

export interface CallOrigin {
  userId: string;
  entity?: { type: RecordType; id: string };
}

export interface CallContext {
  readonly callId: string;
  /** The directory's matches for the call's outside number, ranked; looked up once per call. */
  matches(): Promise<readonly Candidate[]>;
  /** For a click-to-call: who placed it and from which record. */
  readonly origin: CallOrigin | undefined;
  /**
   * The engine's reading of the call's outside number (`externalNumber`), when the effect that
   * brought the number carried it; null otherwise (parse `externalNumber` then).
   */
  readonly phone: NormalizedPhone | null;
}

export interface CallContextSources {
  /**
   * The directory's matches for a number (failures answer no matches: a pop never waits on an
   * error). `number` is the record's `normalizedNumber`, else its `externalNumber`. `phone`, when
   * given, is the engine's reading of that very number (valid, its E.164 is `number`): look it up
   * as it is (`findByNormalized`) instead of parsing `number` again; the keys are the same.
   */
  lookup(number: string, phone?: NormalizedPhone): Promise<readonly Candidate[]>;
  /** Where click-to-calls came from, by their tag; the entry is taken when its call's context closes. */
  origins?: { peek(clickToCallId: string): CallOrigin | undefined; take(clickToCallId: string): unknown };
}

interface Entry {
  context: MutableContext;
  /** Effects handed to sinks and not yet handled (or dropped) by them. */
  holds: number;
  ended: boolean;
}

interface MutableContext extends CallContext {
  number: string | null;
  clickToCallId: string | null;
  origin: CallOrigin | undefined;
  phone: NormalizedPhone | null;
}

/** Effects that say which number a call is with: they open a call's context. */
const OPENS = new Set<Effect['type']>(['call-started', 'agent-ringing', 'call-updated', 'call-ended']);

/** Contexts kept at most; past it the oldest is dropped (only a call the engine never ended can be that old). */
const MAX_CONTEXTS = 100_000;

export class CallContexts {
  readonly #sources: CallContextSources;
  readonly #byCall = new Map<string, Entry>();
  #dropped = 0;

  constructor(sources: CallContextSources) {
    this.#sources = sources;
  }

  /**
   * The context to hand with this effect to `sinks` sinks, held until each of them calls `release`.
   * Undefined for an effect of no call, or of a call whose context is closed and that does not open one.
   */
  hold(effect: Effect, sinks: number): CallContext | undefined {
    const callId = 'callId' in effect ? effect.callId : null;
    if (callId === null) return undefined;
    let entry = this.#byCall.get(callId);
    if (entry === undefined) {
      if (!OPENS.has(effect.type)) return undefined;
      entry = { context: this.#newContext(callId), holds: 0, ended: false };
      this.#byCall.set(callId, entry);
      if (this.#byCall.size > MAX_CONTEXTS) this.#dropOldest();
    }
    const ctx = entry.context;
    const record = 'record' in effect ? effect.record : null;
    if (ctx.number === null) {
      ctx.number = record !== null ? (record.normalizedNumber ?? record.externalNumber) : effect.type === 'agent-ringing' ? (effect.normalizedNumber ?? effect.externalNumber) : null;
      // Kept only when it is the reading of the number just taken (the engine hands it on the
      // effects of the event that set the number; a hand-made effect may pair anything).
      const phone = record !== null && 'phone' in effect ? effect.phone : undefined;
      if (phone != null && ctx.number !== null && phone.raw === record?.externalNumber) ctx.phone = phone;
    }
    if (record?.clickToCallId && ctx.origin === undefined) {
      ctx.clickToCallId = record.clickToCallId;
      ctx.origin = this.#sources.origins?.peek(record.clickToCallId);
    }
    if (effect.type === 'call-ended' || record?.status === 'ended') entry.ended = true;
    entry.holds += sinks;
    // Held by no sink (none configured): an ended call's context closes at once.
    if (entry.holds === 0) this.#closeIfDone(callId, entry);
    return ctx;
  }

  /** A sink is done with an effect it was handed with this context (handled, failed or dropped). */
  release(context: CallContext): void {
    const entry = this.#byCall.get(context.callId);
    if (entry === undefined || entry.context !== context) return;
    entry.holds--;
    this.#closeIfDone(context.callId, entry);
  }

  /** Contexts of calls still going on or still being handled by some sink. */
  get size(): number {
    return this.#byCall.size;
  }

  /** Contexts dropped because too many calls were open at once (see MAX_CONTEXTS). */
  get dropped(): number {
    return this.#dropped;
  }

  #newContext(callId: string): MutableContext {
    let matches: Promise<readonly Candidate[]> | null = null;
    let askedWithout = false;
    const ctx: MutableContext = {
      callId,
      number: null,
      clickToCallId: null,
      origin: undefined,
      phone: null,
      matches: () => {
        // The number known at the first ask decides, as for a pop shown at that moment; asked
        // before there was one (a click-to-call rings the agent first), the number's arrival does.
        if (matches === null || (askedWithout && ctx.number !== null)) {
          askedWithout = ctx.number === null;
          matches = ctx.number ? this.#lookup(ctx.number, ctx.phone).catch(() => []) : Promise.resolve([]);
        }
        return matches;
      },
    };
    return ctx;
  }

  /**
   * The engine's reading serves the lookup only where parsing the number again would give the same
   * keys: a valid number whose E.164 is the number the lookup is given. A number that is only of a
   * possible length may read differently from its own E.164 (`+49 0079...` loses its zeros when
   * parsed again: 7,000 of 220,000 such readings over 12 regions, none of 99,000 valid ones), and
   * anonymous, internal and invalid numbers have no E.164: those are parsed with the directory's
   * region, as ever.
   */
  #lookup(number: string, phone: NormalizedPhone | null): Promise<readonly Candidate[]> {
    return phone !== null && phone.kind === 'number' && phone.valid && phone.e164 === number ? this.#sources.lookup(number, phone) : this.#sources.lookup(number);
  }

  #closeIfDone(callId: string, entry: Entry): void {
    if (!entry.ended || entry.holds > 0) return;
    this.#byCall.delete(callId);
    if (entry.context.clickToCallId !== null) this.#sources.origins?.take(entry.context.clickToCallId);
  }

  #dropOldest(): void {
    const oldest = this.#byCall.keys().next().value;
    if (oldest === undefined) return;
    this.#byCall.delete(oldest);
    this.#dropped++;
  }
}
