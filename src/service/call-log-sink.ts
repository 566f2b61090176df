/** Writes every call record the engine produces to the call log, with the CRM records it concerns. */
import type { CallRecord, StoredCall } from '../calls/index.ts';
import type { EffectSink } from './pbx-session.ts';
import type { CallLog, CallLink } from '../store/call-log.ts';
import type { CallOrigin } from './call-context.ts';

/**
 * The call log's sink. It also offers the calls the log holds as open (`openCalls`), so that a
 * session started on this store reconciles them with the PBX (see pbx-session.ts).
 */
export function callLogSink(callLog: CallLog): EffectSink {
  // Changes wait here, the latest record per call, and are written in batches: the engine's
  // effects (and the pops behind them) never wait for a commit, and a burst costs few commits.
  const pending = new Map<string, { record: CallRecord; links: CallLink[] }>();
  let writing: Promise<void> | null = null;
  const writeAll = async (): Promise<void> => {
    while (pending.size > 0) {
      const batch = [...pending.values()].map(({ record, links }) => ({ call: record, links }));
      pending.clear();
      await callLog.upsertMany(batch);
    }
  };
  const schedule = (): void => {
    writing ??= writeAll().finally(() => {
      writing = null;
      if (pending.size > 0) schedule();
    });
  };
  const sink: EffectSink = async (effect, context): Promise<void> => {
    if (effect.type !== 'call-started' && effect.type !== 'call-updated' && effect.type !== 'call-ended') return;
    const record = effect.record;
    const links: CallLink[] = [];
    if (effect.type !== 'call-updated' && context !== undefined) {
      for (const c of await context.matches()) links.push({ type: c.type, id: c.id, link: 'matched' });
    }
    const origin = context?.origin;
    if (origin?.entity) links.push({ type: origin.entity.type, id: origin.entity.id, link: 'origin' });
    const prev = pending.get(record.id);
    pending.set(record.id, { record, links: prev ? [...prev.links, ...links] : links });
    schedule();
  };
  sink.openCalls = async (pbxId: string): Promise<StoredCall[]> =>
    (await callLog.openCallsWritten<CallRecord>(pbxId)).map(({ record, updatedAt }) => ({ record, writtenAt: Date.parse(updatedAt) }));
  sink.storedCalls = async (ids: readonly string[]): Promise<StoredCall[]> => {
    // A record still waiting in the batch is newer than the stored one.
    const waiting = ids.flatMap((id) => {
      const p = pending.get(id);
      return p === undefined ? [] : [{ record: p.record, writtenAt: Date.now() }];
    });
    const rest = ids.filter((id) => !pending.has(id));
    const stored = rest.length === 0 ? [] : await callLog.recordsWritten<CallRecord>(rest);
    return [...waiting, ...stored.map(({ record, updatedAt }) => ({ record, writtenAt: Date.parse(updatedAt) }))];
  };
  sink.label = 'call log';
  sink.idle = async (): Promise<void> => {
    while (writing) await writing;
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
