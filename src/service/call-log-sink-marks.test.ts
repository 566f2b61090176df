/**
 * The call log's sink marks the records of an answered call as called (issue 16: every pop said
 * "Last call never"): which records, at which time, and which calls do not count.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRecord } from '../calls/index.ts';
import type { Effect } from '../calls/effects.ts';
import type { Candidate } from '../directory/lookup.ts';
import type { RecordType } from '../directory/record-types.ts';
import type { CallLog, LoggableCall } from '../store/call-log.ts';
import type { Log } from '../logger.ts';
import { loggable } from '../../test/support/calls.ts';
import type { CallContext, CallOrigin } from './call-context.ts';
import { callLogSink } from './call-log-sink.ts';

const ENDED_AT = '2026-12-06T20:05:00.000Z';
const record = (id: string, over: Partial<LoggableCall> = {}): CallRecord => loggable({ id, endedAt: ENDED_AT, ...over }) as unknown as CallRecord;
const ended = (r: CallRecord): Effect => ({ type: 'call-ended', callId: r.id, record: r });
const updated = (r: CallRecord): Effect => ({ type: 'call-updated', callId: r.id, record: r });

const callLog = { upsertMany: async () => undefined } as unknown as CallLog;

function context(callId: string, matches: { type: RecordType; id: string }[], origin?: CallOrigin): CallContext {
  return { callId, origin, phone: null, matches: async () => matches as Candidate[] };
}

/** A directory that notes each touch as `type:id@at`, and can refuse them. */
function fakeDirectory(refuse = false) {
  const touched: string[] = [];
  return {
    touched,
    touch: async (type: RecordType, id: string, at?: string) => {
      if (refuse) throw new Error('database is locked');
      touched.push(`${type}:${id}@${at}`);
    },
  };
}

describe('call log sink: answered calls mark their records as called', () => {
  test('an answered call marks every record its number matched, at its end', async () => {
    const directory = fakeDirectory();
    const sink = callLogSink(callLog, { directory });
    const r = record('default:1.0');
    await sink(ended(r), context(r.id, [{ type: 'contact', id: 'c1' }, { type: 'account', id: 'a1' }]));
    await sink.idle!();
    assert.deepEqual(directory.touched, [`contact:c1@${ENDED_AT}`, `account:a1@${ENDED_AT}`]);
  });

  test('missed, busy, abandoned and failed calls mark nothing: "Last call" is the last conversation', async () => {
    const directory = fakeDirectory();
    const sink = callLogSink(callLog, { directory });
    for (const disposition of ['missed', 'busy', 'unavailable', 'abandoned', 'failed'] as const) {
      const r = record(`default:${disposition}`, { disposition });
      await sink(ended(r), context(r.id, [{ type: 'contact', id: 'c1' }]));
    }
    await sink.idle!();
    assert.deepEqual(directory.touched, []);
  });

  test('a click-to-call placed from a record marks that record alone', async () => {
    const directory = fakeDirectory();
    const sink = callLogSink(callLog, { directory });
    const r = record('default:2.0', { direction: 'outbound', clickToCallId: 'c2c-1' });
    await sink(ended(r), context(r.id, [{ type: 'contact', id: 'c1' }, { type: 'contact', id: 'c2' }], { userId: 'u1', entity: { type: 'contact', id: 'c2' } }));
    await sink.idle!();
    assert.deepEqual(directory.touched, [`contact:c2@${ENDED_AT}`]);
  });

  test("a call still going on marks nothing; the CDRs' correction of an ended call to answered does", async () => {
    const directory = fakeDirectory();
    const sink = callLogSink(callLog, { directory });
    const ongoing = record('default:3.0', { status: 'in-progress', disposition: null, endedAt: null });
    await sink(updated(ongoing), context(ongoing.id, [{ type: 'lead', id: 'l1' }]));
    await sink.idle!();
    assert.deepEqual(directory.touched, []);
    const corrected = record('default:4.0', { disposition: 'answered' });
    await sink(updated(corrected), context(corrected.id, [{ type: 'lead', id: 'l1' }]));
    await sink.idle!();
    assert.deepEqual(directory.touched, [`lead:l1@${ENDED_AT}`]);
  });

  test('a refused mark is said once and holds up neither the call log nor idle()', async () => {
    const directory = fakeDirectory(true);
    const warnings: unknown[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (fields: unknown) => warnings.push(fields) } as unknown as Log;
    const written: string[] = [];
    const countingLog = { upsertMany: async (entries: { call: LoggableCall }[]) => void written.push(...entries.map((e) => e.call.id)) } as unknown as CallLog;
    const sink = callLogSink(countingLog, { directory, log });
    for (const id of ['default:5.0', 'default:6.0']) await sink(ended(record(id)), context(id, [{ type: 'contact', id: 'c1' }]));
    await sink.idle!();
    assert.deepEqual(written, ['default:5.0', 'default:6.0']);
    assert.equal(warnings.length, 1);
  });

  test('without a directory the sink logs calls as before', async () => {
    const sink = callLogSink(callLog);
    await sink(ended(record('default:7.0')), context('default:7.0', [{ type: 'contact', id: 'c1' }]));
    await sink.idle!();
  });
});
