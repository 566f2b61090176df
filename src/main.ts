/**
 * The composition root: reads the configuration, connects to the PBX (or starts the demo PBX), and
 * wires adapters to the core. For now it logs the calls it sees; later layers hang off the events.
 */
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { AmiClient } from './ami/client.ts';
import { startDemoPbx, type DemoPbx } from './demo-pbx.ts';
import { CallLogTap } from './call-log-tap.ts';
import { isCrmTelephonyError } from './errors.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(isCrmTelephonyError(err) ? err.message : err);
    process.exitCode = 2;
    return;
  }
  const log = createLogger(config.LOG_LEVEL);

  let demo: DemoPbx | undefined;
  let target = { host: config.AMI_HOST ?? '', port: config.AMI_PORT, username: config.AMI_USERNAME, secret: config.AMI_SECRET ?? '' };
  if (config.AMI_HOST === undefined) {
    demo = await startDemoPbx(log, config.DEMO_EVENT_INTERVAL_MS);
    target = { host: demo.host, port: demo.port, username: demo.username, secret: demo.secret };
    log.info({ host: demo.host, port: demo.port }, 'AMI_HOST is not set: running the built-in demo PBX (set AMI_HOST, AMI_SECRET to use a real Asterisk)');
  }

  const ami = new AmiClient({ id: 'default', ...target, authType: config.AMI_AUTH });
  const tap = new CallLogTap(log);
  ami.on('event', (event) => tap.handle(event));
  ami.on('ready', (info) => {
    log.info({ pbx: info.id, amiVersion: info.version, reconnected: info.reconnected }, 'connected to the PBX');
    demo?.play();
  });
  ami.on('disconnect', (err) => log.warn({ pbx: ami.id, code: err.code }, err.message));
  ami.on('reconnecting', ({ attempt, delayMs }) => log.info({ pbx: ami.id, attempt, delayMs }, 'reconnecting to the PBX'));
  ami.on('fatal', (err) => log.error({ pbx: ami.id, code: err.code }, err.message));
  ami.on('decode-error', (err) => log.warn({ pbx: ami.id, code: err.code }, err.message));

  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await ami.close();
    await demo?.stop();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await ami.connect().catch(() => {
    // Already reported through the 'fatal' event, in words.
    process.exitCode = 1;
    return demo?.stop();
  });
}

await main();
