/** Every answer within the budget: a deliberately slow fact source, under mock timers (no real waiting). */
import { test, describe, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, routeWithBudget, type DegradedEvent } from './budget.ts';
import { DEFAULT_ROUTING_RULES, type RouteFacts, type RoutingRules } from './types.ts';

const NOW = new Date('2026-11-23T20:00:00Z');
const INPUT = { caller: '+15551230010', did: '5550400', uniqueid: '1795463977.23' };
const RULES: RoutingRules = { ...DEFAULT_ROUTING_RULES, didDefaults: { '5550400': '600' }, fallback: '101' };
const FACTS: RouteFacts = {
  caller: { kind: 'matched', clients: [{ type: 'contact', id: 'c-andy', name: 'Andy Agi', ownerId: 'u-bob' }] },
  owner: { id: 'u-bob', name: 'Bob', active: true, extension: '102' },
  lastAgent: null,
  availability: {},
};

/** A store that answers after `ms` (mock time), noting whether it was told to stop. */
function slowStore(ms: number): { lookup: (signal: AbortSignal) => Promise<RouteFacts>; aborted: () => boolean } {
  let signal: AbortSignal | undefined;
  return {
    lookup: (s) => {
      signal = s;
      return new Promise((resolve) => setTimeout(() => resolve(FACTS), ms));
    },
    aborted: () => signal?.aborted === true,
  };
}

/** Lets pending promise callbacks run (mock timers do not advance them). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

afterEach(() => mock.timers.reset());

describe('routeWithBudget', () => {
  test('facts in time: the full decision, nothing reported', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const events: DegradedEvent[] = [];
    const store = slowStore(50);
    const pending = routeWithBudget(INPUT, store.lookup, RULES, { budgetMs: 300, now: () => NOW, onDegraded: (e) => events.push(e) });
    mock.timers.tick(50);
    const d = await pending;
    assert.deepEqual([d.extension, d.reason, d.degraded], ['102', 'owner', false]);
    assert.deepEqual(events, []);
  });

  test('a slow store: at the budget the DID default answers, degraded, reported once, and the lookup is told to stop', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const events: DegradedEvent[] = [];
    const store = slowStore(5_000);
    let done = false;
    const pending = routeWithBudget(INPUT, store.lookup, RULES, { budgetMs: 300, now: () => NOW, onDegraded: (e) => events.push(e) }).finally(() => (done = true));
    mock.timers.tick(299);
    await settle();
    assert.equal(done, false, 'still within the budget');
    mock.timers.tick(1);
    const d = await pending;
    assert.deepEqual([d.extension, d.reason, d.degraded, d.entity], ['600', 'did-default', true, null]);
    assert.deepEqual(d.skipped[0], { rule: 'owner', why: 'budget-exceeded' });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.why, 'budget-exceeded');
    assert.equal(events[0]!.budgetMs, 300);
    assert.equal(events[0]!.input, INPUT);
    assert.equal(store.aborted(), true);
    mock.timers.tick(5_000); // the late answer is ignored
    await settle();
    assert.equal(events.length, 1);
  });

  test('past the budget with nothing configured: no route, reason budget-exceeded', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const pending = routeWithBudget(INPUT, () => new Promise<RouteFacts>(() => undefined), DEFAULT_ROUTING_RULES, { now: () => NOW });
    mock.timers.tick(300); // the default budget
    const d = await pending;
    assert.deepEqual([d.extension, d.reason, d.degraded], [null, 'budget-exceeded', true]);
  });

  test('a failing store (rejecting, or throwing at once): the fallback answers, reported as lookup-failed', async () => {
    const events: DegradedEvent[] = [];
    const failing = await routeWithBudget(INPUT, () => Promise.reject(new Error('connection refused')), { ...RULES, didDefaults: {} }, { onDegraded: (e) => events.push(e) });
    assert.deepEqual([failing.extension, failing.reason, failing.degraded], ['101', 'fallback', true]);
    const throwing = await routeWithBudget(INPUT, () => {
      throw new Error('bug');
    }, RULES, { onDegraded: (e) => events.push(e) });
    assert.equal(throwing.reason, 'did-default');
    const malformed = await routeWithBudget(INPUT, () => Promise.resolve({} as RouteFacts), RULES, { onDegraded: (e) => events.push(e) });
    assert.equal(malformed.degraded, true, 'facts of the wrong shape count as a failed lookup');
    events.pop();
    assert.deepEqual(events.map((e) => [e.why, (e.error as Error).message]), [
      ['lookup-failed', 'connection refused'],
      ['lookup-failed', 'bug'],
    ]);
  });

  test('a store that fails after the budget does not raise an unhandled rejection', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const late = routeWithBudget(INPUT, () => new Promise<RouteFacts>((_, reject) => setTimeout(() => reject(new Error('late')), 1_000)), RULES, { budgetMs: 10 });
    mock.timers.tick(10);
    assert.equal((await late).degraded, true);
    mock.timers.tick(1_000);
    await settle();
  });
});

describe('createRouter', () => {
  test('counts decisions and degraded answers, and survives a throwing log callback', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    let calls = 0;
    const router = createRouter({
      rules: RULES,
      budgetMs: 100,
      now: () => NOW,
      gather: (input) => (input.caller === 'slow' ? new Promise<RouteFacts>(() => undefined) : input.caller === 'bad' ? Promise.reject(new Error('x')) : Promise.resolve(FACTS)),
      onDegraded: () => {
        calls++;
        throw new Error('logger broke');
      },
    });
    assert.equal((await router(INPUT)).reason, 'owner');
    const slow = router({ ...INPUT, caller: 'slow' });
    mock.timers.tick(100);
    assert.equal((await slow).reason, 'did-default');
    assert.equal((await router({ ...INPUT, caller: 'bad' })).degraded, true);
    assert.deepEqual(router.stats, { decisions: 3, degraded: 2, budgetExceeded: 1, lookupFailed: 1 });
    assert.equal(calls, 2);
  });
});
