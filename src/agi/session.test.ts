/**
 * The session's stop signal is made only when someone reads it (an AbortController per answer is
 * measurable on the routing path): it must look exactly as an eager one would, whenever it is read.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HANGUP_REASON, Session } from './session.ts';
import { requestFromFields } from './request.ts';
import { AgiErrorCodes, CrmTelephonyError, type AgiError } from './agi-errors.ts';

function session(): { s: Session; written: string[]; failed: AgiError[] } {
  const written: string[] = [];
  const failed: AgiError[] = [];
  const s = new Session(requestFromFields([['agi_request', 'agi://h/route']]), {
    write: (line) => void written.push(line),
    fail: (err) => void failed.push(err),
    commandTimeoutMs: 1000,
    maxQueuedCommands: 4,
    remoteAddress: '127.0.0.1',
  });
  return { s, written, failed };
}

const STOP = new CrmTelephonyError(AgiErrorCodes.AGI_ERR_CLOSED, 'stop');

describe('the lazy stop signal', () => {
  test('read before anything happens: aborted later with the first reason, listeners told once', () => {
    const { s } = session();
    const signal = s.signal;
    let told = 0;
    signal.addEventListener('abort', () => told++);
    assert.equal(signal.aborted, false);
    assert.equal(s.aborted, false);
    s.handleHangup();
    s.abort(STOP);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, HANGUP_REASON);
    assert.equal(s.aborted, true);
    assert.equal(told, 1);
    assert.equal(s.signal, signal, 'one signal per session');
  });

  test('read only after the stop: already aborted, with the reason it was stopped for', () => {
    const { s } = session();
    s.abort(STOP);
    s.handleHangup();
    assert.equal(s.aborted, true);
    assert.equal(s.hungUp, true);
    assert.equal(s.signal.aborted, true);
    assert.equal(s.signal.reason, STOP, 'the first reason stands');
  });

  test('a close with commands waiting rejects them and stops the session, signal read or not', async () => {
    const { s, written } = session();
    const pending = s.setVariable('ROUTE_EXT', '102');
    assert.deepEqual(written, ['SET VARIABLE ROUTE_EXT "102"\n']);
    s.handleClosed(STOP);
    await assert.rejects(pending, (e: unknown) => e instanceof CrmTelephonyError && e.code === AgiErrorCodes.AGI_ERR_CLOSED);
    assert.equal(s.aborted, true);
    assert.equal(s.signal.reason, STOP);
  });

  test('a session whose signal nobody reads still answers its commands and reads as stopped after the close', async () => {
    const { s, written } = session();
    const pending = s.setVariable('ROUTE_EXT', '102');
    s.handleReply({ code: 200, result: '1', data: null, fields: {}, text: 'result=1', usage: null });
    await pending;
    s.handleClosed(STOP);
    assert.equal(written.length, 1);
    assert.equal(s.aborted, true);
  });
});
