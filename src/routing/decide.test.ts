/** The rule chain, case by case: who answers, and the reason chain reported when a rule passes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decideRoute, didDefault, factsWithoutLookup, pickClient } from './decide.ts';
import { DEFAULT_ROUTING_RULES, type ClientFact, type RouteFacts, type RoutingRules } from './types.ts';

const NOW = new Date('2026-11-23T20:00:00Z');
const INPUT = { caller: '+15551230010', did: '5550400', channel: 'PJSIP/carrier-00000015', uniqueid: '1795463977.23' };
const RULES: RoutingRules = { ...DEFAULT_ROUTING_RULES, didDefaults: { '5550400': '600' }, fallback: '101' };

const ANDY: ClientFact = { type: 'contact', id: 'c-andy', name: 'Andy Agi', ownerId: 'u-bob' };
const BOB = { id: 'u-bob', name: 'Bob Agent', active: true, extension: '102' };

function facts(over: Partial<RouteFacts> = {}): RouteFacts {
  return { caller: { kind: 'matched', clients: [ANDY] }, owner: BOB, lastAgent: null, availability: {}, ...over };
}

const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();

describe('the rule chain', () => {
  test('owner: the matched client\'s responsible user, at the primary extension', () => {
    const d = decideRoute(INPUT, facts({ availability: { '102': 'available' } }), RULES, NOW);
    assert.deepEqual(d, {
      extension: '102',
      reason: 'owner',
      skipped: [],
      entity: { type: 'contact', id: 'c-andy' },
      callerName: 'Andy Agi',
      degraded: false,
    });
  });

  test('owner with no known state is routed (no hint, or AMI not up yet)', () => {
    assert.equal(decideRoute(INPUT, facts(), RULES, NOW).extension, '102');
  });

  test('owner busy: the last agent answers, and the owner is reported skipped as busy', () => {
    const d = decideRoute(INPUT, facts({ availability: { '102': 'busy', '103': 'available' }, lastAgent: { extension: '103', at: daysAgo(2) } }), RULES, NOW);
    assert.equal(d.extension, '103');
    assert.equal(d.reason, 'last-agent');
    assert.deepEqual(d.skipped, [{ rule: 'owner', why: 'busy' }]);
    assert.deepEqual(d.entity, { type: 'contact', id: 'c-andy' }, 'the client is still named');
  });

  test('owner unavailable (unregistered, DND, in use, on hold, unavailable) passes to the next rule', () => {
    for (const state of ['unregistered', 'dnd', 'in-use', 'on-hold', 'unavailable'] as const) {
      const d = decideRoute(INPUT, facts({ availability: { '102': state } }), RULES, NOW);
      assert.equal(d.extension, '600', state);
      assert.equal(d.reason, 'did-default');
      assert.deepEqual(d.skipped, [{ rule: 'owner', why: state }, { rule: 'last-agent', why: 'no-last-agent' }]);
    }
  });

  test('owner unavailable and nothing else configured: reason owner-unavailable, no extension', () => {
    const d = decideRoute(INPUT, facts({ availability: { '102': 'dnd' } }), DEFAULT_ROUTING_RULES, NOW);
    assert.equal(d.extension, null);
    assert.equal(d.reason, 'owner-unavailable');
    assert.deepEqual(d.skipped.map((s) => s.why), ['dnd', 'no-last-agent', 'no-did-default', 'no-fallback']);
  });

  test('ringing routes by default, and is skipped when configured', () => {
    const ringing = facts({ availability: { '102': 'ringing' } });
    assert.equal(decideRoute(INPUT, ringing, RULES, NOW).extension, '102');
    assert.equal(decideRoute(INPUT, ringing, { ...RULES, skipWhen: [...RULES.skipWhen, 'ringing'] }, NOW).reason, 'did-default');
  });

  test('last agent: counts within the window only, and is itself checked for availability', () => {
    const base = { caller: { kind: 'unknown' } as const, owner: null };
    assert.equal(decideRoute(INPUT, facts({ ...base, lastAgent: { extension: '103', at: daysAgo(29) } }), RULES, NOW).reason, 'last-agent');
    const old = decideRoute(INPUT, facts({ ...base, lastAgent: { extension: '103', at: daysAgo(31) } }), RULES, NOW);
    assert.deepEqual(old.skipped[1], { rule: 'last-agent', why: 'last-agent-too-old' });
    const busy = decideRoute(INPUT, facts({ ...base, lastAgent: { extension: '103', at: daysAgo(1) }, availability: { '103': 'busy' } }), RULES, NOW);
    assert.deepEqual(busy.skipped[1], { rule: 'last-agent', why: 'busy' });
    assert.equal(decideRoute(INPUT, facts({ ...base, lastAgent: { extension: '103', at: 'not a date' } }), RULES, NOW).skipped[1]?.why, 'last-agent-too-old');
    assert.equal(decideRoute(INPUT, facts({ ...base, lastAgent: { extension: '103', at: daysAgo(1) } }), { ...RULES, lastAgentDays: 0 }, NOW).skipped[1]?.why, 'no-last-agent');
  });

  test('DID default: a queue or ring group for the dialled number, compared as written or by digits', () => {
    const unknown = facts({ caller: { kind: 'unknown' }, owner: null });
    assert.equal(decideRoute({ ...INPUT, did: '5550400' }, unknown, RULES, NOW).extension, '600');
    assert.equal(decideRoute({ ...INPUT, did: '555-0400' }, unknown, RULES, NOW).extension, '600');
    assert.equal(didDefault({ '+1 555 0300': '700' }, '15550300'), '700');
    assert.equal(didDefault({ '5550300': '700' }, ''), undefined);
    assert.equal(didDefault({ toString: '1' } as Record<string, string>, 'constructor'), undefined, 'no prototype keys');
  });

  test('fallback: everything else; none configured: no route', () => {
    const unknown = facts({ caller: { kind: 'unknown' }, owner: null });
    const d = decideRoute({ ...INPUT, did: '5559999' }, unknown, RULES, NOW);
    assert.equal(d.extension, '101');
    assert.equal(d.reason, 'fallback');
    assert.deepEqual(d.skipped, [
      { rule: 'owner', why: 'unknown-caller' },
      { rule: 'last-agent', why: 'no-last-agent' },
      { rule: 'did-default', why: 'no-did-default' },
    ]);
    assert.equal(d.entity, null);
    assert.equal(d.callerName, null);
  });

  test('unknown caller with nothing configured: reason unknown-caller', () => {
    const d = decideRoute(INPUT, facts({ caller: { kind: 'unknown' }, owner: null }), DEFAULT_ROUTING_RULES, NOW);
    assert.deepEqual([d.extension, d.reason], [null, 'unknown-caller']);
  });

  test('anonymous caller: the owner rule passes as anonymous-caller; the fallback answers', () => {
    const anonymous = facts({ caller: { kind: 'anonymous' }, owner: null });
    const d = decideRoute({ ...INPUT, caller: 'anonymous', did: '' }, anonymous, RULES, NOW);
    assert.deepEqual([d.extension, d.reason, d.skipped[0]], ['101', 'fallback', { rule: 'owner', why: 'anonymous-caller' }]);
    assert.equal(decideRoute(INPUT, anonymous, DEFAULT_ROUTING_RULES, NOW).reason, 'anonymous-caller');
  });

  test('several matches: the ranked first client with an assigned user', () => {
    const lead: ClientFact = { type: 'lead', id: 'l-1', name: 'Lena Lead', ownerId: null };
    const account: ClientFact = { type: 'account', id: 'a-1', name: 'ACME', ownerId: 'u-bob' };
    const other: ClientFact = { type: 'contact', id: 'c-2', name: 'Other', ownerId: 'u-carol' };
    const d = decideRoute(INPUT, facts({ caller: { kind: 'matched', clients: [lead, account, other] } }), RULES, NOW);
    assert.deepEqual([d.extension, d.reason, d.entity, d.callerName], ['102', 'owner', { type: 'account', id: 'a-1' }, 'ACME']);
    assert.equal(pickClient([lead]), lead, 'none assigned: the first still names the caller');
    const unowned = decideRoute(INPUT, facts({ caller: { kind: 'matched', clients: [lead] }, owner: null }), DEFAULT_ROUTING_RULES, NOW);
    assert.deepEqual([unowned.extension, unowned.reason, unowned.skipped[0]?.why, unowned.callerName], [null, 'no-route', 'no-owner', 'Lena Lead']);
  });

  test('the owner\'s user: gone, inactive, without an extension, or facts about someone else', () => {
    const why = (over: Partial<RouteFacts>): string | undefined => decideRoute(INPUT, facts(over), RULES, NOW).skipped[0]?.why;
    assert.equal(why({ owner: null }), 'owner-not-found');
    assert.equal(why({ owner: { ...BOB, id: 'u-carol' } }), 'owner-not-found');
    assert.equal(why({ owner: { ...BOB, active: false } }), 'owner-inactive');
    assert.equal(why({ owner: { ...BOB, extension: null } }), 'no-extension');
    assert.equal(decideRoute(INPUT, facts({ owner: { ...BOB, active: false } }), DEFAULT_ROUTING_RULES, NOW).reason, 'owner-unavailable');
    assert.equal(decideRoute(INPUT, facts({ owner: { ...BOB, extension: null } }), DEFAULT_ROUTING_RULES, NOW).reason, 'no-route');
  });

  test('the order is configurable: DID default first, owner never', () => {
    const d = decideRoute(INPUT, facts(), { ...RULES, order: ['did-default', 'fallback'] }, NOW);
    assert.deepEqual([d.extension, d.reason, d.skipped], ['600', 'did-default', []]);
  });

  test('without the caller\'s facts (budget passed, lookup failed): degraded, DID default or fallback still apply', () => {
    const d = decideRoute(INPUT, factsWithoutLookup('budget-exceeded'), RULES, NOW);
    assert.deepEqual([d.extension, d.reason, d.degraded, d.skipped[0]], ['600', 'did-default', true, { rule: 'owner', why: 'budget-exceeded' }]);
    const none = decideRoute(INPUT, factsWithoutLookup('lookup-failed'), DEFAULT_ROUTING_RULES, NOW);
    assert.deepEqual([none.extension, none.reason, none.degraded], [null, 'lookup-failed', true]);
  });
});
