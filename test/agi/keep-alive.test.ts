/**
 * TCP keep-alive is given by a sweep to connections that last, not set on every connection: a
 * routed call's session ends in milliseconds, and the setsockopt calls were a measurable part of it.
 */
import { test, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FastAgiServer } from '../../src/agi/server.ts';
import { FakeAsterisk, REQUEST_BYTES } from './asterisk-agi.ts';

const HOLD_REQUEST = Buffer.from(REQUEST_BYTES.toString('utf8').replace('agi_network_script: route', 'agi_network_script: hold'));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

afterEach(() => mock.restoreAll());

test('a short session never sets keep-alive; one that outlives two sweeps gets it once, with a 10 s delay', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  const keepAlive = mock.method(net.Socket.prototype, 'setKeepAlive');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const server = new FastAgiServer({
    port: 0,
    handlers: {
      route: async (s) => void (await s.setVariable('ROUTE_EXT', '102')),
      hold: async (s) => {
        await held;
        await s.setVariable('ROUTE_EXT', '103');
      },
    },
  });
  const { port } = await server.listen();
  try {
    const quick = await FakeAsterisk.call({ port });
    assert.equal(await quick.status, 'SUCCESS');
    while (server.activeConnections > 0) await turn();
    mock.timers.tick(1000);
    mock.timers.tick(1000);
    assert.equal(keepAlive.mock.callCount(), 0, 'a finished session is not touched');

    const long = await FakeAsterisk.call({ port, request: HOLD_REQUEST });
    while (server.activeConnections === 0) await turn();
    mock.timers.tick(1000);
    assert.equal(keepAlive.mock.callCount(), 0, 'seen once: not yet');
    mock.timers.tick(1000);
    assert.equal(keepAlive.mock.callCount(), 1);
    assert.deepEqual(keepAlive.mock.calls[0]!.arguments, [true, 10_000]);
    mock.timers.tick(1000);
    assert.equal(keepAlive.mock.callCount(), 1, 'only once');
    release();
    assert.equal(await long.status, 'SUCCESS');
  } finally {
    release();
    mock.timers.reset();
    await server.close();
  }
});
