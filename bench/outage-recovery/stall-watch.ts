/**
 * When the PBX itself ran late. The simulator plays each call on timers in the benchmark's process;
 * when that process stalls (a long GC, or no CPU for it on a busy machine) every event due meanwhile
 * goes out late, at once, when it runs again. The truth and the service both time events by their
 * arrival, so they agree with each other; but the call's CDR keeps the times its script meant, so a
 * record corrected from the CDR then differs from the truth by the stall, through no fault of the
 * service. A 20 ms timer notes every stretch in which it fired more than `thresholdMs` late, so that
 * such calls can be told apart in the report.
 */
export interface Stall {
  /** Epoch ms: the last tick before the stall, and the first after it. */
  from: number;
  to: number;
}

export class StallWatch {
  readonly stalls: Stall[] = [];
  readonly #thresholdMs: number;
  readonly #timer: NodeJS.Timeout;
  #last = Date.now();

  constructor(thresholdMs = 200) {
    this.#thresholdMs = thresholdMs;
    this.#timer = setInterval(() => this.#tick(), 20);
    this.#timer.unref();
  }

  /** Longest stall, ms. */
  get maxMs(): number {
    return this.stalls.reduce((m, s) => Math.max(m, s.to - s.from), 0);
  }

  /** Was the instant (epoch ms) inside a stall, or in the burst of late events right after one? */
  covers(at: number, burstMs = 300): boolean {
    return this.stalls.some((s) => at >= s.from && at <= s.to + burstMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = Date.now();
    if (now - this.#last > this.#thresholdMs + 20) this.stalls.push({ from: this.#last, to: now });
    this.#last = now;
  }
}
