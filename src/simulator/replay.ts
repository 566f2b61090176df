/**
 * Paces a list of events: at the speed their own `Timestamp:` headers say (captures made with
 * `timestampevents=yes`), or at a fixed interval when they carry none (Asterisk's default).
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { AmiMessage } from '../ami/message.ts';

export interface ReplayOptions {
  /**
   * For events with `Timestamp:` headers: the real gaps are divided by this (2 = twice as fast).
   * Default 1, real time.
   */
  speed?: number;
  /**
   * For events without timestamps: milliseconds between two events. Default 0: as fast as
   * possible, yielding to the event loop between batches so sockets and timers still run.
   */
  intervalMs?: number;
  /** Stops the replay early; the promise then resolves (it does not reject). */
  signal?: AbortSignal;
}

/** Events sent between two yields to the event loop when replaying flat out. */
const BATCH = 256;

function positive(value: number | undefined, fallback: number, name: string, allowZero: boolean): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `Replay option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}.`, {
      [name]: value,
    });
  }
  return v;
}

function stamp(event: AmiMessage): number | undefined {
  const raw = event.get('Timestamp');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Calls `emit` for each event in order, paced as described above. Resolves when all are sent or
 * when `signal` aborts.
 */
export async function playEvents(
  events: readonly AmiMessage[],
  emit: (event: AmiMessage) => void,
  options: ReplayOptions,
  signal: AbortSignal,
): Promise<void> {
  const speed = positive(options.speed, 1, 'speed', false);
  const intervalMs = positive(options.intervalMs, 0, 'intervalMs', true);
  const stamps = events.map(stamp);
  try {
    if (stamps.some((s) => s !== undefined)) {
      // Schedule against the start, not the previous event, so rounding never accumulates.
      // Events without a Timestamp (FullyBooted) go right after the one before them.
      const start = performance.now();
      let first: number | undefined;
      for (let i = 0; i < events.length; i++) {
        const ts = stamps[i];
        if (ts !== undefined) {
          first ??= ts;
          const wait = start + ((ts - first) * 1000) / speed - performance.now();
          if (wait >= 1) await sleep(wait, undefined, { signal });
        }
        if (signal.aborted) return;
        emit(events[i]!);
      }
    } else {
      for (let i = 0; i < events.length; i++) {
        if (i > 0 && intervalMs > 0) await sleep(intervalMs, undefined, { signal });
        else if (i > 0 && i % BATCH === 0) await nextTurn(undefined, { signal });
        if (signal.aborted) return;
        emit(events[i]!);
      }
    }
  } catch (err) {
    if (signal.aborted) return; // the abort surfaced as an AbortError from a timer: a normal stop
    throw err;
  }
}
