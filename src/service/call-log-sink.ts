/**
 * Writes every call record the engine produces to the call log, with the CRM records it concerns,
 * and marks the records of each answered call as just called (their cards' "Last call").
 */
import type { CallRecord, StoredCall } from '../calls/index.ts';
import type { RecordType } from '../directory/record-types.ts';
import type { EffectSink } from './pbx-session.ts';
import type { CallLog, CallLink } from '../store/call-log.ts';
import type { CallOrigin } from './call-context.ts';
import { silentLog, type Log } from '../logger.ts';
import { errorInWords } from '../errors.ts';
import { exponentialBackoff } from '../retry.ts';

export interface CallLogSinkOptions {
  /** Says when the store refuses a batch (it is kept and tried again). */
  log?: Log;
  /** The first wait before trying a refused batch again, in ms; doubles up to 30 s. Default 1,000. */
  retryMs?: number;
  /**
   * How long a change waits in memory for others to share its batch, in ms. A call's end does not
   * wait: it goes with the next batch. Default 5.
   */
  batchMs?: number;
  /**
   * The directory: when a call ends answered, the records it was with are marked as called then
   * (`Directory.touch`), which a pop shows as "Last call" and which ranks equal matches. Without
   * it, nothing is marked.
   */
  directory?: CalledRecords;
}

/** What the sink needs of the directory (`Directory`). */
export interface CalledRecords {
  touch(type: RecordType, id: string, at?: string): Promise<void>;
}

interface Entry {
  record: CallRecord;
  links: CallLink[];
}

const NOTHING_IN_FLIGHT: ReadonlyMap<string, Entry> = new Map();

/**
 * The call log's sink. It also offers the calls the log holds as open (`openCalls`), so that a
 * session started on this store reconciles them with the PBX (see pbx-session.ts).
 */
export function callLogSink(callLog: CallLog, options: CallLogSinkOptions = {}): EffectSink {
  const batchMs = options.batchMs ?? 5;
  const log = options.log ?? silentLog;
  const firstRetryMs = options.retryMs ?? 1_000;
  // Batches the store refused in a row: the next try waits longer (a store that is down).
  let failures = 0;
  let lastFailure: Error = new Error('none');
  let retryTimer: NodeJS.Timeout | null = null;
  // One writer per store: no jitter needed to keep instances apart.
  const retryDelay = exponentialBackoff({ initialDelayMs: firstRetryMs, maxDelayMs: 30_000, jitter: 0 });
  // Changes wait here, the latest record per call, and are written in batches: the engine's
  // effects (and the pops behind them) never wait for a commit, a burst costs few commits, and a
  // call that changes five times in a few milliseconds is written once.
  let pending = new Map<string, Entry>();
  // The batch being written: until it is committed, its records are newer than the store's.
  let inFlight = NOTHING_IN_FLIGHT;
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  // A call's end is waiting: the next batch starts as soon as it can, not after the window.
  let urgent = false;
  // Marks of answered calls being written (see `called`), awaited by `idle`.
  const marking = new Set<Promise<void>>();
  let markFailures = 0;

  const write = async (): Promise<void> => {
    const batch = pending;
    pending = new Map();
    urgent = false;
    inFlight = batch;
    try {
      await callLog.upsertMany([...batch.values()].map(({ record, links }) => ({ call: record, links })));
      if (failures > 0) log.info({ calls: batch.size, after: failures }, 'the call log is written again');
      failures = 0;
    } catch (err) {
      // Nothing is lost: the batch goes back under whatever came since (newer records win; links
      // add up), and is tried again after a pause.
      for (const [id, entry] of batch) {
        const newer = pending.get(id);
        pending.set(id, newer === undefined ? entry : { record: newer.record, links: [...entry.links, ...newer.links] });
      }
      failures++;
      lastFailure = err instanceof Error ? err : new Error(String(err));
      const msg = 'could not write calls to the store; they are kept in memory and written when it answers again (check the database: DATABASE_URL, disk space)';
      if (failures === 1 || failures % 30 === 0) log.error({ calls: batch.size, failures, err: errorInWords(err) }, msg);
    } finally {
      inFlight = NOTHING_IN_FLIGHT;
    }
  };
  const start = (): void => {
    if (timer !== null) clearTimeout(timer);
    if (immediate !== null) clearImmediate(immediate);
    if (retryTimer !== null) clearTimeout(retryTimer);
    timer = null;
    immediate = null;
    retryTimer = null;
    if (writing !== null || pending.size === 0) return;
    writing = write().finally(() => {
      writing = null;
      if (failures > 0) {
        retryTimer = setTimeout(start, retryDelay(failures, lastFailure) || firstRetryMs);
        retryTimer.unref();
      } else if (urgent) start();
      else if (pending.size > 0) arm();
    });
  };
  /** The next batch within the window (a store that refused the last one has its own pause). */
  const arm = (): void => {
    if (writing === null && timer === null && immediate === null && retryTimer === null) timer = setTimeout(start, batchMs);
  };
  /** The next batch now: after the one being written, or once the effects handled in this turn are in. */
  const hurry = (): void => {
    urgent = true;
    if (writing === null && immediate === null && retryTimer === null) {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      immediate = setImmediate(start);
    }
  };

  /**
   * Marks the records an answered call was with as called at its end, beside the call log's batch
   * (a pop never waits for it). "Last call" is the last conversation: a missed, busy or abandoned
   * call is no call with the person, so it marks nothing. A click-to-call placed from a record
   * marks that record alone (the agent chose whom to call, though the number may be on others too);
   * any other call marks every record its number matched. A failed mark is said, not retried: the
   * next answered call marks the record again.
   */
  const called = (record: CallRecord, records: readonly { type: RecordType; id: string }[]): void => {
    const directory = options.directory;
    if (directory === undefined || records.length === 0) return;
    const at = record.endedAt ?? new Date().toISOString();
    const mark = (async () => {
      for (const r of records) await directory.touch(r.type, r.id, at);
      markFailures = 0;
    })()
      .catch((err: unknown) => {
        markFailures++;
        if (markFailures === 1 || markFailures % 30 === 0) {
          log.warn({ callId: record.id, failures: markFailures, err: errorInWords(err) }, "could not mark an answered call's records as called: their cards' \"Last call\" stays older (check the database)");
        }
      })
      .finally(() => marking.delete(mark));
    marking.add(mark);
  };

  const sink: EffectSink = async (effect, context): Promise<void> => {
    if (effect.type !== 'call-started' && effect.type !== 'call-updated' && effect.type !== 'call-ended') return;
    const record = effect.record;
    const links: CallLink[] = [];
    const matches = effect.type !== 'call-updated' && context !== undefined ? await context.matches() : [];
    for (const c of matches) links.push({ type: c.type, id: c.id, link: 'matched' });
    const origin = context?.origin;
    if (origin?.entity) links.push({ type: origin.entity.type, id: origin.entity.id, link: 'origin' });
    const prev = pending.get(record.id);
    pending.set(record.id, { record, links: prev ? [...prev.links, ...links] : links });
    // Also an ended call's correction (the PBX's CDRs, read after a gap, say it was answered).
    if (record.status === 'ended' && record.disposition === 'answered') {
      const withWhom = origin?.entity ? [origin.entity] : effect.type === 'call-updated' && context !== undefined ? await context.matches() : matches;
      called(record, withWhom);
    }
    if (effect.type === 'call-ended') hurry();
    else arm();
  };
  sink.openCalls = async (pbxId: string): Promise<StoredCall[]> =>
    (await callLog.openCallsWritten<CallRecord>(pbxId)).map(({ record, updatedAt }) => ({ record, writtenAt: Date.parse(updatedAt) }));
  sink.storedCalls = async (ids: readonly string[]): Promise<StoredCall[]> => {
    // A record still waiting in the batch, or being written, is newer than the stored one.
    const now = Date.now();
    const waiting: StoredCall[] = [];
    const rest: string[] = [];
    for (const id of ids) {
      const p = pending.get(id) ?? inFlight.get(id);
      if (p === undefined) rest.push(id);
      else waiting.push({ record: p.record, writtenAt: now });
    }
    const stored = rest.length === 0 ? [] : await callLog.recordsWritten<CallRecord>(rest);
    return [...waiting, ...stored.map(({ record, updatedAt }) => ({ record, writtenAt: Date.parse(updatedAt) }))];
  };
  sink.label = 'call log';
  // Whoever waits for the sink (a heartbeat, stop, a test) would only wait out the window: write
  // now. A store that refuses is tried once and not waited for: what it refused stays in memory
  // for the next try (and a stop with the store down leaves it to the next start's gap reading).
  sink.idle = async (): Promise<void> => {
    while (marking.size > 0) await Promise.all(marking);
    while (writing !== null || pending.size > 0) {
      if (writing === null) start();
      await writing;
      if (failures > 0) return;
    }
  };
  return sink;
}

/**
 * Remembers where each click-to-call came from until its call's context closes (see
 * call-context.ts); bounded, oldest dropped first, for calls that never began.
 */
export class OriginMemory {
  readonly #map = new Map<string, CallOrigin>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  remember(id: string, origin: CallOrigin): void {
    this.#map.set(id, origin);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value!);
  }

  peek(id: string) {
    return this.#map.get(id);
  }

  take(id: string) {
    const v = this.#map.get(id);
    this.#map.delete(id);
    return v;
  }

  get size(): number {
    return this.#map.size;
  }
}
