/**
 * When to try the PBX again after the connection is lost or a login is refused: the product's one
 * backoff (`../retry.ts`) with the PBX's causes. A strategy is a function of the attempt number
 * (1 for the first retry) and the cause; it returns the delay in ms, or false to give up. Injected
 * into the client so that tests and deployments can choose.
 *
 * The default never gives up on a PBX: a service that stops trying stays broken until someone
 * restarts it, long after the PBX came back or an admin fixed manager.conf and reloaded it.
 * Causes only set the pace (see `retryPace`).
 */
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { exponentialBackoff as backoff, type BackoffOptions as RetryBackoffOptions, type RetryPace, type RetryStrategy } from '../retry.ts';

export type { RetryPace } from '../retry.ts';

export type ReconnectStrategy = RetryStrategy;

export interface BackoffOptions extends Omit<RetryBackoffOptions, 'slowDelayMs' | 'pace'> {
  /**
   * Delay between attempts while the PBX refuses our settings (a wrong AMI user or secret, this
   * host outside the user's permit/deny, a port that is not AMI), in ms. Only someone fixing them
   * helps, so there is no hurry, but they are fixed on the PBX (`manager reload`) without telling
   * us, so we keep looking. Default 60000.
   */
  settingsRetryMs?: number;
}

/**
 * How a cause is retried: `stop` for a client closed on purpose; `slow` for settings that someone
 * must fix (AMI_ERR_AUTH, AMI_ERR_NOT_AMI); `backoff` for everything that passes by itself (a
 * dropped connection, a timeout, a PBX shutting down, a refusal we do not know).
 */
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

/** Capped exponential backoff with jitter (0.5 s to 30 s by default); settings problems every `settingsRetryMs`; only a closed client stops. */
export function exponentialBackoff(options: BackoffOptions = {}): ReconnectStrategy {
  const { settingsRetryMs, ...rest } = options;
  return backoff({ ...rest, ...(settingsRetryMs !== undefined ? { slowDelayMs: settingsRetryMs } : {}), pace: retryPace });
}

/** Never reconnect: one-shot tools such as the CLI report the first failure and stop. */
export const noReconnect: ReconnectStrategy = () => false;
