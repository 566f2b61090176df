/**
 * The vocabulary of smart routing: what the dialplan asks (RouteInput), what we know when we decide
 * (RouteFacts), the configured rule chain (RoutingRules) and the answer (RouteDecision). Plain data:
 * the decision is a pure function of these, so every answer can be replayed and tested.
 */
import type { RecordType } from '../directory/record-types.ts';

/** The rules a chain may hold, in their default order. */
export const RULE_NAMES = ['owner', 'last-agent', 'did-default', 'fallback'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/**
 * What we know of an extension's phone right now (from AMI, see device-states.ts). `unknown` means
 * no event told us anything: routing then goes ahead, since a PBX without hints or a fresh AMI link
 * must not stop every call from reaching its manager.
 */
export type Availability = 'available' | 'ringing' | 'in-use' | 'busy' | 'on-hold' | 'dnd' | 'unavailable' | 'unregistered' | 'unknown';
export const AVAILABILITIES: readonly Availability[] = ['available', 'ringing', 'in-use', 'busy', 'on-hold', 'dnd', 'unavailable', 'unregistered', 'unknown'];

export interface RouteInput {
  /** The caller's number as the PBX presents it (`${CALLERID(num)}`); may be empty or `anonymous`. */
  caller: string;
  /** The number dialled (`${EXTEN}` in the inbound context); may be empty. */
  did: string;
  /** For logs: the channel and its Uniqueid. */
  channel?: string;
  uniqueid?: string;
  /**
   * Which PBX asks (its id): the FastAGI script's `?pbx=` or the HTTP route's `pbx`. Absent: the
   * PBX whose address the request came from, else the default PBX.
   */
  pbx?: string;
  /** The address the request came from (FastAGI), to tell the PBX when `pbx` is absent. */
  peer?: string;
}

/**
 * What a gatherer is told: whether its answer is still wanted. An AbortSignal is one; the router
 * passes a plain flag instead, since an AbortSignal per answer (an EventTarget) costs more than the
 * rest of the budget's bookkeeping together.
 */
export interface StopSignal {
  readonly aborted: boolean;
}

/** One CRM record that matched the caller, in lookup rank order. */
export interface ClientFact {
  type: RecordType;
  id: string;
  /** As people read it; becomes the caller-ID name. */
  name: string;
  /** The responsible (assigned) user's id, or null. */
  ownerId: string | null;
}

export type CallerFacts =
  /** The caller hid the number, or the PBX had none. */
  | { kind: 'anonymous' }
  /** A number (or an internal extension) that matches no client. */
  | { kind: 'unknown' }
  /** One or more clients, ranked best first. */
  | { kind: 'matched'; clients: readonly ClientFact[] }
  /** The lookup did not answer in time, or failed: we route without knowing the caller. */
  | { kind: 'not-looked-up'; why: 'budget-exceeded' | 'lookup-failed' };

/** The responsible user of the client routing goes by (see `pickClient`), from the directory. */
export interface OwnerFact {
  id: string;
  name: string;
  active: boolean;
  /** The user's primary extension, or null when the user has none. */
  extension: string | null;
}

/** The agent who last talked to this number (from the call log). */
export interface LastAgentFact {
  extension: string;
  userId?: string | null;
  /** When that call was, ISO-8601; the rule ignores calls older than `lastAgentDays`. */
  at: string;
}

export interface RouteFacts {
  caller: CallerFacts;
  /** Null when no client has an owner, or the owner's user no longer exists. */
  owner: OwnerFact | null;
  lastAgent: LastAgentFact | null;
  /** Live availability of the extensions the rules may pick; a missing extension counts as `unknown`. */
  availability: Readonly<Record<string, Availability>>;
}

export interface RoutingRules {
  /** The rules to try, in order; the first that names an extension answers. Default: all four, as in RULE_NAMES. */
  order: readonly RuleName[];
  /**
   * Availabilities that make the owner and last-agent rules pass to the next rule. Default: busy,
   * in-use, on-hold, dnd, unavailable, unregistered. (`ringing` routes: ringing lasts seconds and
   * the phone may take a second call; add it to skip ringing phones too.)
   */
  skipWhen: readonly Availability[];
  /** The last-agent rule counts calls within this many days. Default 30. */
  lastAgentDays: number;
  /** Per-DID default target (a queue or ring-group extension): `{ '5550300': '600' }`. Default none. */
  didDefaults: Readonly<Record<string, string>>;
  /** Where every other call goes; empty: no route (ROUTE_EXT stays empty, the dialplan decides). Default empty. */
  fallback: string;
}

export const DEFAULT_ROUTING_RULES: RoutingRules = Object.freeze({
  order: RULE_NAMES,
  skipWhen: Object.freeze(['busy', 'in-use', 'on-hold', 'dnd', 'unavailable', 'unregistered'] as Availability[]),
  lastAgentDays: 30,
  didDefaults: Object.freeze({}),
  fallback: '',
});

/** Why a rule did not answer. */
export type SkipWhy =
  | 'anonymous-caller'
  | 'unknown-caller'
  | 'budget-exceeded'
  | 'lookup-failed'
  | 'no-owner'
  | 'owner-not-found'
  | 'owner-inactive'
  | 'no-extension'
  | Exclude<Availability, 'available' | 'unknown'>
  | 'no-last-agent'
  | 'last-agent-too-old'
  | 'no-did-default'
  | 'no-fallback';

export interface SkippedRule {
  rule: RuleName;
  why: SkipWhy;
}

/**
 * `ROUTE_REASON`: the rule that answered, or — when none did — why not: the caller was anonymous or
 * unknown, the owner was unavailable (busy, DND, ...), facts could not be gathered in time, or
 * nothing was configured for this case (`no-route`).
 */
export type RouteReason = RuleName | 'owner-unavailable' | 'unknown-caller' | 'anonymous-caller' | 'budget-exceeded' | 'lookup-failed' | 'no-route';

export interface RouteDecision {
  /** `ROUTE_EXT`: where to send the call, or null (no route: the dialplan's own fallback). */
  extension: string | null;
  reason: RouteReason;
  /** The rules tried before the answer and why each passed, in order (`[{ rule: 'owner', why: 'busy' }]`). */
  skipped: readonly SkippedRule[];
  /** `CRM_ENTITY`: the client the caller was matched to, even when the call goes elsewhere. */
  entity: { type: RecordType; id: string } | null;
  /** The client's name for `CALLERID(name)`, or null. */
  callerName: string | null;
  /** True when the facts were not (all) gathered in time and the answer was made without them. */
  degraded: boolean;
}
