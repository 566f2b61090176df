/** The `route` script against a recording session: which variables it sets, from which arguments. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { callerNameOf, createRouteHandler, routeInputOf } from './route-script.ts';
import { requestFromFields, type AgiRequest } from './request.ts';
import type { AgiSession } from './session.ts';
import type { RouteDecision, RouteInput } from '../routing/types.ts';

const ENV: [string, string][] = [
  ['agi_network', 'yes'],
  ['agi_network_script', 'route'],
  ['agi_request', 'agi://127.0.0.1:4573/route'],
  ['agi_channel', 'PJSIP/carrier-00000015'],
  ['agi_uniqueid', '1795463977.23'],
  ['agi_callerid', '+15551230010'],
  ['agi_calleridname', 'Andy Agi'],
  ['agi_dnid', '5550400'],
  ['agi_extension', '5550400'],
];

function request(extra: [string, string][] = [], drop: string[] = []): AgiRequest {
  const fields = ENV.filter(([k]) => !drop.includes(k)).map(([k, v]): [string, string] => [k, extra.find(([x]) => x === k)?.[1] ?? v]);
  return requestFromFields([...fields, ...extra.filter(([k]) => !ENV.some(([x]) => x === k))]);
}

function recordingSession(req: AgiRequest, aborted = false): { session: AgiSession; vars: [string, string][] } {
  const vars: [string, string][] = [];
  const controller = new AbortController();
  if (aborted) controller.abort({ hangup: true });
  const session: AgiSession = {
    request: req,
    signal: controller.signal,
    hungUp: aborted,
    remoteAddress: '127.0.0.1',
    command: () => Promise.reject(new Error('not used')),
    getVariable: () => Promise.resolve(null),
    verbose: () => Promise.resolve(),
    setVariable: (name, value) => {
      vars.push([name, value]);
      return Promise.resolve();
    },
  };
  return { session, vars };
}

const DECISION: RouteDecision = {
  extension: '102',
  reason: 'owner',
  skipped: [],
  entity: { type: 'contact', id: 'c-andy' },
  callerName: 'Andy Agi',
  degraded: false,
};

describe('route script', () => {
  test('sets ROUTE_EXT, ROUTE_REASON, CRM_ENTITY and CALLERID(name) from the decision', async () => {
    let input: RouteInput | undefined;
    const { session, vars } = recordingSession(request([['agi_arg_1', '+15551230010'], ['agi_arg_2', '5550400']]));
    await createRouteHandler(async (i) => ((input = i), DECISION))(session);
    assert.deepEqual(input, { caller: '+15551230010', did: '5550400', channel: 'PJSIP/carrier-00000015', uniqueid: '1795463977.23', peer: '127.0.0.1' });
    assert.deepEqual(vars, [
      ['ROUTE_EXT', '102'],
      ['ROUTE_REASON', 'owner'],
      ['CRM_ENTITY', 'contact:c-andy'],
      ['CALLERID(name)', 'Andy Agi'],
    ]);
  });

  test('no route: empty ROUTE_EXT and CRM_ENTITY, no caller name; the caller-name option off', async () => {
    const none: RouteDecision = { ...DECISION, extension: null, reason: 'unknown-caller', entity: null, callerName: null };
    const a = recordingSession(request());
    await createRouteHandler(async () => none)(a.session);
    assert.deepEqual(a.vars, [
      ['ROUTE_EXT', ''],
      ['ROUTE_REASON', 'unknown-caller'],
      ['CRM_ENTITY', ''],
    ]);
    const b = recordingSession(request());
    await createRouteHandler(async () => DECISION, { setCallerName: false })(b.session);
    assert.equal(b.vars.length, 3);
  });

  test('a caller who hung up while we decided gets no commands', async () => {
    const { session, vars } = recordingSession(request(), true);
    await createRouteHandler(async () => DECISION)(session);
    assert.deepEqual(vars, []);
  });

  test('a failing router rejects, so the server answers FAILURE', async () => {
    const { session } = recordingSession(request());
    await assert.rejects(createRouteHandler(async () => Promise.reject(new Error('boom')))(session), /boom/);
  });

  test('arguments missing or empty fall back to agi_callerid, agi_dnid, agi_extension; `unknown` counts as missing', () => {
    assert.deepEqual(routeInputOf(request()), { caller: '+15551230010', did: '5550400', channel: 'PJSIP/carrier-00000015', uniqueid: '1795463977.23' });
    assert.equal(routeInputOf(request([['agi_arg_1', ''], ['agi_arg_2', ' ']])).caller, '+15551230010');
    assert.equal(routeInputOf(request([['agi_dnid', 'unknown']])).did, '5550400', 'agi_extension');
    assert.equal(routeInputOf(request([['agi_callerid', 'unknown']])).caller, '');
    assert.deepEqual(routeInputOf(request([], ['agi_dnid', 'agi_extension'])).did, '');
    assert.equal(routeInputOf(request([['agi_arg_1', 'anonymous']])).caller, 'anonymous', 'the router decides what anonymous means');
  });

  test('several PBXs: the script\'s ?pbx= names the PBX that asks, and the peer\'s address is kept for when it does not', () => {
    const named = request([['agi_network_script', 'route?pbx=hamburg']]);
    assert.equal(named.script, 'route');
    assert.deepEqual(routeInputOf(named, '10.2.0.5'), { caller: '+15551230010', did: '5550400', channel: 'PJSIP/carrier-00000015', uniqueid: '1795463977.23', pbx: 'hamburg', peer: '10.2.0.5' });
    assert.equal(routeInputOf(request([['agi_network_script', 'route?pbx=']])).pbx, undefined, 'an empty name names nothing');
    assert.equal(routeInputOf(request()).peer, undefined);
  });

  test('caller names are cleaned and bounded by characters', () => {
    assert.equal(callerNameOf('  Ann\t"The Boss"\u0007  O\'Neil '), 'Ann "The Boss" O\'Neil');
    assert.equal(callerNameOf('Иван Петров', 4), 'Иван');
    assert.equal(callerNameOf('😀😀😀', 2), '😀😀', 'never half a character');
    assert.equal(callerNameOf('ab     cd', 3), 'ab');
  });
});
