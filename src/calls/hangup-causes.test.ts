import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { causeText, originateOutcome, stopReasonForCause, stopReasonForDialStatus } from './hangup-causes.ts';

describe('originateOutcome', () => {
  it('turns OriginateResponse reasons (Asterisk control frames) into words', () => {
    assert.equal(originateOutcome(4, true).result, 'answered');
    assert.equal(originateOutcome(0, false).result, 'failed');
    assert.equal(originateOutcome(1, false).result, 'hung-up');
    assert.equal(originateOutcome(3, false).result, 'no-answer'); // scenario 17: the agent did not answer
    assert.equal(originateOutcome(5, false).result, 'busy');
    assert.equal(originateOutcome(8, false).result, 'congestion');
    assert.equal(originateOutcome(42, false).result, 'failed');
    for (const r of [0, 1, 3, 5, 8]) assert.match(originateOutcome(r, false).description, /^The phone /);
  });
});

describe('stop reasons', () => {
  it('from hangup causes', () => {
    assert.equal(stopReasonForCause(17), 'busy');
    assert.equal(stopReasonForCause(19), 'no-answer');
    assert.equal(stopReasonForCause(21), 'rejected');
    assert.equal(stopReasonForCause(26), 'answered-elsewhere');
    assert.equal(stopReasonForCause(3), 'unavailable');
    assert.equal(stopReasonForCause(16), null);
    assert.equal(stopReasonForCause(0), null);
  });
  it('from Dial statuses; CANCEL and ANSWER need the rest of the call', () => {
    assert.equal(stopReasonForDialStatus('NOANSWER'), 'no-answer');
    assert.equal(stopReasonForDialStatus('BUSY'), 'busy');
    assert.equal(stopReasonForDialStatus('CHANUNAVAIL'), 'unavailable');
    assert.equal(stopReasonForDialStatus('CONGESTION'), 'rejected');
    assert.equal(stopReasonForDialStatus('CANCEL'), null);
    assert.equal(stopReasonForDialStatus('ANSWER'), null);
  });
  it('cause texts as Asterisk writes them', () => {
    assert.equal(causeText(26), 'Answered elsewhere');
    assert.equal(causeText(3), 'No route to destination');
    assert.equal(causeText(999), null);
  });
});
