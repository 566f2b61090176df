/** The routing settings: defaults that run out of the box, and readable errors for wrong values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routingConfigSchema, rulesFromConfig } from './config.ts';
import { DEFAULT_ROUTING_RULES } from './types.ts';

test('no variables set: the default rules, a 300 ms budget, caller names on', () => {
  const config = routingConfigSchema.parse({});
  assert.deepEqual(rulesFromConfig(config), { ...DEFAULT_ROUTING_RULES, order: [...DEFAULT_ROUTING_RULES.order], skipWhen: [...DEFAULT_ROUTING_RULES.skipWhen], didDefaults: {} });
  assert.equal(config.ROUTING_BUDGET_MS, 300);
  assert.equal(config.ROUTING_SET_CALLER_NAME, true);
});

test('values from the environment', () => {
  const config = routingConfigSchema.parse({
    ROUTING_RULES: 'did-default, owner ,fallback',
    ROUTING_SKIP_WHEN: 'busy,dnd,ringing',
    ROUTING_LAST_AGENT_DAYS: '7',
    ROUTING_DID_DEFAULTS: '5550300=600, 5550200 = 700',
    ROUTING_FALLBACK: ' 101 ',
    ROUTING_BUDGET_MS: '150',
    ROUTING_SET_CALLER_NAME: 'off',
  });
  assert.deepEqual(rulesFromConfig(config), {
    order: ['did-default', 'owner', 'fallback'],
    skipWhen: ['busy', 'dnd', 'ringing'],
    lastAgentDays: 7,
    didDefaults: { '5550300': '600', '5550200': '700' },
    fallback: '101',
  });
  assert.equal(config.ROUTING_BUDGET_MS, 150);
  assert.equal(config.ROUTING_SET_CALLER_NAME, false);
});

test('wrong values are refused with a message that says what is expected', () => {
  const bad = (env: Record<string, string>): string => {
    const r = routingConfigSchema.safeParse(env);
    assert.equal(r.success, false, JSON.stringify(env));
    return r.error!.issues.map((i) => i.message).join('; ');
  };
  assert.match(bad({ ROUTING_RULES: 'owner,boss' }), /owner, last-agent, did-default, fallback/);
  assert.match(bad({ ROUTING_DID_DEFAULTS: '5550300' }), /DID=extension/);
  assert.match(bad({ ROUTING_DID_DEFAULTS: '5550300=6 00' }), /DID=extension/);
  assert.match(bad({ ROUTING_FALLBACK: '101;Dial' }), /extension/);
  assert.match(bad({ ROUTING_SET_CALLER_NAME: 'maybe' }), /true or false/);
  bad({ ROUTING_BUDGET_MS: '0' });
});
