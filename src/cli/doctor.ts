/**
 * `crm-telephony doctor`: checks a setup end to end, with the settings the service would start
 * with, and says for each part whether it is ok and, when not, what to change. It changes nothing
 * (the store is migrated as the service would at start). Exit status 0: nothing failed (warnings
 * allowed); 1: something failed; 2: the settings themselves are wrong. `--json` for scripts.
 *
 * Checked: the settings; the Node.js line; the store; the HTTP and FastAGI ports (free, or held by the running
 * service); each PBX (reached, login, the AMI user's rights as manager.conf gives them, events
 * flowing, `timestampevents`, the clock against the PBX's); each PBX's CDR source; each PBX's recordings
 * folder, or its SFTP login (host key, key, folder); SuiteCRM: its OAuth2 client, the Users extension field (and whether anyone has an
 * extension), a test lookup of each module with its phone fields, the widget's shared secret.
 */
import { access as accessFile, constants } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AmiClient } from '../ami/client.ts';
import type { AmiMessage } from '../ami/message.ts';
import { noReconnect } from '../ami/reconnect-strategy.ts';
import { createCdrSource, cdrSettings } from '../cdr/config.ts';
import { loadConfig, type Config } from '../config.ts';
import { suiteCrmSettings, usesSuiteCrm, type SuiteCrmSettings } from '../crm/config.ts';
import { CrmErrorCodes, isCrmError } from '../crm/crm-errors.ts';
import { fieldsFor, toSyncedUser } from '../crm/suitecrm/records.ts';
import { V8Api } from '../crm/suitecrm/v8-api.ts';
import { TokenSource } from '../crm/suitecrm/oauth-token.ts';
import { fetchTransport } from '../crm/suitecrm/transport.ts';
import { isCrmTelephonyError } from '../errors.ts';
import { silentLog } from '../logger.ts';
import { readPbxDefinitions, type PbxDefinition } from '../service/pbx-config.ts';
import { pbxsWithRecordings, recordingSettings, type SourceSettings } from '../recordings/config.ts';
import { sourceOf } from '../recordings/sources/source-of.ts';
import { nodeSupport } from '../service/node-support.ts';
import { assertPortsFree } from '../service/port-check.ts';
import { openStore } from '../store/store.ts';
import type { CliIo } from './io.ts';
import { describeDatabase } from './store-options.ts';

export const DOCTOR_USAGE = `Usage: crm-telephony doctor [--json] [--timeout <ms>]

Checks the setup the service would start with (the same environment: AMI_*, CRM_TELEPHONY_CONFIG,
DATABASE_URL, HTTP_*, AGI_*, CDR_*, RECORDINGS_*, SUITECRM_*) and prints one line per check, ok,
warn or FAIL, with what to change. It changes nothing.

  --json           One JSON object: { ok, checks: [{ check, status, message }] }.
  --timeout <ms>   How long to wait for each PBX and SuiteCRM (default 5000).

Exit status: 0 nothing failed (warnings allowed), 1 a check failed, 2 the settings are wrong.
`;

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
}

/** What the service needs from the AMI user, and the manager.conf right that allows it. */
const NEEDED_ACTIONS: readonly { action: string; right: string; why: string }[] = [
  { action: 'Status', right: 'write = system or call', why: 'the calls in progress after a reconnect' },
  { action: 'CoreShowChannels', right: 'write = system', why: 'the calls in progress after a reconnect' },
  { action: 'Originate', right: 'write = originate', why: 'click-to-call' },
];

export async function doctor(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    io.stderr.write('error: --timeout is a whole number of milliseconds, at least 100.\n');
    return 2;
  }
  const results: CheckResult[] = [];
  const say = (r: CheckResult): void => {
    results.push(r);
    if (!values.json) io.stdout.write(`${r.status === 'fail' ? 'FAIL' : r.status.padEnd(4)}  ${r.check}: ${r.message}\n`);
  };

  let config: Config;
  let pbxs: PbxDefinition[];
  try {
    config = loadConfig(io.env as NodeJS.ProcessEnv);
    pbxs = readPbxDefinitions(config, io.env as NodeJS.ProcessEnv);
  } catch (err) {
    say({ check: 'settings', status: 'fail', message: isCrmTelephonyError(err) ? err.message : String(err) });
    return finish(results, values.json === true, io, 2);
  }
  say({ check: 'settings', status: 'ok', message: `read; ${pbxs.length === 0 ? 'no PBX set (AMI_HOST or CRM_TELEPHONY_CONFIG): the service would start its demo PBX' : `${pbxs.length} PBX${pbxs.length === 1 ? '' : 's'}: ${pbxs.map((p) => p.id).join(', ')}`}` });

  const node = nodeSupport(process.versions.node);
  say({ check: 'Node.js', status: node.supported ? 'ok' : 'warn', message: node.supported ? `${process.versions.node}` : node.advice });
  await checkStore(config, say);
  const serviceAnswers = await checkHttp(config, say, timeoutMs);
  await checkAgi(config, say, serviceAnswers);
  for (const pbx of pbxs) {
    await checkPbx(pbx, say, timeoutMs);
    await checkCdr(pbx, say);
  }
  await checkRecordings(config, pbxs, say);
  await checkSuiteCrm(config, say, timeoutMs);
  return finish(results, values.json === true, io, results.some((r) => r.status === 'fail') ? 1 : 0);
}

function finish(results: CheckResult[], json: boolean, io: CliIo, code: number): number {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  if (json) io.stdout.write(`${JSON.stringify({ ok: failed === 0, checks: results }, null, 2)}\n`);
  else io.stdout.write(`\n${failed === 0 ? 'All checks passed' : `${failed} check${failed === 1 ? '' : 's'} failed`}${warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.\n`);
  return code;
}

type Say = (r: CheckResult) => void;

async function checkStore(config: Config, say: Say): Promise<void> {
  const where = describeDatabase(config.DATABASE_URL);
  try {
    const store = await openStore({ url: config.DATABASE_URL });
    try {
      const users = await store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      say({ check: 'store', status: 'ok', message: `${where}: opened, migrations up to date, ${Number(users?.n ?? 0)} users` });
    } finally {
      await store.close();
    }
  } catch (err) {
    say({ check: 'store', status: 'fail', message: `${where}: ${(err as Error).message}` });
  }
}

/** True when a crm-telephony service answers on HTTP_HOST:HTTP_PORT (then its ports are in use by it). */
async function checkHttp(config: Config, say: Say, timeoutMs: number): Promise<boolean> {
  const where = `${config.HTTP_HOST.includes(':') ? `[${config.HTTP_HOST}]` : config.HTTP_HOST}:${config.HTTP_PORT}`;
  const health = await fetch(`http://${where}/api/health`, { signal: AbortSignal.timeout(Math.min(timeoutMs, 2000)) })
    .then(async (r) => ((await r.json()) as { pbxs?: unknown }) ?? null)
    .catch(() => null);
  if (health !== null && typeof health === 'object' && 'pbxs' in health) {
    say({ check: 'HTTP port', status: 'ok', message: `the service is running and answers at http://${where}/` });
    return true;
  }
  try {
    await assertPortsFree([{ variable: 'HTTP_PORT', hostVariable: 'HTTP_HOST', host: config.HTTP_HOST, port: config.HTTP_PORT, what: 'the web console and API' }]);
    say({ check: 'HTTP port', status: 'ok', message: `${where} is free for the service` });
  } catch (err) {
    say({ check: 'HTTP port', status: 'fail', message: (err as Error).message });
  }
  return false;
}

async function checkAgi(config: Config, say: Say, serviceRuns: boolean): Promise<void> {
  if (config.AGI_PORT === 0) {
    say({ check: 'FastAGI port', status: 'ok', message: 'AGI_PORT=0: FastAGI is off (routing over HTTP only)' });
    return;
  }
  try {
    await assertPortsFree([{ variable: 'AGI_PORT', hostVariable: 'AGI_HOST', host: config.AGI_HOST, port: config.AGI_PORT, what: 'FastAGI (routing for the dialplan)', alternative: 'or 0 to turn FastAGI off' }]);
    say({ check: 'FastAGI port', status: 'ok', message: `${config.AGI_HOST}:${config.AGI_PORT} is free for the service` });
  } catch (err) {
    // The running service holds it, as it should.
    if (serviceRuns) say({ check: 'FastAGI port', status: 'ok', message: `${config.AGI_HOST}:${config.AGI_PORT} is in use, by the running service presumably` });
    else say({ check: 'FastAGI port', status: 'fail', message: (err as Error).message });
  }
}

async function checkPbx(pbx: PbxDefinition, say: Say, timeoutMs: number): Promise<void> {
  const check = `PBX ${pbx.id} (${pbx.ami.host}:${pbx.ami.port}${pbx.ami.tls ? ', TLS' : ''})`;
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
      say({ check, status: 'fail', message: isCrmTelephonyError(err) ? err.message : `cannot connect: ${(err as Error).message}` });
      return;
    }
    say({ check, status: 'ok', message: `reached; logged in as "${pbx.ami.username}" (Asterisk Call Manager ${client.protocolVersion ?? '?'})` });

    // Asterisk sends FullyBooted right after a login to a user whose read= has `system`.
    const until = Date.now() + Math.min(timeoutMs, 2000);
    while (!events.some((e) => e.event === 'FullyBooted') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const booted = events.find((e) => e.event === 'FullyBooted');
    if (booted === undefined) {
      say({ check: `${check} events`, status: 'fail', message: 'no event came after the login: give the AMI user read = system,call,agent,dialplan,cdr,user in manager.conf (README, "Configuration"), then "manager reload" on the PBX' });
    } else {
      say({ check: `${check} events`, status: 'ok', message: 'events flow (FullyBooted came after the login)' });
      say(
        booted.get('Timestamp') !== undefined
          ? { check: `${check} timestampevents`, status: 'ok', message: "events carry the PBX's time" }
          : { check: `${check} timestampevents`, status: 'warn', message: "events carry no Timestamp: add timestampevents = yes to manager.conf's [general] so answer and talk times stay exact while the service catches up (README)" },
      );
    }

    const sent = Date.now();
    const ping = await client.action('Ping', {}, { allowError: true });
    const back = Date.now();
    const stamp = Number(ping.response.get('Timestamp'));
    if (Number.isFinite(stamp) && stamp > 0) {
      const skewMs = Math.round(stamp * 1000 - (sent + back) / 2);
      const words = `the PBX's clock is ${Math.abs(skewMs) < 1000 ? `${Math.abs(skewMs)} ms` : `${(Math.abs(skewMs) / 1000).toFixed(1)} s`} ${skewMs >= 0 ? 'ahead of' : 'behind'} this machine's`;
      say(Math.abs(skewMs) <= 2000 ? { check: `${check} clock`, status: 'ok', message: words } : { check: `${check} clock`, status: 'warn', message: `${words}: run NTP (chrony, systemd-timesyncd) on both, or CDR times and call times will disagree` });
    } else {
      say({ check: `${check} clock`, status: 'warn', message: 'the PBX did not say its time in the Ping answer: the clocks could not be compared' });
    }

    const listed = await client.action('ListCommands', {}, { allowError: true });
    if (listed.response.response?.toLowerCase() !== 'success') {
      say({ check: `${check} rights`, status: 'warn', message: `the PBX did not list the AMI user's actions (${listed.response.get('Message') ?? 'no reason given'}): the rights in manager.conf could not be checked` });
    } else {
      const can = new Set(listed.response.fields.map(([key]) => key.toLowerCase()));
      const missing = NEEDED_ACTIONS.filter((n) => !can.has(n.action.toLowerCase()));
      say(
        missing.length === 0
          ? { check: `${check} rights`, status: 'ok', message: `the AMI user may run ${NEEDED_ACTIONS.map((n) => n.action).join(', ')}` }
          : { check: `${check} rights`, status: 'fail', message: missing.map((n) => `the AMI user may not run ${n.action} (${n.why}): give it ${n.right} in manager.conf`).join('; ') },
      );
    }
  } finally {
    await client.close();
  }
}

async function checkCdr(pbx: PbxDefinition, say: Say): Promise<void> {
  const check = `PBX ${pbx.id} CDRs`;
  const choice = createCdrSource(cdrSettings(pbx.config, pbx.config));
  if (choice.source === null) {
    say({ check, status: 'warn', message: choice.missing ?? 'no CDR source: calls that start and end while the service is cut off from the PBX are not logged' });
    return;
  }
  try {
    await choice.source.check();
    say({ check, status: 'ok', message: `${choice.source.description}: readable` });
  } catch (err) {
    say({ check, status: 'fail', message: `${choice.source.description}: ${(err as Error).message}` });
  } finally {
    await choice.source.close().catch(() => undefined);
  }
}

/** Each PBX's recordings source (the default PBX's, and each other PBX's own): a mounted folder, or SFTP logged into. */
async function checkRecordings(config: Config, pbxs: readonly PbxDefinition[], say: Say): Promise<void> {
  const targets = pbxs.length === 0 ? [{ id: null, config }] : pbxsWithRecordings(pbxs).map((p) => ({ id: p.id, config: p.config }));
  for (const target of targets) {
    const check = pbxs.length > 1 && target.id !== null ? `recordings of PBX ${target.id}` : 'recordings';
    let source: SourceSettings;
    try {
      source = recordingSettings(target.config).sources['*']!;
    } catch (err) {
      say({ check, status: 'fail', message: (err as Error).message });
      continue;
    }
    if (source.kind === 'sftp') {
      const sftp = sourceOf(source);
      try {
        await sftp.check();
        say({ check, status: 'ok', message: `SFTP ${source.username}@${source.host}:${source.port}: logged in (host key as set), ${source.pbxDir} is readable` });
      } catch (err) {
        say({ check, status: 'fail', message: `SFTP ${source.username}@${source.host}:${source.port}: ${(err as Error).message}` });
      } finally {
        await sftp.close().catch(() => undefined);
      }
      continue;
    }
    try {
      await accessFile(source.localDir, constants.R_OK | constants.X_OK);
      say({ check, status: 'ok', message: `${source.localDir} is readable` });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      say({
        check,
        status: 'warn',
        message: `${source.localDir} ${code === 'ENOENT' ? 'does not exist here' : `cannot be read (${code ?? 'error'})`}: mount the PBX's recordings folder there (RECORDINGS_LOCAL_DIR), or fetch them over SFTP (RECORDINGS_SOURCE=sftp); until then calls show no recording`,
      });
    }
  }
}

async function checkSuiteCrm(config: Config, say: Say, timeoutMs: number): Promise<void> {
  if (!usesSuiteCrm(config)) {
    say({ check: 'CRM', status: 'ok', message: 'the embedded directory (no SUITECRM_URL)' });
    return;
  }
  let settings;
  try {
    settings = suiteCrmSettings(config);
  } catch (err) {
    say({ check: 'SuiteCRM', status: 'fail', message: (err as Error).message });
    return;
  }
  const tokens = new TokenSource({ url: settings.url, clientId: settings.clientId, clientSecret: settings.clientSecret, transport: fetchTransport, timeoutMs });
  try {
    await tokens.get(AbortSignal.timeout(timeoutMs));
    say({ check: 'SuiteCRM', status: 'ok', message: `${settings.url}: the OAuth2 client got a token` });
  } catch (err) {
    say({ check: 'SuiteCRM', status: 'fail', message: `${settings.url}: ${(err as Error).message}` });
    return;
  }
  const api = new V8Api({ url: settings.url, tokens, transport: fetchTransport, timeoutMs, log: silentLog });
  await checkExtensionField(api, settings, say, timeoutMs);
  await checkPhoneFields(api, settings, say, timeoutMs);
  checkWidgetSecret(config, say);
}

/** Users are listed with the extension field: SuiteCRM refuses a field it does not have. */
async function checkExtensionField(api: V8Api, settings: SuiteCrmSettings, say: Say, timeoutMs: number): Promise<void> {
  const check = 'SuiteCRM extension field';
  const field = settings.extensionField;
  try {
    const page = await api.list('Users', { fields: fieldsFor('Users', settings), pageSize: 200, pageNumber: 1, signal: AbortSignal.timeout(timeoutMs) });
    const users = page.records.map((r) => toSyncedUser(r, field));
    const withExtension = users.filter((u) => u.extensions.length > 0).length;
    const listed = `${users.length}${(page.totalPages ?? 1) > 1 ? '+' : ''}`;
    if (withExtension === 0) {
      say({ check, status: 'warn', message: `Users have the field "${field}", but none of the ${listed} listed has an extension in it: fill in each agent's extension on their user profile in SuiteCRM, or nobody gets pops` });
    } else {
      say({ check, status: 'ok', message: `"${field}": ${withExtension} of ${listed} users have an extension` });
    }
    const invalid = users.filter((u) => u.invalid.length > 0);
    if (invalid.length > 0) {
      say({ check, status: 'warn', message: `not an extension (digits, * and # only): ${invalid.slice(0, 5).map((u) => `${u.name}: "${u.invalid.join(', ')}"`).join('; ')}${invalid.length > 5 ? ` and ${invalid.length - 5} more` : ''}` });
    }
  } catch (err) {
    if (isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED) && err.message.includes(field)) {
      say({
        check,
        status: 'fail',
        message: `SuiteCRM's Users module has no field "${field}": install the crm-telephony package (npx crm-telephony suitecrm package, then Admin -> Module Loader), which adds it, or set SUITECRM_EXTENSION_FIELD to the field your users' extensions are in`,
      });
      return;
    }
    say({ check, status: 'fail', message: (err as Error).message });
  }
}

/** A test lookup of each synced module with the fields the sync asks for (one record each; the total from the paging). */
async function checkPhoneFields(api: V8Api, settings: SuiteCrmSettings, say: Say, timeoutMs: number): Promise<void> {
  const check = 'SuiteCRM lookup';
  const found: string[] = [];
  for (const module of settings.modules) {
    if (module === 'Users') continue;
    const fields = settings.phoneFields[module];
    try {
      const page = await api.list(module, { fields: fieldsFor(module, settings), pageSize: 1, pageNumber: 1, signal: AbortSignal.timeout(timeoutMs) });
      found.push(`${page.totalPages ?? 0} ${module}`);
    } catch (err) {
      const variable = `SUITECRM_${module === 'Contacts' ? 'CONTACT' : module === 'Leads' ? 'LEAD' : 'ACCOUNT'}_PHONE_FIELDS`;
      say({ check, status: 'fail', message: `${module} with the fields ${fields.join(',')}: ${(err as Error).message} (a field that SuiteCRM lacks: correct ${variable})` });
      return;
    }
  }
  say({ check, status: 'ok', message: `${found.join(', ')} readable with their phone fields (crm-telephony lookup <number> looks one up)` });
}

/** The widget in SuiteCRM's pages signs in with tokens signed by a secret the service must share. */
function checkWidgetSecret(config: Config, say: Say): void {
  const secrets = config.CRM_WIDGET_SECRET;
  say(
    secrets.length === 0
      ? { check: 'SuiteCRM widget', status: 'warn', message: 'CRM_WIDGET_SECRET is not set: the phone widget inside SuiteCRM cannot sign in. Set it to the secret "npx crm-telephony suitecrm package" printed (or build the package with --secret-env from the one you set)' }
      : { check: 'SuiteCRM widget', status: 'ok', message: `CRM_WIDGET_SECRET set (${secrets.length === 1 ? 'one secret' : `${secrets.length} secrets, the first signs`}); it must be the one in the installed package` },
  );
}
