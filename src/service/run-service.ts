/**
 * Running the service as a process: reads the configuration, starts the demo PBX when no PBX is
 * configured or saved, starts the service (store, directory, PBX sessions, web console), and stops
 * it on SIGTERM or SIGINT. `src/main.ts` (npm start) and `crm-telephony serve` both run this.
 *
 * Exit status: 0 stopped on a signal, 1 the start failed (a port taken, the database unreachable...),
 * 2 the settings are wrong, 75 another instance took over a PBX (start again as a standby).
 */
import { loadConfig, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { pbxTargetOf, startService, type PbxTarget } from './service.ts';
import { readPbxDefinitions } from './pbx-config.ts';
import { startDemo, type Demo } from '../demo/demo.ts';
import { isCrmTelephonyError, isErrorCode } from '../errors.ts';
import { nodeSupport } from './node-support.ts';

/** Starts the service; the process ends when it stops (or at once, when the start fails). */
export function runService(): void {
  start().catch((err: unknown) => {
    // An error with a code of the catalogue carries a message written for people; anything else
    // (a bug) is printed whole, stack included.
    const catalogued = err instanceof Error && isErrorCode((err as { code?: unknown }).code);
    console.error(catalogued ? (err as Error).message : err);
    // A start that failed half-way may leave connections and timers open (a PBX being dialled, the
    // database pool): the process ends here rather than hang half started.
    process.exit(1);
  });
}

async function start(): Promise<void> {
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
  const log = createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  const node = nodeSupport(process.versions.node);
  if (!node.supported) log.warn({ node: process.versions.node }, node.advice);

  // No PBX configured (no AMI_HOST, no CRM_TELEPHONY_CONFIG) and none saved on the PBX page: the demo PBX.
  let demo: Demo | undefined;
  const whenNoPbx = async () => {
    const started = await startDemo(log, { config });
    demo = started;
    // Play the demo PBX's recordings from its folder (unless one is configured): startService reads
    // the recordings settings from this configuration once it has its PBX.
    Object.assign(config, started.recordingsSettings);
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
    // In-flight work is saved by service.stop(); a process manager must not wait on a stop that
    // hangs (a PBX or database that no longer answers), so it gets a deadline.
    const deadline = setTimeout(() => {
      console.error(`crm-telephony did not stop within ${STOP_DEADLINE_MS / 1000} s (${signal}); exiting now.`);
      process.exit(process.exitCode ?? 1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    try {
      await service.stop();
      await demo?.stop();
    } finally {
      clearTimeout(deadline);
    }
    // Stopped: nothing left to do, whatever handle a library forgot to close.
    process.exit(process.exitCode ?? 0);
  }
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** How long a stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 8_000;
