/**
 * `crm-telephony doctor`: checks a setup end to end, with the settings the service would start
 * with, and says for each part whether it is ok and, when not, what to change. It changes nothing
 * (the store is migrated as the service would at start). Exit status 0: nothing failed (warnings
 * allowed); 1: something failed; 2: the settings themselves are wrong. `--json` for scripts.
 *
 * Checked: the settings; the Node.js line; the store; the HTTP and FastAGI ports (free, or held by the running
 * service); each PBX (reached, login, the AMI user's rights as manager.conf gives them, events
 * flowing, `timestampevents`, the clock against the PBX's); each PBX's CDR source; each PBX's recordings
 * folder, or its SFTP login (host key, key, folder); SuiteCRM: which SuiteCRM answers under SUITECRM_URL (7 at the site
 * root, 8 under /legacy), its OAuth2 client, the Users extension field (and whether anyone has an extension), a test
 * lookup of each module with its phone fields, Calls (no custom field needed), the legacy v4_1 login for deletions,
 * the widget's shared secret (doctor-suitecrm.ts). What is missing is named with where to add it on that SuiteCRM's menus.
 */
import { access as accessFile, constants } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AmiClient } from '../ami/client.ts';
import type { AmiMessage } from '../ami/message.ts';
import { noReconnect } from '../ami/reconnect-strategy.ts';
import { createCdrSource, cdrSettings } from '../cdr/config.ts';
import { loadConfig, type Config } from '../config.ts';
import { isCrmTelephonyError } from '../errors.ts';
import { readPbxDefinitions, type PbxDefinition } from '../service/pbx-config.ts';
import { pbxsWithRecordings, recordingSettings, type SourceSettings } from '../recordings/config.ts';
import { sourceOf } from '../recordings/sources/source-of.ts';
import { nodeSupport } from '../service/node-support.ts';
import { assertPortsFree } from '../service/port-check.ts';
import { openStore } from '../store/store.ts';
import { translator, type Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { cliTexts } from './settings.ts';
import { checkSuiteCrm } from './doctor-suitecrm.ts';
import { describeDatabase } from './store-options.ts';

export function doctorUsage(texts: Translator): string {
  return texts.t('cli.doctor.usage', { shape: '{ ok, checks: [{ check, status, message }] }' });
}

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
}

/** What the service needs from the AMI user, and the manager.conf right that allows it. */
const NEEDED_ACTIONS: readonly { action: string; right: string; why: 'reconnect' | 'clickToCall' }[] = [
  { action: 'Status', right: 'write = system or call', why: 'reconnect' },
  { action: 'CoreShowChannels', right: 'write = system', why: 'reconnect' },
  { action: 'Originate', right: 'write = originate', why: 'clickToCall' },
];

export async function doctor(args: string[], io: CliIo): Promise<number> {
  const people = cliTexts(io.env);
  let values;
  try {
    ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`${people.t('cli.main.error', { message: (err as Error).message })}\n\n${doctorUsage(people)}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(doctorUsage(people));
    return 0;
  }
  const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    io.stderr.write(`${people.t('cli.main.error', { message: people.t('cli.doctor.badTimeout') })}\n`);
    return 2;
  }
  // --json is read by scripts: its checks and messages stay in English, whatever the language.
  const texts = values.json ? translator('en') : people;
  const statusWords = { ok: texts.t('cli.doctor.status', { status: 'ok' }), warn: texts.t('cli.doctor.status', { status: 'warn' }), fail: texts.t('cli.doctor.status', { status: 'fail' }) };
  const statusWidth = Math.max(...Object.values(statusWords).map((w) => w.length));
  const results: CheckResult[] = [];
  const say = (r: CheckResult): void => {
    results.push(r);
    if (!values.json) io.stdout.write(`${statusWords[r.status].padEnd(statusWidth)}  ${r.check}: ${r.message}\n`);
  };

  let config: Config;
  let pbxs: PbxDefinition[];
  try {
    config = loadConfig(io.env as NodeJS.ProcessEnv);
    pbxs = readPbxDefinitions(config, io.env as NodeJS.ProcessEnv);
  } catch (err) {
    say({ check: texts.t('cli.doctor.check.settings'), status: 'fail', message: isCrmTelephonyError(err) ? err.message : String(err) });
    return finish(results, values.json === true, io, 2, texts);
  }
  say({ check: texts.t('cli.doctor.check.settings'), status: 'ok', message: texts.t('cli.doctor.settingsRead', { count: pbxs.length, ids: pbxs.map((p) => p.id).join(', ') }) });

  const node = nodeSupport(process.versions.node);
  say({ check: 'Node.js', status: node.supported ? 'ok' : 'warn', message: node.supported ? `${process.versions.node}` : node.advice });
  const check: Check = { say, texts };
  await checkStore(config, check);
  const serviceAnswers = await checkHttp(config, check, timeoutMs);
  await checkAgi(config, check, serviceAnswers);
  for (const pbx of pbxs) {
    await checkPbx(pbx, check, timeoutMs);
    await checkCdr(pbx, check);
  }
  await checkRecordings(config, pbxs, check);
  await checkSuiteCrm(config, check, timeoutMs);
  return finish(results, values.json === true, io, results.some((r) => r.status === 'fail') ? 1 : 0, texts);
}

function finish(results: CheckResult[], json: boolean, io: CliIo, code: number, texts: Translator): number {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  if (json) io.stdout.write(`${JSON.stringify({ ok: failed === 0, checks: results }, null, 2)}\n`);
  else io.stdout.write(`\n${texts.t('cli.doctor.finished', { failed, warned })}\n`);
  return code;
}

type Say = (r: CheckResult) => void;

/** Where each check reports, and the language of its words (English with --json). */
export interface Check {
  say: Say;
  texts: Translator;
}

async function checkStore(config: Config, { say, texts }: Check): Promise<void> {
  const check = texts.t('cli.doctor.check.store');
  const where = describeDatabase(config.DATABASE_URL, texts);
  try {
    const store = await openStore({ url: config.DATABASE_URL });
    try {
      const users = await store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      say({ check, status: 'ok', message: texts.t('cli.doctor.storeOpened', { database: where, users: Number(users?.n ?? 0) }) });
    } finally {
      await store.close();
    }
  } catch (err) {
    say({ check, status: 'fail', message: texts.t('cli.doctor.failedAt', { where, message: (err as Error).message }) });
  }
}

/** True when a crm-telephony service answers on HTTP_HOST:HTTP_PORT (then its ports are in use by it). */
async function checkHttp(config: Config, { say, texts }: Check, timeoutMs: number): Promise<boolean> {
  const check = texts.t('cli.doctor.check.httpPort');
  const where = `${config.HTTP_HOST.includes(':') ? `[${config.HTTP_HOST}]` : config.HTTP_HOST}:${config.HTTP_PORT}`;
  const health = await fetch(`http://${where}/api/health`, { signal: AbortSignal.timeout(Math.min(timeoutMs, 2000)) })
    .then(async (r) => ((await r.json()) as { pbxs?: unknown }) ?? null)
    .catch(() => null);
  if (health !== null && typeof health === 'object' && 'pbxs' in health) {
    say({ check, status: 'ok', message: texts.t('cli.doctor.serviceAnswers', { url: `http://${where}/` }) });
    return true;
  }
  try {
    await assertPortsFree([{ variable: 'HTTP_PORT', hostVariable: 'HTTP_HOST', host: config.HTTP_HOST, port: config.HTTP_PORT, what: 'the web console and API' }]);
    say({ check, status: 'ok', message: texts.t('cli.doctor.portFree', { where }) });
  } catch (err) {
    say({ check, status: 'fail', message: (err as Error).message });
  }
  return false;
}

async function checkAgi(config: Config, { say, texts }: Check, serviceRuns: boolean): Promise<void> {
  const check = texts.t('cli.doctor.check.agiPort');
  if (config.AGI_PORT === 0) {
    say({ check, status: 'ok', message: texts.t('cli.doctor.agiOff') });
    return;
  }
  const where = `${config.AGI_HOST}:${config.AGI_PORT}`;
  try {
    await assertPortsFree([{ variable: 'AGI_PORT', hostVariable: 'AGI_HOST', host: config.AGI_HOST, port: config.AGI_PORT, what: 'FastAGI (routing for the dialplan)', alternative: 'or 0 to turn FastAGI off' }]);
    say({ check, status: 'ok', message: texts.t('cli.doctor.portFree', { where }) });
  } catch (err) {
    // The running service holds it, as it should.
    if (serviceRuns) say({ check, status: 'ok', message: texts.t('cli.doctor.agiInUse', { where }) });
    else say({ check, status: 'fail', message: (err as Error).message });
  }
}

async function checkPbx(pbx: PbxDefinition, { say, texts }: Check, timeoutMs: number): Promise<void> {
  const check = texts.t('cli.doctor.check.pbx', { id: pbx.id, address: `${pbx.ami.host}:${pbx.ami.port}${pbx.ami.tls ? ', TLS' : ''}` });
  const part = (what: 'events' | 'timestamps' | 'clock' | 'rights'): string => texts.t('cli.doctor.check.pbxPart', { pbx: check, part: what });
  const events: AmiMessage[] = [];
  const client = new AmiClient({
    id: `doctor-${pbx.id}`,
    host: pbx.ami.host,
    port: pbx.ami.port,
    username: pbx.ami.username,
    secret: pbx.ami.secret,
    authType: pbx.ami.authType,
    ...(pbx.ami.tls ? { tls: pbx.ami.tls } : {}),
    events: 'on',
    connectTimeoutMs: timeoutMs,
    actionTimeoutMs: timeoutMs,
    keepaliveIntervalMs: 0,
    reconnect: noReconnect,
  });
  client.on('event', (e: AmiMessage) => events.push(e));
  try {
    try {
      await client.connect();
    } catch (err) {
      say({ check, status: 'fail', message: isCrmTelephonyError(err) ? err.message : texts.t('cli.doctor.cannotConnect', { message: (err as Error).message }) });
      return;
    }
    say({ check, status: 'ok', message: texts.t('cli.doctor.pbxReached', { username: pbx.ami.username, version: client.protocolVersion ?? '?' }) });

    // Asterisk sends FullyBooted right after a login to a user whose read= has `system`.
    const until = Date.now() + Math.min(timeoutMs, 2000);
    while (!events.some((e) => e.event === 'FullyBooted') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const booted = events.find((e) => e.event === 'FullyBooted');
    if (booted === undefined) {
      say({ check: part('events'), status: 'fail', message: texts.t('cli.doctor.noEvents') });
    } else {
      say({ check: part('events'), status: 'ok', message: texts.t('cli.doctor.eventsFlow') });
      say(
        booted.get('Timestamp') !== undefined
          ? { check: part('timestamps'), status: 'ok', message: texts.t('cli.doctor.timestamps') }
          : { check: part('timestamps'), status: 'warn', message: texts.t('cli.doctor.noTimestamps') },
      );
    }

    const sent = Date.now();
    const ping = await client.action('Ping', {}, { allowError: true });
    const back = Date.now();
    const stamp = Number(ping.response.get('Timestamp'));
    if (Number.isFinite(stamp) && stamp > 0) {
      const skewMs = Math.round(stamp * 1000 - (sent + back) / 2);
      const off = Math.abs(skewMs);
      const words = texts.t('cli.doctor.clock', { unit: off < 1000 ? 'ms' : 's', amount: off < 1000 ? off : off / 1000, direction: skewMs >= 0 ? 'ahead' : 'behind' });
      say(off <= 2000 ? { check: part('clock'), status: 'ok', message: words } : { check: part('clock'), status: 'warn', message: texts.t('cli.doctor.clockOff', { clock: words }) });
    } else {
      say({ check: part('clock'), status: 'warn', message: texts.t('cli.doctor.noClock') });
    }

    const listed = await client.action('ListCommands', {}, { allowError: true });
    if (listed.response.response?.toLowerCase() !== 'success') {
      say({ check: part('rights'), status: 'warn', message: texts.t('cli.doctor.rightsUnlisted', { reason: listed.response.get('Message') ?? texts.t('cli.doctor.noReason') }) });
    } else {
      const can = new Set(listed.response.fields.map(([key]) => key.toLowerCase()));
      const missing = NEEDED_ACTIONS.filter((n) => !can.has(n.action.toLowerCase()));
      say(
        missing.length === 0
          ? { check: part('rights'), status: 'ok', message: texts.t('cli.doctor.rightsOk', { actions: NEEDED_ACTIONS.map((n) => n.action).join(', ') }) }
          : { check: part('rights'), status: 'fail', message: missing.map((n) => texts.t('cli.doctor.rightMissing', { action: n.action, why: n.why, right: n.right })).join('; ') },
      );
    }
  } finally {
    await client.close();
  }
}

async function checkCdr(pbx: PbxDefinition, { say, texts }: Check): Promise<void> {
  const check = texts.t('cli.doctor.check.cdr', { id: pbx.id });
  const choice = createCdrSource(cdrSettings(pbx.config, pbx.config));
  if (choice.source === null) {
    say({ check, status: 'warn', message: choice.missing ?? texts.t('cli.doctor.noCdrSource') });
    return;
  }
  try {
    await choice.source.check();
    say({ check, status: 'ok', message: texts.t('cli.doctor.cdrReadable', { source: choice.source.description }) });
  } catch (err) {
    say({ check, status: 'fail', message: texts.t('cli.doctor.failedAt', { where: choice.source.description, message: (err as Error).message }) });
  } finally {
    await choice.source.close().catch(() => undefined);
  }
}

/** Each PBX's recordings source (the default PBX's, and each other PBX's own): a mounted folder, or SFTP logged into. */
async function checkRecordings(config: Config, pbxs: readonly PbxDefinition[], { say, texts }: Check): Promise<void> {
  const targets = pbxs.length === 0 ? [{ id: null, config }] : pbxsWithRecordings(pbxs).map((p) => ({ id: p.id, config: p.config }));
  for (const target of targets) {
    const check = pbxs.length > 1 && target.id !== null ? texts.t('cli.doctor.check.recordingsOf', { id: target.id }) : texts.t('cli.doctor.check.recordings');
    let source: SourceSettings;
    try {
      source = recordingSettings(target.config).sources['*']!;
    } catch (err) {
      say({ check, status: 'fail', message: (err as Error).message });
      continue;
    }
    if (source.kind === 'sftp') {
      const sftp = sourceOf(source);
      const where = `SFTP ${source.username}@${source.host}:${source.port}`;
      try {
        await sftp.check();
        say({ check, status: 'ok', message: texts.t('cli.doctor.sftpOk', { where, folder: source.pbxDir }) });
      } catch (err) {
        say({ check, status: 'fail', message: texts.t('cli.doctor.failedAt', { where, message: (err as Error).message }) });
      } finally {
        await sftp.close().catch(() => undefined);
      }
      continue;
    }
    try {
      await accessFile(source.localDir, constants.R_OK | constants.X_OK);
      say({ check, status: 'ok', message: texts.t('cli.doctor.folderReadable', { folder: source.localDir }) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      say({ check, status: 'warn', message: texts.t('cli.doctor.noRecordingsFolder', { folder: source.localDir, code: code ?? 'error' }) });
    }
  }
}
