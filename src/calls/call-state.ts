/**
 * One call as the engine follows it: its legs, the facts its record is built from, and its clocks.
 *
 * Sized for tens of thousands of open calls (see leg-state.ts): the fourteen yes/no facts share one
 * small integer, and what only some calls ever know (queue figures, our Originate's outcome,
 * transfers, hangup details, Cdrs) lives in side objects allocated on first use. Accessors keep
 * the plain-field reading (`call.answered = true`).
 */
import type { NormalizedPhone } from '../phone/types.ts';
import type { OriginateResult } from './hangup-causes.ts';
import type { LegState } from './leg-state.ts';
import type { CdrFacts, Direction, EndReason, Transfer } from './state.ts';

/** Shared by every call until it has something of its own (most calls never transfer). */
export const NONE: readonly never[] = Object.freeze([]);
/** Rank of "no source yet" (a small integer keeps the field cheap). */
export const NO_RANK = 1 << 20;

const ORIGINATE = 1;
const IN_QUEUE = 2;
const ANSWERED = 4;
const TALKING = 8;
const TALK_UNKNOWN = 16;
const SAW_BUSY = 32;
const SAW_NO_ANSWER = 64;
const SAW_UNAVAILABLE = 128;
const SAW_CONGESTION = 256;
const ABANDONED = 512;
const RECORDING_PATH_KNOWN = 1024;
const RECOVERED = 2048;
const ENDED_WHILE_DISCONNECTED = 4096;
const ENDED = 8192;

/** app_queue's figures: only calls that went through a queue have them. */
class QueueFacts {
  joinAt = Number.NaN;
  leftAt = Number.NaN;
  holdSeconds: number | null = null;
  talkSeconds: number | null = null;
  completeReason: string | null = null;
}

/**
 * What a call restored from the store (after a service restart) knew that its legs cannot tell
 * again: the legs it had then are not in the record, only their outcome.
 */
export interface RestoredFacts {
  readonly direction: Direction;
  readonly callerExtension: string | null;
  readonly ringSeconds: number | null;
  readonly talkSeconds: number | null;
}

/** What most calls in progress do not know yet, or never will. */
class CallMore {
  unreachable: readonly string[] = NONE;
  lastTransferKey: string | null = null;
  hangupExtension: string | null = null;
  hangupCause: number | null = null;
  hangupCauseText: string | null = null;
  originateActionId: string | null = null;
  originateResult: OriginateResult | null = null;
  originateReason: number | null = null;
  originateExten: string | null = null;
  cdrs: readonly CdrFacts[] = NONE;
  endReason: EndReason | null = null;
  restored: RestoredFacts | null = null;
  fromCdr: 'corrected' | 'rebuilt' | null = null;
  spannedGap = false;
  talkFromCdr: TalkFromCdr = null;
  cdrRowsRead = 0;
  unseenTalk: UnseenTalk | null = null;
}

/**
 * Talk found going on at a recovery that began while the engine was not watching: at some moment
 * between `lo` (when sight was lost, or the call began) and `hi` (at first the recovery), epoch
 * ms. The talk clock runs from `until` (the recovery); the part before it is counted from the
 * middle of [lo, hi] (see record.ts), which the PBX's CDRs narrow.
 */
export interface UnseenTalk {
  lo: number;
  hi: number;
  /** The recovery: the talk clock runs from here. */
  until: number;
}

/** Whether, and from which answer, a call's talk was taken from its CDRs. */
export type TalkFromCdr = 'watched-answer' | 'cdr-answer' | null;

export class CallState {
  /** The Linkedid. */
  readonly key: string;
  /** `<pbxId>:<Linkedid>`. */
  readonly id: string;
  /** Every leg the call had (gone ones too, until it ends). Replaced, never changed in place. */
  legs: readonly LegState[] = NONE;
  liveLegs = 0;
  /** The first leg (the one whose Uniqueid is the Linkedid, or the first seen). */
  origin: LegState | null = null;
  /** The outside party: the caller of an inbound call, the customer of an outbound one. */
  external: LegState | null = null;
  externalNumber: string | null = null;
  externalName: string | null = null;
  normalizedNumber: string | null = null;
  /** libphonenumber's reading of `externalNumber`, made when it is set: handed on with that event's effects, then dropped (see effects.ts). */
  phone: NormalizedPhone | null = null;
  did: string | null = null;
  didRank = NO_RANK;
  queue: string | null = null;
  /** Arrays of a call are replaced, never changed in place: a record may share them. */
  rang: readonly string[] = NONE;
  answeredBy: string | null = null;
  answeredAt = Number.NaN;
  /** The leg whose answer answered the call. */
  answerLeg: LegState | null = null;
  transfers: readonly Transfer[] = NONE;
  startedAt: number;
  endedAt = Number.NaN;
  /** Event time of the last event (PBX clock when the events carry one). */
  lastEventAt: number;
  /** Service clock (`now`) at the last event: what idle timeouts compare with. */
  lastSeenAt: number;
  talkMs = 0;
  /** When the current talk began (NaN if not known). */
  talkSince = Number.NaN;
  lastDialStatus: string | null = null;
  hangupBy: 'caller' | 'agent' | null = null;
  recording: string | null = null;
  recordingRank = NO_RANK;
  clickToCallId: string | null = null;
  /** The yes/no facts below, one bit each. */
  #flags = 0;
  #queue: QueueFacts | null = null;
  #more: CallMore | null = null;

  constructor(key: string, id: string, startedAt: number, now: number) {
    this.key = key;
    this.id = id;
    this.startedAt = startedAt;
    this.lastEventAt = startedAt;
    this.lastSeenAt = now;
  }

  #set(bit: number, on: boolean): void {
    this.#flags = on ? this.#flags | bit : this.#flags & ~bit;
  }

  #q(): QueueFacts {
    return (this.#queue ??= new QueueFacts());
  }

  #m(): CallMore {
    return (this.#more ??= new CallMore());
  }

  // ---- yes/no facts ----

  /** Started by an Originate (ours or anyone's). */
  get originate(): boolean {
    return (this.#flags & ORIGINATE) !== 0;
  }
  set originate(on: boolean) {
    this.#set(ORIGINATE, on);
  }

  /** The caller waits in a queue now. */
  get inQueue(): boolean {
    return (this.#flags & IN_QUEUE) !== 0;
  }
  set inQueue(on: boolean) {
    this.#set(IN_QUEUE, on);
  }

  get answered(): boolean {
    return (this.#flags & ANSWERED) !== 0;
  }
  set answered(on: boolean) {
    this.#set(ANSWERED, on);
  }

  /** The outside party is connected to an answered agent now. */
  get talking(): boolean {
    return (this.#flags & TALKING) !== 0;
  }
  set talking(on: boolean) {
    this.#set(TALKING, on);
  }

  /** Talk went on while the engine was not watching: the measured talk is not the whole story. */
  get talkUnknown(): boolean {
    return (this.#flags & TALK_UNKNOWN) !== 0;
  }
  set talkUnknown(on: boolean) {
    this.#set(TALK_UNKNOWN, on);
  }

  get sawBusy(): boolean {
    return (this.#flags & SAW_BUSY) !== 0;
  }
  set sawBusy(on: boolean) {
    this.#set(SAW_BUSY, on);
  }

  get sawNoAnswer(): boolean {
    return (this.#flags & SAW_NO_ANSWER) !== 0;
  }
  set sawNoAnswer(on: boolean) {
    this.#set(SAW_NO_ANSWER, on);
  }

  get sawUnavailable(): boolean {
    return (this.#flags & SAW_UNAVAILABLE) !== 0;
  }
  set sawUnavailable(on: boolean) {
    this.#set(SAW_UNAVAILABLE, on);
  }

  get sawCongestion(): boolean {
    return (this.#flags & SAW_CONGESTION) !== 0;
  }
  set sawCongestion(on: boolean) {
    this.#set(SAW_CONGESTION, on);
  }

  /** The calling side hung up before anyone answered, while something rang or it waited in a queue. */
  get abandoned(): boolean {
    return (this.#flags & ABANDONED) !== 0;
  }
  set abandoned(on: boolean) {
    this.#set(ABANDONED, on);
  }

  /** The recording's full path was announced (the path itself is only in the effect). */
  get recordingPathKnown(): boolean {
    return (this.#flags & RECORDING_PATH_KNOWN) !== 0;
  }
  set recordingPathKnown(on: boolean) {
    this.#set(RECORDING_PATH_KNOWN, on);
  }

  /** The call was already going on when the engine first saw it. */
  get recovered(): boolean {
    return (this.#flags & RECOVERED) !== 0;
  }
  set recovered(on: boolean) {
    this.#set(RECOVERED, on);
  }

  get endedWhileDisconnected(): boolean {
    return (this.#flags & ENDED_WHILE_DISCONNECTED) !== 0;
  }
  set endedWhileDisconnected(on: boolean) {
    this.#set(ENDED_WHILE_DISCONNECTED, on);
  }

  get ended(): boolean {
    return (this.#flags & ENDED) !== 0;
  }
  set ended(on: boolean) {
    this.#set(ENDED, on);
  }

  /**
   * The PBX's own record (its CDRs) settled what happened while the engine was not watching:
   * `corrected` a call it followed, `rebuilt` a call it never saw (it began and ended in a gap).
   */
  get fromCdr(): 'corrected' | 'rebuilt' | null {
    return this.#more === null ? null : this.#more.fromCdr;
  }
  set fromCdr(value: 'corrected' | 'rebuilt' | null) {
    if (value !== null || this.#more !== null) this.#m().fromCdr = value;
  }

  /**
   * Its talk time was taken from CDRs (the events could not tell it), counted from an answer the
   * events saw or one the CDR gave: a later read, with more of the call's rows, takes it again.
   */
  get talkFromCdr(): TalkFromCdr {
    return this.#more === null ? null : this.#more.talkFromCdr;
  }
  set talkFromCdr(value: TalkFromCdr) {
    if (value !== null || this.#more !== null) this.#m().talkFromCdr = value;
  }

  /**
   * How many of the PBX's CDR rows of this call the last correction or rebuild read: a later read
   * with no more rows than that has nothing new to tell (see cdr-backfill.ts).
   */
  get cdrRowsRead(): number {
    return this.#more === null ? 0 : this.#more.cdrRowsRead;
  }
  set cdrRowsRead(value: number) {
    if (value !== 0 || this.#more !== null) this.#m().cdrRowsRead = value;
  }

  /** The call was going on when the engine lost sight of the PBX (a recovery found it, or ended it). */
  get spannedGap(): boolean {
    return this.#more !== null && this.#more.spannedGap;
  }
  set spannedGap(on: boolean) {
    if (on || this.#more !== null) this.#m().spannedGap = on;
  }

  // ---- queue figures ----

  get queueJoinAt(): number {
    return this.#queue === null ? Number.NaN : this.#queue.joinAt;
  }
  set queueJoinAt(value: number) {
    if (!Number.isNaN(value) || this.#queue !== null) this.#q().joinAt = value;
  }

  get queueLeftAt(): number {
    return this.#queue === null ? Number.NaN : this.#queue.leftAt;
  }
  set queueLeftAt(value: number) {
    if (!Number.isNaN(value) || this.#queue !== null) this.#q().leftAt = value;
  }

  /** The queue's HoldTime (AgentConnect or QueueCallerAbandon). */
  get queueHoldSeconds(): number | null {
    return this.#queue === null ? null : this.#queue.holdSeconds;
  }
  set queueHoldSeconds(value: number | null) {
    if (value !== null || this.#queue !== null) this.#q().holdSeconds = value;
  }

  /** AgentComplete's TalkTime, summed over the members' legs. */
  get queueTalkSeconds(): number | null {
    return this.#queue === null ? null : this.#queue.talkSeconds;
  }
  set queueTalkSeconds(value: number | null) {
    if (value !== null || this.#queue !== null) this.#q().talkSeconds = value;
  }

  get queueCompleteReason(): string | null {
    return this.#queue === null ? null : this.#queue.completeReason;
  }
  set queueCompleteReason(value: string | null) {
    if (value !== null || this.#queue !== null) this.#q().completeReason = value;
  }

  // ---- what few calls in progress know ----

  /** Extensions a Dial() named that got no channel (offline phones: CHANUNAVAIL). */
  get unreachable(): readonly string[] {
    return this.#more === null ? NONE : this.#more.unreachable;
  }
  set unreachable(value: readonly string[]) {
    if (value.length > 0 || this.#more !== null) this.#m().unreachable = value;
  }

  /** Identifies the last transfer event, so that a repeated event is not a second transfer. */
  get lastTransferKey(): string | null {
    return this.#more === null ? null : this.#more.lastTransferKey;
  }
  set lastTransferKey(value: string | null) {
    if (value !== null || this.#more !== null) this.#m().lastTransferKey = value;
  }

  get hangupExtension(): string | null {
    return this.#more === null ? null : this.#more.hangupExtension;
  }
  set hangupExtension(value: string | null) {
    if (value !== null || this.#more !== null) this.#m().hangupExtension = value;
  }

  get hangupCause(): number | null {
    return this.#more === null ? null : this.#more.hangupCause;
  }
  set hangupCause(value: number | null) {
    if (value !== null || this.#more !== null) this.#m().hangupCause = value;
  }

  get hangupCauseText(): string | null {
    return this.#more === null ? null : this.#more.hangupCauseText;
  }
  set hangupCauseText(value: string | null) {
    if (value !== null || this.#more !== null) this.#m().hangupCauseText = value;
  }

  get originateActionId(): string | null {
    return this.#more === null ? null : this.#more.originateActionId;
  }
  set originateActionId(value: string | null) {
    if (value !== null || this.#more !== null) this.#m().originateActionId = value;
  }

  get originateResult(): OriginateResult | null {
    return this.#more === null ? null : this.#more.originateResult;
  }
  set originateResult(value: OriginateResult | null) {
    if (value !== null || this.#more !== null) this.#m().originateResult = value;
  }

  get originateReason(): number | null {
    return this.#more === null ? null : this.#more.originateReason;
  }
  set originateReason(value: number | null) {
    if (value !== null || this.#more !== null) this.#m().originateReason = value;
  }

  /** The Originate's `Exten`: the number (or extension) our click-to-call dials. */
  get originateExten(): string | null {
    return this.#more === null ? null : this.#more.originateExten;
  }
  set originateExten(value: string | null) {
    if (value !== null || this.#more !== null) this.#m().originateExten = value;
  }

  get cdrs(): readonly CdrFacts[] {
    return this.#more === null ? NONE : this.#more.cdrs;
  }
  set cdrs(value: readonly CdrFacts[]) {
    if (value.length > 0 || this.#more !== null) this.#m().cdrs = value;
  }

  get unseenTalk(): UnseenTalk | null {
    return this.#more === null ? null : this.#more.unseenTalk;
  }
  set unseenTalk(value: UnseenTalk | null) {
    if (value !== null || this.#more !== null) this.#m().unseenTalk = value;
  }

  /** Set when the call was restored from the store after a restart (see restore.ts). */
  get restored(): RestoredFacts | null {
    return this.#more === null ? null : this.#more.restored;
  }
  set restored(value: RestoredFacts | null) {
    if (value !== null || this.#more !== null) this.#m().restored = value;
  }

  get endReason(): EndReason | null {
    return this.#more === null ? null : this.#more.endReason;
  }
  set endReason(value: EndReason | null) {
    if (value !== null || this.#more !== null) this.#m().endReason = value;
  }
}
