/**
 * When to try again: the product's one backoff. A strategy is a function of the attempt number
 * (1 for the first retry) and the cause; it returns the delay in ms, or false to give up. The AMI
 * client's reconnects (`ami/reconnect-strategy.ts` adds the PBX's causes), the SFTP connection's,
 * and the durable jobs (`jobs/`: the CRM outbox, the recording copies) all take one, injected, so
 * that tests and deployments can choose.
 *
 * The delay doubles from `initialDelayMs` up to `maxDelayMs`, and each is spread by `jitter` either
 * side of it, so that many clients (or many jobs failed by one outage) do not all come back in step.
 */

/** `(attempt, cause) => delayMs | false`: attempt 1 is the first retry; false gives up. */
export type RetryStrategy = (attempt: number, cause: Error) => number | false;

/**
 * How a cause is retried: `stop` gives up at once; `slow` waits `slowDelayMs` each time (a setting
 * someone must fix: hurrying does not help, but it may be fixed without telling us); `backoff`
 * doubles (everything that passes by itself).
 */
export type RetryPace = 'stop' | 'slow' | 'backoff';

export interface BackoffOptions {
  /** First delay, in ms. Default 500. */
  initialDelayMs?: number;
  /** Upper bound for any doubling delay, in ms. Default 30000. */
  maxDelayMs?: number;
  /** Delay for causes paced `slow`, in ms. Default 60000. */
  slowDelayMs?: number;
  /** Share of the delay that is randomized (0..1): it is drawn from delay × (1 ± jitter). Default 0.2. */
  jitter?: number;
  /** Give up after this many attempts. Default: never. */
  maxAttempts?: number;
  /** How each cause is paced. Default: every cause backs off. */
  pace?: (cause: Error) => RetryPace;
  /** Source of randomness, injectable for tests. */
  random?: () => number;
}

/** Capped exponential backoff with jitter; causes paced `slow` every `slowDelayMs`, `stop` never. */
export function exponentialBackoff(options: BackoffOptions = {}): RetryStrategy {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const slow = options.slowDelayMs ?? 60_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const random = options.random ?? Math.random;
  const paceOf = options.pace ?? ((): RetryPace => 'backoff');
  return (attempt, cause) => {
    const pace = paceOf(cause);
    if (pace === 'stop') return false;
    if (options.maxAttempts !== undefined && attempt > options.maxAttempts) return false;
    const base = pace === 'slow' ? slow : Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
    const spread = base * jitter;
    return Math.max(0, Math.round(base - spread + random() * 2 * spread));
  };
}
