/**
 * The routing routes' replies, built without per-request work: the plain-text answer and the JSON
 * decision (hand-written, checked byte for byte against JSON.stringify, hostile strings included).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { routeDecisionJson, routingRoutes } from './routing-routes.ts';
import type { RouteDecision, RouteInput, Router } from '../../routing/index.ts';
import { buildTestApp, type TestApp } from '../../../test/support/web-app.ts';

const OWNER: RouteDecision = {
  extension: '102',
  reason: 'owner',
  skipped: [],
  entity: { type: 'contact', id: 'c-1' },
  callerName: 'Ann "The Boss" O\\Neil',
  degraded: false,
};
const NONE: RouteDecision = { extension: null, reason: 'unknown-caller', skipped: [{ rule: 'owner', why: 'unknown-caller' }, { rule: 'fallback', why: 'no-fallback' }], entity: null, callerName: null, degraded: false };

describe('routeDecisionJson', () => {
  test('the same bytes as JSON.stringify, for answers and non-answers', () => {
    for (const d of [OWNER, NONE, { ...NONE, degraded: true, reason: 'budget-exceeded' } as RouteDecision]) assert.equal(routeDecisionJson(d), JSON.stringify(d));
  });

  test('any strings, quotes, control characters and lone surrogates included (fast-check)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const decision = fc.record({
      extension: fc.option(text, { nil: null }),
      reason: text,
      skipped: fc.array(fc.record({ rule: text, why: text }), { maxLength: 4 }),
      entity: fc.option(fc.record({ type: text, id: text }), { nil: null }),
      callerName: fc.option(text, { nil: null }),
      degraded: fc.boolean(),
    });
    fc.assert(
      fc.property(decision, (d) => {
        assert.equal(routeDecisionJson(d as unknown as RouteDecision), JSON.stringify(d));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('GET /api/route and /api/callerid', () => {
  let t: TestApp;
  let token = '';
  const asked: RouteInput[] = [];
  before(async () => {
    const router = Object.assign(
      async (input: RouteInput): Promise<RouteDecision> => {
        asked.push(input);
        return input.caller === '+15551230005' ? OWNER : NONE;
      },
      { stats: { decisions: 0, degraded: 0, budgetExceeded: 0, lookupFailed: 0 } },
    ) as Router;
    t = await buildTestApp({}, ({ access }) => [(app) => routingRoutes(app, { access, router })]);
    token = (await t.access.createToken('routing', 'dialplan', null)).token;
  });
  after(() => t.close());

  test('plain text: the extension and its reason; 404 with an empty body when there is no route', async () => {
    const hit = await t.app.inject({ method: 'GET', url: `/api/route?caller=%2B15551230005&did=5550400&uniqueid=1.2&token=${token}` });
    assert.equal(hit.statusCode, 200);
    assert.equal(hit.body, '102');
    assert.equal(hit.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(hit.headers['x-route-reason'], 'owner');
    assert.deepEqual(asked.at(-1), { caller: '+15551230005', did: '5550400', uniqueid: '1.2' });
    const miss = await t.app.inject({ method: 'GET', url: '/api/route?caller=%2B19995550000', headers: { authorization: `Bearer ${token}` } });
    assert.equal(miss.statusCode, 404);
    assert.equal(miss.body, '');
    assert.equal(miss.headers['x-route-reason'], 'unknown-caller');
    assert.deepEqual(asked.at(-1), { caller: '+19995550000', did: '' });
  });

  test('JSON when asked (format=json or Accept): the whole decision', async () => {
    const byQuery = await t.app.inject({ method: 'GET', url: `/api/route?caller=%2B15551230005&format=json&token=${token}` });
    assert.equal(byQuery.statusCode, 200);
    assert.equal(byQuery.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(byQuery.headers['x-route-reason'], 'owner');
    assert.deepEqual(byQuery.json(), OWNER);
    const byAccept = await t.app.inject({ method: 'GET', url: `/api/route?caller=x&token=${token}`, headers: { accept: 'application/json' } });
    assert.equal(byAccept.statusCode, 404);
    assert.equal(byAccept.body, JSON.stringify(NONE));
  });

  test('the caller name as text (404 when none), or JSON; no token, no answer', async () => {
    const name = await t.app.inject({ method: 'GET', url: `/api/callerid?number=%2B15551230005&token=${token}` });
    assert.equal(name.statusCode, 200);
    assert.equal(name.body, OWNER.callerName);
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/callerid?number=x&token=${token}` })).statusCode, 404);
    const json = await t.app.inject({ method: 'GET', url: `/api/callerid?number=%2B15551230005&format=json&token=${token}` });
    assert.deepEqual(json.json(), { name: OWNER.callerName, entity: OWNER.entity });
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/route?caller=x' })).statusCode, 401);
  });
});
