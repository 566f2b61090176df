/**
 * The CDR backfill on its own: records the store holds for calls the engine forgot, a second read
 * of the same rows, and rows of two calls that share channel names across a PBX restart.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backfillFromCdrs } from '../../src/calls/cdr-backfill.ts';
import { groupCdrs } from '../../src/calls/cdr-groups.ts';
import { createEngineState } from '../../src/calls/state.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import type { PbxCdr } from '../../src/cdr/pbx-cdr.ts';
import { CONFIG, timedMessages } from './support.ts';
import { cdrRows, liveEvents, uncut, withGap } from './gap-support.ts';
import { buildScenario, ScenarioIds, toMessages } from '../../src/simulator/scenarios/index.ts';

const CAPTURE = '01-inbound-answered-101.ami';

function truth(): { record: CallRecord; rows: PbxCdr[] } {
  const events = liveEvents(timedMessages(CAPTURE));
  const [record] = [...uncut(events).records.values()];
  return { record: record!, rows: cdrRows(events) };
}

describe('CDR backfill', () => {
  it('a stored record whose talk a restart left unknown gets answer time and talk from the CDR', () => {
    const { record, rows } = truth();
    const restored: CallRecord = { ...record, id: `${CONFIG.pbxId}:${record.linkedid}`, pbx: CONFIG.pbxId, answeredAt: null, talkSeconds: null, ringSeconds: null };
    const state = createEngineState(CONFIG);
    const window = { from: Date.parse(record.startedAt!) + 1_000, to: Date.parse(record.endedAt!) + 5_000 };
    const result = backfillFromCdrs(state, { rows, window, stored: [{ record: restored, writtenAt: window.from }] }, window.to);
    assert.equal(result.corrected, 1);
    assert.equal(result.rebuilt, 0);
    const updated = result.effects.find((e) => e.type === 'call-updated');
    assert.ok(updated && 'record' in updated);
    assert.equal(updated.record.fromCdr, 'corrected');
    assert.equal(updated.record.answeredAt, record.answeredAt);
    assert.ok(Math.abs((updated.record.talkSeconds ?? -9) - (record.talkSeconds ?? 0)) <= 1);
    assert.equal(updated.record.answeredBy, '101');
    // The same rows again: nothing changes.
    const again = backfillFromCdrs(state, { rows, window }, window.to + 60_000);
    assert.equal(again.effects.length, 0);
    assert.equal(again.corrected, 0);
  });

  it('an end guessed where sight was lost, before the CDR\'s end second, gives way to the CDR\'s; a second gap\'s read keeps it', () => {
    const { record, rows } = truth();
    const answered = Date.parse(record.answeredAt!);
    // Sight was lost a moment before the second in which the call ended (the last Ping the PBX
    // answered); the next recovery found the call gone and ended it there.
    const lost = Math.floor(Date.parse(record.endedAt!) / 1000) * 1000 - 300;
    const guessed = new Date(lost).toISOString();
    const stored: CallRecord = { ...record, id: `${CONFIG.pbxId}:${record.linkedid}`, pbx: CONFIG.pbxId, endedAt: guessed, talkSeconds: 0, endedWhileDisconnected: true, endReason: 'gone-after-reconnect', spannedGap: true };
    const state = createEngineState(CONFIG);
    const first = { from: Date.parse(record.startedAt!) - 2_000, to: answered + 100 };
    assert.ok(lost > answered, 'sight was lost during the talk');
    const one = backfillFromCdrs(state, { rows, window: first, stored: [{ record: stored, writtenAt: answered }] }, first.to);
    const corrected = one.effects.find((e) => e.type === 'call-updated');
    assert.ok(corrected && 'record' in corrected);
    const end = Date.parse(corrected.record.endedAt!);
    assert.ok(end >= lost + 300 && end < lost + 1_300, `ended ${corrected.record.endedAt}: inside the CDR's end second, which the guess ${guessed} is not`);
    assert.ok(Math.abs((corrected.record.talkSeconds ?? -9) - (record.talkSeconds ?? 0)) <= 1, `talk ${corrected.record.talkSeconds}, truly ${record.talkSeconds}`);
    assert.equal(corrected.record.cdrRowsRead, rows.length);
    // The gap that began where sight was lost is read next: the same rows have nothing new, the
    // record stays as the first read left it.
    const second = { from: lost, to: Date.parse(record.endedAt!) + 5_000 };
    const two = backfillFromCdrs(state, { rows, window: second }, second.to);
    assert.equal(two.corrected, 0, 'the same rows, read again for the second gap, change nothing');
    assert.equal(two.effects.filter((e) => e.type === 'call-updated').length, 0);
    // Another instance (a fresh engine) reading the stored record against the same rows: the same.
    const peer = backfillFromCdrs(createEngineState(CONFIG), { rows, window: second, stored: [{ record: corrected.record }] }, second.to);
    assert.equal(peer.corrected, 0, 'another instance leaves the settled record alone');
    // A row the first read did not have (written late): read again.
    const more = backfillFromCdrs(createEngineState(CONFIG), { rows, window: second, stored: [{ record: { ...corrected.record, cdrRowsRead: rows.length - 1 } }] }, second.to);
    assert.equal(more.corrected, 1, 'more rows than the first read had: read again');
    const final = more.effects.find((e) => e.type === 'call-updated');
    assert.ok(final && 'record' in final);
    assert.ok(Math.abs((final.record.talkSeconds ?? -9) - (record.talkSeconds ?? 0)) <= 1, `talk after the read with more rows ${final.record.talkSeconds}, truly ${record.talkSeconds}`);
  });

  it('an answer the events never saw (lost after a recovery), on a call they saw end: the talk is the CDR\'s, not none', () => {
    const events = liveEvents(timedMessages(CAPTURE));
    const { record } = truth();
    // Whatever told the engine the call was answered and bridged, lost; the rest (the hangups, the
    // Cdr) heard live after a gap that ended while the phone still rang.
    const answering = (e: (typeof events)[number]): boolean =>
      e.message.event === 'DialEnd' || e.message.event === 'BridgeEnter' || e.message.event === 'BridgeLeave' || (e.message.event === 'Newstate' && e.message.get('ChannelState') === '6');
    const firstAnswer = events.findIndex(answering);
    // The gap closes while the phone still rings, more than the clocks' second of slack before the answer.
    const resume = events.findLastIndex((e, i) => i < firstAnswer && e.time < events[firstAnswer]!.time - 1_500) + 1;
    assert.ok(resume > 2, 'the capture rings for a while before the answer');
    // A PBX without cdr_manager: its CDRs are read from its CDR store only.
    const lossy = events.filter((e) => !answering(e) && e.message.event !== 'Cdr');
    const got = withGap(lossy, { cut: resume - 1, resume, rows: cdrRows(events) }).records.get(record.id);
    assert.ok(got !== undefined);
    assert.equal(got.disposition, 'answered');
    assert.equal(got.talkFromCdr, 'cdr-answer');
    assert.ok(Math.abs((got.talkSeconds ?? -9) - (record.talkSeconds ?? 0)) <= 1, `talk ${got.talkSeconds}, truly ${record.talkSeconds}`);
  });

  it('a queue call rebuilt before its unanswered members\' rows were written: the later read with them moves the answer to the agent\'s, and the talk with it', () => {
    const start = Date.UTC(2026, 11, 7, 4, 0, 0) + 600;
    const built = buildScenario('queue-answered', { startEpochMs: start, timestampEvents: true, ringMs: 5_310, talkMs: 20_200 }, new ScenarioIds({ seed: 7 }));
    const events = liveEvents(toMessages(built).map((message, i) => ({ message, time: start + built[i]!.atMs })));
    const want = [...uncut(events).records.values()][0]!;
    const rows = cdrRows(events);
    const early = rows.filter((r) => r.disposition === 'ANSWERED');
    assert.ok(early.length < rows.length, 'the scenario has unanswered queue members\' rows');
    const state = createEngineState(CONFIG);
    const window = { from: start - 1_000, to: start + 60_000 };
    const first = backfillFromCdrs(state, { rows: early, window }, window.to);
    assert.equal(first.rebuilt, 1);
    const second = backfillFromCdrs(state, { rows, window }, window.to);
    const updated = second.effects.filter((e) => e.type === 'call-updated').at(-1);
    assert.ok(updated && 'record' in updated, 'the read with more rows corrects the rebuilt call');
    const got = updated.record;
    assert.ok(Math.abs(Date.parse(got.answeredAt!) - Date.parse(want.answeredAt!)) <= 1_000, `answered ${got.answeredAt}, truly ${want.answeredAt}`);
    assert.ok(Math.abs((got.talkSeconds ?? -9) - (want.talkSeconds ?? 0)) <= 1, `talk ${got.talkSeconds}, truly ${want.talkSeconds}`);
  });

  it('a stored record the events told whole is left alone', () => {
    const { record, rows } = truth();
    const state = createEngineState(CONFIG);
    const window = { from: Date.parse(record.startedAt!) + 1_000, to: Date.parse(record.endedAt!) + 5_000 };
    const result = backfillFromCdrs(state, { rows, window, stored: [{ record: { ...record, pbx: CONFIG.pbxId } }] }, window.to);
    assert.deepEqual(result.effects, []);
  });

  it('a call the store never held, inside the gap or just before it, is rebuilt once; one a minute before the gap is not', () => {
    const { record, rows } = truth();
    const inside = createEngineState(CONFIG);
    const window = { from: Date.parse(record.startedAt!) - 1_000, to: Date.parse(record.endedAt!) + 1_000 };
    const result = backfillFromCdrs(inside, { rows, window }, window.to);
    assert.equal(result.rebuilt, 1);
    assert.equal(result.effects.filter((e) => e.type === 'call-ended').length, 1);
    assert.equal(backfillFromCdrs(inside, { rows, window }, window.to).effects.length, 0, 'read twice, logged once');
    // Ended 10 s before the link dropped, and neither the engine nor the store knows it: the
    // service was behind the PBX, and the events it had not read went with the connection.
    const behind = createEngineState(CONFIG);
    const soon = { from: Date.parse(record.endedAt!) + 10_000, to: Date.parse(record.endedAt!) + 12_000 };
    assert.equal(backfillFromCdrs(behind, { rows, window: soon }, soon.to).rebuilt, 1);
    // The store has it: seen, nothing to do.
    const seen = createEngineState(CONFIG);
    assert.equal(backfillFromCdrs(seen, { rows, window: soon, stored: [{ record }] }, soon.to).effects.length, 0);
    const before = createEngineState(CONFIG);
    const later = { from: Date.parse(record.endedAt!) + 61_000, to: Date.parse(record.endedAt!) + 70_000 };
    assert.equal(backfillFromCdrs(before, { rows, window: later }, later.to).effects.length, 0);
  });

  it('an attended transfer\'s consultation, read before its call ended (09): not a call of its own; with the call\'s rows, one call', () => {
    const events = liveEvents(timedMessages('09-attended-transfer-101-to-102.ami'));
    const [record] = [...uncut(events).records.values()];
    const rows = cdrRows(events);
    // cdr_csv writes the consultation's rows when it ends, the caller's when the whole call does.
    const consultation = rows.filter((r) => r.channel !== 'PJSIP/carrier-00000012');
    assert.ok(consultation.length > 0 && consultation.length < rows.length);
    const window = { from: Date.parse(record!.startedAt!) - 1_000, to: Date.parse(record!.endedAt!) + 1_000 };
    const state = createEngineState(CONFIG);
    const early = backfillFromCdrs(state, { rows: consultation, window }, window.to);
    assert.equal(early.rebuilt, 0);
    assert.equal(early.effects.length, 0);
    const later = backfillFromCdrs(state, { rows, window }, window.to);
    assert.equal(later.rebuilt, 1);
    const ids = new Set(later.effects.flatMap((e) => ('record' in e ? [e.record.id] : [])));
    assert.deepEqual([...ids], [record!.id]);
  });

  it('rows of two calls with the same channel names (the PBX restarted between them) stay two calls', () => {
    const row = (uniqueid: string, start: number): PbxCdr => ({
      uniqueid, linkedid: null, src: '+15551230001', dst: '5550100', dcontext: 'from-pstn', callerName: 'A', callerNumber: '+15551230001',
      channel: 'PJSIP/carrier-00000000', dstchannel: 'PJSIP/101-00000001', lastapp: 'Dial', lastdata: 'PJSIP/101,15,tT',
      start, answer: start + 2_000, end: start + 5_000, duration: 5, billsec: 3, disposition: 'ANSWERED', userfield: '', did: null, recordingfile: null, sequence: null,
    });
    const t = Date.parse('2026-12-06T12:00:00Z');
    const groups = groupCdrs([row('1796558400.0', t), row('1796562000.0', t + 3_600_000)]);
    assert.deepEqual(groups.map((g) => g.key).sort(), ['1796558400.0', '1796562000.0']);
    // Local halves and a shared channel tie rows of one call together.
    const local = groupCdrs([
      { ...row('1796558400.2', t), channel: 'PJSIP/carrier-00000002', dstchannel: 'Local/101@from-internal-00000000;1' },
      { ...row('1796558400.4', t), channel: 'Local/101@from-internal-00000000;2', dstchannel: 'PJSIP/101-00000003' },
      { ...row('1796558400.2', t + 2_000), channel: 'PJSIP/carrier-00000002', dstchannel: 'PJSIP/101-00000003' },
    ]);
    assert.equal(local.length, 1);
    assert.equal(local[0]!.key, '1796558400.2');
  });
});

describe('CDR backfill of a click-to-call restored after a restart', () => {
  it('the agent never answered (17): failed, not missed; nobody missed it', () => {
    const events = liveEvents(timedMessages('17-click-to-call-agent-noanswer.ami'));
    const [want] = [...uncut(events).records.values()];
    assert.equal(want!.disposition, 'failed');
    // What the store held when the service died: the agent's phone ringing.
    const stored: CallRecord = { ...want!, status: 'in-progress', disposition: null, endedAt: null, originate: null, hangupParty: null, ringSeconds: null, talkSeconds: null };
    const state = createEngineState(CONFIG);
    const window = { from: Date.parse(want!.startedAt!) + 1_000, to: Date.parse(want!.endedAt!) + 5_000 };
    const result = backfillFromCdrs(state, { rows: cdrRows(events), window, stored: [{ record: stored, writtenAt: window.from }] }, window.to);
    const updated = result.effects.find((e) => e.type === 'call-updated');
    assert.ok(updated && 'record' in updated);
    assert.equal(updated.record.disposition, 'failed');
    assert.equal(updated.record.direction, 'outbound');
  });

  it('the agent answered and the customer was dialled (07): answered, as the CDR shows', () => {
    const events = liveEvents(timedMessages('07-click-to-call-originate-101-to-customer.ami'));
    const [want] = [...uncut(events).records.values()];
    const stored: CallRecord = { ...want!, status: 'in-progress', disposition: null, endedAt: null, answeredAt: null, answeredBy: null, talkSeconds: null, recording: null };
    const state = createEngineState(CONFIG);
    const window = { from: Date.parse(want!.startedAt!) + 1_000, to: Date.parse(want!.endedAt!) + 5_000 };
    const result = backfillFromCdrs(state, { rows: cdrRows(events), window, stored: [{ record: stored, writtenAt: window.from }] }, window.to);
    const updated = result.effects.find((e) => e.type === 'call-updated');
    assert.ok(updated && 'record' in updated);
    assert.equal(updated.record.disposition, 'answered');
  });
});
