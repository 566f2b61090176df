/**
 * The gap filler reads each gap's CDRs twice: a few seconds after the recovery, and once more
 * `lateReadMs` after the gap, for rows written late (cdr.conf batch mode, a lagging replica). A
 * call whose row came only after the first read is rebuilt at the second; the gap stays pending
 * until then. A later read waiting never delays a new gap's first read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CdrSource, PbxCdr } from '../cdr/pbx-cdr.ts';
import type { CdrBackfillInput } from '../calls/cdr-backfill.ts';
import { silentLog } from '../logger.ts';
import { GapLog } from '../store/gap-log.ts';
import { openTestStore, type TestStore } from '../../test/support/engines.ts';
import { GapFiller, type GapFillerOptions } from './gap-filler.ts';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');

/** A busy call's one row, inside the gap. */
function row(uniqueid: string, at: number): PbxCdr {
  return {
    uniqueid,
    linkedid: uniqueid,
    src: '+14155550100',
    dst: '101',
    dcontext: 'from-pstn',
    callerName: null,
    callerNumber: '+14155550100',
    channel: 'PJSIP/carrier-00000001',
    dstchannel: 'PJSIP/101-00000002',
    lastapp: 'Dial',
    lastdata: 'PJSIP/101,30',
    start: at,
    answer: null,
    end: at,
    duration: 0,
    billsec: 0,
    disposition: 'BUSY',
    userfield: '',
    did: null,
    recordingfile: null,
    sequence: null,
  };
}

class LateSource implements CdrSource {
  readonly kind = 'csv' as const;
  readonly description = 'a Master.csv written late';
  rows: PbxCdr[] = [];
  reads = 0;
  async read(): Promise<{ rows: PbxCdr[]; skipped: number }> {
    this.reads++;
    return { rows: [...this.rows], skipped: 0 };
  }
  async check(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('the gap filler reads each gap once more for CDRs written late', () => {
  let t: TestStore;
  before(async () => {
    t = await openTestStore('sqlite');
  });
  after(() => t.dispose());

  function filler(source: LateSource, over: Partial<GapFillerOptions>, rebuilt: string[]): GapFiller {
    return new GapFiller({
      pbxId: `p-${Math.random().toString(36).slice(2)}`,
      log: new GapLog(t.store),
      source,
      backfill: (input: CdrBackfillInput) => {
        const fresh = input.rows.filter((r) => !rebuilt.includes(r.uniqueid));
        for (const r of fresh) rebuilt.push(r.uniqueid);
        return { corrected: 0, rebuilt: fresh.length, stillOpen: false };
      },
      unknownKeys: (keys) => [...keys],
      storedCalls: async () => [],
      callIdPrefix: 'p:',
      logger: silentLog,
      ...over,
    });
  }

  test('a row that came after the first read rebuilds its call at the second; the gap is done only then', async () => {
    let now = T0 + 3_000;
    const source = new LateSource();
    const rebuilt: string[] = [];
    const f = filler(source, { clock: () => now, firstReadDelayMs: 3_600_000, lateReadMs: 120_000 }, rebuilt);
    await f.add({ from: T0, to: T0 + 3_000, cause: 'link-cut' });
    now = T0 + 8_000;
    await f.fillNow();
    assert.equal(source.reads, 1);
    assert.deepEqual(rebuilt, []);
    assert.equal(f.status().pendingGaps, 1, 'pending until its second read');
    source.rows = [row('1796637601.11', T0 + 1_000)];
    now = T0 + 60_000;
    await f.fillNow();
    assert.equal(source.reads, 1, 'not read again before its time');
    now = T0 + 3_000 + 120_000;
    await f.fillNow();
    assert.equal(source.reads, 2);
    assert.deepEqual(rebuilt, ['1796637601.11']);
    assert.equal(f.status().pendingGaps, 0);
    assert.equal(f.status().filled.rebuilt, 1);
    now += 600_000;
    await f.fillNow();
    assert.equal(source.reads, 2, 'done: never read again');
    await f.stop();
  });

  test('a second read another instance planned (it was killed before it) is read by the next one at its time', async () => {
    const source = new LateSource();
    const rebuilt: string[] = [];
    const pbxId = `p-${Math.random().toString(36).slice(2)}`;
    const began = Date.now();
    const first = filler(source, { pbxId, firstReadDelayMs: 3_600_000, lateReadMs: 1_000 }, rebuilt);
    await first.add({ from: began - 2_000, to: began, cause: 'link-cut' });
    await first.fillNow();
    assert.equal(source.reads, 1);
    // Killed: its timer for the second read is gone with it.
    await first.stop();
    source.rows = [row('1796637601.13', began - 1_000)];
    const next = filler(source, { pbxId, firstReadDelayMs: 3_600_000, lateReadMs: 1_000 }, rebuilt);
    // Taking over, it reads what is due (nothing yet) and keeps the time of what is not.
    await next.fillNow();
    assert.equal(source.reads, 1, 'not read before its time');
    const deadline = Date.now() + 3_000;
    while (source.reads < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(source.reads, 2, 'read at its planned time by the instance that took over');
    assert.deepEqual(rebuilt, ['1796637601.13']);
    assert.equal(await new GapLog(t.store).pendingCount(pbxId), 0);
    await next.stop();
  });

  test('lateReadMs 0: one read, and the gap is done', async () => {
    let now = T0 + 3_000;
    const source = new LateSource();
    const f = filler(source, { clock: () => now, firstReadDelayMs: 3_600_000, lateReadMs: 0 }, []);
    await f.add({ from: T0, to: T0 + 3_000, cause: 'link-cut' });
    now = T0 + 8_000;
    await f.fillNow();
    assert.equal(f.status().pendingGaps, 0);
    await f.stop();
  });

  test('a second read waiting does not hold back a new gap\'s first read', async () => {
    const source = new LateSource();
    const rebuilt: string[] = [];
    const f = filler(source, { firstReadDelayMs: 20, lateReadMs: 1_500 }, rebuilt);
    const began = Date.now();
    await f.add({ from: began - 2_000, to: began, cause: 'link-cut' });
    const until = async (check: () => boolean, ms: number): Promise<number> => {
      const start = Date.now();
      while (!check()) {
        if (Date.now() - start > ms) assert.fail('timed out');
        await new Promise((r) => setTimeout(r, 5));
      }
      return Date.now() - began;
    };
    await until(() => source.reads === 1, 1_000);
    // The first gap now waits for its second read, 1.5 s on; a new gap comes meanwhile.
    source.rows = [row('1796637601.12', Date.now() - 100)];
    await f.add({ from: Date.now() - 500, to: Date.now(), cause: 'link-cut' });
    const firstReadOfSecond = await until(() => source.reads === 2, 1_000);
    assert.ok(firstReadOfSecond < 1_000, `the new gap was read after ${firstReadOfSecond} ms, not held back to the other's second read`);
    assert.deepEqual(rebuilt, ['1796637601.12']);
    await until(() => f.status().pendingGaps === 0, 4_000);
    await f.stop();
  });
});
