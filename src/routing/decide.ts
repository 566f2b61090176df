/**
 * The routing decision: a pure function of the call, the facts and the rules. No I/O, no clock
 * (`now` is passed in), so every answer can be replayed from its inputs.
 *
 * Rules are tried in the configured order; the first that names an extension answers, and every
 * rule tried before it is reported with why it passed (`skipped`). The owner and last-agent rules
 * pass when the extension's live state is one of `skipWhen` (busy, DND, unregistered, ...).
 */
import type {
  Availability,
  CallerFacts,
  ClientFact,
  RouteDecision,
  RouteFacts,
  RouteInput,
  RouteReason,
  RoutingRules,
  RuleName,
  SkippedRule,
  SkipWhy,
} from './types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

type Outcome = { extension: string } | { why: SkipWhy };

/**
 * The client routing goes by when several match: the ranked first client with an assigned user;
 * when none has one, the ranked first (it still names the caller and fills CRM_ENTITY).
 */
export function pickClient(clients: readonly ClientFact[]): ClientFact | undefined {
  return clients.find((c) => c.ownerId !== null) ?? clients[0];
}

export function decideRoute(input: RouteInput, facts: RouteFacts, rules: RoutingRules, now: Date): RouteDecision {
  const client = facts.caller.kind === 'matched' ? pickClient(facts.caller.clients) : undefined;
  const skipped: SkippedRule[] = [];
  for (const rule of rules.order) {
    const outcome = evaluate(rule, input, facts, rules, now, client);
    if ('extension' in outcome) {
      return decision(outcome.extension, rule, skipped, facts, client);
    }
    skipped.push({ rule, why: outcome.why });
  }
  return decision(null, noRouteReason(facts.caller, skipped), skipped, facts, client);
}

function evaluate(rule: RuleName, input: RouteInput, facts: RouteFacts, rules: RoutingRules, now: Date, client: ClientFact | undefined): Outcome {
  switch (rule) {
    case 'owner':
      return ownerRule(facts, rules, client);
    case 'last-agent':
      return lastAgentRule(facts, rules, now);
    case 'did-default': {
      const ext = didDefault(rules.didDefaults, input.did);
      return ext ? { extension: ext } : { why: 'no-did-default' };
    }
    case 'fallback':
      return rules.fallback.trim() !== '' ? { extension: rules.fallback.trim() } : { why: 'no-fallback' };
  }
}

function ownerRule(facts: RouteFacts, rules: RoutingRules, client: ClientFact | undefined): Outcome {
  const caller = facts.caller;
  if (caller.kind === 'anonymous') return { why: 'anonymous-caller' };
  if (caller.kind === 'unknown') return { why: 'unknown-caller' };
  if (caller.kind === 'not-looked-up') return { why: caller.why };
  if (!client || client.ownerId === null) return { why: 'no-owner' };
  const owner = facts.owner;
  // Facts about another user than the picked client's owner are stale or mixed up: do not route on them.
  if (!owner || owner.id !== client.ownerId) return { why: 'owner-not-found' };
  if (!owner.active) return { why: 'owner-inactive' };
  if (!owner.extension) return { why: 'no-extension' };
  return reachable(owner.extension, facts, rules);
}

function lastAgentRule(facts: RouteFacts, rules: RoutingRules, now: Date): Outcome {
  const last = facts.lastAgent;
  if (!last || last.extension.trim() === '' || rules.lastAgentDays <= 0) return { why: 'no-last-agent' };
  const at = Date.parse(last.at);
  // An unreadable date, or a call older than the window (or in the future: a skewed clock), does not count.
  if (!Number.isFinite(at) || now.getTime() - at > rules.lastAgentDays * DAY_MS || at - now.getTime() > DAY_MS) {
    return { why: 'last-agent-too-old' };
  }
  return reachable(last.extension, facts, rules);
}

function reachable(extension: string, facts: RouteFacts, rules: RoutingRules): Outcome {
  const state: Availability = Object.hasOwn(facts.availability, extension) ? (facts.availability[extension] ?? 'unknown') : 'unknown';
  if (state !== 'available' && state !== 'unknown' && rules.skipWhen.includes(state)) return { why: state };
  return { extension };
}

/** The DID's default target: as written, else compared by digits only (`+1 555-0300` and `15550300`). */
export function didDefault(defaults: Readonly<Record<string, string>>, did: string): string | undefined {
  if (did === '') return undefined;
  const exact = Object.hasOwn(defaults, did) ? defaults[did] : undefined;
  if (exact !== undefined && exact.trim() !== '') return exact.trim();
  const digits = did.replace(/[^0-9]/g, '');
  if (digits === '') return undefined;
  for (const [key, ext] of Object.entries(defaults)) {
    if (key.replace(/[^0-9]/g, '') === digits && ext.trim() !== '') return ext.trim();
  }
  return undefined;
}

const AVAILABILITY_SKIPS: ReadonlySet<SkipWhy> = new Set<SkipWhy>(['ringing', 'in-use', 'busy', 'on-hold', 'dnd', 'unavailable', 'unregistered', 'owner-inactive']);

function noRouteReason(caller: CallerFacts, skipped: readonly SkippedRule[]): RouteReason {
  if (caller.kind === 'anonymous') return 'anonymous-caller';
  if (caller.kind === 'unknown') return 'unknown-caller';
  if (caller.kind === 'not-looked-up') return caller.why;
  const owner = skipped.find((s) => s.rule === 'owner');
  return owner && AVAILABILITY_SKIPS.has(owner.why) ? 'owner-unavailable' : 'no-route';
}

function decision(extension: string | null, reason: RouteReason, skipped: SkippedRule[], facts: RouteFacts, client: ClientFact | undefined): RouteDecision {
  return {
    extension,
    reason,
    skipped,
    entity: client ? { type: client.type, id: client.id } : null,
    callerName: client && client.name.trim() !== '' ? client.name.trim() : null,
    degraded: facts.caller.kind === 'not-looked-up',
  };
}

/** Facts that know nothing about the caller: what a decision uses past its budget or after a failed lookup. */
export function factsWithoutLookup(why: 'budget-exceeded' | 'lookup-failed'): RouteFacts {
  return { caller: { kind: 'not-looked-up', why }, owner: null, lastAgent: null, availability: {} };
}
