import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCrmTelephonyError } from '../errors.ts';
import { assertPortsFree, listenError } from './port-check.ts';
import { holdPort } from '../../test/support/ports.ts';

const http = (port: number, host = '127.0.0.1') => ({ variable: 'HTTP_PORT', hostVariable: 'HTTP_HOST', host, port, what: 'the web console and API' });

test('a port another program holds stops the start with the variable to change and a port free now', async () => {
  const held = await holdPort();
  try {
    await assert.rejects(assertPortsFree([http(held.port)]), (err: unknown) => {
      assert.ok(isCrmTelephonyError(err));
      assert.equal(err.code, 'SERVICE_ERR_PORT_UNAVAILABLE');
      assert.match(err.message, new RegExp(`^Port ${held.port} on 127\\.0\\.0\\.1 is already in use by another program, so the web console and API cannot listen`));
      const free = /\((\d+) is free now: HTTP_PORT=(\d+)\)/.exec(err.message);
      assert.ok(free, err.message);
      assert.equal(free[1], free[2]);
      assert.ok(Number(free[1]) > held.port);
      return true;
    });
  } finally {
    await held.close();
  }
});

test('free ports and port 0 pass, and leave the ports free; an address not of this machine names the host variable', async () => {
  const held = await holdPort();
  await held.close();
  await assertPortsFree([http(held.port), { ...http(0), variable: 'AGI_PORT' }]);
  await assertPortsFree([http(held.port)]);
  // TEST-NET-3: never an address of this machine.
  await assert.rejects(assertPortsFree([http(held.port, '203.0.113.7')]), /203\.0\.113\.7 is not an address of this machine.*Set HTTP_HOST/);
});

test('listenError: a privileged port and an error it does not know', () => {
  const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
  assert.match(listenError({ ...http(80), alternative: 'or 0 to turn it off' }, denied).message, /may not listen on port 80.*Set HTTP_PORT to a port of 1024 or more \(or 0 to turn it off\)/);
  const other = Object.assign(new Error('odd'), { code: 'EWHATEVER' });
  assert.equal(listenError(http(8080), other), other);
});
