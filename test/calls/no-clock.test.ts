/**
 * Captures whose events carry no clock (no `Timestamp` headers, CEL not sent to AMI): durations
 * come from the PBX's own figures (Cdr Duration/BillableSeconds, queue HoldTime/TalkTime), times
 * from the Cdr and the Linkedid; with none of those either, they are null, never invented.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCapture, decodeCapture, replayCapture } from '../../src/calls/analyze-capture.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { CONFIG, fixtureBytes } from './support.ts';

function withoutClock(file: string, drop: readonly string[]): CallRecord {
  const messages = decodeCapture(fixtureBytes(file)).filter((m) => !drop.includes(m.event ?? ''));
  const records = replayCapture(
    messages.map((message) => ({ message, time: Number.NaN })),
    CONFIG,
  );
  assert.equal(records.length, 1);
  return records[0]!;
}

describe('no clock in the capture', () => {
  // [file, ring, talk]: the Cdr's Duration − BillableSeconds and BillableSeconds.
  const cases: [string, number, number][] = [
    ['01-inbound-answered-101.ami', 2, 3],
    ['02-inbound-noanswer-101.ami', 15, 0],
    ['05-ringgroup-101-102-answered-by-102.ami', 3, 5],
    ['06-queue-support-answered-by-101.ami', 3, 9],
    ['13-actions-during-active-call.ami', 2, 8],
    ['17-click-to-call-agent-noanswer.ami', 10, 0],
    ['a1-queue-caller-abandons.ami', 6, 0],
    ['a2-connect-during-active-call.ami', 3, 25],
    ['a3-cyrillic-callerid-agent-hangs-up.ami', 4, 9],
    ['a4-ringgroup-nobody-answers.ami', 20, 0],
  ];
  for (const [file, ring, talk] of cases) {
    it(`${file}: ring ${ring} s and talk ${talk} s from the Cdr`, () => {
      const r = withoutClock(file, ['CEL']);
      assert.equal(r.ringSeconds, ring);
      assert.equal(r.talkSeconds, talk);
      assert.ok(r.startedAt !== null && r.endedAt !== null, 'times from the Linkedid and the Cdr');
      assert.equal(Date.parse(r.endedAt) - Date.parse(r.startedAt) >= (ring + talk - 1) * 1000, true);
    });
  }

  it('the same outcome otherwise: who rang, who answered, disposition, hang-up side, recording', () => {
    const r = withoutClock('05-ringgroup-101-102-answered-by-102.ami', ['CEL']);
    const withClock = analyzeCapture(fixtureBytes('05-ringgroup-101-102-answered-by-102.ami'), CONFIG)[0]!;
    for (const key of ['direction', 'rang', 'answeredBy', 'disposition', 'hangupBy', 'recording', 'did', 'externalNumber'] as const) {
      assert.deepEqual(r[key], withClock[key], key);
    }
  });

  it('with neither CEL nor Cdr, times and Dial durations are null; queue figures remain', () => {
    const plain = withoutClock('01-inbound-answered-101.ami', ['CEL', 'Cdr']);
    assert.equal(plain.answeredAt, null);
    assert.equal(plain.endedAt, null);
    assert.equal(plain.ringSeconds, null);
    assert.equal(plain.talkSeconds, null);
    assert.equal(plain.startedAt, '2026-11-23T19:57:08.000Z', 'the Linkedid is the epoch of the first channel');
    assert.equal(plain.disposition, 'answered');
    const queue = withoutClock('06-queue-support-answered-by-101.ami', ['CEL', 'Cdr']);
    assert.equal(queue.ringSeconds, 3);
    assert.equal(queue.talkSeconds, 9);
  });
});

describe('analyzeCapture on damaged bytes', () => {
  it('a capture cut in the middle still gives its calls, ended at the last event heard', () => {
    const bytes = fixtureBytes('05-ringgroup-101-102-answered-by-102.ami');
    const records = analyzeCapture(bytes.subarray(0, Math.floor(bytes.length * 0.6)), CONFIG);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'ended');
    assert.equal(records[0]!.endReason, 'capture-ended');
    assert.equal(records[0]!.answeredBy, '102');
  });

  it('bytes that are no AMI at all give no calls and do not throw', () => {
    assert.deepEqual(analyzeCapture(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001'), CONFIG), []);
    assert.deepEqual(analyzeCapture(Buffer.alloc(0), CONFIG), []);
  });
});
