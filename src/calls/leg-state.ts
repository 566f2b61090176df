/**
 * One channel (leg) of a call, as the engine follows it.
 *
 * Sized for tens of thousands of live legs: the nine yes/no facts share one small integer
 * (`flags`) instead of nine fields of 8 bytes each, and the facts only Local channels or ended legs
 * have live in a side object allocated on first use. Accessors keep the plain-field reading
 * (`leg.rang = true`); V8 inlines them, so the hot path pays nothing for it.
 */
import type { LegRole } from './channels.ts';

const UP = 1;
const GONE = 2;
const HANGING_UP = 4;
const ORIGINATE = 8;
const RANG = 16;
const ANSWERED = 32;
const RINGING = 64;
const STOP_PENDING = 128;
const TRANSFER_PENDING = 256;

/** What only some legs know: the Local pair (Local channels), queue talk time and hangup cause (ended legs). */
class LegMore {
  localBase: string | null = null;
  partner: string | null = null;
  queueTalkSeconds: number | null = null;
  cause: number | null = null;
  causeText: string | null = null;
}

export class LegState {
  readonly uniqueid: string;
  readonly channel: string;
  /** Linkedid of the call the leg belongs to now (Asterisk may re-link a leg on transfer). */
  callKey: string;
  readonly role: LegRole;
  /** Agent legs: the agent's extension. Local legs: the agent extension they lead to, if any. */
  readonly extension: string | null;
  createdAt: number;
  bridge: string | null = null;
  /** Uniqueid of the leg whose Dial (or Queue) rang this one; null for an Originate's first leg. */
  dialer: string | null = null;
  ringStart = Number.NaN;
  ringEnd = Number.NaN;
  answeredAt = Number.NaN;
  /** Queue (or ring group) this leg was rung for. */
  queue: string | null = null;
  group: string | null = null;
  /** Dialler side: agent extensions named by the running Dial() not yet dialled (an unreachable phone gets no channel). */
  dialTargets: readonly string[] | null = null;
  /** Dialler side: the extension a multi-target Dial() runs at (a ring group), else null. */
  dialGroup: string | null = null;
  /** Outside legs: the caller ID number they present (agents' are of no interest). */
  callerIdNum: string | null = null;
  /** The yes/no facts below, one bit each. */
  #flags = 0;
  #more: LegMore | null = null;

  constructor(uniqueid: string, channel: string, callKey: string, role: LegRole, extension: string | null, createdAt: number) {
    this.uniqueid = uniqueid;
    this.channel = channel;
    this.callKey = callKey;
    this.role = role;
    this.extension = extension;
    this.createdAt = createdAt;
  }

  #set(bit: number, on: boolean): void {
    this.#flags = on ? this.#flags | bit : this.#flags & ~bit;
  }

  #extra(): LegMore {
    return (this.#more ??= new LegMore());
  }

  /** The channel is up (answered). */
  get up(): boolean {
    return (this.#flags & UP) !== 0;
  }
  set up(on: boolean) {
    this.#set(UP, on);
  }

  /** Hangup seen. */
  get gone(): boolean {
    return (this.#flags & GONE) !== 0;
  }
  set gone(on: boolean) {
    this.#set(GONE, on);
  }

  /** HangupRequest or SoftHangupRequest seen: the Hangup should follow at once. */
  get hangingUp(): boolean {
    return (this.#flags & HANGING_UP) !== 0;
  }
  set hangingUp(on: boolean) {
    this.#set(HANGING_UP, on);
  }

  /** Dialled by an Originate (DialBegin without a dialing channel). */
  get originate(): boolean {
    return (this.#flags & ORIGINATE) !== 0;
  }
  set originate(on: boolean) {
    this.#set(ORIGINATE, on);
  }

  /** The phone rang (a DialBegin, AgentCalled or Ringing state reached it). */
  get rang(): boolean {
    return (this.#flags & RANG) !== 0;
  }
  set rang(on: boolean) {
    this.#set(RANG, on);
  }

  /** The leg answered (a Dial or Queue connected it, or it went up while ringing). */
  get answered(): boolean {
    return (this.#flags & ANSWERED) !== 0;
  }
  set answered(on: boolean) {
    this.#set(ANSWERED, on);
  }

  /** A ringing effect was sent and not yet withdrawn. */
  get ringing(): boolean {
    return (this.#flags & RINGING) !== 0;
  }
  set ringing(on: boolean) {
    this.#set(RINGING, on);
  }

  /** DialEnd CANCEL came, but not yet why (answered elsewhere or the caller gave up). */
  get stopPending(): boolean {
    return (this.#flags & STOP_PENDING) !== 0;
  }
  set stopPending(on: boolean) {
    this.#set(STOP_PENDING, on);
  }

  /** A BlindTransfer moved this leg: its next dialplan step is that transfer, not a Redirect. */
  get transferPending(): boolean {
    return (this.#flags & TRANSFER_PENDING) !== 0;
  }
  set transferPending(on: boolean) {
    this.#set(TRANSFER_PENDING, on);
  }

  /** Local legs: the name both halves share (`Local/102@agents-00000000`). */
  get localBase(): string | null {
    return this.#more === null ? null : this.#more.localBase;
  }
  set localBase(value: string | null) {
    if (value !== null || this.#more !== null) this.#extra().localBase = value;
  }

  /** The other half of a Local pair, once both are known. */
  get partner(): string | null {
    return this.#more === null ? null : this.#more.partner;
  }
  set partner(value: string | null) {
    if (value !== null || this.#more !== null) this.#extra().partner = value;
  }

  /** AgentComplete's TalkTime for this member's leg (reported once per leg). */
  get queueTalkSeconds(): number | null {
    return this.#more === null ? null : this.#more.queueTalkSeconds;
  }
  set queueTalkSeconds(value: number | null) {
    if (value !== null || this.#more !== null) this.#extra().queueTalkSeconds = value;
  }

  /** The Hangup's cause code. */
  get cause(): number | null {
    return this.#more === null ? null : this.#more.cause;
  }
  set cause(value: number | null) {
    if (value !== null || this.#more !== null) this.#extra().cause = value;
  }

  get causeText(): string | null {
    return this.#more === null ? null : this.#more.causeText;
  }
  set causeText(value: string | null) {
    if (value !== null || this.#more !== null) this.#extra().causeText = value;
  }
}
