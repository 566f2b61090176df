/**
 * What a process did during one phase of a benchmark: CPU time (user + system, as a share of one
 * core) and how late its event loop ran (Node's event-loop delay histogram, sampled every 10 ms:
 * sampling every 1 ms would itself cost ~2% of a core, which shows in a per-call CPU figure). A busy
 * or stalled loop delays every socket it serves, so this is printed next to the latencies it explains.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessUsage {
  /** Wall time of the phase, in ms. */
  wallMs: number;
  /** CPU time used (user + system) over wall time: 1.0 is one core fully busy. */
  cpuCores: number;
  /** Event-loop delay percentiles, in ms (sampled every 10 ms). */
  loopDelayP50: number;
  loopDelayP99: number;
  loopDelayMax: number;
  /**
   * Share of the wall time the event-loop thread was ready to run but waited for a CPU (Linux
   * schedstat run delay), or null elsewhere. Above a few percent, other processes were taking the
   * CPU: latencies then measure the machine, not the code.
   */
  cpuWaitShare: number | null;
  /** Resident memory at the end, in MB. */
  rssMB: number;
}

/** Nanoseconds the main thread has waited on a run queue so far (Linux), or null. */
function runDelayNs(): number | null {
  try {
    // "<time on CPU ns> <time waiting on a run queue ns> <timeslices>"
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return null;
  }
}

export class ProcessMeter {
  readonly #histogram: IntervalHistogram;
  #cpu = process.cpuUsage();
  #began = performance.now();
  #waited = runDelayNs();

  constructor() {
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
  }

  /** Starts a new phase. */
  reset(): void {
    this.#histogram.reset();
    this.#cpu = process.cpuUsage();
    this.#began = performance.now();
    this.#waited = runDelayNs();
  }

  /** The phase so far. */
  read(): ProcessUsage {
    const wallMs = performance.now() - this.#began;
    const cpu = process.cpuUsage(this.#cpu);
    const ns = (v: number): number => (Number.isFinite(v) ? v / 1e6 : 0);
    const waited = runDelayNs();
    return {
      wallMs,
      cpuCores: wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : 0,
      loopDelayP50: ns(this.#histogram.percentile(50)),
      loopDelayP99: ns(this.#histogram.percentile(99)),
      loopDelayMax: ns(this.#histogram.max),
      cpuWaitShare: waited !== null && this.#waited !== null && wallMs > 0 ? (waited - this.#waited) / 1e6 / wallMs : null,
      rssMB: process.memoryUsage.rss() / 1048576,
    };
  }

  stop(): void {
    this.#histogram.disable();
  }
}
