/**
 * Restart: the calls the store holds as open (the records a previous run of the service upserted
 * and never saw end) are put back into a fresh engine before its first `recover`. The recovery
 * then decides, as for any reconnect: a call still on the PBX continues under the same id (same
 * Linkedid) with everything its record knew; a call whose channels are all gone is ended, marked
 * as ended while disconnected, at the latest time anything was known of it. No call is lost, none
 * is duplicated, none stays open.
 *
 * Records carry outcomes, not channels: the legs come back from CoreShowChannels, and what only
 * the old legs could tell (direction, ring time, talk so far) is kept as the record had it.
 */
import { flush, newCtx } from './effects.ts';
import { intern, own } from './legs.ts';
import type { ReduceResult } from './lifecycle.ts';
import type { CallRecord } from './record.ts';
import { CallState, type EngineState } from './state.ts';

/** A record the store holds as open, and when the store last wrote it. */
export interface StoredCall {
  record: CallRecord;
  /** Epoch ms of the record's last write (the call was going on then); NaN or absent if unknown. */
  writtenAt?: number;
}

/**
 * Seeds the engine with the open calls of a previous run. Call it once, on a fresh engine, before
 * the first `recover`. Records of another PBX, ended ones, and calls the engine already follows
 * are left alone. Emits nothing: the store already holds these records.
 */
export function restore(state: EngineState, stored: Iterable<StoredCall>, now: number): ReduceResult {
  const ctx = newCtx(state, now, now);
  for (const { record, writtenAt } of stored) {
    if (!restorable(state, record)) continue;
    const call = callFromRecord(state, record, writtenAt, now);
    if (call !== null) state.calls.set(call.key, call);
  }
  return { state, effects: flush(ctx) };
}

/**
 * A call as its stored record describes it, not yet placed in the engine (restore puts open ones
 * among the calls; the CDR backfill puts ended ones among the ended). Null for a malformed record.
 */
export function callFromRecord(state: EngineState, record: CallRecord, writtenAt?: number, now: number = Date.now()): CallState | null {
  if (record === null || typeof record !== 'object' || typeof record.linkedid !== 'string' || record.linkedid === '') return null;
  const key = own(record.linkedid);
  const call = new CallState(key, state.config.callIdPrefix + key, time(record.startedAt), now);
  apply(state, call, record);
  // The best time known: the last the old run heard of the call (its record's last write or times).
  const known = [call.startedAt, call.answeredAt, writtenAt ?? Number.NaN, ...list(record.transfers).map((t) => time(t.at))].filter(Number.isFinite);
  call.lastEventAt = known.length === 0 ? Number.NaN : Math.max(...known);
  return call;
}

function restorable(state: EngineState, record: CallRecord | null | undefined): record is CallRecord {
  if (record === null || typeof record !== 'object' || typeof record.linkedid !== 'string' || record.linkedid === '') return false;
  if (record.status !== 'in-progress' || record.pbx !== state.config.pbxId) return false;
  return !state.calls.has(record.linkedid) && !state.ended.has(record.linkedid);
}

function apply(state: EngineState, call: CallState, r: CallRecord): void {
  const word = (s: string | null | undefined): string | null => (typeof s === 'string' && s !== '' ? intern(state, s) : null);
  const text = (s: string | null | undefined): string | null => (typeof s === 'string' && s !== '' ? own(s) : null);
  call.externalNumber = text(r.externalNumber);
  call.normalizedNumber = r.normalizedNumber === r.externalNumber ? call.externalNumber : text(r.normalizedNumber);
  call.externalName = text(r.externalName);
  call.did = word(r.did);
  call.queue = word(r.queue);
  call.rang = list(r.rang).map((ext) => intern(state, ext));
  call.unreachable = list(r.unreachable).map((ext) => intern(state, ext));
  call.transfers = list(r.transfers).map((t) => ({ from: word(t.from), to: word(t.to), kind: t.kind, at: t.at ?? null }));
  // Only an answered call has a recording name, talk or an answer time in its record.
  call.answered = r.answeredAt != null || r.answeredBy != null || r.recording != null || (r.talkSeconds ?? 0) > 0;
  call.answeredBy = word(r.answeredBy);
  call.answeredAt = time(r.answeredAt);
  // The talk before the restart went unwatched: the PBX's Cdr tells it, as for any recovered call.
  call.talkUnknown = call.answered;
  call.hangupBy = r.hangupBy === 'caller' || r.hangupBy === 'agent' ? r.hangupBy : null;
  call.hangupExtension = word(r.hangupExtension);
  call.hangupCause = typeof r.hangupCause === 'number' ? r.hangupCause : null;
  call.hangupCauseText = word(r.hangupCauseText);
  call.recording = text(r.recordingFile ?? r.recording);
  // The name the old run settled on stays, whatever rank its source had.
  if (call.recording !== null) call.recordingRank = 0;
  call.clickToCallId = text(r.clickToCallId);
  if (r.originate != null) {
    call.originate = true;
    call.originateResult = r.originate.result ?? null;
    call.originateReason = r.originate.reason ?? null;
  }
  if (call.clickToCallId !== null) call.originate = true;
  call.recovered = r.recovered === true;
  call.fromCdr = r.fromCdr === 'corrected' || r.fromCdr === 'rebuilt' ? r.fromCdr : null;
  if (r.spannedGap === true) call.spannedGap = true;
  // Whether its answer time is one the events saw or the CDR's second (see CallRecord.talkFromCdr).
  if (r.talkFromCdr === 'watched-answer' || r.talkFromCdr === 'cdr-answer') call.talkFromCdr = r.talkFromCdr;
  if (typeof r.cdrRowsRead === 'number' && Number.isInteger(r.cdrRowsRead) && r.cdrRowsRead > 0) call.cdrRowsRead = r.cdrRowsRead;
  // Its talk is left to the CDRs (talkUnknown), but when it began stays bounded for them.
  const within = Array.isArray(r.talkBeganWithin) ? r.talkBeganWithin.map(time) : [];
  if (within.length === 2 && within.every(Number.isFinite)) call.unseenTalk = { lo: within[0]!, hi: within[1]!, until: within[1]! };
  call.restored = {
    direction: r.direction === 'outbound' || r.direction === 'internal' ? r.direction : 'inbound',
    callerExtension: word(r.callerExtension),
    ringSeconds: typeof r.ringSeconds === 'number' ? r.ringSeconds : null,
    talkSeconds: typeof r.talkSeconds === 'number' ? r.talkSeconds : null,
  };
}

function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function time(iso: string | null | undefined): number {
  return typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
}
