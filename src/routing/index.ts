// Smart routing's public surface: the pure decision, live extension states, fact gathering and the budget.
export * from './types.ts';
export { decideRoute, didDefault, factsWithoutLookup, pickClient } from './decide.ts';
export { DeviceStateTracker, fromDeviceState, fromHintStatus, type DeviceStateDump } from './device-states.ts';
export type { DeviceStateOptions } from './device-states.ts';
export { gatherFacts } from './facts.ts';
export type { GatherFactsInput } from './facts.ts';
export { DEFAULT_BUDGET_MS, createRouter, routeWithBudget } from './budget.ts';
export type { BudgetOptions, DegradedEvent, Router, RouterOptions, RouterStats } from './budget.ts';
export { routingConfigSchema, rulesFromConfig } from './config.ts';
export type { RoutingConfig } from './config.ts';
