/**
 * Messages between the benchmark (parent: hosts the simulator, blasts, keeps the clock) and one
 * run of one contender (child process: a fresh heap, and a hang or crash cannot take the parent).
 */
import type { ContenderId } from './contenders/index.ts';
import type { Target } from './contenders/contender.ts';
import type { TallyResult } from './tally.ts';

export interface StartRun {
  type: 'start';
  contender: ContenderId;
  /** Check every field of every event (slower), or only read BenchSeq (the timed runs). */
  checked: boolean;
  minEvents: number;
  blockEvents: number;
  /** No progress for this long ends the run as stalled. */
  stallMs: number;
  /** Where the simulator listens (absent for the in-process decoder). */
  target?: Target;
}

/** Parent to child: the first byte is about to be written (starts the child's stall watch). */
export interface BlastStart {
  type: 'blast-start';
}

export interface RunOutcome {
  /** `complete`: the last BenchSeq arrived; `stalled`: no progress for stallMs; `broken`: the library failed. */
  end: 'complete' | 'stalled' | 'broken';
  /** What went wrong, if the library reported anything. */
  problems: string[];
  tally: TallyResult;
  /** Absolute times (ms) of the first byte the contender was given (in-process only) and of its last event. */
  startAt: number | null;
  lastEventAt: number | null;
  /** CPU the contender's process used from the first byte to the end (ms). */
  cpuUserMs: number;
  cpuSystemMs: number;
}

/** Child to parent. */
export type RunReport = { type: 'ready' } | { type: 'result'; outcome: RunOutcome } | { type: 'failed'; reason: string };

export function now(): number {
  return performance.timeOrigin + performance.now();
}
