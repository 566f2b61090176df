/**
 * What a scenario is: a kind of call, the parameters that make one call of that kind, and the
 * timed AMI events Asterisk 20 would send for it.
 */
import type { AmiField } from '../../ami/message.ts';

export const SCENARIO_KINDS = [
  'inbound-answered',
  'inbound-noanswer',
  'inbound-busy',
  'inbound-unavailable',
  'ringgroup-answered',
  'ringgroup-noanswer',
  'queue-answered',
  'queue-abandoned',
  'click-to-call',
  'outbound-from-phone',
  'internal',
  'blind-transfer',
  'attended-transfer',
  'redirect',
] as const;

export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** One AMI event and when, counted from the start of the call, the PBX sends it. */
export interface TimedEvent {
  atMs: number;
  /** `Event`, `Privilege`, then the rest, in Asterisk's order. */
  fields: AmiField[];
}

/** A phone number and, optionally, the name shown with it. */
export interface Party {
  number: string;
  /** UTF-8 is sent as is (Asterisk does not escape it). Null or absent: `<unknown>`. */
  name?: string | null;
}

/** Who ends the conversation of an answered call. */
export type HangupSide = 'caller' | 'agent';

/**
 * Parameters of one call. Every field but `startEpochMs` has a default that makes a call like the
 * captures in test/fixtures/ami-transcripts/ (the dialplan in its asterisk-config/).
 */
export interface ScenarioParams {
  /**
   * When the call starts (epoch ms). Uniqueids, CEL and Cdr times and `Timestamp:` headers all
   * count from here, so the same parameters always give the same events.
   */
  startEpochMs: number;
  /** Inbound kinds (and transfers): the outside caller. Default `+15551230001` "John Customer". */
  caller?: Party;
  /**
   * click-to-call and outbound-from-phone: the customer dialled, and the name the carrier leg
   * shows. Default `15559876543`; click-to-call's default name is `Customer <number>`.
   */
  customer?: Party;
  /** The dialled DID of inbound kinds. Default `5550100` (`5550200` ring groups, `5550300` queues). */
  did?: string;
  /**
   * The phones. Inbound: the one(s) the Dial rings (more than one: a ring group); ring groups and
   * queues: the members, in the order they are called; click-to-call and outbound-from-phone: the
   * agent; internal: `[calling, called]`; transfers: the agent who answers first.
   */
  extensions?: string[];
  /** Ring groups and queues: the member who answers. Default the first of `extensions`. */
  answeredBy?: string;
  /** Display names of extensions. Defaults: 101 Alice Agent, 102 Bob Agent, 103 Carol Agent, 104 Dave Agent. */
  agentNames?: Readonly<Record<string, string>>;
  /**
   * Ringing until the answer; unanswered calls: until the Dial gives up (that becomes the Dial
   * timeout) or, for queue-abandoned, until the caller hangs up. click-to-call: the customer's
   * ringing. Defaults: 2 s answered, 15 s no answer, 20 s ring group no answer, 6 s abandoned,
   * 0 busy.
   */
  ringMs?: number;
  /** Conversation until the hang-up (transfers: until the transfer). Default 3 s. */
  talkMs?: number;
  /** Who hangs up an answered call: the outside party (on internal calls, the caller) or the agent. Default `caller`. */
  hangupBy?: HangupSide;
  /** Run the recording subroutine (`__CRM_RECORDING`, MixMonitor). Default true. */
  recording?: boolean;
  /** manager.conf `timestampevents`: add `Timestamp:` to every event. Default false (Asterisk's default). */
  timestampEvents?: boolean;
  /** Send CEL records (the capture's clock for offline analysis; Status learns DNID from them). Default true. */
  cel?: boolean;
  /** Send DeviceStateChange for the phones and the trunk. Default true. */
  deviceStates?: boolean;
  /** The PBX's local time zone as minutes east of UTC (CEL and Cdr times are local). Default 0. */
  utcOffsetMinutes?: number;
  /** The trunk endpoint outside parties use. Default `carrier`. */
  trunk?: string;
  /** Queue kinds: the queue name. Default `support`. */
  queue?: string;
  /**
   * Inbound kinds: route through the FastAGI step first, as DID 5550400 does: `SUCCESS` (the
   * route server answered with the extension) or `FAILURE` (nothing listening; the fallback rings).
   */
  agi?: 'SUCCESS' | 'FAILURE';
  /** Transfers: the extension the call is transferred to. Default `102`. */
  transferTo?: string;
  /** Transfers: ringing of the transfer target. Default 2 s. */
  transferRingMs?: number;
  /** Transfers: conversation with the target until the hang-up. Default 10 s. */
  talkAfterMs?: number;
  /** attended-transfer: the agents' consultation before the transfer completes. Default 7 s. */
  consultMs?: number;
  /** click-to-call: what our Originate carried, and how the agent's phone behaved. */
  clickToCall?: ClickToCallParams;
  /** click-to-call and outbound-from-phone: the caller ID presented to the customer. Default "ACME Sales" <5550100>. */
  outboundCallerId?: Party;
}

export interface ClickToCallParams {
  /** The Originate's ActionID (carried by OriginateResponse). Default `c2c-<token>`. */
  actionId?: string;
  /** Our click-to-call id, set as `__CRM_CALL_ID`. Default `crm-<actionId>`. */
  callId?: string;
  /** The Originate's `Account` (null: none, as in capture 17). Default the call id. */
  account?: string | null;
  /** Ringing of the agent's phone before it answers (or before the Originate times out). Default 2 s. */
  agentRingMs?: number;
  /** False: the agent never answers; OriginateResponse Failure, reason 3 (capture 17). Default true. */
  agentAnswers?: boolean;
  /**
   * The Originate's `Variable:` lines, `[name, value]` in order, set on the agent's channel as
   * Asterisk sets them. Default `[['__CRM_CALL_ID', callId]]`.
   */
  variables?: readonly (readonly [string, string])[];
  /** The Originate's `Context`, where the customer's number is dialled. Default `click-to-call`. */
  context?: string;
}
