/**
 * Who owns a missed caller, and who is next when nobody called back in time (pure). The chain is
 * routing's own (`routing/decide.ts`): the record's responsible user, the agent who last talked to
 * the number, the line's (DID's) default extension, the fallback extension; then an admin. Live
 * states do not skip anyone here: a busy owner still owns the callback.
 */
import type { MissedOwnerReason } from '../store/schema.ts';
import type { RuleName } from '../routing/types.ts';

export interface ChainUser {
  id: string;
  name: string;
  active: boolean;
}

/** What the chain is made of for one caller, in routing's order; absent links are null. */
export interface ChainFacts {
  /** Routing's rule order (`ROUTING_RULES`): which of the first four links come, in which order. */
  order: readonly RuleName[];
  responsible: ChainUser | null;
  lastAgent: ChainUser | null;
  line: ChainUser | null;
  fallback: ChainUser | null;
  /** Active admins, first the one who should hear first. */
  admins: readonly ChainUser[];
}

export interface ChainLink {
  user: ChainUser;
  reason: Exclude<MissedOwnerReason, 'reassigned' | 'nobody'>;
}

const RULE_REASON: Record<RuleName, ChainLink['reason']> = { owner: 'responsible', 'last-agent': 'last-agent', 'did-default': 'line', fallback: 'fallback' };

/** The chain's people in order, each once (the first reason that names them), active ones only. */
export function ownerChain(facts: ChainFacts): ChainLink[] {
  const links: ChainLink[] = [];
  const seen = new Set<string>();
  const add = (user: ChainUser | null, reason: ChainLink['reason']): void => {
    if (user === null || !user.active || seen.has(user.id)) return;
    seen.add(user.id);
    links.push({ user, reason });
  };
  const byRule: Record<RuleName, ChainUser | null> = { owner: facts.responsible, 'last-agent': facts.lastAgent, 'did-default': facts.line, fallback: facts.fallback };
  for (const rule of facts.order) add(byRule[rule], RULE_REASON[rule]);
  add(facts.admins.find((a) => a.active) ?? null, 'admin');
  return links;
}

/** Where each reason stands in an escalation; a reassignment counts as a person's own pick (after the last agent). */
const RANK: Record<MissedOwnerReason, number> = { responsible: 0, 'last-agent': 1, reassigned: 1.5, line: 2, fallback: 3, admin: 4, nobody: 5 };

/**
 * The next owner of an item still open at its escalation time: the first link past the current
 * owner's place that is somebody else. Escalating goes to the line's team, then the fallback, then
 * an admin; it never goes back up the chain. Null: nobody further (the item stays where it is).
 */
export function nextOwner(chain: readonly ChainLink[], current: { ownerId: string | null; reason: MissedOwnerReason }): ChainLink | null {
  const here = RANK[current.reason];
  // Past the responsible user or the last agent, escalation goes to the line, never sideways.
  const floor = Math.max(here, RANK['last-agent']);
  return chain.find((l) => RANK[l.reason] > floor && l.user.id !== current.ownerId) ?? null;
}
