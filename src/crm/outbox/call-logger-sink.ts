/**
 * The engine's `call-ended` effect into the outbox: the call's directory matches (the same lookup
 * the pop used) and, for a click-to-call, the record it was placed from. A failure to queue is
 * logged, never thrown at the call engine.
 */
import type { Effect } from '../../calls/effects.ts';
import type { RecordType } from '../../store/schema.ts';
import { errorInWords } from '../crm-errors.ts';
import { silentLog, type CrmLog } from '../suitecrm/crm-log.ts';
import type { CallMatch } from './call-entry.ts';
import type { CallLogger } from './call-logger.ts';

export interface CallLoggerSinkDeps {
  /** The call's matches, e.g. `(callId, number) => callMatches.for(callId, number)`. */
  matchesFor(callId: string, number: string | null): Promise<readonly CallMatch[]>;
  /** The record a click-to-call was placed from, e.g. `(id) => origins.peek(id)?.entity`. */
  originFor?(clickToCallId: string): { type: RecordType; id: string } | undefined;
  log?: CrmLog;
}

export function callLoggerSink(logger: CallLogger, deps: CallLoggerSinkDeps): (effect: Effect) => Promise<void> {
  const log = deps.log ?? silentLog;
  return async (effect) => {
    if (effect.type !== 'call-ended') return;
    const record = effect.record;
    try {
      const matches: CallMatch[] = (await deps.matchesFor(record.id, record.normalizedNumber ?? record.externalNumber)).map((m) => ({ type: m.type, id: m.id, link: 'matched' }));
      const origin = record.clickToCallId ? deps.originFor?.(record.clickToCallId) : undefined;
      if (origin) matches.unshift({ type: origin.type, id: origin.id, link: 'origin' });
      await logger.enqueue(record, matches);
    } catch (err) {
      log.error({ callId: record.id, err: errorInWords(err) }, 'could not queue the call for the CRM');
    }
  };
}
