/**
 * The PBX's CDR source for the running service, from the configuration (`CDR_*`, src/cdr/config.ts).
 * A source that cannot be set up is said in words and the service runs without it.
 */
import type { Config } from '../config.ts';
import type { CdrSource } from '../cdr/pbx-cdr.ts';
import type { Logger } from '../logger.ts';

export async function cdrSourceFromConfig(_config: Config, _log: Logger): Promise<{ source: CdrSource | null; missing: string | null }> {
  return { source: null, missing: 'Set CDR_SOURCE (see README, "Across outages").' };
}
