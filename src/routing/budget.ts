/**
 * Every routing answer within a budget. The caller is waiting with the phone at the ear: a slow
 * store must cost one good route, never a stuck call. Fact gathering races a timer; past the budget
 * (or when gathering fails) the decision is made without the caller's facts — the per-DID default
 * or the global fallback still apply — and marked `degraded`. The slowness is reported once per call
 * through `onDegraded` and counted in the router's stats.
 */
import { decideRoute, factsWithoutLookup } from './decide.ts';
import type { RouteDecision, RouteFacts, RouteInput, RoutingRules, StopSignal } from './types.ts';

export const DEFAULT_BUDGET_MS = 300;

export interface DegradedEvent {
  why: 'budget-exceeded' | 'lookup-failed';
  /** Time from the start of the gathering to the decision, in ms. */
  elapsedMs: number;
  budgetMs: number;
  input: RouteInput;
  /** The gathering's error, for `lookup-failed`. */
  error?: unknown;
}

export interface BudgetOptions {
  /** Longest time fact gathering may take, in ms. Default 300. */
  budgetMs?: number;
  /** The clock for the decision (the last-agent window). Default `new Date()`. */
  now?: () => Date;
  /** Told once per degraded answer (log it; count it). */
  onDegraded?: (event: DegradedEvent) => void;
}

/**
 * Gathers facts with `lookupFacts` and decides; past `budgetMs`, or if the gathering fails, decides
 * without them. Never rejects. The abandoned gathering gets its signal aborted and may finish in the
 * background; its late result or error is ignored.
 */
export function routeWithBudget(
  input: RouteInput,
  lookupFacts: (signal: AbortSignal) => Promise<RouteFacts>,
  rules: RoutingRules,
  options: BudgetOptions = {},
): Promise<RouteDecision> {
  const controller = new AbortController();
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  return withinBudget(input, () => lookupFacts(controller.signal), rules, options, () => controller.abort(new Error(`routing facts took longer than ${budgetMs} ms`)));
}

/**
 * The budget itself: one plain timer and one promise, settled by the facts or the timer, whichever
 * comes first. `stop` is called once when the budget passes.
 */
function withinBudget(input: RouteInput, lookupFacts: () => Promise<RouteFacts>, rules: RoutingRules, options: BudgetOptions, stop: () => void): Promise<RouteDecision> {
  const run: BudgetRun = { input, rules, options, budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS, started: performance.now() };
  let lookup: Promise<RouteFacts>;
  try {
    lookup = Promise.resolve(lookupFacts());
  } catch (err) {
    lookup = Promise.reject(err as Error);
  }
  return new Promise<RouteDecision>((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      stop();
      resolve(degrade(run, 'budget-exceeded'));
    }, run.budgetMs);
    // Past the budget nobody waits for the lookup any more: its late result or failure is ignored
    // here, so it never surfaces as unhandled.
    lookup.then(
      (facts) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        let decision: RouteDecision;
        try {
          decision = decideRoute(input, facts, rules, nowOf(options));
        } catch (err) {
          // Facts of the wrong shape (a gatherer's bug) are a failed lookup, not a failed call.
          decision = degrade(run, 'lookup-failed', err);
        }
        resolve(decision);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(degrade(run, 'lookup-failed', err));
      },
    );
  });
}

/** One answer's budget, as plain data (module functions below, not closures per answer). */
interface BudgetRun {
  input: RouteInput;
  rules: RoutingRules;
  options: BudgetOptions;
  budgetMs: number;
  started: number;
}

function nowOf(options: BudgetOptions): Date {
  return options.now ? options.now() : new Date();
}

/** Reports the degraded answer (once) and decides without the caller's facts. */
function degrade(run: BudgetRun, why: DegradedEvent['why'], error?: unknown): RouteDecision {
  try {
    run.options.onDegraded?.({ why, elapsedMs: performance.now() - run.started, budgetMs: run.budgetMs, input: run.input, ...(error !== undefined ? { error } : {}) });
  } catch {
    // A failing log call must not turn a routed call into a failed one.
  }
  return decideRoute(run.input, factsWithoutLookup(why), run.rules, nowOf(run.options));
}

export interface RouterStats {
  decisions: number;
  /** Answers made without the caller's facts (both kinds below). */
  degraded: number;
  budgetExceeded: number;
  lookupFailed: number;
}

export interface RouterOptions extends BudgetOptions {
  rules: RoutingRules;
  /**
   * Gathers the facts for one call (usually `gatherFacts` with the directory, call log and device
   * states). `stop.aborted` turns true when the budget has passed: later steps may be skipped.
   */
  gather: (input: RouteInput, stop: StopSignal) => Promise<RouteFacts>;
}

/** A router: what the FastAGI `route` script and the HTTP endpoint call. Never rejects. */
export interface Router {
  (input: RouteInput): Promise<RouteDecision>;
  /** Counters since creation (a copy). */
  readonly stats: RouterStats;
}

export function createRouter(options: RouterOptions): Router {
  const stats: RouterStats = { decisions: 0, degraded: 0, budgetExceeded: 0, lookupFailed: 0 };
  // Made once, not per answer: the options and the degraded counter are the same for every call.
  const budget: BudgetOptions = {
    ...options,
    onDegraded: (event) => {
      stats.degraded++;
      if (event.why === 'budget-exceeded') stats.budgetExceeded++;
      else stats.lookupFailed++;
      options.onDegraded?.(event);
    },
  };
  const route = async (input: RouteInput): Promise<RouteDecision> => {
    const stop = { aborted: false };
    const decision = await withinBudget(input, () => options.gather(input, stop), options.rules, budget, () => (stop.aborted = true));
    stats.decisions++;
    return decision;
  };
  Object.defineProperty(route, 'stats', { get: () => ({ ...stats }), enumerable: true });
  return route as Router;
}
