import { afterEach, after, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CallRecord } from '../calls/index.ts';
import type { Effect } from '../calls/effects.ts';
import { CallLog, type LoggableCall } from '../store/call-log.ts';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { loggable } from '../../test/support/calls.ts';
import { callLogSink } from './call-log-sink.ts';

const record = (id: string, over: Partial<LoggableCall> = {}): CallRecord =>
  loggable({ id, status: 'in-progress', disposition: null, startedAt: '2026-12-06T20:00:00.000Z', endedAt: null, ...over }) as unknown as CallRecord;

const started = (r: CallRecord): Effect => ({ type: 'call-started', callId: r.id, record: r });
const updated = (r: CallRecord): Effect => ({ type: 'call-updated', callId: r.id, record: r });
const ended = (r: CallRecord): Effect => ({ type: 'call-ended', callId: r.id, record: { ...r, status: 'ended' } });

/** A call log that notes each batch (`id:recording` per call) and can hold a write open. */
function fakeLog(stored: CallRecord[] = []) {
  const batches: string[][] = [];
  let gate: Promise<void> | null = null;
  let open = (): void => undefined;
  const log = {
    upsertMany: async (entries: { call: LoggableCall }[]) => {
      batches.push(entries.map(({ call }) => `${call.id}:${call.status}:${call.recording ?? ''}`));
      if (gate) await gate;
    },
    recordsWritten: async (ids: readonly string[]) => stored.filter((r) => ids.includes(r.id)).map((r) => ({ record: r, updatedAt: '2026-12-06T19:00:00.000Z' })),
    openCallsWritten: async () => [],
  } as unknown as CallLog;
  return {
    log,
    batches,
    hold: () => (gate = new Promise((r) => (open = r))),
    release: () => {
      gate = null;
      open();
    },
  };
}

/** Lets the sink's promise callbacks and one turn of the event loop run (no time passes). */
const settle = async (): Promise<void> => {
  await nextTurn();
  await nextTurn();
};

describe('call log sink: batches', () => {
  afterEach(() => mock.timers.reset());

  test('changes wait the batch window; seven changes of a call inside it are one write of the latest', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const f = fakeLog();
    const sink = callLogSink(f.log, { batchMs: 5 });
    await sink(started(record('default:1.0')));
    for (let i = 1; i <= 6; i++) await sink(updated(record('default:1.0', { recording: `v${i}` })));
    mock.timers.tick(4);
    await settle();
    assert.deepEqual(f.batches, [], 'nothing written inside the window');
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(f.batches, [['default:1.0:in-progress:v6']]);
  });

  test('an ended call is written at once, with what waits beside it', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const f = fakeLog();
    const sink = callLogSink(f.log, { batchMs: 5 });
    await sink(started(record('default:1.0')));
    await sink(ended(record('default:2.0')));
    await settle();
    assert.deepEqual(f.batches, [['default:1.0:in-progress:', 'default:2.0:ended:']], 'no time passed');
  });

  test('an end that comes while a batch is written goes in the very next batch, not after a window', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const f = fakeLog();
    const sink = callLogSink(f.log, { batchMs: 5 });
    await sink(started(record('default:1.0')));
    f.hold();
    mock.timers.tick(5);
    await settle();
    assert.equal(f.batches.length, 1, 'the first batch is being written');
    await sink(updated(record('default:1.0', { recording: 'a.wav' })));
    await sink(ended(record('default:3.0')));
    f.release();
    await settle();
    assert.deepEqual(f.batches, [['default:1.0:in-progress:'], ['default:1.0:in-progress:a.wav', 'default:3.0:ended:']]);
  });

  test('without an end, changes that come during a write wait the window after it', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const f = fakeLog();
    const sink = callLogSink(f.log, { batchMs: 5 });
    await sink(started(record('default:1.0')));
    f.hold();
    mock.timers.tick(5);
    await settle();
    await sink(updated(record('default:1.0', { recording: 'a.wav' })));
    f.release();
    await settle();
    assert.equal(f.batches.length, 1);
    mock.timers.tick(5);
    await settle();
    assert.deepEqual(f.batches[1], ['default:1.0:in-progress:a.wav']);
  });

  test('storedCalls answers from the records waiting and being written before the store', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const f = fakeLog([record('default:1.0'), record('default:2.0'), record('default:3.0', { recording: 'stored.wav' })]);
    const sink = callLogSink(f.log, { batchMs: 5 });
    await sink(started(record('default:1.0', { recording: 'in-flight.wav' })));
    f.hold();
    mock.timers.tick(5);
    await settle();
    await sink(updated(record('default:2.0', { recording: 'waiting.wav' })));
    const found = await sink.storedCalls!(['default:1.0', 'default:2.0', 'default:3.0', 'default:4.0']);
    assert.deepEqual(found.map((c) => `${c.record.id} ${c.record.recording}`).sort(), ['default:1.0 in-flight.wav', 'default:2.0 waiting.wav', 'default:3.0 stored.wav']);
    f.release();
    await sink.idle!();
  });

  test('idle writes at once, without waiting out the window', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const f = fakeLog();
    const sink = callLogSink(f.log, { batchMs: 5 });
    await sink(started(record('default:1.0')));
    await sink.idle!();
    assert.deepEqual(f.batches, [['default:1.0:in-progress:']]);
  });

  test('a store that refuses a batch loses nothing: kept (newer records win), said once, written when it answers', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const writes: string[][] = [];
    let refuse = 2;
    const log = {
      upsertMany: async (entries: { call: LoggableCall; links?: readonly unknown[] }[]) => {
        if (refuse-- > 0) throw new Error('SQLITE_FULL: database or disk is full');
        writes.push(entries.map(({ call, links }) => `${call.id}:${call.status}:${links?.length ?? 0}`));
      },
    } as unknown as CallLog;
    const said: string[] = [];
    const sink = callLogSink(log, { batchMs: 5, retryMs: 1_000, log: { debug() {}, info: (_o: object, m?: string) => said.push(`info ${m}`), warn() {}, error: (_o: object, m?: string) => said.push(`error ${m}`) } });
    await sink(started(record('default:7.0')), { callId: 'default:7.0', origin: undefined, phone: null, matches: async () => [{ type: 'contact', id: 'c1' } as never] });
    mock.timers.tick(5);
    await settle();
    assert.deepEqual(writes, [], 'refused');
    await sink(ended(record('default:7.0')));
    await settle();
    assert.deepEqual(writes, [], 'a call end waits for the pause after a refusal, not the window');
    mock.timers.tick(1_000);
    await settle();
    assert.deepEqual(writes, [], 'refused again');
    mock.timers.tick(1_999);
    await settle();
    assert.deepEqual(writes, [], 'the pause doubled');
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(writes, [['default:7.0:ended:1']], 'the latest record, with the links of the refused one');
    assert.equal(said.filter((m) => m.startsWith('error')).length, 1, 'said once, not at every try');
    assert.equal(said.filter((m) => m.startsWith('info')).length, 1, 'and said when it works again');
  });

  test('idle with the store refusing tries once and returns (a stop never hangs on a dead store)', async () => {
    const log = { upsertMany: async () => { throw new Error('connection refused'); } } as unknown as CallLog;
    const sink = callLogSink(log, { retryMs: 60_000 });
    await sink(started(record('default:8.0')));
    await sink.idle!();
    const stored = await sink.storedCalls!(['default:8.0']);
    assert.equal(stored[0]?.record.id, 'default:8.0', 'still held in memory');
  });

  test('effects that are not records are not written', async () => {
    const f = fakeLog();
    const sink = callLogSink(f.log);
    await sink({ type: 'call-answered', callId: 'default:1.0', extension: '101', at: null });
    await sink.idle!();
    assert.deepEqual(f.batches, []);
  });
});

for (const engine of ENGINES) {
  describe(`call log sink on ${engine}`, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(engine);
    });
    after(() => t.dispose());

    test('a crash-restart still finds the open calls, and the next run writes their extensions whole', async () => {
      const id = 'default:20.0';
      const first = callLogSink(new CallLog(t.store));
      await first(started(record(id, { rang: ['101'] })));
      await first(updated(record(id, { rang: ['101', '102'] })));
      // What the session's heartbeat waits for every few seconds; then the process dies.
      await first.idle!();

      const second = callLogSink(new CallLog(t.store));
      const open = await second.openCalls!('default');
      assert.deepEqual(
        open.map((c) => [c.record.id, c.record.status, c.record.rang]),
        [[id, 'in-progress', ['101', '102']]],
      );
      await second(ended(record(id, { rang: ['101', '102'], answeredBy: '102', disposition: 'answered' })));
      await second.idle!();
      const rows = await t.store.db.selectFrom('call_extensions').select(['extension', 'role']).where('call_id', '=', id).orderBy('extension').orderBy('role').execute();
      assert.deepEqual(rows.map((r) => `${r.extension} ${r.role}`), ['101 rang', '102 answered', '102 rang']);
      assert.deepEqual(await second.openCalls!('default'), []);
    });
  });
}
