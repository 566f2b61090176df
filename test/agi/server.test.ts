/**
 * The FastAGI server over real loopback sockets, against an Asterisk-like client: the whole dialogue,
 * a hangup in the middle, and every way a connection can go wrong — each ending that connection only.
 * Deadlines are set small (tens of ms) so that the tests wait for real sockets, not for the clock.
 */
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FastAgiServer, type AgiHandler, type FastAgiServerOptions } from '../../src/agi/server.ts';
import type { Log } from '../../src/logger.ts';
import type { AgiSession } from '../../src/agi/session.ts';
import { AgiErrorCodes, isAgiError } from '../../src/agi/agi-errors.ts';
import { FakeAsterisk, REQUEST_BYTES } from './asterisk-agi.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function captureLog(): { log: Log; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

async function start(handlers: Record<string, AgiHandler>, extra: Partial<FastAgiServerOptions> = {}): Promise<{ server: FastAgiServer; port: number; lines: LogLine[] }> {
  const { log, lines } = captureLog();
  const server = new FastAgiServer({ port: 0, handlers, requestTimeoutMs: 200, commandTimeoutMs: 500, log, ...extra });
  const { port } = await server.listen();
  cleanups.push(() => server.close());
  return { server, port, lines };
}

/** The route script's dialogue from scenario 10, with fixed answers. */
const routeLike: AgiHandler = async (session) => {
  await session.setVariable('ROUTE_EXT', '102');
  await session.setVariable('CRM_CONTACT_ID', `contact-${session.request.args[0]}`);
  await session.verbose('FastAGI routed call to 102', 1);
};

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once the signal is aborted (at once if it already is: HANGUP may come with a reply). */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A raw TCP peer that is not Asterisk. */
async function rawPeer(port: number): Promise<{ socket: net.Socket; closed: Promise<Buffer> }> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
  return { socket, closed };
}

describe('the whole dialogue', () => {
  test('request, SET VARIABLE and VERBOSE answered 200 result=1, then a clean close: AGISTATUS=SUCCESS', async () => {
    let seen: AgiSession | undefined;
    const { server, port } = await start({
      route: async (s) => {
        seen = s;
        await routeLike(s);
      },
    });
    const asterisk = await FakeAsterisk.call({ port });
    assert.equal(await asterisk.status, 'SUCCESS');
    assert.deepEqual(asterisk.commands, ['SET VARIABLE ROUTE_EXT "102"', 'SET VARIABLE CRM_CONTACT_ID "contact-+15551230010"', 'VERBOSE "FastAGI routed call to 102" 1']);
    assert.equal(asterisk.variables.get('ROUTE_EXT'), '102');
    assert.equal(asterisk.variables.get('CRM_CONTACT_ID'), 'contact-+15551230010');
    assert.equal(seen?.request.channel, 'PJSIP/carrier-00000015');
    assert.equal(seen?.request.uniqueid, '1795463977.23');
    assert.equal(seen?.hungUp, false);
    await once(asterisk.socket, 'close');
    assert.deepEqual(server.stats, { sessions: 1, completed: 1, failed: 0, overLimit: 0, requestTimeouts: 0, malformed: 0, unknownScript: 0, hangups: 0 });
  });

  test('the request arriving byte by byte, and GET VARIABLE, 510 and a multi-line 520 reply', async () => {
    const replies: unknown[] = [];
    const { port } = await start({
      route: async (s) => {
        replies.push(await s.getVariable('CRM_DID'));
        replies.push(await s.getVariable('NOT_SET'));
        replies.push((await s.command('FOO BAR')).code);
        const usage = await s.command('SET VARIABLE ONLYNAME');
        replies.push(usage.code, usage.usage?.includes('Usage: SET VARIABLE'));
        replies.push(await s.setVariable('REFUSED', 'x').catch((e: unknown) => (isAgiError(e) ? e.code : e)));
      },
    }, { requestTimeoutMs: 10_000 }); // ~600 writes: not a test of the deadline
    const asterisk = await FakeAsterisk.call({
      port,
      chunkSizes: [1],
      variables: { CRM_DID: '5550400' },
      onCommand: (line) => (line.startsWith('SET VARIABLE REFUSED') ? '520 Invalid command syntax.  Proper usage not available.\n' : undefined),
    });
    assert.equal(await asterisk.status, 'SUCCESS');
    assert.deepEqual(replies, ['5550400', null, 510, 520, true, AgiErrorCodes.AGI_ERR_COMMAND_FAILED]);
  });

  test('the channel hangs up in the middle: HANGUP aborts the signal, dead-channel commands still answer, then the close rejects cleanly', async () => {
    const afterHangup = deferred<unknown[]>();
    const { server, port } = await start({
      route: async (s) => {
        await s.setVariable('ROUTE_EXT', '102');
        await whenAborted(s.signal);
        const results: unknown[] = [s.hungUp, s.signal.reason];
        await s.setVariable('ROUTE_REASON', 'owner'); // allowed on a dead channel: 200
        results.push(await s.command('STREAM FILE hello ""').then((r) => r.code));
        await s.command('ANSWER').catch(() => undefined);
        results.push(await s.setVariable('Z', '1').catch((e: unknown) => (isAgiError(e) ? e.code : e)));
        afterHangup.resolve(results);
      },
    });
    const asterisk = await FakeAsterisk.call({
      port,
      onCommand: (line, a) => {
        if (line.startsWith('SET VARIABLE ROUTE_EXT')) setImmediate(() => a.hangup());
        if (line === 'ANSWER') {
          setImmediate(() => a.destroy()); // the PBX drops the link with a command pending
          return '';
        }
        return undefined;
      },
    });
    const results = await afterHangup.promise;
    assert.equal(results[0], true);
    assert.deepEqual(results[1], { hangup: true });
    assert.equal(results[2], 511);
    assert.equal(results[3], AgiErrorCodes.AGI_ERR_CLOSED);
    assert.equal(asterisk.variables.get('ROUTE_REASON'), 'owner');
    assert.equal(server.stats.hangups, 1);
  });
});

describe('failing on purpose: FAILURE so that the dialplan falls back', () => {
  test('an unknown script is answered FAILURE and logged', async () => {
    const { server, port, lines } = await start({ other: routeLike });
    const asterisk = await FakeAsterisk.call({ port });
    assert.equal(await asterisk.status, 'FAILURE');
    assert.deepEqual(asterisk.commands, []);
    assert.equal(server.stats.unknownScript, 1);
    const warn = lines.find((l) => l.level === 'warn' && /unknown script "route"/.test(l.msg));
    assert.ok(warn, JSON.stringify(lines));
    assert.equal(warn.obj['uniqueid'], '1795463977.23');
  });

  test('a handler that throws: FAILURE, logged, and the server goes on', async () => {
    const { port, lines } = await start({
      route: async () => {
        throw new Error('store down');
      },
    });
    assert.equal(await (await FakeAsterisk.call({ port })).status, 'FAILURE');
    assert.ok(lines.some((l) => l.level === 'error'));
    assert.equal(await (await FakeAsterisk.call({ port })).status, 'FAILURE', 'still serving');
  });

  test('over maxConnections: FAILURE at once; served again once below the limit', async () => {
    const release = deferred();
    const { server, port } = await start({
      route: async (s) => {
        if (s.request.args[0] === 'hold') await release.promise;
        await routeLike(s);
      },
    }, { maxConnections: 1 });
    const holding = await FakeAsterisk.call({ port, request: Buffer.from('agi_request: agi://h/route\nagi_arg_1: hold\n\n') });
    while (server.activeConnections < 1) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    const refused = await FakeAsterisk.call({ port });
    assert.equal(await refused.status, 'FAILURE');
    assert.ok(performance.now() - t0 < 150, 'answered at once, not after a deadline');
    assert.equal(server.stats.overLimit, 1);
    release.resolve();
    assert.equal(await holding.status, 'SUCCESS');
    await once(holding.socket, 'close');
    while (server.activeConnections > 0) await new Promise((r) => setImmediate(r));
    assert.equal(await (await FakeAsterisk.call({ port })).status, 'SUCCESS');
  });
});

describe('a bad connection ends alone; the others keep working', () => {
  test('garbage, an endless line and a silent connection each close; a concurrent call is routed meanwhile', async () => {
    const { server, port } = await start({ route: routeLike }, { maxRequestBytes: 4096, requestTimeoutMs: 100 });

    const garbage = await rawPeer(port);
    garbage.socket.write('GET / HTTP/1.1\r\nHost: crm\r\n\r\n');

    const endless = await rawPeer(port);
    endless.socket.write('agi_network: ');
    const filler = Buffer.alloc(1024, 0x78);
    let sent = 0;
    const flood = setInterval(() => {
      if (!endless.socket.destroyed && endless.socket.writable) {
        endless.socket.write(filler);
        sent += filler.length;
      }
    }, 1);

    const silent = await rawPeer(port);

    const good = await FakeAsterisk.call({ port });
    assert.equal(await good.status, 'SUCCESS');
    assert.equal(good.variables.get('ROUTE_EXT'), '102');

    assert.equal((await garbage.closed).toString(), 'FAILURE\n');
    await endless.closed;
    clearInterval(flood);
    assert.ok(sent < 1024 * 1024, `cut off early (after ${sent} bytes)`);
    assert.equal((await silent.closed).toString(), 'FAILURE\n', 'no request within the deadline');

    const stats = server.stats;
    assert.equal(stats.malformed, 2);
    assert.equal(stats.requestTimeouts, 1);
    assert.equal(stats.completed, 1);
    assert.equal(await (await FakeAsterisk.call({ port })).status, 'SUCCESS', 'still serving');
  });

  test('a PBX that stops answering mid-session: the command deadline closes that session only', async () => {
    const outcome = deferred<unknown>();
    const { port } = await start(
      {
        route: async (s) => {
          const err = await s.setVariable('ROUTE_EXT', '102').catch((e: unknown) => e);
          if (s.request.args[0]) outcome.resolve(isAgiError(err) ? [err.code, s.signal.aborted] : err);
        },
      },
      { commandTimeoutMs: 50 },
    );
    const mute = await FakeAsterisk.call({ port, silent: true });
    const other = await FakeAsterisk.call({ port, request: Buffer.from('agi_request: agi://h/route\n\n') });
    assert.deepEqual(await outcome.promise, [AgiErrorCodes.AGI_ERR_TIMEOUT, true]);
    await once(mute.socket, 'close');
    assert.equal(await other.status, 'SUCCESS');
  });

  test('a reply to no command, or a line that is no reply, drops that session only', async () => {
    const ends: unknown[] = [];
    const { port, server } = await start({
      route: async (s) => {
        await s.setVariable('ROUTE_EXT', '102');
        ends.push(await s.setVariable('ROUTE_REASON', 'owner').catch((e: unknown) => (isAgiError(e) ? e.code : e)));
      },
    });
    const extra = await FakeAsterisk.call({ port, onCommand: (line) => (line.includes('ROUTE_EXT') ? '200 result=1\n200 result=1\n200 result=1\n' : undefined) });
    const junk = await FakeAsterisk.call({ port, onCommand: (line) => (line.includes('ROUTE_EXT') ? '200 result=1\nsegfault at 0x0\n' : undefined) });
    await Promise.all([once(extra.socket, 'close'), once(junk.socket, 'close')]);
    assert.equal(await (await FakeAsterisk.call({ port })).status, 'SUCCESS', 'still serving');
    assert.ok(server.stats.failed >= 1);
    assert.equal(ends.length, 3);
  });

  test('a handler that never ends is stopped at handlerTimeoutMs', async () => {
    let aborted: unknown;
    const { port } = await start(
      {
        route: async (s) => {
          await whenAborted(s.signal);
          aborted = s.signal.reason;
          await new Promise(() => undefined); // and ignores it
        },
      },
      { handlerTimeoutMs: 50 },
    );
    const asterisk = await FakeAsterisk.call({ port });
    await once(asterisk.socket, 'close');
    assert.ok(isAgiError(aborted, AgiErrorCodes.AGI_ERR_TIMEOUT));
  });

  test('a handler that forgets to await a command does not crash the process when its session ends', async () => {
    const { port } = await start({
      route: async (s) => {
        void s.setVariable('ROUTE_EXT', '102');
        void s.verbose('never awaited');
      },
    });
    const asterisk = await FakeAsterisk.call({ port, silent: true });
    await once(asterisk.socket, 'close');
    await new Promise((r) => setTimeout(r, 20)); // an unhandled rejection would fail the test run here
  });
});

describe('lifecycle', () => {
  test('close() tells running handlers to stop, waits for them, and refuses new connections', async () => {
    const stopped = deferred<unknown>();
    const started = deferred();
    const server = new FastAgiServer({
      port: 0,
      handlers: {
        route: async (s) => {
          started.resolve();
          await whenAborted(s.signal);
          stopped.resolve(s.signal.reason);
        },
      },
    });
    const { port } = await server.listen();
    const asterisk = await FakeAsterisk.call({ port });
    await started.promise;
    await server.close();
    assert.ok(isAgiError(await stopped.promise, AgiErrorCodes.AGI_ERR_CLOSED));
    assert.equal(await asterisk.status, 'SUCCESS');
    await assert.rejects(FakeAsterisk.call({ port }), { code: 'ECONNREFUSED' });
    await server.close(); // twice is fine
  });

  test('a port in use is AGI_ERR_LISTEN; allowFrom drops other peers', async () => {
    const { port } = await start({ route: routeLike });
    const second = new FastAgiServer({ port, handlers: {} });
    await assert.rejects(second.listen(), (e) => isAgiError(e, AgiErrorCodes.AGI_ERR_LISTEN));
    await second.close();

    const { port: guarded, lines } = await start({ route: routeLike }, { allowFrom: ['10.9.9.9'] });
    const peer = await rawPeer(guarded);
    peer.socket.write(REQUEST_BYTES);
    assert.equal((await peer.closed).length, 0);
    assert.ok(lines.some((l) => l.level === 'warn' && /allowFrom/.test(l.msg)));
  });
});
