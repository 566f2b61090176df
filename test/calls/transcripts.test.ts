/**
 * Every captured call, through `analyzeCapture`, against what the fixtures' README says happened
 * (set 1) and against the expected outcomes of sets A and T (`*.expected.json`). Durations are
 * compared to ±1 s: the captures' clocks are whole seconds (CEL, Cdr) except in set T.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCapture } from '../../src/calls/analyze-capture.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { CONFIG, fixtureBytes, fixtureJson, near } from './support.ts';

interface Expected {
  direction: CallRecord['direction'];
  externalNumber: string;
  normalizedNumber: string;
  externalName: string | null;
  did: string | null;
  queue?: string;
  rang: string[];
  answeredBy: string | null;
  disposition: CallRecord['disposition'];
  ringSeconds: number;
  talkSeconds: number;
  hangupBy: CallRecord['hangupBy'];
  hangupParty: string;
  transfers?: { from: string; to: string; kind: 'blind' | 'attended' | 'redirect' }[];
  recording: string | null;
  recordingFile?: string;
  unreachable?: string[];
  hangupCause?: number;
  clickToCallId?: string;
  originate?: CallRecord['originate'];
}

function only(file: string): CallRecord {
  const records = analyzeCapture(fixtureBytes(file), CONFIG);
  assert.equal(records.length, 1, `${file}: one call`);
  return records[0]!;
}

function check(file: string, r: CallRecord, e: Expected): void {
  assert.equal(r.status, 'ended', file);
  assert.equal(r.direction, e.direction, `${file} direction`);
  assert.equal(r.externalNumber, e.externalNumber, `${file} externalNumber`);
  assert.equal(r.normalizedNumber, e.normalizedNumber, `${file} normalizedNumber`);
  assert.equal(r.externalName, e.externalName, `${file} externalName`);
  assert.equal(r.did, e.did, `${file} did`);
  assert.equal(r.queue, e.queue ?? null, `${file} queue`);
  assert.deepEqual(r.rang, e.rang, `${file} rang`);
  assert.equal(r.answeredBy, e.answeredBy, `${file} answeredBy`);
  assert.equal(r.disposition, e.disposition, `${file} disposition`);
  assert.ok(near(r.ringSeconds, e.ringSeconds), `${file} ringSeconds ${r.ringSeconds} ≈ ${e.ringSeconds}`);
  assert.ok(near(r.talkSeconds, e.talkSeconds), `${file} talkSeconds ${r.talkSeconds} ≈ ${e.talkSeconds}`);
  assert.equal(r.hangupBy, e.hangupBy, `${file} hangupBy`);
  assert.equal(r.hangupParty, e.hangupParty, `${file} hangupParty`);
  assert.deepEqual(
    r.transfers.map(({ from, to, kind }) => ({ from, to, kind })),
    e.transfers ?? [],
    `${file} transfers`,
  );
  assert.equal(r.recording, e.recording, `${file} recording`);
  if (e.recordingFile !== undefined) assert.equal(r.recordingFile, e.recordingFile, `${file} recordingFile`);
  assert.deepEqual(r.unreachable, e.unreachable ?? [], `${file} unreachable`);
  if (e.hangupCause !== undefined) assert.equal(r.hangupCause, e.hangupCause, `${file} hangupCause`);
  assert.equal(r.clickToCallId, e.clickToCallId ?? null, `${file} clickToCallId`);
  if (e.originate !== undefined) assert.deepEqual(r.originate, e.originate, `${file} originate`);
  assert.equal(r.endedWhileDisconnected, false);
  assert.equal(r.endReason, 'hangup');
  // Times are consistent with the durations.
  assert.ok(r.startedAt !== null && r.endedAt !== null, `${file} has times`);
  assert.ok(Date.parse(r.startedAt) <= Date.parse(r.endedAt));
  if (r.answeredAt !== null) {
    assert.ok(Date.parse(r.startedAt) <= Date.parse(r.answeredAt) && Date.parse(r.answeredAt) <= Date.parse(r.endedAt));
  }
}

const inbound = (n: string, name: string, did: string) =>
  ({ direction: 'inbound', externalNumber: n, normalizedNumber: n, externalName: name, did }) as const;

// Set 1, from the README's table ("what happened").
const SET_1: Record<string, Expected> = {
  '01-inbound-answered-101.ami': {
    ...inbound('+15551230001', 'John Customer', '5550100'),
    rang: ['101'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2,
    talkSeconds: 3,
    hangupBy: 'caller',
    hangupParty: 'caller',
    hangupCause: 16,
    recording: '20261123-195708-+15551230001-1795463828.0.wav',
  },
  '02-inbound-noanswer-101.ami': {
    ...inbound('+15551230002', 'Mary Missed', '5550100'),
    rang: ['101'],
    answeredBy: null,
    disposition: 'missed',
    ringSeconds: 15,
    talkSeconds: 0,
    hangupBy: 'unknown',
    hangupParty: 'pbx',
    hangupCause: 16,
    recording: null,
    recordingFile: '20261123-195720-+15551230002-1795463840.2.wav',
  },
  '03-inbound-busy-103.ami': {
    ...inbound('+15551230003', 'Bob Busy', '5550103'),
    rang: ['103'],
    answeredBy: null,
    disposition: 'busy',
    ringSeconds: 0,
    talkSeconds: 0,
    hangupBy: 'unknown',
    hangupParty: 'pbx',
    hangupCause: 17,
    recording: null,
    recordingFile: '20261123-195741-+15551230003-1795463861.4.wav',
  },
  '04-inbound-unavailable-104.ami': {
    ...inbound('+15551230004', 'Una Vailable', '5550104'),
    rang: [],
    unreachable: ['104'],
    answeredBy: null,
    disposition: 'unavailable',
    ringSeconds: 0,
    talkSeconds: 0,
    hangupBy: 'unknown',
    hangupParty: 'pbx',
    hangupCause: 3,
    recording: null,
    recordingFile: '20261123-195747-+15551230004-1795463867.6.wav',
  },
  '05-ringgroup-101-102-answered-by-102.ami': {
    ...inbound('+15551230005', 'Rita Ringgroup', '5550200'),
    rang: ['101', '102'],
    answeredBy: '102',
    disposition: 'answered',
    ringSeconds: 3,
    talkSeconds: 5,
    hangupBy: 'caller',
    hangupParty: 'caller',
    recording: '20261123-195754-+15551230005-1795463874.7.wav',
  },
  '06-queue-support-answered-by-101.ami': {
    ...inbound('+15551230006', 'Quentin Queue', '5550300'),
    queue: 'support',
    rang: ['101', '102'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 3, // AgentConnect HoldTime
    talkSeconds: 9, // AgentComplete TalkTime
    hangupBy: 'caller',
    hangupParty: 'caller',
    recording: '20261123-195808-+15551230006-1795463888.10.wav',
  },
  '07-click-to-call-originate-101-to-customer.ami': {
    direction: 'outbound',
    externalNumber: '15559876543',
    normalizedNumber: '+15559876543',
    externalName: 'Customer 15559876543',
    did: null,
    rang: ['101'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2, // the customer rang 2 s
    talkSeconds: 4,
    hangupBy: 'caller', // the customer (the outside party) hung up
    hangupParty: 'customer',
    recording: '20261123-195827-15559876543-1795463905.13.wav',
    clickToCallId: 'crm-c2c-0001',
    originate: { result: 'answered', reason: 4 },
  },
  '08-blind-transfer-101-to-102.ami': {
    ...inbound('+15551230008', 'Tina Transfer', '5550100'),
    rang: ['101', '102'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2,
    talkSeconds: 13, // 3 s with 101, then 10 s with 102 (the caller hung up 15 s after its answer)
    hangupBy: 'caller',
    hangupParty: 'caller',
    transfers: [{ from: '101', to: '102', kind: 'blind' }],
    recording: '20261123-195840-+15551230008-1795463920.15.wav',
  },
  '09-attended-transfer-101-to-102.ami': {
    ...inbound('+15551230009', 'Adam Attended', '5550100'),
    rang: ['101', '102'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2,
    talkSeconds: 16, // 3 s with 101, on hold during the consultation, then 13 s with 102
    hangupBy: 'caller',
    hangupParty: 'caller',
    transfers: [{ from: '101', to: '102', kind: 'attended' }],
    recording: '20261123-195903-+15551230009-1795463943.18.wav',
  },
  '10-agi-route-server-up.ami': {
    ...inbound('+15551230010', 'Andy Agi', '5550400'),
    rang: ['102'],
    answeredBy: '102',
    disposition: 'answered',
    ringSeconds: 2,
    talkSeconds: 3,
    hangupBy: 'caller',
    hangupParty: 'caller',
    recording: '20261123-195937-+15551230010-1795463977.23.wav',
  },
  '11-agi-route-server-down-fallback.ami': {
    ...inbound('+15551230011', 'Dora Down', '5550400'),
    rang: ['101'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2,
    talkSeconds: 3,
    hangupBy: 'caller',
    hangupParty: 'caller',
    recording: '20261123-195948-+15551230011-1795463988.25.wav',
  },
  '13-actions-during-active-call.ami': {
    ...inbound('+15551230013', 'Carl Channels', '5550100'),
    rang: ['101'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2, // Cdr 10/8
    talkSeconds: 8,
    hangupBy: 'caller',
    hangupParty: 'caller',
    recording: '20261123-200005-+15551230013-1795464005.27.wav',
  },
  '16-redirect-caller-from-101-to-102.ami': {
    ...inbound('+15551230016', 'Rex Redirect', '5550100'),
    rang: ['101', '102'],
    answeredBy: '101',
    disposition: 'answered',
    ringSeconds: 2,
    talkSeconds: 10, // 3 s with 101, then 7 s with 102 (the caller hung up 12 s after its answer)
    hangupBy: 'caller',
    hangupParty: 'caller',
    transfers: [{ from: '101', to: '102', kind: 'redirect' }],
    recording: '20261123-200033-+15551230016-1795464033.30.wav',
  },
  '17-click-to-call-agent-noanswer.ami': {
    direction: 'outbound',
    externalNumber: '15559876543',
    normalizedNumber: '+15559876543',
    externalName: null,
    did: null,
    rang: ['101'],
    answeredBy: null,
    disposition: 'failed', // the customer was never dialled
    ringSeconds: 10,
    talkSeconds: 0,
    hangupBy: 'unknown',
    hangupParty: 'pbx',
    hangupCause: 19,
    recording: null,
    clickToCallId: 'crm-c2c-0002',
    originate: { result: 'no-answer', reason: 3 },
  },
};

describe('set 1: the README outcome of each captured call', () => {
  for (const [file, expected] of Object.entries(SET_1)) {
    it(file, () => check(file, only(file), expected));
  }
  for (const file of [
    '12-actions-ping-coreshowchannels-status-idle.ami',
    '14-failed-login.ami',
    '14-failed-login-observer.ami',
    '15-actions-extra-queue-endpoints-devstate.ami',
  ]) {
    it(`${file} has no calls`, () => assert.deepEqual(analyzeCapture(fixtureBytes(file), CONFIG), []));
  }
  it('13: the actions answered during the call (CoreShowChannels, Status) change nothing', () => {
    const r = only('13-actions-during-active-call.ami');
    assert.equal(r.recovered, false);
    assert.equal(r.id, 'test-pbx:1795464005.27');
  });
});

interface ExpectedJson {
  calls: {
    linkedid: string;
    direction: CallRecord['direction'];
    external_number: string;
    external_name: string | null;
    did: string;
    queue?: string;
    rang: string[];
    answered_by: string | null;
    disposition: CallRecord['disposition'];
    ring_seconds: number;
    talk_seconds: number;
    hangup_first: string;
    transfers: { type: string; from: string; to: string }[];
    recording: string | null;
    recording_file_created?: string;
    started_before_session?: boolean;
  }[];
}

describe('sets A and T: the expected outcomes in *.expected.json', () => {
  for (const name of [
    'a1-queue-caller-abandons',
    'a2-connect-during-active-call',
    'a3-cyrillic-callerid-agent-hangs-up',
    'a4-ringgroup-nobody-answers',
    't1-timestamps-inbound-answered-102',
    't2-timestamps-ringgroup-answered-by-102',
  ]) {
    it(name, () => {
      const expected = fixtureJson<ExpectedJson>(`${name}.expected.json`);
      const records = analyzeCapture(fixtureBytes(`${name}.ami`), CONFIG);
      assert.equal(records.length, expected.calls.length);
      for (const e of expected.calls) {
        const r = records.find((x) => x.linkedid === e.linkedid);
        assert.ok(r !== undefined, `call ${e.linkedid}`);
        const party = e.hangup_first;
        check(`${name}.ami`, r, {
          direction: e.direction,
          externalNumber: e.external_number,
          normalizedNumber: e.external_number,
          externalName: e.external_name,
          did: e.did,
          ...(e.queue === undefined ? {} : { queue: e.queue }),
          rang: e.rang,
          answeredBy: e.answered_by,
          disposition: e.disposition,
          ringSeconds: e.ring_seconds,
          talkSeconds: e.talk_seconds,
          hangupBy: party === 'caller' || party === 'customer' ? 'caller' : party === 'pbx' ? 'unknown' : 'agent',
          hangupParty: party,
          transfers: e.transfers.map((t) => ({ from: t.from, to: t.to, kind: t.type as 'blind' | 'attended' | 'redirect' })),
          recording: e.recording,
          ...(e.recording_file_created === undefined ? {} : { recordingFile: e.recording_file_created }),
        });
        assert.equal(r.recovered, e.started_before_session === true, 'recovered');
      }
    });
  }
  it('t1: times to the millisecond from the Timestamp headers', () => {
    const r = only('t1-timestamps-inbound-answered-102.ami');
    // DialBegin 1795468599.130711 → DialEnd ANSWER 1795468601.143217: rang 2.0 s.
    assert.ok(Math.abs(Date.parse(r.answeredAt!) - 1795468601_143) < 10, r.answeredAt!);
    // Newchannel of the caller at 1795468599.125291.
    assert.ok(Math.abs(Date.parse(r.startedAt!) - 1795468599_125) < 5, r.startedAt!);
  });
  it('a3: the UTF-8 caller name is kept as presented', () => {
    assert.equal(only('a3-cyrillic-callerid-agent-hangs-up.ami').externalName, 'Иван Петров');
  });
});
