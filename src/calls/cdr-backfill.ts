/**
 * After a gap (a link cut, a restart of the service, a restart of the PBX) the PBX's own record
 * fills in what the engine did not see. Given the CDRs the PBX wrote for the gap's window:
 *
 * - a call the engine followed that ended inside the gap (`endedWhileDisconnected`) is corrected:
 *   who answered and when, talk and ring time, the outcome, the end time (`fromCdr: corrected`);
 * - a call the engine never saw (it began and ended inside the gap) is rebuilt from its CDRs and
 *   ended (`fromCdr: rebuilt`), so that it reaches the history, the CRM and the charts;
 * - calls that ended while the engine watched, and calls still going on, are left alone: their
 *   own events tell more than a CDR.
 *
 * Pure: the session reads the CDRs and the stored records, this decides. Running it twice over the
 * same rows changes nothing the second time.
 */
import type { PbxCdr } from '../cdr/pbx-cdr.ts';
import { classifyChannel, uniqueidEpochMs } from './channels.ts';
import { groupCdrs, type CdrGroup } from './cdr-groups.ts';
import { emit, flush, newCtx, type Ctx } from './effects.ts';
import { intern, own, present, setExternal, setExternalNumber } from './legs.ts';
import { endCall, type ReduceResult } from './lifecycle.ts';
import { buildRecord } from './record.ts';
import { callFromRecord, type StoredCall } from './restore.ts';
import { CallState, LegState, type CdrFacts, type EngineState } from './state.ts';
import type { UnseenTalk } from './call-state.ts';

export interface CdrBackfillInput {
  /** The PBX's CDRs read for the window (more is harmless: only calls touching the window count). */
  rows: readonly PbxCdr[];
  /** The gap, epoch ms: from the moment the engine stopped hearing from the PBX to its recovery. */
  window: { from: number; to: number };
  /**
   * Records the store holds for calls the engine no longer remembers (by call id or Linkedid);
   * ask for the keys `rowsForWindow` gives. Without them such a call would be rebuilt as if never seen.
   */
  stored?: readonly StoredCall[];
  /** Calls seen end by this run although forgotten since (by Linkedid): never rebuilt. */
  seen?: (key: string) => boolean;
}

export interface CdrBackfillResult extends ReduceResult {
  corrected: number;
  rebuilt: number;
}

/** A call that ended this long before the gap began was seen ending: nothing to fill in. */
const BEFORE_GAP_SLACK_MS = 2_000;
/**
 * A call neither the engine nor the store knows, ended up to this long before the gap began: the
 * service may have been behind the PBX when the link dropped (busy, just restarted), and what it
 * had not read yet went with the connection. Read the CDRs this far back (`CDR_LOOKBACK_MS`).
 */
export const UNSEEN_LOOKBACK_MS = 15_000;

/** How far the PBX's event times (Timestamp:) and our own clock may be apart when compared. */
const CLOCK_SLACK_MS = 1000;

/**
 * The rows of the calls a gap's read concerns: those that touched the window (or ended up to
 * `UNSEEN_LOOKBACK_MS` before it), with all their rows, even ones that began after it (a transfer's
 * next leg), and those calls' Linkedids (to look up in the store before `backfillFromCdrs`). A
 * source read up to now holds every later call too: they are not this gap's business, and looking
 * each up in the store would cost the gap's read minutes on a busy PBX.
 */
export function rowsForWindow(rows: readonly PbxCdr[], window: { from: number; to: number }): { rows: PbxCdr[]; keys: string[] } {
  const out: PbxCdr[] = [];
  const keys: string[] = [];
  for (const group of groupCdrs(rows)) {
    if (group.end < window.from - UNSEEN_LOOKBACK_MS || group.start > window.to) continue;
    for (const row of group.rows) out.push(row);
    if (group.key !== '') keys.push(group.key);
  }
  return { rows: out, keys };
}

export function backfillFromCdrs(state: EngineState, input: CdrBackfillInput, now: number): CdrBackfillResult {
  const ctx = newCtx(state, now, now);
  const stored = new Map<string, StoredCall>();
  for (const s of input.stored ?? []) if (s.record?.pbx === state.config.pbxId) stored.set(s.record.linkedid, s);
  let corrected = 0;
  let rebuilt = 0;
  for (const group of groupCdrs(input.rows)) {
    if (group.key === '') continue;
    if (group.end < input.window.from - UNSEEN_LOOKBACK_MS || group.start > input.window.to) continue;
    // Ended well before the gap: a call the engine or the store knows was seen to its end.
    const beforeGap = group.end < input.window.from - BEFORE_GAP_SLACK_MS;
    const known = findCall(state, group);
    if (known !== undefined) {
      if (beforeGap || !known.ended || !spannedGap(known) || settled(known.fromCdr, known.endedWhileDisconnected, known.cdrRowsRead, group)) continue;
      if (correct(ctx, known, group, input.window)) corrected++;
      continue;
    }
    const record = stored.get(group.key);
    if (record !== undefined) {
      const r = record.record;
      if (beforeGap || !storedNeedsCdr(r) || (r.status === 'ended' && settled(r.fromCdr ?? null, r.endedWhileDisconnected, r.cdrRowsRead ?? 0, group))) continue;
      const call = callFromRecord(state, record.record, record.writtenAt);
      if (call === null) continue;
      call.ended = true;
      call.endedAt = Date.parse(record.record.endedAt ?? '') || call.lastEventAt;
      // An end the events saw, or an earlier read of the CDRs pinned, stands; only a guessed one
      // (ended while disconnected, or still open in the store) is the CDR's to tell.
      call.endedWhileDisconnected = record.record.status !== 'ended' || record.record.endedWhileDisconnected || !Number.isFinite(Date.parse(record.record.endedAt ?? ''));
      state.ended.set(call.key, call);
      if (correct(ctx, call, group, input.window)) corrected++;
      continue;
    }
    // Known to neither: it began and ended inside the gap, or its events never reached us.
    if (input.seen?.(group.key) === true) continue;
    if (rebuild(ctx, group)) rebuilt++;
  }
  return { state, effects: flush(ctx), corrected, rebuilt };
}

/**
 * The CDRs already told this ended call's story from as many rows as there are now: read again
 * (by another instance, or for a later gap) they have nothing new, and without the events' legs
 * they would tell less.
 */
function settled(fromCdr: 'corrected' | 'rebuilt' | null, endedWhileDisconnected: boolean, rowsRead: number, group: CdrGroup): boolean {
  return fromCdr !== null && !endedWhileDisconnected && rowsRead >= group.rows.length;
}

/** A call whose story crossed a gap: ended in it, found going on after it, or restored after a restart. */
function spannedGap(call: CallState): boolean {
  return call.spannedGap || call.endedWhileDisconnected || call.recovered || call.restored !== null || call.fromCdr !== null;
}

/**
 * A stored record the events left incomplete: ended while disconnected, found going on after a
 * gap or going on across one (its talk or transfers partly unwatched), restored after a restart
 * (its answer time or talk unknown), or still open. A record the
 * events told whole is left alone.
 */
function storedNeedsCdr(r: StoredCall['record']): boolean {
  if (r.status !== 'ended' || r.endedWhileDisconnected || r.recovered || r.spannedGap === true || (r.fromCdr ?? null) !== null) return true;
  if (r.disposition === 'answered') return r.answeredAt === null || r.talkSeconds === null || r.ringSeconds === null;
  return false;
}

function findCall(state: EngineState, group: CdrGroup): CallState | undefined {
  const direct = state.calls.get(group.key) ?? state.ended.get(group.key);
  if (direct !== undefined) return direct;
  for (const row of group.rows) {
    const live = state.legs.get(row.uniqueid);
    if (live !== undefined) return state.calls.get(live.callKey);
    const endedKey = state.endedLegs.get(row.uniqueid);
    if (endedKey !== undefined) return state.ended.get(endedKey);
  }
  return undefined;
}

/** The rows as the engine's Cdr facts (UTC wall-clock text: `cdrTimeMs` finds offset 0). */
function facts(rows: readonly PbxCdr[]): CdrFacts[] {
  return rows.map((r) => ({
    uniqueid: own(r.uniqueid),
    destination: own(r.dstchannel),
    disposition: own(r.disposition),
    duration: r.duration,
    billsec: r.billsec,
    start: utcText(r.start),
    answer: r.answer === null ? '' : utcText(r.answer),
    end: utcText(r.end),
  }));
}

function utcText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

interface Reading {
  /** The row in which a person answered: an agent (inbound, internal) or the customer (outbound). */
  answered: PbxCdr | null;
  answeredAt: number | null;
  answeredBy: string | null;
  /** Agent extensions that were dialled, in order. */
  rang: string[];
  /** The outcome of an unanswered call, as a Dial status. */
  dialStatus: string | null;
  abandoned: boolean;
  end: number;
}

/** What the rows say, seen from a call whose outside party is `external` (a channel name) or none. */
function read(state: EngineState, group: CdrGroup, inbound: boolean): Reading {
  const { config } = state;
  const rang: string[] = [];
  let answered: PbxCdr | null = null;
  let answeredBy: string | null = null;
  let last: PbxCdr | null = null;
  for (const row of group.rows) {
    if (row.dstchannel === '') continue;
    const dst = classifyChannel(row.dstchannel, undefined, config);
    if (dst.role === 'agent' && dst.extension !== null && !rang.includes(dst.extension)) rang.push(dst.extension);
    const party = inbound ? dst.role === 'agent' : dst.role === 'external' || dst.role === 'agent';
    if (!party) continue;
    last = row;
    if (row.disposition === 'ANSWERED' && row.answer !== null && answered === null) {
      answered = row;
      answeredBy = dst.role === 'agent' ? dst.extension : null;
    }
  }
  const answeredAt = answered === null ? null : agentAnswerMs(group, answered);
  let dialStatus: string | null = null;
  let abandoned = false;
  if (answered === null) {
    const dials = group.rows.filter((row) => row.lastapp === 'Dial' || row.lastapp === 'Queue');
    const decisive = last ?? dials[dials.length - 1] ?? null;
    if (decisive !== null) {
      switch (decisive.disposition) {
        case 'BUSY':
          dialStatus = 'BUSY';
          break;
        case 'FAILED':
          // No channel at all (an offline phone) is unavailable; a channel that failed, congestion.
          dialStatus = decisive.dstchannel === '' ? 'CHANUNAVAIL' : 'CONGESTION';
          break;
        case 'CONGESTION':
          dialStatus = 'CONGESTION';
          break;
        default: {
          // A Dial() that ran its whole timeout was not answered; one cut short, the caller gave up.
          const timeout = dialTimeoutSeconds(decisive);
          if (last !== null && timeout !== null && decisive.duration + 1 < timeout) abandoned = true;
          else if (last !== null) dialStatus = 'NOANSWER';
        }
      }
    }
  }
  return { answered, answeredAt, answeredBy, rang, dialStatus, abandoned, end: group.end };
}

/**
 * When the person answered. A CDR's answer time is its first channel's: for a caller the dialplan
 * answered before Queue() (or a caller already talking, on a transfer) that is earlier than the
 * agent's. In a queue, the other members' rings stop when one answers (ringall) or before the next
 * one rings: the latest of those ends is the best the CDRs know.
 */
function agentAnswerMs(group: CdrGroup, answered: PbxCdr): number {
  let at = answered.answer!;
  if (answered.lastapp !== 'Queue') return at;
  for (const row of group.rows) {
    if (row === answered || row.lastapp !== 'Queue' || row.disposition === 'ANSWERED') continue;
    if (row.end <= answered.end && row.end > at) at = row.end;
  }
  return at;
}

/** `PJSIP/101,15,tT` → 15; `Queue(support,tT,,,60)` → 60; none given → null. */
function dialTimeoutSeconds(row: PbxCdr): number | null {
  const args = row.lastdata.split(',');
  const raw = row.lastapp === 'Queue' ? args[4] : row.lastapp === 'Dial' ? args[1] : undefined;
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n > 0 ? n : null;
}

/** A call the engine followed, ended inside the gap: the CDRs tell what the events could not. */
function correct(ctx: Ctx, call: CallState, group: CdrGroup, window: { from: number; to: number }): boolean {
  const { state } = ctx;
  const before = JSON.stringify(buildRecord(call, state.config));
  const record = buildRecord(call, state.config);
  const r = read(state, group, record.direction === 'inbound');
  call.cdrs = mergeFacts(call.cdrs, facts(group.rows));
  const first = group.rows.find((x) => x.uniqueid === call.key) ?? group.rows[0];
  if (first !== undefined && (first.lastapp === 'AppDial2' || first.lastdata === '(Outgoing Line)') && call.origin?.role !== 'external') call.originate = true;
  const account = clickToCallAccount(state, group);
  if (account !== null && call.clickToCallId === null) {
    call.clickToCallId = own(account);
    call.originate = true;
  }
  if (call.originate && call.origin === null) {
    // A click-to-call restored after a restart has no legs: its first (the agent's) comes from the CDR.
    const row = group.rows.find((x) => x.uniqueid === call.key) ?? group.rows.find((x) => x.lastapp === 'AppDial2');
    const info = row === undefined ? null : classifyChannel(row.channel, undefined, state.config);
    if (row !== undefined && info !== null && info.role === 'agent') {
      const leg = new LegState(call.key, own(row.channel), call.key, 'agent', info.extension === null ? null : intern(state, info.extension), row.start);
      leg.gone = true;
      leg.originate = true;
      call.legs = call.legs.concat(leg);
      call.origin = leg;
    }
  }
  if (call.external === null && call.origin !== null && call.origin.role !== 'external') {
    // An outbound call whose customer was dialled inside the gap: the CDR names the trunk leg.
    const row = group.rows.find((x) => x.dstchannel !== '' && classifyChannel(x.dstchannel, undefined, state.config).role === 'external');
    if (row !== undefined) {
      const leg = new LegState(`${call.key}#cdr`, own(row.dstchannel), call.key, 'external', null, row.start);
      leg.gone = true;
      leg.dialer = call.origin.uniqueid;
      call.legs = call.legs.concat(leg);
      setExternal(ctx, call, leg, null, null);
      if (call.externalNumber === null && row.dst !== '') setExternalNumber(ctx, call, row.dst);
    }
  }
  if (call.externalNumber === null && call.origin !== null && call.origin.role !== 'external') {
    // An outbound call found going on after a gap: the CDR says which number was dialled.
    const row = group.rows.find((x) => x.dstchannel !== '' && classifyChannel(x.dstchannel, undefined, state.config).role === 'external');
    if (row !== undefined && row.dst !== '' && row.dst !== 's') setExternalNumber(ctx, call, row.dst);
  }
  if (call.originate && call.origin !== null) agentTookOriginate(state, call.origin, group);
  if (call.externalNumber === null && call.external === null && call.originate && first?.callerNumber != null && !state.config.isAgentExtension(first.callerNumber)) {
    // A click-to-call the agent never answered: the Originate showed the customer as the caller.
    setExternalNumber(ctx, call, first.callerNumber);
  }
  for (const ext of r.rang) if (!call.rang.includes(ext)) call.rang = call.rang.concat(intern(state, ext));
  if (r.answered !== null && r.answeredAt !== null) {
    // An answer time an earlier read of the CDRs set is not one the events saw.
    const watched = call.answered && Number.isFinite(call.answeredAt) && call.talkFromCdr !== 'cdr-answer';
    // The events never saw this call answered: whatever talk they counted (none) is not its talk.
    const answerUnseen = !call.answered || !Number.isFinite(call.answeredAt);
    if (!call.answered) {
      call.answered = true;
      if (r.answeredBy !== null && call.answeredBy === null) call.answeredBy = intern(state, r.answeredBy);
      let leg = call.legs.find((l) => l.channel === r.answered!.dstchannel) ?? null;
      if (leg === null) {
        // A call restored after a restart has no legs: the answering phone's comes from its CDR.
        const info = classifyChannel(r.answered.dstchannel, undefined, state.config);
        leg = new LegState(`${call.key}#answer`, own(r.answered.dstchannel), call.key, info.role, info.extension === null ? null : intern(state, info.extension), r.answered.start);
        leg.gone = true;
        call.legs = call.legs.concat(leg);
      }
      leg.answered = true;
      leg.answeredAt = r.answeredAt;
      if (!Number.isFinite(leg.ringStart)) leg.ringStart = r.answered.start;
      call.answerLeg = leg;
    }
    if (!Number.isFinite(call.answeredAt)) call.answeredAt = r.answeredAt;
    // One conversation, over now, whose talk overlapped the gap: the engine may have seen only part
    // of it, or none (the bridge entered and left while it was not watching: found after the gap
    // with both phones still up but no longer bridged). The CDR's row counts it whole. The gap is
    // on our clock, the call's times on the PBX's (Timestamp:): a second's slack between the two.
    const single = call.transfers.length === 0 && answeredCdrCount(call, group) <= 1;
    const talkInGap = call.spannedGap && !call.talking && Number.isFinite(call.endedAt) && window.from - CLOCK_SLACK_MS <= call.endedAt && window.to + CLOCK_SLACK_MS >= call.answeredAt;
    if (answerUnseen || call.endedWhileDisconnected || call.talkUnknown || call.talkFromCdr || talkInGap) {
      // The talk ended inside the gap. One conversation (no transfer): from the answer (as watched,
      // else as the CDRs tell) to the PBX's end. Otherwise the CDRs' billable seconds.
      if (single) {
        const talk = conversation(call, r.answered, watched ? call.answeredAt : Number.NaN, r.answeredAt, window);
        // An end the engine only guessed (when sight was lost) gives way to the one the CDR pins.
        if (call.endedWhileDisconnected) call.endedAt = talk.endedAt;
        call.talking = false;
        call.talkUnknown = false;
        call.talkMs = talk.ms;
        call.queueTalkSeconds = null;
        if (!watched) call.answeredAt = talk.answeredAt;
      } else {
        setSplitTalk(call, group, record.direction === 'inbound');
      }
      call.talkFromCdr = watched ? 'watched-answer' : 'cdr-answer';
      // The whole talk is the CDRs' now: nothing is added for a start the events did not see.
      call.unseenTalk = null;
    } else if (call.unseenTalk !== null) {
      // The talk went on past the recovery, watched; only its start was unseen: the CDR says when.
      const unseen = unseenStart(call, r.answered, call.unseenTalk);
      if (unseen !== null) call.unseenTalk = unseen;
      else if (!single) {
        // A later conversation (after a transfer) began unseen: its row's answer is the caller's,
        // long before; the rows' billable seconds are the better count (they include the new
        // phone's ringing, as the PBX counts it).
        setSplitTalk(call, group, record.direction === 'inbound');
        call.talkFromCdr = 'watched-answer';
        call.unseenTalk = null;
      }
    }
  } else if (!call.answered && call.lastDialStatus === null && !call.abandoned) {
    // What the events showed stands; the CDR only says what they did not.
    if (r.abandoned) call.abandoned = true;
    else if (r.dialStatus !== null) call.lastDialStatus = intern(state, r.dialStatus);
  }
  if (call.recording === null) {
    const recording = recordingOf(group);
    if (recording !== null) call.recording = own(recording);
  }
  // The CDR's end is a whole second: an end inside that second stands, any other is not the call's.
  if (Number.isFinite(r.end) && !(call.endedAt >= r.end && call.endedAt < r.end + 1000)) call.endedAt = r.end;
  call.endedWhileDisconnected = false;
  if (call.fromCdr !== 'rebuilt') call.fromCdr = 'corrected';
  call.cdrRowsRead = group.rows.length;
  const after = buildRecord(call, state.config);
  if (JSON.stringify(after) === before) return false;
  emit(ctx, { type: 'call-updated', callId: call.id, record: after, phone: call.phone });
  return true;
}

/** An instant known to lie in [lo, hi]: what whole-second CDR times and the events leave open. */
interface Bounds {
  lo: number;
  hi: number;
}

const exactly = (t: number): Bounds => ({ lo: t, hi: t });
/** A CDR time: the PBX cuts the milliseconds off, so the instant is within the second after it. */
const inSecond = (t: number): Bounds => ({ lo: t, hi: t + 999 });
const middle = (b: Bounds): number => (b.lo + b.hi) / 2;
/** Both at once; when they disagree (a clock stall, a late event), the first stands. */
function narrowed(a: Bounds, b: Bounds): Bounds {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : a;
}

/**
 * One conversation that ended inside the gap: when it began (watched, else as the CDRs tell) and
 * how long it lasted. The row's times are whole seconds, its billable seconds the whole seconds
 * from its answer to its end: together they pin both within a second, closer than either alone.
 * A row's answer is its first channel's: for our click-to-call that is the agent picking up, not
 * the customer, who answered after ringing; when the events did not see that, the customer
 * answered somewhere between the agent's answer or the loss of sight, and the end or the recovery.
 */
function conversation(call: CallState, row: PbxCdr, watchedAnswer: number, cdrAnswer: number, window: { from: number; to: number }): { ms: number; answeredAt: number; endedAt: number } {
  const agentFirst = call.originate && call.origin !== null && row.channel === call.origin.channel;
  const billed = row.lastapp !== 'Queue' && row.answer !== null;
  let end = call.endedWhileDisconnected || !Number.isFinite(call.endedAt) ? inSecond(row.end) : exactly(call.endedAt);
  // When the row's first channel answered: the agent (click-to-call) or the conversation's start.
  let rowAnswer = inSecond(row.answer ?? cdrAnswer);
  if (agentFirst && call.origin !== null && Number.isFinite(call.origin.answeredAt)) rowAnswer = narrowed(rowAnswer, exactly(call.origin.answeredAt));
  if (!agentFirst && Number.isFinite(watchedAnswer)) rowAnswer = narrowed(rowAnswer, exactly(watchedAnswer));
  if (billed) {
    const b = row.billsec * 1000;
    end = narrowed(end, { lo: rowAnswer.lo + b, hi: rowAnswer.hi + b + 999 });
    rowAnswer = narrowed(rowAnswer, { lo: end.lo - b - 999, hi: end.hi - b });
  }
  let answer: Bounds;
  if (Number.isFinite(watchedAnswer)) answer = exactly(watchedAnswer);
  else if (agentFirst) {
    // When the customer can have answered: after the agent and after sight was lost, before the
    // end and before the recovery that found them talking (else the one after this gap).
    const seen = call.unseenTalk;
    const lo = Math.max(rowAnswer.lo, seen === null ? window.from : seen.lo);
    const hi = Math.min(middle(end), seen === null ? window.to : seen.hi);
    answer = lo <= hi ? { lo, hi } : exactly(Math.min(lo, middle(end)));
  } else if (row.lastapp === 'Queue') answer = exactly(cdrAnswer);
  else answer = rowAnswer;
  const ms = Math.max(0, middle(end) - middle(answer));
  // A time the CDR gave is shown as the PBX wrote it; one only bounded, at its likeliest.
  return { ms, answeredAt: agentFirst ? Math.round(middle(answer)) : answer === rowAnswer ? cdrAnswer : Math.round(middle(answer)), endedAt: Math.round(middle(end)) };
}

/**
 * When talk found going on at a recovery began, as the CDR's answer tells: the row's answer second
 * (its first channel's answer: for our click-to-call the agent's, before which the customer cannot
 * have answered). Null when the row cannot be this talk's start (a later conversation's).
 */
function unseenStart(call: CallState, row: PbxCdr, unseen: UnseenTalk): UnseenTalk | null {
  if (row.answer === null || row.lastapp === 'Queue') return unseen;
  if (call.originate && call.origin !== null && row.channel === call.origin.channel) {
    const agent = Number.isFinite(call.origin.answeredAt) ? call.origin.answeredAt : row.answer;
    return agent > unseen.lo && agent <= unseen.hi ? { lo: agent, hi: unseen.hi, until: unseen.until } : unseen;
  }
  const second = inSecond(row.answer);
  if (second.hi < unseen.lo || second.lo > unseen.hi) return null;
  return { lo: Math.max(unseen.lo, second.lo), hi: Math.min(unseen.hi, second.hi), until: unseen.until };
}

/**
 * Talk split by transfers: the billable seconds of the rows in which the outside party itself was
 * connected to a person (as party A: the caller to each agent; as party B: the customer), not the
 * agents' consultations with each other nor the Local plumbing. No such row: the PBX's sum.
 */
function setSplitTalk(call: CallState, group: CdrGroup, inbound: boolean): void {
  const rows = partyRows(call, group, inbound);
  if (rows.length === 0) {
    call.talkUnknown = true;
    return;
  }
  let total = 0;
  for (const row of rows) {
    let ms = row.billsec * 1000;
    // A row's answer is its first channel's: after a transfer that is the caller, up long before,
    // so the row counts the new phone's ringing as talk. Where the events saw that phone answer,
    // the ringing comes off (a second's slack: the row's times are whole seconds).
    const leg = row.answer === null ? undefined : call.legs.find((l) => l.channel === row.dstchannel && Number.isFinite(l.answeredAt));
    const ring = leg === undefined ? 0 : leg.answeredAt - row.answer!;
    if (ring >= 1000 && ring < ms) ms -= ring;
    total += ms;
  }
  call.talking = false;
  call.talkUnknown = false;
  call.talkMs = total;
  call.queueTalkSeconds = null;
}

/** The answered rows in which the outside party itself was connected to a person (see setSplitTalk). */
function partyRows(call: CallState, group: CdrGroup, inbound: boolean): PbxCdr[] {
  // A call restored after a restart may have no legs left: an inbound call's caller is the channel
  // of its first row (the Linkedid's own).
  const party = call.external?.channel ?? (inbound ? (group.rows.find((x) => x.uniqueid === call.key)?.channel ?? null) : null);
  if (party === null) return [];
  return group.rows.filter((row) => row.disposition === 'ANSWERED' && row.dstchannel !== '' && !row.dstchannel.startsWith('Local/') && (row.channel === party || row.dstchannel === party));
}

/** Answered rows towards a person (agent or outside): more than one means the talk was split. */
function answeredCdrCount(call: CallState, group: CdrGroup): number {
  let n = 0;
  for (const row of group.rows) if (row.disposition === 'ANSWERED' && row.dstchannel !== '' && !row.dstchannel.startsWith('Local/')) n++;
  return n;
}

/**
 * An Originate's first leg rings the agent; only once the agent answers does the dialplan dial the
 * customer. A CDR of that leg towards an outside channel says the agent answered (else the call
 * failed: nobody missed it).
 */
function agentTookOriginate(state: EngineState, origin: LegState, group: CdrGroup): void {
  if (origin.up || Number.isFinite(origin.answeredAt)) return;
  const row = group.rows.find((x) => x.channel === origin.channel && x.dstchannel !== '' && classifyChannel(x.dstchannel, undefined, state.config).role === 'external');
  if (row === undefined) return;
  origin.up = true;
  origin.answeredAt = row.start;
}

/** Our click-to-call's id, from the Account its Originate set (the CDR's accountcode). */
function clickToCallAccount(state: EngineState, group: CdrGroup): string | null {
  const prefix = state.config.clickToCallAccountPrefix;
  if (prefix === null) return null;
  return group.rows.map((row) => row.accountcode ?? '').find((a) => a.startsWith(prefix)) ?? null;
}

function mergeFacts(have: readonly CdrFacts[], add: readonly CdrFacts[]): readonly CdrFacts[] {
  const key = (c: CdrFacts): string => `${c.uniqueid}|${c.destination}|${c.start}`;
  const seen = new Set(have.map(key));
  const fresh = add.filter((c) => !seen.has(key(c)));
  return fresh.length === 0 ? have : have.concat(fresh);
}

/** A call that began and ended inside the gap: only its CDRs know it. */
function rebuild(ctx: Ctx, group: CdrGroup): boolean {
  const { state } = ctx;
  const { config } = state;
  const key = own(group.key);
  const first = group.rows.find((r) => r.uniqueid === group.key) ?? group.rows[0]!;
  // A channel that was itself dialled (AppDial: an agent's phone) starts no call of its own: rows
  // led by one are an attended transfer's consultation, whose call's own rows come when that call
  // ends (a later read joins them). Our Originate's first channel is AppDial2.
  if (first.lastapp === 'AppDial') return false;
  const epoch = uniqueidEpochMs(key);
  const call = new CallState(key, config.callIdPrefix + key, Number.isNaN(epoch) ? group.start : Math.min(epoch, group.start), ctx.now);
  state.calls.set(key, call);
  const legs = new Map<string, LegState>();
  const legFor = (name: string, context: string | undefined, at: number, uniqueid: string): LegState | null => {
    if (name === '') return null;
    const known = legs.get(name);
    if (known !== undefined) return known;
    const info = classifyChannel(name, context, config);
    const leg = new LegState(uniqueid === key ? key : own(uniqueid), own(name), key, info.role, info.extension === null ? null : intern(state, info.extension), at);
    leg.gone = true;
    legs.set(name, leg);
    call.legs = call.legs.concat(leg);
    return leg;
  };
  const origin = legFor(first.channel, first.dcontext, first.start, first.uniqueid)!;
  call.origin = origin;
  let n = 0;
  for (const row of group.rows) {
    const a = legFor(row.channel, row.dcontext, row.start, row.uniqueid || `${key}#${n++}`);
    const b = legFor(row.dstchannel, undefined, row.start, `${key}#${n++}`);
    if (a === null || b === null) continue;
    if (b.dialer === null && b !== origin) b.dialer = a.uniqueid;
    if (!Number.isFinite(b.ringStart)) b.ringStart = row.start;
    if (row.answer !== null && row.disposition === 'ANSWERED' && !b.answered) {
      b.answered = true;
      b.answeredAt = row.answer;
      b.ringEnd = row.answer;
    } else if (!b.answered) {
      b.ringEnd = Math.max(Number.isFinite(b.ringEnd) ? b.ringEnd : -Infinity, row.end);
    }
    if (row.lastapp === 'Queue' && call.queue === null) {
      const queue = row.lastdata.split(',')[0] ?? '';
      if (queue !== '') call.queue = intern(state, queue);
    }
  }
  const inbound = origin.role === 'external';
  // Our click-to-call's first leg rings the agent: an Originate (AppDial2), tagged by its Account.
  const account = clickToCallAccount(state, group);
  if (first.lastapp === 'AppDial2' || first.lastdata === '(Outgoing Line)' || account !== null) call.originate = true;
  if (account !== null) call.clickToCallId = own(account);
  if (inbound) {
    setExternal(ctx, call, origin, present(first.callerNumber ?? first.src ?? undefined), present(first.callerName ?? undefined));
    // The CDR's dst follows the caller through the dialplan (a transfer rewrites it): only a row
    // still in an inbound context shows the number the caller dialled.
    const entry = group.rows.find((row) => row.channel === origin.channel && config.inboundContexts.has(row.dcontext));
    const did = first.did ?? (entry !== undefined && entry.dst !== '' && entry.dst !== 's' ? entry.dst : null);
    if (did !== null) call.did = intern(state, did);
  } else {
    const customer = call.legs.find((l) => l.role === 'external' && l !== origin) ?? null;
    if (customer !== null) {
      const row = group.rows.find((r) => r.dstchannel === customer.channel);
      setExternal(ctx, call, customer, null, null);
      const dialled = row?.dst ?? '';
      if (dialled !== '') setExternalNumber(ctx, call, dialled);
    } else if (call.originate && first.callerNumber !== null && !config.isAgentExtension(first.callerNumber)) {
      // A click-to-call the agent never answered: the Originate showed the customer as the caller.
      call.externalNumber = null;
      setExternalNumber(ctx, call, first.callerNumber);
    }
  }
  if (call.originate) agentTookOriginate(state, origin, group);
  const r = read(state, group, inbound);
  call.rang = r.rang.map((ext) => intern(state, ext));
  if (r.answered !== null && r.answeredAt !== null) {
    call.answered = true;
    call.answeredAt = r.answeredAt;
    // The answer is the CDR's, never one the events saw: a later read with more rows (a queue
    // member's unanswered row written late moves a queue call's answer) may take it again.
    call.talkFromCdr = 'cdr-answer';
    call.answeredBy = r.answeredBy === null ? null : intern(state, r.answeredBy);
    call.answerLeg = legs.get(r.answered.dstchannel) ?? null;
    // One conversation: answer to end. Split by transfers: the PBX's billable seconds.
    if (answeredCdrCount(call, group) <= 1) call.talkMs = Math.max(0, group.end - r.answeredAt);
    else setSplitTalk(call, group, inbound);
  } else if (r.abandoned) {
    call.abandoned = true;
  } else if (r.dialStatus !== null) {
    call.lastDialStatus = intern(state, r.dialStatus);
  }
  const recording = recordingOf(group);
  if (recording !== null) call.recording = own(recording);
  call.cdrs = facts(group.rows);
  call.recovered = false;
  call.endedWhileDisconnected = false;
  call.fromCdr = 'rebuilt';
  call.cdrRowsRead = group.rows.length;
  call.lastEventAt = group.end;
  endCall(ctx, call, 'rebuilt-from-cdr', group.end);
  return true;
}

function recordingOf(group: CdrGroup): string | null {
  for (const row of group.rows) {
    const name = row.recordingfile !== null && row.recordingfile !== '' ? row.recordingfile : recordingName(row.userfield);
    if (name !== null) return name;
  }
  return null;
}

/** A userfield that names an audio file (dialplans often put the recording's name there). */
function recordingName(userfield: string): string | null {
  const v = userfield.trim();
  return /^[^/\\\s][^\\]*\.(wav|WAV|gsm|mp3|ogg|opus|wav49|sln)$/.test(v) ? v.slice(v.lastIndexOf('/') + 1) : null;
}
