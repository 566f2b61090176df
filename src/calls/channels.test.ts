import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyChannel, dialledNumber, dialTargets, splitChannel, uniqueidEpochMs } from './channels.ts';
import { resolveEngineConfig } from './config.ts';

const config = resolveEngineConfig({ pbxId: 'p' });

describe('splitChannel', () => {
  it('drops the sequence suffix and keeps dashes inside endpoint names', () => {
    assert.deepEqual(splitChannel('PJSIP/101-00000001'), { tech: 'PJSIP', endpoint: '101' });
    assert.deepEqual(splitChannel('PJSIP/carrier-0000000e'), { tech: 'PJSIP', endpoint: 'carrier' });
    assert.deepEqual(splitChannel('SIP/my-trunk-000a1b2c'), { tech: 'SIP', endpoint: 'my-trunk' });
    assert.deepEqual(splitChannel('PJSIP/101'), { tech: 'PJSIP', endpoint: '101' });
    assert.deepEqual(splitChannel('PJSIP/alice-phone'), { tech: 'PJSIP', endpoint: 'alice-phone' });
    assert.deepEqual(splitChannel('PJSIP/101/sip:101@10.0.0.5'), { tech: 'PJSIP', endpoint: '101' });
    assert.deepEqual(splitChannel('garbage'), { tech: 'GARBAGE', endpoint: '' });
  });
});

describe('classifyChannel', () => {
  it('agents are endpoints named like extensions; anything else on a phone technology is outside', () => {
    assert.deepEqual(classifyChannel('PJSIP/101-00000001', 'from-internal', config), { role: 'agent', extension: '101', localBase: null });
    assert.equal(classifyChannel('PJSIP/carrier-00000000', 'from-pstn', config).role, 'external');
    assert.equal(classifyChannel('SIP/provider-00000a', 'default', config).role, 'external');
    assert.equal(classifyChannel('IAX2/voip-1234', undefined, config).role, 'external');
    assert.equal(classifyChannel('DAHDI/1-1', 'from-internal', config).role, 'external');
  });
  it('an inbound context makes the channel an outside party, whatever its name', () => {
    assert.equal(classifyChannel('PJSIP/5000-00000001', 'from-trunk', config).role, 'external');
    assert.equal(classifyChannel('PJSIP/5000-00000001', 'from-internal', config).role, 'agent');
  });
  it('trunks and endpoint names can be configured; the directory decides who is an agent', () => {
    const custom = resolveEngineConfig({
      pbxId: 'p',
      trunkEndpoints: ['5000'],
      endpointExtensions: { alice: '201' },
      isAgentExtension: (ext) => ext === '201' || ext === '202',
    });
    assert.equal(classifyChannel('PJSIP/5000-00000001', 'from-internal', custom).role, 'external');
    assert.deepEqual(classifyChannel('PJSIP/alice-00000002', 'from-internal', custom).extension, '201');
    assert.equal(classifyChannel('PJSIP/101-00000003', 'from-internal', custom).role, 'external');
  });
  it('Local channels are plumbing that may lead to an agent; helper channels are nothing', () => {
    assert.deepEqual(classifyChannel('Local/102@agents-00000000;1', 'agents', config), {
      role: 'local',
      extension: '102',
      localBase: 'Local/102@agents-00000000',
    });
    assert.equal(classifyChannel('Local/s@ivr-00000001;2', 'ivr', config).extension, null);
    assert.equal(classifyChannel('Announcer/ARI_MOH-00000001', undefined, config).role, 'other');
    assert.equal(classifyChannel('Message/ast_msg_queue', undefined, config).role, 'other');
  });
});

describe('dial strings', () => {
  it('dialledNumber takes the number out of a dial string', () => {
    assert.equal(dialledNumber('15559876543@carrier'), '15559876543');
    assert.equal(dialledNumber('PJSIP/15559876543@carrier'), '15559876543');
    assert.equal(dialledNumber('SIP/carrier/+4930901820'), '+4930901820');
    assert.equal(dialledNumber('102'), '102');
  });
  it('dialTargets names the agents of a Dial(), once each', () => {
    assert.deepEqual(dialTargets('PJSIP/101&PJSIP/102,20,tT', config), ['101', '102']);
    assert.deepEqual(dialTargets('PJSIP/104,15,tT', config), ['104']);
    assert.deepEqual(dialTargets('Local/101@from-internal/n&PJSIP/101', config), ['101']);
    assert.deepEqual(dialTargets('PJSIP/15559876543@carrier,30', config), []);
    assert.deepEqual(dialTargets('', config), []);
  });
});

describe('uniqueidEpochMs', () => {
  it('reads the creation second out of a Uniqueid, with or without a system name', () => {
    assert.equal(uniqueidEpochMs('1795463828.0'), 1795463828000);
    assert.equal(uniqueidEpochMs('pbx-a-1795463828.12'), 1795463828000);
    assert.ok(Number.isNaN(uniqueidEpochMs('1.1')));
    assert.ok(Number.isNaN(uniqueidEpochMs('')));
  });
});
