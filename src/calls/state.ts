/**
 * The engine's state: open calls by Linkedid, every live channel (leg) by Uniqueid, bridges, and a
 * short memory of ended calls. Plain objects and Maps, sized for thousands of concurrent calls.
 *
 * Times are epoch milliseconds; NaN means "not known" (a leg that never rang, a call recovered
 * after it was answered, or a capture that carries no clock at all).
 */
import { resolveEngineConfig, type EngineConfig, type ResolvedEngineConfig } from './config.ts';
import type { LegRole } from './channels.ts';
import type { OriginateResult } from './hangup-causes.ts';

export type Direction = 'inbound' | 'outbound' | 'internal';

/** Shared by every call until it has something of its own (most calls never transfer). */
export const NONE: readonly never[] = Object.freeze([]);
/** Rank of "no source yet" (a small integer keeps the field cheap). */
export const NO_RANK = 1 << 20;
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

export interface LegState {
  readonly uniqueid: string;
  readonly channel: string;
  /** Linkedid of the call the leg belongs to now (Asterisk may re-link a leg on transfer). */
  callKey: string;
  readonly role: LegRole;
  /** Agent legs: the agent's extension. Local legs: the agent extension they lead to, if any. */
  readonly extension: string | null;
  readonly localBase: string | null;
  /** The other half of a Local pair, once both are known. */
  partner: string | null;
  createdAt: number;
  /** The channel is up (answered). */
  up: boolean;
  /** Hangup seen. */
  gone: boolean;
  /** HangupRequest or SoftHangupRequest seen: the Hangup should follow at once. */
  hangingUp: boolean;
  bridge: string | null;
  /** Uniqueid of the leg whose Dial (or Queue) rang this one; null for an Originate's first leg. */
  dialer: string | null;
  /** Dialled by an Originate (DialBegin without a dialing channel). */
  originate: boolean;
  /** The phone rang (a DialBegin, AgentCalled or Ringing state reached it). */
  rang: boolean;
  /** The leg answered (a Dial or Queue connected it, or it went up while ringing). */
  answered: boolean;
  ringStart: number;
  ringEnd: number;
  answeredAt: number;
  /** A ringing effect was sent and not yet withdrawn. */
  ringing: boolean;
  /** DialEnd CANCEL came, but not yet why (answered elsewhere or the caller gave up). */
  stopPending: boolean;
  /** AgentComplete's TalkTime for this member's leg (reported once per leg). */
  queueTalkSeconds: number | null;
  /** Queue (or ring group) this leg was rung for. */
  queue: string | null;
  group: string | null;
  /** Dialler side: agent extensions named by the running Dial() not yet dialled (an unreachable phone gets no channel). */
  dialTargets: string[] | null;
  /** Dialler side: the extension a multi-target Dial() runs at (a ring group), else null. */
  dialGroup: string | null;
  /** A BlindTransfer moved this leg: its next dialplan step is that transfer, not a Redirect. */
  transferPending: boolean;
  /** Outside legs: the caller ID number they present (agents' are of no interest). */
  callerIdNum: string | null;
  cause: number | null;
  causeText: string | null;
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

export interface CallState {
  /** The Linkedid. */
  readonly key: string;
  readonly id: string;
  legs: LegState[];
  liveLegs: number;
  /** The first leg (the one whose Uniqueid is the Linkedid, or the first seen). */
  origin: LegState | null;
  /** The outside party: the caller of an inbound call, the customer of an outbound one. */
  external: LegState | null;
  originate: boolean;
  externalNumber: string | null;
  externalName: string | null;
  normalizedNumber: string | null;
  did: string | null;
  didRank: number;
  queue: string | null;
  inQueue: boolean;
  queueJoinAt: number;
  queueLeftAt: number;
  queueHoldSeconds: number | null;
  queueTalkSeconds: number | null;
  queueCompleteReason: string | null;
  /** Arrays of a call are replaced, never changed in place: a record may share them. */
  rang: readonly string[];
  /** Extensions a Dial() named that got no channel (offline phones: CHANUNAVAIL). */
  unreachable: readonly string[];
  answered: boolean;
  answeredBy: string | null;
  answeredAt: number;
  /** The leg whose answer answered the call. */
  answerLeg: LegState | null;
  transfers: readonly Transfer[];
  /** Identifies the last transfer event, so that a repeated event is not a second transfer. */
  lastTransferKey: string | null;
  startedAt: number;
  endedAt: number;
  /** Event time of the last event (PBX clock when the events carry one). */
  lastEventAt: number;
  /** Service clock (`now`) at the last event: what idle timeouts compare with. */
  lastSeenAt: number;
  /** The outside party is connected to an answered agent now. */
  talking: boolean;
  talkMs: number;
  /** When the current talk began (NaN if not known). */
  talkSince: number;
  /** Talk went on while the engine was not watching: the measured talk is not the whole story. */
  talkUnknown: boolean;
  lastDialStatus: string | null;
  sawBusy: boolean;
  sawNoAnswer: boolean;
  sawUnavailable: boolean;
  sawCongestion: boolean;
  /** The calling side hung up before anyone answered, while something rang or it waited in a queue. */
  abandoned: boolean;
  hangupBy: 'caller' | 'agent' | null;
  hangupExtension: string | null;
  hangupCause: number | null;
  hangupCauseText: string | null;
  recording: string | null;
  /** The recording's full path was announced (the path itself is only in the effect). */
  recordingPathKnown: boolean;
  recordingRank: number;
  clickToCallId: string | null;
  originateActionId: string | null;
  originateResult: OriginateResult | null;
  originateReason: number | null;
  originateExten: string | null;
  cdrs: readonly CdrFacts[];
  recovered: boolean;
  endedWhileDisconnected: boolean;
  endReason: EndReason | null;
  ended: boolean;
}

export type EndReason = 'hangup' | 'idle' | 'hangup-missing' | 'gone-after-reconnect' | 'disconnected' | 'shutdown' | 'capture-ended';

export interface EngineState {
  readonly config: ResolvedEngineConfig;
  /** Open calls by Linkedid. */
  readonly calls: Map<string, CallState>;
  /** Live legs by Uniqueid. */
  readonly legs: Map<string, LegState>;
  /** Bridge id → Uniqueids of the legs in it. */
  readonly bridges: Map<string, string[]>;
  /** Local channel base name → the half seen first, until its partner appears. */
  readonly localHalves: Map<string, string>;
  /** Recently ended calls by Linkedid (insertion order = end order), for late events. */
  readonly ended: Map<string, CallState>;
  /** Uniqueid → Linkedid of legs of recently ended calls (a Cdr names only its Uniqueid). */
  readonly endedLegs: Map<string, string>;
  /** ActionID → click-to-call id, from Originate actions the client fed to the engine. */
  readonly originates: Map<string, string | null>;
  /** Failed OriginateResponses that could not yet be told apart (two Originates ringing one phone). */
  readonly unclaimedOriginates: UnclaimedOriginate[];
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
    ended: new Map(),
    endedLegs: new Map(),
    originates: new Map(),
    unclaimedOriginates: [],
  };
}
