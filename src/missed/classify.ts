/**
 * What an ended call means for the callback workflow (pure). A missed inbound call opens or counts
 * on its number's item; an answered call with that number (theirs again, or ours back) closes it.
 *
 * Missed: inbound and not answered by anyone, whatever the reason (nobody picked up, busy, the
 * phones unreachable, the caller gave up in the queue or while it rang, voicemail after the
 * agents rang: the engine counts voicemail as not answered, since no agent took the call). A call
 * with no number to call back (anonymous, withheld, not a phone number) opens nothing: nobody
 * could close it. Internal calls and our failed click-to-calls are nobody's missed customer.
 */
import type { CallRecord } from '../calls/record.ts';

export type CallMeaning =
  | { kind: 'missed'; number: string; at: string }
  | { kind: 'reached'; number: string; at: string; reason: 'callback' | 'called-again'; byExtension: string | null }
  | { kind: 'none' };

const NOT_ANSWERED: ReadonlySet<string> = new Set(['missed', 'busy', 'unavailable', 'abandoned']);

type Classified = Pick<CallRecord, 'status' | 'direction' | 'disposition' | 'normalizedNumber' | 'externalNumber' | 'startedAt' | 'answeredAt' | 'endedAt' | 'answeredBy' | 'callerExtension'>;

export function classifyCall(record: Classified): CallMeaning {
  if (record.status !== 'ended' || record.direction === 'internal') return { kind: 'none' };
  const number = record.normalizedNumber;
  if (number === null || number === '') return { kind: 'none' };
  if (record.disposition === 'answered') {
    const at = record.answeredAt ?? record.startedAt ?? record.endedAt;
    if (at === null) return { kind: 'none' };
    if (record.direction === 'inbound') return { kind: 'reached', number, at, reason: 'called-again', byExtension: record.answeredBy };
    return { kind: 'reached', number, at, reason: 'callback', byExtension: record.callerExtension ?? record.answeredBy };
  }
  if (record.direction !== 'inbound' || record.disposition === null || !NOT_ANSWERED.has(record.disposition)) return { kind: 'none' };
  const at = record.startedAt ?? record.endedAt;
  return at === null ? { kind: 'none' } : { kind: 'missed', number, at };
}
