/**
 * The composition root: reads the configuration, starts the demo PBX when no PBX is configured or saved, and
 * starts the service (store, directory, PBX session, web console).
 */
import { loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { pbxTargetOf, startService, type PbxTarget } from './service/service.ts';
import { readPbxDefinitions } from './service/pbx-config.ts';
import { startDemo, type Demo } from './demo/demo.ts';
import { isCrmTelephonyError, isErrorCode } from './errors.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(isCrmTelephonyError(err) ? err.message : err);
    process.exitCode = 2;
    return;
  }
  let pbxs: PbxTarget[];
  try {
    pbxs = readPbxDefinitions(config).map(pbxTargetOf);
  } catch (err) {
    console.error(isCrmTelephonyError(err) ? err.message : err);
    process.exitCode = 2;
    return;
  }
  const log = createLogger(config.LOG_LEVEL);

  // No PBX configured (no AMI_HOST, no CRM_TELEPHONY_CONFIG) and none saved on the PBX page: the demo PBX.
  let demo: Demo | undefined;
  const whenNoPbx = async () => {
    const started = await startDemo(log, { password: config.DEMO_PASSWORD });
    demo = started;
    return { pbx: started.pbx, demo: started.routes };
  };

  const onLeadLost = (): void => {
    // Another instance follows the PBX now; a fresh start makes this one a standby that can take
    // the lead again. 75: "temporary failure" for process managers that restart on failure.
    console.error('Another instance took over a PBX while this one was cut off from PostgreSQL: stopping, to be started again as a standby.');
    process.exitCode = 75;
    void stop('lead lost');
  };
  const service = await startService({ config, log, pbxs, followSaved: true, whenNoPbx, onLeadLost }).catch(async (err: unknown) => {
    await demo?.stop();
    throw err;
  });
  if (demo) await demo.seed(service.directory);
  console.log(`\ncrm-telephony is running: ${service.url}`);
  if (demo) demo.printWelcome();

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await service.stop();
    await demo?.stop();
  }
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // An error with a code of the catalogue carries a message written for people; anything else
  // (a bug, a system error such as EADDRINUSE) is printed whole, stack included.
  const catalogued = err instanceof Error && isErrorCode((err as { code?: unknown }).code);
  console.error(catalogued ? (err as Error).message : err);
  process.exitCode = 1;
});
