/**
 * Routing settings as environment variables, with defaults that run out of the box: a schema to be
 * merged into the one configuration schema (`src/config.ts`), and its conversion into RoutingRules.
 *
 *   ROUTING_RULES            rule order, comma-separated            owner,last-agent,did-default,fallback
 *   ROUTING_SKIP_WHEN        states that pass over owner/last agent busy,in-use,on-hold,dnd,unavailable,unregistered
 *   ROUTING_LAST_AGENT_DAYS  last-agent window in days (0: off)     30
 *   ROUTING_DID_DEFAULTS     DID=extension pairs                    (none)   e.g. 5550300=600,5550200=700
 *   ROUTING_FALLBACK         extension for everything else          (none: ROUTE_EXT stays empty)
 *   ROUTING_BUDGET_MS        answer within this many ms             300
 *   ROUTING_SET_CALLER_NAME  set CALLERID(name) from the CRM        true
 */
import { z } from 'zod';
import { AVAILABILITIES, DEFAULT_ROUTING_RULES, RULE_NAMES, type Availability, type RoutingRules, type RuleName } from './types.ts';
import { DEFAULT_BUDGET_MS } from './budget.ts';

/** What may be sent as ROUTE_EXT and dialled: digits, letters (a queue name), `*#+_.-`. */
const TARGET = /^[A-Za-z0-9*#+_.-]{1,40}$/;

const list = <T extends string>(allowed: readonly T[], what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
    .refine((xs) => xs.every((x) => (allowed as readonly string[]).includes(x)), { message: `use a comma-separated list of: ${allowed.join(', ')} (${what})` })
    .transform((xs) => [...new Set(xs)] as T[]);

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), { message: 'use true or false' })
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

export const routingConfigSchema = z.object({
  /** Rule order, comma-separated: owner, last-agent, did-default, fallback. */
  ROUTING_RULES: list<RuleName>(RULE_NAMES, 'rule order').default([...RULE_NAMES]),
  /** Extension states that pass over the owner and the last agent. */
  ROUTING_SKIP_WHEN: list<Availability>(AVAILABILITIES, 'extension states').default([...DEFAULT_ROUTING_RULES.skipWhen]),
  /** Days within which the last agent who talked to the caller counts; 0 turns the rule off. */
  ROUTING_LAST_AGENT_DAYS: z.coerce.number().int().min(0).max(3650).default(DEFAULT_ROUTING_RULES.lastAgentDays),
  /** `DID=extension` pairs, comma-separated: the queue or ring group a DID's unrouted calls go to. */
  ROUTING_DID_DEFAULTS: z
    .string()
    .transform((s, ctx) => {
      const out: Record<string, string> = {};
      for (const pair of s.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
        const [did, ext, ...extra] = pair.split('=').map((x) => x.trim());
        if (!did || !ext || extra.length > 0 || !TARGET.test(ext)) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" is not DID=extension (e.g. 5550300=600)` });
          return z.NEVER;
        }
        out[did] = ext;
      }
      return out;
    })
    .default({}),
  /** The extension every call no other rule routes goes to; empty: no route (the dialplan's fallback). */
  ROUTING_FALLBACK: z
    .string()
    .transform((s) => s.trim())
    .refine((s) => s === '' || TARGET.test(s), { message: 'an extension: digits, letters and * # + _ . - only' })
    .default(''),
  /** Every routing answer within this many ms; past it, the DID default or fallback answers. */
  ROUTING_BUDGET_MS: z.coerce.number().int().min(10).max(10_000).default(DEFAULT_BUDGET_MS),
  /** Set the caller-ID name to the CRM name of the matched client. */
  ROUTING_SET_CALLER_NAME: bool.default(true),
});

export type RoutingConfig = z.infer<typeof routingConfigSchema>;

export function rulesFromConfig(config: RoutingConfig): RoutingRules {
  return {
    order: config.ROUTING_RULES,
    skipWhen: config.ROUTING_SKIP_WHEN,
    lastAgentDays: config.ROUTING_LAST_AGENT_DAYS,
    didDefaults: config.ROUTING_DID_DEFAULTS,
    fallback: config.ROUTING_FALLBACK,
  };
}
