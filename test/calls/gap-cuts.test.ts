/**
 * Every captured call cut at every event boundary: the link is lost there, the PBX goes on, the
 * engine recovers from lists true to the PBX at a later point, hears the rest live, and reads the
 * PBX's CDRs for the gap. The final record must be the uncut one: same direction, caller, DID,
 * answerer, outcome and recording; times and talk within a second.
 *
 * Except where the PBX's record cannot know, as the test PBX wrote it (cdr_csv, no linkedid/did
 * columns, an Originate without Account): each exception below is a fact the events carried and
 * no CDR does, and it is allowed only when every event carrying it fell inside the gap.
 * - `did` of a call transferred before its end: cdr_csv rewrites `dst` as the caller moves on
 *   (FreePBX's `did` column keeps it); the record says null rather than a wrong number.
 * - `clickToCallId` of an Originate that set no Account (our click-to-call sets one: the CDR's
 *   accountcode then carries it), and the customer's name that Originate showed.
 * - talk of a transferred call and of a click-to-call: a CDR's answer time is its first channel's
 *   (Asterisk 12+), and that channel was already up (the caller, talking before the transfer; the
 *   agent, who answered the Originate first), so the CDRs count the new phone's or the customer's
 *   ringing as talk, and the answer as that early (by at most that ring time, here 2 s). The
 *   agents' consultation in an attended transfer is not talk (the caller's own rows only). A
 *   click-to-call's customer who answered inside the gap is taken to have answered in the middle of
 *   what the CDR leaves open (after the agent's answer and the loss of sight, before the end or the
 *   recovery): off by at most half of that, either way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { timedMessages } from './support.ts';
import { cdrRows, liveEvents, outcome, secondsApart, uncut, withGap } from './gap-support.ts';

/** The longest a transfer target or a click-to-call's customer rang after its caller was up, in these captures (08, 16, 07: 2 s). */
const TRANSFER_RING_SECONDS = 2;

const CAPTURES = [
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
  '16-redirect-caller-from-101-to-102.ami',
  '17-click-to-call-agent-noanswer.ami',
  'a1-queue-caller-abandons.ami',
  'a3-cyrillic-callerid-agent-hangs-up.ami',
  'a4-ringgroup-nobody-answers.ami',
  't1-timestamps-inbound-answered-102.ami',
  't2-timestamps-ringgroup-answered-by-102.ami',
];

for (const restart of [false, true]) describe(restart ? 'a restart of the service at every event boundary, then the PBX\'s CDRs' : 'a gap at every event boundary, then the PBX\'s CDRs', () => {
  for (const name of CAPTURES) {
    it(name, () => {
      const events = liveEvents(timedMessages(name));
      const base = uncut(events).records;
      const hasAccount = cdrRows(events).some((r) => (r.accountcode ?? '').startsWith('crm-'));
      assert.ok(base.size > 0);
      const failures: string[] = [];
      const resumes = (cut: number): number[] => [...new Set([cut, cut + 1, cut + 3, cut + 10, events.length].filter((m) => m <= events.length))];
      for (let cut = 1; cut < events.length; cut++) {
        for (const resume of resumes(cut)) {
          const run = withGap(events, { cut, resume, restart });
          for (const [id, want] of base) {
            const got = run.records.get(id);
            const where = `${name} cut ${cut} resume ${resume} ${id}`;
            if (got === undefined) {
              failures.push(`${where}: no record`);
              continue;
            }
            const a = outcome(got);
            const b = outcome(want);
            if (got.fromCdr !== null) {
              if (a.did === null && want.transfers.length > 0) a.did = b.did;
              if (a.clickToCallId === null && !hasAccount) a.clickToCallId = b.clickToCallId;
              if (a.externalName === null && want.direction === 'outbound' && want.clickToCallId !== null) a.externalName = b.externalName;
            }
            const diff = Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
            if (diff.length > 0) {
              failures.push(`${where}: ${diff.map((k) => `${k} ${JSON.stringify(a[k])} != ${JSON.stringify(b[k])}`).join(', ')}`);
              continue;
            }
            const partyAUp = got.fromCdr !== null && (want.transfers.length > 0 || want.originate !== null);
            const allowed = partyAUp ? TRANSFER_RING_SECONDS : 1;
            // A click-to-call's customer answer that fell in the gap is the middle of what the CDR leaves open: either side.
            const eitherSide = partyAUp && want.originate !== null;
            for (const key of ['startedAt', 'answeredAt', 'endedAt'] as const) {
              const early = got[key] !== null && want[key] !== null ? (Date.parse(want[key]) - Date.parse(got[key])) / 1000 : 0;
              const excused = key === 'answeredAt' && partyAUp && (eitherSide ? Math.abs(early) : early > 0 ? early : Infinity) <= allowed;
              if (secondsApart(got[key], want[key]) > 1 && !excused) failures.push(`${where}: ${key} ${got[key]} != ${want[key]}`);
            }
            const over = (got.talkSeconds ?? -99) - (want.talkSeconds ?? -99);
            if (over < (eitherSide ? -allowed : -1) || over > allowed) failures.push(`${where}: talk ${got.talkSeconds} != ${want.talkSeconds}`);
          }
          for (const id of run.records.keys()) if (!base.has(id)) failures.push(`${name} cut ${cut} resume ${resume}: extra call ${id}`);
        }
      }
      assert.deepEqual(failures.slice(0, Number(process.env.GAP_SHOW ?? 15)), [], `${failures.length} failures`);
    });
  }
});
