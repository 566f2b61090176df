/**
 * The engine's effects into the outbox: `call-ended` queues the call with its directory matches (the
 * same lookup the pop used) and, for a click-to-call, the record it was placed from; a later
 * `call-updated` of an ended call (the PBX's CDRs corrected it after a gap) amends what was queued,
 * so that the CRM ends up showing the corrected call. A failure is logged, never thrown at the engine.
 */
import type { Effect } from '../../calls/effects.ts';
import type { RecordType } from '../../store/schema.ts';
import { errorInWords } from '../crm-errors.ts';
import { silentLog, type Log } from '../../logger.ts';
import type { CallMatch, LoggableCallRecord } from './call-entry.ts';
import type { CallLogger } from './call-logger.ts';

export interface CallLoggerSinkDeps {
  /** The call's matches, e.g. `(callId, number) => callMatches.for(callId, number)`. */
  matchesFor(callId: string, number: string | null): Promise<readonly CallMatch[]>;
  /** The record a click-to-call was placed from, e.g. `(id) => origins.peek(id)?.entity`. */
  originFor?(clickToCallId: string): { type: RecordType; id: string } | undefined;
  log?: Log;
}

export function callLoggerSink(logger: CallLogger, deps: CallLoggerSinkDeps): (effect: Effect) => Promise<void> {
  const log = deps.log ?? silentLog;
  const matchesOf = async (record: LoggableCallRecord): Promise<CallMatch[]> => {
    const matches: CallMatch[] = (await deps.matchesFor(record.id, record.normalizedNumber ?? record.externalNumber)).map((m) => ({ type: m.type, id: m.id, link: 'matched' }));
    const origin = record.clickToCallId ? deps.originFor?.(record.clickToCallId) : undefined;
    if (origin) matches.unshift({ type: origin.type, id: origin.id, link: 'origin' });
    return matches;
  };
  return async (effect) => {
    if (effect.type === 'call-ended') {
      const record = effect.record;
      try {
        await logger.enqueue(record, await matchesOf(record));
      } catch (err) {
        log.error({ callId: record.id, err: errorInWords(err) }, 'could not queue the call for the CRM');
      }
      return;
    }
    // Updates of a call still going on are the pops' business; the CRM hears of it when it ends.
    if (effect.type !== 'call-updated' || effect.record.status !== 'ended') return;
    const record = effect.record;
    try {
      // Matches only when needed (not queued yet, another number): most corrections keep the queued ones.
      await logger.amend(record, () => matchesOf(record));
    } catch (err) {
      log.error({ callId: record.id, err: errorInWords(err) }, 'could not queue the correction of the call for the CRM');
    }
  };
}
