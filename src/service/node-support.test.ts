import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeSupport } from './node-support.ts';

test('Node.js 22.12+, 24 and 26 are supported; 20 and 22 before .12 are not, and say what to install', () => {
  for (const v of ['22.12.0', '22.23.5', '24.22.3', '26.12.1']) assert.deepEqual(nodeSupport(v), { supported: true, advice: '' }, v);
  const twenty = nodeSupport('20.20.2');
  assert.equal(twenty.supported, false);
  assert.match(twenty.advice, /end of life/);
  assert.match(twenty.advice, /Node\.js 24 LTS/);
  assert.match(twenty.advice, /npm ci/);
  const early22 = nodeSupport('22.11.0');
  assert.equal(early22.supported, false);
  assert.match(early22.advice, /22\.12/);
  assert.equal(nodeSupport('25.2.0').supported, false);
  assert.equal(nodeSupport('27.0.0').supported, false);
});

test('an even line newer than the ones tested is let through without a warning', () => {
  assert.equal(nodeSupport('28.0.0').supported, true);
});
