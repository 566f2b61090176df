/**
 * The PBX connection in the service's log: every retry says why, in the client's words, and when
 * the next one comes, without crying wolf. A cause is logged at `warn` the first time it appears
 * (and again when it comes back after the PBX was reached, or after another cause); the same
 * cause on later retries is logged at `info`. A PBX refusing our secret for a day is one warning
 * and one quiet line a minute, not a warning a minute.
 */
import type { AmiClient } from '../ami/client.ts';
import type { Log } from '../logger.ts';

export function logPbxConnection(client: AmiClient, log: Log): void {
  let warned: string | null = null;
  client.on('ready', () => {
    warned = null;
  });
  client.on('reconnecting', ({ attempt, delayMs, cause }) => {
    const fields = { pbx: client.id, code: cause.code, attempt, retryInMs: delayMs };
    const text = `${cause.message} Trying again in ${seconds(delayMs)}.`;
    const key = `${cause.code}\n${cause.message}`;
    if (key === warned) {
      log.info(fields, text);
      return;
    }
    warned = key;
    log.warn(fields, text);
  });
  client.on('fatal', (err) => log.error({ pbx: client.id, code: err.code }, `${err.message} Not trying again.`));
  client.on('decode-error', (err) => log.warn({ pbx: client.id, code: err.code }, err.message));
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
