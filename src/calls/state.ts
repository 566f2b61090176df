/**
 * The engine's state: open calls by Linkedid, every live channel (leg) by Uniqueid, bridges, and a
 * short memory of ended calls. Maps of compact objects (call-state.ts, leg-state.ts), sized for
 * tens of thousands of concurrent calls.
 *
 * Times are epoch milliseconds; NaN means "not known" (a leg that never rang, a call recovered
 * after it was answered, or a capture that carries no clock at all).
 */
import { resolveEngineConfig, type EngineConfig, type ResolvedEngineConfig } from './config.ts';
import type { CallState } from './call-state.ts';
import type { LegState } from './leg-state.ts';

export { NONE, NO_RANK, CallState } from './call-state.ts';
export { LegState } from './leg-state.ts';

export type Direction = 'inbound' | 'outbound' | 'internal';
export type TransferKind = 'blind' | 'attended' | 'redirect';

export interface Transfer {
  /** The extension that transferred (or that the caller was redirected away from); null if not an agent. */
  from: string | null;
  /** Where the call went: the extension (or dialplan extension) dialled. */
  to: string | null;
  kind: TransferKind;
  /** ISO time, or null when the capture carries no clock. */
  at: string | null;
}

/** The Cdr fields the engine keeps, for times when the events carry no clock. */
export interface CdrFacts {
  /** Uniqueid of the Cdr's channel (party A). */
  uniqueid: string;
  destination: string;
  disposition: string;
  duration: number;
  billsec: number;
  start: string;
  answer: string;
  end: string;
}

export type EndReason = 'hangup' | 'idle' | 'hangup-missing' | 'gone-after-reconnect' | 'disconnected' | 'shutdown' | 'capture-ended' | 'rebuilt-from-cdr';

export interface EngineState {
  readonly config: ResolvedEngineConfig;
  /** Open calls by Linkedid. */
  readonly calls: Map<string, CallState>;
  /** Live legs by Uniqueid. */
  readonly legs: Map<string, LegState>;
  /** Bridges with a leg the engine follows, by id. */
  readonly bridges: Map<string, Bridge>;
  /** Local channel base name → the half seen first, until its partner appears. */
  readonly localHalves: Map<string, string>;
  /** Recently ended calls by Linkedid (insertion order = end order), for late events. */
  readonly ended: Map<string, CallState>;
  /** Uniqueid → Linkedid of legs of recently ended calls (a Cdr names only its Uniqueid). */
  readonly endedLegs: Map<string, string>;
  /** Values many calls repeat, one copy each (see `intern`). */
  readonly words: Map<string, string>;
  /** ActionID → click-to-call id, from Originate actions the client fed to the engine. */
  readonly originates: Map<string, string | null>;
  /** Failed OriginateResponses that could not yet be told apart (two Originates ringing one phone). */
  readonly unclaimedOriginates: UnclaimedOriginate[];
}

export interface Bridge {
  /** The engine's own copy of the id, shared by the legs in the bridge. */
  readonly id: string;
  /** Uniqueids of the legs in it. Replaced, never changed in place (an exact-size array). */
  members: readonly string[];
}

export interface UnclaimedOriginate {
  /** `PJSIP/101`: the phone the Originate rang. */
  device: string;
  actionId: string | null;
  reason: number;
  tag: string | null;
  exten: string | null;
}

export function createEngineState(config: EngineConfig): EngineState {
  return {
    config: resolveEngineConfig(config),
    calls: new Map(),
    legs: new Map(),
    bridges: new Map(),
    localHalves: new Map(),
    words: new Map(),
    ended: new Map(),
    endedLegs: new Map(),
    originates: new Map(),
    unclaimedOriginates: [],
  };
}
