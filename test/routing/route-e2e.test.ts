/**
 * End to end: a directory on SQLite, live device states from AMI events, the router with its budget,
 * and the FastAGI `route` script, driven by an Asterisk-like client sending the real request of
 * scenario 10 (caller +15551230010 on DID 5550400).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../support/engines.ts';
import { Directory } from '../../src/directory/directory.ts';
import { FastAgiServer } from '../../src/agi/server.ts';
import { createRouteHandler } from '../../src/agi/route-script.ts';
import { AmiMessage } from '../../src/ami/message.ts';
import { createRouter, DeviceStateTracker, gatherFacts, type Router, type RoutingRules, DEFAULT_ROUTING_RULES } from '../../src/routing/index.ts';
import { FakeAsterisk } from '../agi/asterisk-agi.ts';

describe('FastAGI route on a SQLite directory', () => {
  let t: TestStore;
  let dir: Directory;
  let contactId: string;
  let server: FastAgiServer;
  let port: number;
  let router: Router;
  const tracker = new DeviceStateTracker();
  const rules: RoutingRules = { ...DEFAULT_ROUTING_RULES, didDefaults: { '5550400': '600' } };

  before(async () => {
    t = await openTestStore('sqlite');
    dir = new Directory(t.store, { defaultRegion: 'US' });
    const bob = (await dir.upsertUser({ login: 'bob', name: 'Bob Agent', extensions: ['102'] })).id;
    contactId = (await dir.upsertContact({ firstName: 'Andy', lastName: 'Agi', assignedUserId: bob, phones: [{ kind: 'mobile', number: '(555) 123-0010' }] })).id;
    router = createRouter({
      rules,
      gather: (input, signal) => gatherFacts({ directory: dir, deviceStates: tracker, caller: input.caller, did: input.did, lastAgentDays: rules.lastAgentDays, signal }),
    });
    server = new FastAgiServer({ port: 0, handlers: { route: createRouteHandler(router) } });
    ({ port } = await server.listen());
  });
  after(async () => {
    await server.close();
    await t.dispose();
  });

  test('the owner of the calling contact gets the call: ROUTE_EXT 102, ROUTE_REASON owner', async () => {
    const asterisk = await FakeAsterisk.call({ port });
    assert.equal(await asterisk.status, 'SUCCESS');
    assert.equal(asterisk.variables.get('ROUTE_EXT'), '102');
    assert.equal(asterisk.variables.get('ROUTE_REASON'), 'owner');
    assert.equal(asterisk.variables.get('CRM_ENTITY'), `contact:${contactId}`);
    assert.equal(asterisk.variables.get('CALLERID(name)'), 'Andy Agi');
  });

  test('the owner on a call (AMI says PJSIP/102 INUSE): the DID default queue answers', async () => {
    tracker.apply(new AmiMessage([['Event', 'DeviceStateChange'], ['Device', 'PJSIP/102'], ['State', 'INUSE']]));
    try {
      const asterisk = await FakeAsterisk.call({ port });
      assert.equal(await asterisk.status, 'SUCCESS');
      assert.equal(asterisk.variables.get('ROUTE_EXT'), '600');
      assert.equal(asterisk.variables.get('ROUTE_REASON'), 'did-default');
      assert.equal(asterisk.variables.get('CRM_ENTITY'), `contact:${contactId}`);
    } finally {
      tracker.apply(new AmiMessage([['Event', 'DeviceStateChange'], ['Device', 'PJSIP/102'], ['State', 'NOT_INUSE']]));
    }
  });

  test('an unknown caller on another DID: empty ROUTE_EXT, reason unknown-caller, no caller name', async () => {
    const request = Buffer.from('agi_network: yes\nagi_network_script: route\nagi_request: agi://127.0.0.1:4573/route\nagi_callerid: +15559990000\nagi_arg_1: +15559990000\nagi_arg_2: 5550999\n\n');
    const asterisk = await FakeAsterisk.call({ port, request });
    assert.equal(await asterisk.status, 'SUCCESS');
    assert.deepEqual(Object.fromEntries(asterisk.variables), { ROUTE_EXT: '', ROUTE_REASON: 'unknown-caller', CRM_ENTITY: '' });
    assert.deepEqual(router.stats, { decisions: 3, degraded: 0, budgetExceeded: 0, lookupFailed: 0 });
  });
});
