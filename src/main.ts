/**
 * The composition root: reads the configuration, starts the demo PBX when no AMI_HOST is set, and
 * starts the service (store, directory, PBX session, web console).
 */
import { loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { startService } from './service/service.ts';
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
  const log = createLogger(config.LOG_LEVEL);

  let demo: Demo | undefined;
  if (config.AMI_HOST === undefined) demo = await startDemo(log, { password: config.DEMO_PASSWORD });
  const pbx = demo?.pbx ?? {
    id: 'default',
    host: config.AMI_HOST!,
    port: config.AMI_PORT,
    username: config.AMI_USERNAME,
    secret: config.AMI_SECRET ?? '',
    authType: config.AMI_AUTH,
  };

  const onLeadLost = (): void => {
    // Another instance follows the PBX now; a fresh start makes this one a standby that can take
    // the lead again. 75: "temporary failure" for process managers that restart on failure.
    console.error('Another instance took over the PBX while this one was cut off from PostgreSQL: stopping, to be started again as a standby.');
    process.exitCode = 75;
    void stop('lead lost');
  };
  const service = await startService({ config, log, pbx, onLeadLost, ...(demo ? { demo: demo.routes } : {}) }).catch(async (err: unknown) => {
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
