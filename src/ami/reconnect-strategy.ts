/**
 * When to try the PBX again after the connection is lost. A strategy is a function of the attempt
 * number (1 for the first retry) and the cause; it returns the delay in ms, or false to give up.
 * Injected into the client so that tests and deployments can choose their own.
 */
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export type ReconnectStrategy = (attempt: number, cause: Error) => number | false;

export interface BackoffOptions {
  /** First delay, in ms. Default 500. */
  initialDelayMs?: number;
  /** Upper bound for any delay, in ms. Default 30000. */
  maxDelayMs?: number;
  /** Share of the delay that is randomized (0..1), so that many clients do not retry in step. Default 0.2. */
  jitter?: number;
  /** Give up after this many attempts. Default: never. */
  maxAttempts?: number;
  /** Source of randomness, injectable for tests. */
  random?: () => number;
}

/** Causes that retrying cannot fix: a wrong password, or a port that is not AMI at all. */
export function isFatalCause(cause: Error): boolean {
  return (
    cause instanceof CrmTelephonyError &&
    (cause.code === ErrorCodes.AMI_ERR_AUTH || cause.code === ErrorCodes.AMI_ERR_NOT_AMI || cause.code === ErrorCodes.AMI_ERR_CLOSED)
  );
}

/** Capped exponential backoff with jitter; fatal causes are never retried. */
export function exponentialBackoff(options: BackoffOptions = {}): ReconnectStrategy {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const random = options.random ?? Math.random;
  return (attempt, cause) => {
    if (isFatalCause(cause)) return false;
    if (options.maxAttempts !== undefined && attempt > options.maxAttempts) return false;
    const base = Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
    const spread = base * jitter;
    return Math.max(0, Math.round(base - spread + random() * 2 * spread));
  };
}

/** Never reconnect (one-shot tools such as the CLI). */
export const noReconnect: ReconnectStrategy = () => false;
