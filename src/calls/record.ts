/**
 * The call record: one plain, JSON-ready object per call, built from the engine's state. It is what
 * the store upserts, what the CRM logs and what `calls from-capture` prints.
 *
 * Durations come from the events' own times (the `Timestamp` header, or the service clock) where
 * the engine watched them happen; from the PBX's figures (queue HoldTime/TalkTime, Cdr Duration and
 * BillableSeconds) where it did not (a call recovered after a reconnect, a capture with no clock).
 */
import type { ResolvedEngineConfig } from './config.ts';
import { causeText, type OriginateResult } from './hangup-causes.ts';
import type { CallState, CdrFacts, Direction, LegState, Transfer } from './state.ts';
import { uniqueidEpochMs } from './channels.ts';

export type Disposition = 'answered' | 'missed' | 'busy' | 'unavailable' | 'abandoned' | 'failed';
export type HangupBy = 'caller' | 'agent' | 'unknown';

export interface CallRecord {
  /** `<pbxId>:<Linkedid>`: stable across reconnects and restarts. */
  id: string;
  pbx: string;
  linkedid: string;
  status: 'in-progress' | 'ended';
  direction: Direction;
  /** The outside party's number exactly as the PBX presented it (the dialled number for outbound calls). */
  externalNumber: string | null;
  /** `externalNumber` in E.164, or null when it is not a phone number (anonymous, internal, invalid). */
  normalizedNumber: string | null;
  /** The outside party's name as presented; null when the PBX had none (`<unknown>`). */
  externalName: string | null;
  did: string | null;
  queue: string | null;
  /** The agent who placed an outbound or internal call. */
  callerExtension: string | null;
  /** Extensions whose phones rang, in the order they first rang. */
  rang: string[];
  /** The agent who took the call: the first to answer (inbound, internal), the one on the call (outbound). */
  answeredBy: string | null;
  /** Extensions a Dial() named whose phone could not be reached at all (offline: no channel). */
  unreachable: string[];
  transfers: Transfer[];
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  /** Ringing until the answer (queue calls: the queue's HoldTime); for unanswered calls, the longest ring. */
  ringSeconds: number | null;
  /** Time the outside party spent connected to agents (queue calls: AgentComplete TalkTime). */
  talkSeconds: number | null;
  /** Null while the call is in progress. */
  disposition: Disposition | null;
  /**
   * Which side ended the conversation: `caller` is the outside party (the customer, also on
   * outbound calls) or, on internal calls, the extension that called; `agent` an agent. `unknown`
   * when neither hung up (the PBX ended the attempt: see `hangupParty`) or the engine cannot tell.
   */
  hangupBy: HangupBy;
  /** The README's `hangup_first`: `caller`, `customer`, an extension, `pbx` (the dialplan ended it), or null. */
  hangupParty: string | null;
  hangupExtension: string | null;
  hangupCause: number | null;
  hangupCauseText: string | null;
  /** The recording's file name when audio was recorded (the call was answered), else null. */
  recording: string | null;
  /** The file name the PBX gave the recording, even when nothing was recorded into it. */
  recordingFile: string | null;
  /** Our click-to-call id, for a call our Originate started. */
  clickToCallId: string | null;
  originate: { result: OriginateResult | null; reason: number | null } | null;
  /** The call was already going on when the engine first saw it (rebuilt after a (re)connect). */
  recovered: boolean;
  /** Ended while the link to the PBX was down, and the PBX's own record (CDR) has not yet told how. */
  endedWhileDisconnected: boolean;
  endReason: string | null;
  /**
   * What the PBX's CDRs settled, read after a gap: `corrected` (answer, answerer, times and outcome
   * of a call that ended while we were not watching), `rebuilt` (a call that began and ended
   * inside the gap, known only from the CDR). Null: the events told everything.
   */
  fromCdr: 'corrected' | 'rebuilt' | null;
  /**
   * Present (true) when the call was going on across a gap (a link cut, a restart): part of its
   * story went unwatched, so the PBX's CDRs are read for it even after it left the engine's memory.
   */
  spannedGap?: true;
  /**
   * Present when talk found going on at a recovery began unseen: between these two instants (ISO),
   * so that a restart keeps the bounds the CDRs are read against.
   */
  talkBeganWithin?: [string, string];
  /**
   * Present when the talk was counted from the CDRs: from an answer the events saw
   * (`watched-answer`) or from the CDR's own answer second (`cdr-answer`). Another instance that
   * reads the CDRs again (a takeover, a later gap's read) must not take the CDR's whole second for a
   * watched instant, or the talk grows by up to a second at every read.
   */
  talkFromCdr?: 'watched-answer' | 'cdr-answer';
  /**
   * With `fromCdr`: how many of the PBX's CDR rows of the call that read had. A later read (another
   * instance's, a later gap's) with no more rows leaves the record as it is: read again without the
   * events' legs, the same rows would tell less (a transfer target's ringing, say), not more.
   */
  cdrRowsRead?: number;
}

/** What `calls from-capture` prints: the record as it is (it is plain JSON). */
export type CallRecordJson = CallRecord;

export function buildRecord(call: CallState, config: ResolvedEngineConfig): CallRecord {
  const direction = directionOf(call, config);
  const ended = call.ended;
  const answered = call.answered;
  const disposition = ended ? dispositionOf(call) : null;
  const times = timesOf(call);
  const callerExtension = direction === 'inbound' ? null : (call.origin?.extension ?? call.restored?.callerExtension ?? null);
  return {
    id: call.id,
    pbx: config.pbxId,
    linkedid: call.key,
    status: ended ? 'ended' : 'in-progress',
    direction,
    externalNumber: call.externalNumber,
    normalizedNumber: call.normalizedNumber,
    externalName: call.externalName,
    did: call.did,
    queue: call.queue,
    callerExtension,
    rang: call.rang.slice(),
    answeredBy: answered ? (call.answeredBy ?? (direction === 'inbound' ? null : callerExtension)) : null,
    unreachable: call.unreachable.slice(),
    transfers: call.transfers.slice(),
    startedAt: iso(times.startedAt),
    answeredAt: answered ? iso(times.answeredAt) : null,
    endedAt: ended ? iso(times.endedAt) : null,
    ringSeconds: ringSeconds(call),
    talkSeconds: answered ? talkSeconds(call) : ended ? 0 : null,
    disposition,
    hangupBy: call.hangupBy ?? 'unknown',
    hangupParty: ended ? hangupParty(call, direction, callerExtension) : null,
    hangupExtension: call.hangupExtension,
    hangupCause: call.hangupCause,
    hangupCauseText: call.hangupCauseText ?? (call.hangupCause === null ? null : causeText(call.hangupCause)),
    recording: answered ? call.recording : null,
    recordingFile: call.recording,
    clickToCallId: call.clickToCallId,
    originate: call.originate ? { result: call.originateResult, reason: call.originateReason } : null,
    recovered: call.recovered,
    endedWhileDisconnected: call.endedWhileDisconnected,
    endReason: call.endReason,
    fromCdr: call.fromCdr,
    ...(call.spannedGap ? { spannedGap: true as const } : {}),
    ...(call.talkFromCdr !== null ? { talkFromCdr: call.talkFromCdr } : {}),
    ...(call.fromCdr !== null && call.cdrRowsRead > 0 ? { cdrRowsRead: call.cdrRowsRead } : {}),
    ...(call.unseenTalk !== null && Number.isFinite(call.unseenTalk.lo) && Number.isFinite(call.unseenTalk.hi) ? { talkBeganWithin: [new Date(call.unseenTalk.lo).toISOString(), new Date(call.unseenTalk.hi).toISOString()] satisfies [string, string] } : {}),
  };
}

export function directionOf(call: CallState, config: ResolvedEngineConfig): Direction {
  // A call restored after a restart keeps the direction its first legs showed the previous run;
  // "internal" only says no outside leg was seen yet: one found since (a click-to-call's customer,
  // from the lists or the CDR) decides.
  if (call.restored !== null && !(call.restored.direction === 'internal' && (call.external !== null || call.originate))) return call.restored.direction;
  const origin = call.origin;
  if (origin === null) {
    if (call.external === null) return 'internal';
    return call.external.dialer === null && !call.external.originate ? 'inbound' : 'outbound';
  }
  // An Originate may call the customer first: then the first leg is outside, and the call outbound.
  if (origin.role === 'external') return origin.originate ? 'outbound' : 'inbound';
  if (call.external !== null) return 'outbound';
  // Our click-to-call that never reached the customer is still an outbound call, unless the
  // Originate was aimed at another agent.
  if (call.originate || call.clickToCallId !== null) {
    const target = call.originateExten;
    return target !== null && config.isAgentExtension(target) ? 'internal' : 'outbound';
  }
  return 'internal';
}

/** The outside party for talk: the external leg; on internal calls, the calling extension's leg. */
export function partyLeg(call: CallState): LegState | null {
  return call.external ?? call.origin;
}

export function dispositionOf(call: CallState): Disposition {
  if (call.answered) return 'answered';
  // A click-to-call whose agent never picked up never reached the customer: it failed, nobody missed it.
  if (call.originate && call.origin !== null && call.origin.role !== 'external' && Number.isNaN(call.origin.answeredAt) && !call.origin.up) {
    return 'failed';
  }
  if (call.abandoned) return 'abandoned';
  switch (call.lastDialStatus) {
    case 'NOANSWER':
      return 'missed';
    case 'BUSY':
      return 'busy';
    case 'CHANUNAVAIL':
      return 'unavailable';
    case 'CONGESTION':
      return 'failed';
    case 'CANCEL':
      return 'abandoned';
    default:
      break;
  }
  if (call.sawBusy) return 'busy';
  if (call.sawNoAnswer) return 'missed';
  if (call.sawUnavailable || call.unreachable.length > 0) return 'unavailable';
  if (call.sawCongestion) return 'failed';
  if (call.queue !== null || call.rang.length > 0) return 'missed';
  return 'failed';
}

function hangupParty(call: CallState, direction: Direction, callerExtension: string | null): string | null {
  if (call.hangupBy === 'agent') return call.hangupExtension;
  if (call.hangupBy === 'caller') {
    if (direction === 'inbound') return 'caller';
    if (direction === 'outbound') return call.answered ? 'customer' : (callerExtension ?? 'caller');
    return call.hangupExtension ?? callerExtension ?? 'caller';
  }
  return call.answered ? null : 'pbx';
}

function ringSeconds(call: CallState): number | null {
  if (call.queueHoldSeconds !== null) return call.queueHoldSeconds;
  if (call.answered) {
    const leg = call.answerLeg;
    if (leg !== null) {
      const ms = leg.answeredAt - leg.ringStart;
      if (Number.isFinite(ms)) return seconds(ms);
    }
    return call.restored?.ringSeconds ?? cdrRingSeconds(call, leg);
  }
  if (call.queue !== null && Number.isFinite(call.queueJoinAt)) {
    const end = Number.isFinite(call.queueLeftAt) ? call.queueLeftAt : call.endedAt;
    if (Number.isFinite(end)) return seconds(end - call.queueJoinAt);
  }
  // Unanswered: the longest ring of any leg something dialled (an Originate's first leg included).
  let longest = -1;
  let unknown = false;
  for (const leg of call.legs) {
    if (leg.role === 'local' || leg.role === 'other') continue;
    if (leg.dialer === null && !leg.originate) continue;
    const end = Number.isFinite(leg.ringEnd) ? leg.ringEnd : call.endedAt;
    const ms = end - leg.ringStart;
    if (Number.isFinite(ms)) longest = Math.max(longest, ms);
    else unknown = true;
  }
  // A restored call may have lost the legs that rang before the restart: its record had their ring.
  const before = call.restored?.ringSeconds ?? null;
  if (longest >= 0) return before === null ? seconds(longest) : Math.max(before, seconds(longest));
  if (unknown) return cdrRingSeconds(call, null) ?? before;
  return before ?? 0;
}

function talkSeconds(call: CallState): number | null {
  if (call.queueTalkSeconds !== null && call.transfers.length === 0) return call.queueTalkSeconds;
  if (!call.talkUnknown) {
    let ms = call.talkMs;
    if (call.talking) ms += (call.ended ? call.endedAt : call.lastEventAt) - call.talkSince;
    // Talk that began unseen before a recovery: from the middle of when it can have begun.
    const unseen = call.unseenTalk;
    if (unseen !== null) ms += unseen.until - unseenTalkBegan(call, unseen);
    if (Number.isFinite(ms)) return seconds(ms);
  }
  if (call.queueTalkSeconds !== null) return call.queueTalkSeconds;
  return cdrTalkSeconds(call) ?? restoredTalkSeconds(call);
}

/**
 * When talk found going on at a recovery began: the middle of what is known. A Cdr of the one
 * conversation (no transfer) says it to the second: it ended at the watched end, billsec later.
 */
function unseenTalkBegan(call: CallState, unseen: { lo: number; hi: number }): number {
  let { lo, hi } = unseen;
  const cdrs = answeredCdrs(call);
  if (call.ended && Number.isFinite(call.endedAt) && call.transfers.length === 0 && cdrs.length === 1) {
    const b = cdrs[0]!.billsec * 1000;
    const from = Math.max(lo, call.endedAt - b - 999);
    const to = Math.min(hi, call.endedAt - b);
    if (from <= to) [lo, hi] = [from, to];
  }
  return (lo + hi) / 2;
}

/**
 * A call restored after a restart, with no Cdr to tell its talk: from the answer to the end (or
 * the last event), and never less than its record had before the restart.
 */
function restoredTalkSeconds(call: CallState): number | null {
  const before = call.restored?.talkSeconds ?? null;
  if (call.restored === null) return null;
  const since = (call.ended ? call.endedAt : call.lastEventAt) - call.answeredAt;
  if (!Number.isFinite(since)) return before;
  return Math.max(before ?? 0, seconds(since));
}

// ---- Cdr fallbacks: the PBX's own figures when the engine did not watch the times ----

function answeredCdrs(call: CallState): CdrFacts[] {
  return call.cdrs.filter((c) => c.disposition === 'ANSWERED' && c.destination !== '' && isAgentOrOutside(call, c.destination));
}

function isAgentOrOutside(call: CallState, channel: string): boolean {
  for (const leg of call.legs) if (leg.channel === channel) return leg.role === 'agent' || leg.role === 'external';
  // A Cdr towards a Local channel is the transfer plumbing, not a party.
  return !channel.startsWith('Local/');
}

function cdrRingSeconds(call: CallState, leg: LegState | null): number | null {
  if (leg !== null) {
    const cdr = call.cdrs.find((c) => c.destination === leg.channel);
    if (cdr !== undefined) return Math.max(0, cdr.duration - cdr.billsec);
    return null;
  }
  let longest = -1;
  for (const c of call.cdrs) if (c.disposition !== 'ANSWERED') longest = Math.max(longest, c.duration);
  return longest >= 0 ? longest : null;
}

function cdrTalkSeconds(call: CallState): number | null {
  const cdrs = answeredCdrs(call);
  if (cdrs.length === 0) return null;
  let total = 0;
  for (const c of cdrs) total += c.billsec;
  return total;
}

/** Cdr times are the PBX's local wall clock; the Linkedid (epoch seconds) tells its offset from UTC. */
function cdrTimeMs(call: CallState, local: string): number {
  const ms = parseLocalTime(local);
  if (Number.isNaN(ms)) return ms;
  const epoch = uniqueidEpochMs(call.key);
  const first = call.cdrs.find((c) => c.uniqueid === call.key) ?? call.cdrs[0];
  if (first === undefined || Number.isNaN(epoch)) return Number.NaN;
  const startLocal = parseLocalTime(first.start);
  if (Number.isNaN(startLocal)) return Number.NaN;
  const quarter = 15 * 60_000;
  const offset = Math.round((startLocal - epoch) / quarter) * quarter;
  return ms - offset;
}

/** `2026-11-23 19:57:08` read as if it were UTC (the offset is applied by the caller). */
export function parseLocalTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text.trim());
  if (m === null) return Number.NaN;
  const frac = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + frac;
}

function timesOf(call: CallState): { startedAt: number; answeredAt: number; endedAt: number } {
  let startedAt = call.startedAt;
  let answeredAt = call.answeredAt;
  let endedAt = call.endedAt;
  if (Number.isNaN(startedAt)) startedAt = uniqueidEpochMs(call.key);
  if (call.cdrs.length > 0) {
    if (Number.isNaN(answeredAt) && call.answered) {
      const leg = call.answerLeg;
      const cdr = leg === null ? answeredCdrs(call)[0] : call.cdrs.find((c) => c.destination === leg.channel);
      // A queue call's Cdr AnswerTime is the DID's Answer(); the agent answered HoldTime after it.
      if (cdr !== undefined && cdr.answer !== '') {
        answeredAt = cdrTimeMs(call, cdr.answer) + (call.queueHoldSeconds !== null ? call.queueHoldSeconds * 1000 : 0);
      }
    }
    if (Number.isNaN(endedAt) && call.ended) {
      let latest = Number.NaN;
      for (const c of call.cdrs) {
        const end = cdrTimeMs(call, c.end);
        if (!(end <= latest)) latest = end;
      }
      endedAt = latest;
    }
  }
  return { startedAt, answeredAt, endedAt };
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

export function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
