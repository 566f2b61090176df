/**
 * The PBX's CDR source for the running service, from the configuration (`CDR_*`, src/cdr/config.ts,
 * merged into the one schema). A setting that cannot work is said in words at start (as any other
 * configuration error); no source at all runs, and health says what that costs.
 */
import type { Config } from '../config.ts';
import { cdrSettings, createCdrSource, type CdrSourceChoice } from '../cdr/config.ts';
import type { Log } from '../logger.ts';

export async function cdrSourceFromConfig(config: Config, log: Log): Promise<CdrSourceChoice> {
  const choice = createCdrSource(cdrSettings(config, config), { logger: log });
  if (choice.source !== null) log.info({ cdr: choice.source.description }, 'the PBX\'s CDRs will fill any gap in the view of the PBX');
  return choice;
}
