/**
 * `Cdr` events: the PBX's own summary of each leg pair. The engine never waits for them (they may
 * come before the last Hangup or after it), but keeps their figures for what the events' times
 * cannot tell: a call recovered after it was answered, or a capture with no clock.
 */
import type { AmiMessage } from '../ami/message.ts';
import { field } from './fields.ts';
import { emit, markDirty, type Ctx } from './effects.ts';
import { own } from './legs.ts';
import { buildRecord } from './record.ts';
import type { CallState } from './state.ts';

/** A call has a few Cdrs (one per dialled leg); more are noise from a long-lived call. */
const MAX_CDRS_PER_CALL = 16;

export function onCdr(ctx: Ctx, ev: AmiMessage): void {
  const { state } = ctx;
  const uniqueid = field(ev, 'UniqueID');
  if (uniqueid === undefined) return;
  let call: CallState | undefined;
  const leg = state.legs.get(uniqueid);
  if (leg !== undefined) call = state.calls.get(leg.callKey);
  if (call === undefined) {
    const key = state.endedLegs.get(uniqueid);
    if (key !== undefined) call = state.ended.get(key);
  }
  if (call === undefined || call.cdrs.length >= MAX_CDRS_PER_CALL) return;
  const before = call.ended ? JSON.stringify(buildRecord(call, state.config)) : '';
  call.cdrs = call.cdrs.concat({
    uniqueid: own(uniqueid),
    destination: own(field(ev, 'DestinationChannel') ?? ''),
    disposition: own(field(ev, 'Disposition') ?? ''),
    duration: count(field(ev, 'Duration')),
    billsec: count(field(ev, 'BillableSeconds')),
    start: own(field(ev, 'StartTime') ?? ''),
    answer: own(field(ev, 'AnswerTime') ?? ''),
    end: own(field(ev, 'EndTime') ?? ''),
  });
  if (!call.ended) {
    markDirty(ctx, call);
    return;
  }
  // A Cdr after the end can still complete the record (the durations of a recovered call).
  const record = buildRecord(call, state.config);
  if (JSON.stringify(record) !== before) emit(ctx, { type: 'call-updated', callId: call.id, record, phone: call.phone });
}

function count(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
