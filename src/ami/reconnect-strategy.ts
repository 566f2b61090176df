/**
 * When to try the PBX again after the connection is lost or a login is refused. A strategy is a
 * function of the attempt number (1 for the first retry) and the cause; it returns the delay in
 * ms, or false to give up. Injected into the client so that tests and deployments can choose.
 *
 * The default never gives up on a PBX: a service that stops trying stays broken until someone
 * restarts it, long after the PBX came back or an admin fixed manager.conf and reloaded it.
 * Causes only set the pace (see `retryPace`).
 */
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export type ReconnectStrategy = (attempt: number, cause: Error) => number | false;

export interface BackoffOptions {
  /** First delay, in ms. Default 500. */
  initialDelayMs?: number;
  /** Upper bound for any backoff delay, in ms. Default 30000. */
  maxDelayMs?: number;
  /**
   * Delay between attempts while the PBX refuses our settings (a wrong AMI user or secret, this
   * host outside the user's permit/deny, a port that is not AMI), in ms. Only someone fixing them
   * helps, so there is no hurry, but they are fixed on the PBX (`manager reload`) without telling
   * us, so we keep looking. Default 60000.
   */
  settingsRetryMs?: number;
  /** Share of the delay that is randomized (0..1), so that many clients do not retry in step. Default 0.2. */
  jitter?: number;
  /** Give up after this many attempts. Default: never. */
  maxAttempts?: number;
  /** Source of randomness, injectable for tests. */
  random?: () => number;
}

/**
 * How a cause is retried: `stop` for a client closed on purpose; `slow` for settings that someone
 * must fix (AMI_ERR_AUTH, AMI_ERR_NOT_AMI); `backoff` for everything that passes by itself (a
 * dropped connection, a timeout, a PBX shutting down, a refusal we do not know).
 */
export type RetryPace = 'stop' | 'slow' | 'backoff';

export function retryPace(cause: Error): RetryPace {
  if (!(cause instanceof CrmTelephonyError)) return 'backoff';
  switch (cause.code) {
    case ErrorCodes.AMI_ERR_CLOSED:
      return 'stop';
    case ErrorCodes.AMI_ERR_AUTH:
    case ErrorCodes.AMI_ERR_NOT_AMI:
      return 'slow';
    default:
      return 'backoff';
  }
}

/** Capped exponential backoff with jitter; settings problems every `settingsRetryMs`; only a closed client stops. */
export function exponentialBackoff(options: BackoffOptions = {}): ReconnectStrategy {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const slow = options.settingsRetryMs ?? 60_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const random = options.random ?? Math.random;
  return (attempt, cause) => {
    const pace = retryPace(cause);
    if (pace === 'stop') return false;
    if (options.maxAttempts !== undefined && attempt > options.maxAttempts) return false;
    const base = pace === 'slow' ? slow : Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
    const spread = base * jitter;
    return Math.max(0, Math.round(base - spread + random() * 2 * spread));
  };
}

/** Never reconnect: one-shot tools such as the CLI report the first failure and stop. */
export const noReconnect: ReconnectStrategy = () => false;
