/** Call records for tests: an answered inbound call by default, every field overridable. */
import type { LoggableCall } from '../../src/store/call-log.ts';

/** A call record as the call log stores it; `linkedid` follows the id (`pbx:linkedid`). */
export function loggable(over: Partial<LoggableCall> & { id: string }): LoggableCall {
  return {
    pbx: 'default',
    linkedid: over.id.split(':')[1] ?? over.id,
    status: 'ended',
    direction: 'inbound',
    externalNumber: '+15551230001',
    normalizedNumber: '+15551230001',
    did: '5550100',
    answeredBy: null,
    disposition: 'answered',
    startedAt: '2026-11-23T19:57:08.000Z',
    endedAt: '2026-11-23T19:57:13.000Z',
    clickToCallId: null,
    recording: null,
    rang: [],
    callerExtension: null,
    transfers: [],
    ...over,
  };
}
