/**
 * Calls at the same time do not disturb each other: the events of 3 or 4 captured calls,
 * interleaved at random (each capture keeping its own order and its own clock), give every call
 * the same record as when it is alone. 1,000 random interleavings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { replayCapture, type TimedMessage } from '../../src/calls/analyze-capture.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { CONFIG, timedMessages } from './support.ts';

const CALLS = [
  '01-inbound-answered-101.ami',
  '02-inbound-noanswer-101.ami',
  '03-inbound-busy-103.ami',
  '04-inbound-unavailable-104.ami',
  '05-ringgroup-101-102-answered-by-102.ami',
  '06-queue-support-answered-by-101.ami',
  '07-click-to-call-originate-101-to-customer.ami',
  '08-blind-transfer-101-to-102.ami',
  '09-attended-transfer-101-to-102.ami',
  '10-agi-route-server-up.ami',
  '11-agi-route-server-down-fallback.ami',
  '13-actions-during-active-call.ami',
  '16-redirect-caller-from-101-to-102.ami',
  '17-click-to-call-agent-noanswer.ami',
  'a1-queue-caller-abandons.ami',
  'a2-connect-during-active-call.ami',
  'a3-cyrillic-callerid-agent-hangs-up.ami',
  'a4-ringgroup-nobody-answers.ami',
  't1-timestamps-inbound-answered-102.ami',
  't2-timestamps-ringgroup-answered-by-102.ami',
];

// Several sessions' list answers are mixed here, so no list is "every channel on the PBX".
const OPTIONS = { listsAreComplete: false };

const sessions = CALLS.map((file) => timedMessages(file));
const alone = sessions.map((items) => byId(replayCapture(items, CONFIG, OPTIONS)));

function byId(records: CallRecord[]): Map<string, CallRecord> {
  return new Map(records.map((r) => [r.id, r]));
}

/** Merges sessions: `schedule[i]` picks which session gives the next message (an exhausted one passes its turn on). */
function interleave(chosen: number[], schedule: number[]): TimedMessage[] {
  const cursors = chosen.map(() => 0);
  const out: TimedMessage[] = [];
  let step = 0;
  for (;;) {
    const open = chosen.map((_, k) => k).filter((k) => cursors[k]! < sessions[chosen[k]!]!.length);
    if (open.length === 0) return out;
    const k = open[(schedule[step++ % schedule.length] ?? 0) % open.length]!;
    out.push(sessions[chosen[k]!]![cursors[k]!++]!);
  }
}

describe('interleaved calls', () => {
  it('every call keeps the outcome it has alone (1,000 random interleavings of 3-4 captures)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: CALLS.length - 1 }), { minLength: 3, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        (chosen, schedule) => {
          const mixed = byId(replayCapture(interleave(chosen, schedule), CONFIG, OPTIONS));
          const expected = new Map<string, CallRecord>();
          for (const i of chosen) for (const [id, r] of alone[i]!) expected.set(id, r);
          assert.deepEqual([...mixed.keys()].sort(), [...expected.keys()].sort());
          for (const [id, r] of expected) assert.deepEqual(mixed.get(id), r, `${id} (${chosen.map((i) => CALLS[i]).join(', ')})`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
