/**
 * The engine's effects into the outbox: `call-ended` queues the call with its directory matches (the
 * same lookup the pop used: the call's context the PBX session hands with each effect) and, for a
 * click-to-call, the record it was placed from; a later
 * `call-updated` of an ended call (the PBX's CDRs corrected it after a gap) amends what was queued,
 * so that the CRM ends up showing the corrected call. A failure is logged, never thrown at the engine.
 */
import type { Effect } from '../../calls/effects.ts';
import type { RecordType } from '../../directory/record-types.ts';
import { errorInWords } from '../crm-errors.ts';
import { silentLog, type Log } from '../../logger.ts';
import type { CallMatch, LoggableCallRecord } from './call-entry.ts';
import type { CallLogger } from './call-logger.ts';

/** What the PBX session hands with each effect (see service/call-context.ts). */
export interface CallLoggerContext {
  matches(): Promise<readonly CallMatch[]>;
  readonly origin: { entity?: { type: RecordType; id: string } } | undefined;
}

export interface CallLoggerSinkDeps {
  /** Without a context with the effect (a caller that is not a PBX session): the call's matches. */
  matchesFor?(callId: string, number: string | null): Promise<readonly CallMatch[]>;
  /** Without a context: the record a click-to-call was placed from. */
  originFor?(clickToCallId: string): { type: RecordType; id: string } | undefined;
  log?: Log;
}

export function callLoggerSink(logger: CallLogger, deps: CallLoggerSinkDeps = {}): (effect: Effect, context?: CallLoggerContext) => Promise<void> {
  const log = deps.log ?? silentLog;
  const matchesOf = async (record: LoggableCallRecord, context: CallLoggerContext | undefined): Promise<CallMatch[]> => {
    const found = context !== undefined ? await context.matches() : ((await deps.matchesFor?.(record.id, record.normalizedNumber ?? record.externalNumber)) ?? []);
    const matches: CallMatch[] = found.map((m) => ({ type: m.type, id: m.id, link: 'matched' }));
    const origin = context !== undefined ? context.origin?.entity : record.clickToCallId ? deps.originFor?.(record.clickToCallId) : undefined;
    if (origin) matches.unshift({ type: origin.type, id: origin.id, link: 'origin' });
    return matches;
  };
  return async (effect, context) => {
    if (effect.type === 'call-ended') {
      const record = effect.record;
      try {
        await logger.enqueue(record, await matchesOf(record, context));
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
      await logger.amend(record, () => matchesOf(record, context));
    } catch (err) {
      log.error({ callId: record.id, err: errorInWords(err) }, 'could not queue the correction of the call for the CRM');
    }
  };
}
