/**
 * The simulator's calls cut at every event boundary, with and without a restart of the service in
 * the gap: after the PBX's CDRs are read, the talk time is the uncut one within a second. Talk whose
 * bridge was entered and left while the engine was not watching (found after the gap with both
 * phones up but unbridged, or a transfer's second conversation) was lost whole before the CDR's
 * rows were trusted for it.
 *
 * Transferred calls: a row after a transfer answers with its first channel, the caller, up long
 * before, so it counts the new phone's ringing as talk. Where the events saw that phone answer the
 * ringing is taken off; where that answer fell in the gap the talk may be over by the ringing (the
 * simulator's transfer targets ring 2 s), never under.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, ScenarioIds, toMessages, type ScenarioKind } from '../../src/simulator/scenarios/index.ts';
import { liveEvents, uncut, withGap } from './gap-support.ts';
import type { TimedMessage } from '../../src/calls/analyze-capture.ts';

const START = Date.UTC(2026, 11, 7, 4, 0, 0);
const KINDS: ScenarioKind[] = ['inbound-answered', 'ringgroup-answered', 'queue-answered', 'outbound-from-phone', 'internal', 'blind-transfer', 'attended-transfer', 'redirect'];
const TRANSFER_RING_SECONDS = 2;

/**
 * Times off the whole second, as real calls are: the CDRs' whole seconds then have to be read right.
 * The second timing answers late in a second and ends early in one, where taking a CDR's answer
 * second for the instant of the answer is furthest off.
 */
const TIMINGS = [
  { offsetMs: 137, ringMs: 5_310, talkMs: 20_740 },
  { offsetMs: 600, ringMs: 5_310, talkMs: 20_200 },
] as const;

function scenario(kind: ScenarioKind, timing: (typeof TIMINGS)[number]): TimedMessage[] {
  const events = buildScenario(kind, { startEpochMs: START + timing.offsetMs, timestampEvents: true, ringMs: timing.ringMs, talkMs: timing.talkMs }, new ScenarioIds({ seed: 7 }));
  const messages = toMessages(events);
  return liveEvents(messages.map((message, i) => ({ message, time: START + timing.offsetMs + events[i]!.atMs })));
}

describe('calls cut at every event boundary, then the CDRs: the talk time stands', () => {
  for (const kind of KINDS) {
    for (const [t, timing] of TIMINGS.entries()) it(`${kind} (timing ${t + 1})`, () => {
      const events = scenario(kind, timing);
      const base = uncut(events).records;
      assert.equal(base.size, 1);
      const want = [...base.values()][0]!;
      assert.ok((want.talkSeconds ?? 0) >= 20, `the uncut call talked (${want.talkSeconds})`);
      const over = want.transfers.length > 0 ? TRANSFER_RING_SECONDS : 1;
      const failures: string[] = [];
      for (const [restart, reread] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const how = `${restart ? ' restart' : ''}${reread ? ' reread' : ''}`;
        for (let cut = 1; cut < events.length; cut++) {
          for (const resume of [cut, cut + 3, cut + 10, events.length].filter((m) => m <= events.length)) {
            const got = withGap(events, { cut, resume, restart, reread }).records.get(want.id);
            // Another instance's reads of the same CDRs change nothing the first read settled.
            const first = reread ? withGap(events, { cut, resume, restart }).records.get(want.id) : got;
            if (got === undefined) failures.push(`cut ${cut} resume ${resume}${how}: no record`);
            else if (got.talkSeconds !== first?.talkSeconds) failures.push(`cut ${cut} resume ${resume}${how}: talk ${got.talkSeconds} after ${first?.talkSeconds}`);
            else if ((got.talkSeconds ?? -99) - want.talkSeconds! < -1 || (got.talkSeconds ?? -99) - want.talkSeconds! > over) failures.push(`cut ${cut} resume ${resume}${how}: talk ${got.talkSeconds} != ${want.talkSeconds}`);
          }
        }
      }
      assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of the cuts`);
    });
  }
});
