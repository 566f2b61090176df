/**
 * The doctor's SuiteCRM checks: which SuiteCRM answers under SUITECRM_URL (7 at the site root, 8
 * under /legacy) and its release, the OAuth2 client, the Users extension field, a lookup per module,
 * Calls, the legacy v4_1 login for deletions, and the widget's secret.
 */
import type { Config } from '../config.ts';
import { suiteCrmSettings, usesSuiteCrm, type SuiteCrmSettings } from '../crm/config.ts';
import { CrmErrorCodes, isCrmError } from '../crm/crm-errors.ts';
import { fieldsFor, toSyncedUser } from '../crm/suitecrm/records.ts';
import { ApiLocator, type SuiteCrmApiRoot } from '../crm/suitecrm/api-locator.ts';
import { LegacyApi, suiteCrmRelease } from '../crm/suitecrm/legacy-api.ts';
import { toSuiteDateTime } from '../crm/suitecrm/datetime.ts';
import { V8Api } from '../crm/suitecrm/v8-api.ts';
import { TokenSource } from '../crm/suitecrm/oauth-token.ts';
import { fetchTransport } from '../crm/suitecrm/transport.ts';
import { silentLog } from '../logger.ts';
import type { Check } from './doctor.ts';

export async function checkSuiteCrm(config: Config, checks: Check, timeoutMs: number): Promise<void> {
  const { say, texts } = checks;
  if (!usesSuiteCrm(config)) {
    say({ check: texts.t('cli.doctor.check.crm'), status: 'ok', message: texts.t('cli.doctor.embedded') });
    return;
  }
  const check = texts.t('cli.doctor.check.suitecrm');
  let settings;
  try {
    settings = suiteCrmSettings(config);
  } catch (err) {
    say({ check, status: 'fail', message: (err as Error).message });
    return;
  }
  // Which SuiteCRM answers, and where: SuiteCRM 7 at the site root, 8 under /legacy (api-locator.ts).
  const locator = new ApiLocator({ url: settings.url, transport: fetchTransport, timeoutMs });
  let found: SuiteCrmApiRoot;
  try {
    found = await locator.locate(AbortSignal.timeout(timeoutMs * 2));
    // The exact release, when v4_1 says it (it needs no login); the major version is known either way.
    const release = await suiteCrmRelease(found.root, fetchTransport, timeoutMs, AbortSignal.timeout(timeoutMs)).catch(() => null);
    say({ check, status: 'ok', message: texts.t('cli.doctor.apiFound', { version: `v${found.version}`, release: release ?? found.version, site: found.site, root: found.root }) });
  } catch (err) {
    say({ check, status: 'fail', message: texts.t('cli.doctor.failedAt', { where: settings.url, message: (err as Error).message }) });
    return;
  }
  const tokens = new TokenSource({ url: settings.url, locator, clientId: settings.clientId, clientSecret: settings.clientSecret, transport: fetchTransport, timeoutMs });
  try {
    await tokens.get(AbortSignal.timeout(timeoutMs));
    say({ check, status: 'ok', message: texts.t('cli.doctor.tokenOk', { url: found.root }) });
  } catch (err) {
    say({ check, status: 'fail', message: texts.t('cli.doctor.failedAt', { where: found.root, message: (err as Error).message }) });
    return;
  }
  const api = new V8Api({ tokens, transport: fetchTransport, timeoutMs, log: silentLog });
  await checkExtensionField(api, settings, found, checks, timeoutMs);
  await checkPhoneFields(api, settings, checks, timeoutMs);
  await checkCalls(api, checks, timeoutMs);
  await checkLegacy(settings, locator, found, checks, timeoutMs);
  checkWidgetSecret(config, checks);
}

/**
 * Calls are read with the fields the call logger writes and searches by. None is a custom field: our
 * call id and the recording link go into the description (call-attributes.ts), so a SuiteCRM 8 without
 * the SuiteCRM 7 lab's `asterisk_uniqueid_c` / `recording_url_c` needs nothing added.
 */
async function checkCalls(api: V8Api, { say, texts }: Check, timeoutMs: number): Promise<void> {
  const check = texts.t('cli.doctor.check.calls');
  try {
    await api.list('Calls', { fields: ['name', 'description', 'date_start', 'status', 'direction', 'parent_type', 'parent_id', 'assigned_user_id'], pageSize: 1, pageNumber: 1, signal: AbortSignal.timeout(timeoutMs) });
    say({ check, status: 'ok', message: texts.t('cli.doctor.callsOk') });
  } catch (err) {
    say({ check, status: 'fail', message: (err as Error).message });
  }
}

/** The legacy v4_1 login that shows deletions (optional): where it is on this SuiteCRM, and whether it logs in. */
async function checkLegacy(settings: SuiteCrmSettings, locator: ApiLocator, found: SuiteCrmApiRoot, { say, texts }: Check, timeoutMs: number): Promise<void> {
  const check = texts.t('cli.doctor.check.legacy');
  if (settings.legacy === null) {
    say({ check, status: 'ok', message: texts.t('cli.doctor.legacyOff') });
    return;
  }
  const legacy = new LegacyApi({ url: settings.url, locator, ...settings.legacy, transport: fetchTransport, timeoutMs });
  try {
    await legacy.deletedSince('Contacts', 'contacts', toSuiteDateTime(Date.now() - 60_000), 0, 1, AbortSignal.timeout(timeoutMs * 2));
    say({ check, status: 'ok', message: texts.t('cli.doctor.legacyOk', { url: `${found.root}/service/v4_1/rest.php`, username: settings.legacy.username }) });
  } catch (err) {
    say({ check, status: 'fail', message: (err as Error).message });
  } finally {
    await legacy.logout();
  }
}

/** Users are listed with the extension field: SuiteCRM refuses a field it does not have. */
async function checkExtensionField(api: V8Api, settings: SuiteCrmSettings, found: SuiteCrmApiRoot, { say, texts }: Check, timeoutMs: number): Promise<void> {
  const check = texts.t('cli.doctor.check.extensionField');
  const field = settings.extensionField;
  try {
    const page = await api.list('Users', { fields: fieldsFor('Users', settings), pageSize: 200, pageNumber: 1, signal: AbortSignal.timeout(timeoutMs) });
    const users = page.records.map((r) => toSyncedUser(r, field));
    const withExtension = users.filter((u) => u.extensions.length > 0).length;
    const listed = `${users.length}${(page.totalPages ?? 1) > 1 ? '+' : ''}`;
    if (withExtension === 0) {
      say({ check, status: 'warn', message: texts.t('cli.doctor.noExtensions', { field, listed }) });
    } else {
      say({ check, status: 'ok', message: texts.t('cli.doctor.extensions', { field, count: withExtension, listed }) });
    }
    const invalid = users.filter((u) => u.invalid.length > 0);
    if (invalid.length > 0) {
      const list = invalid.slice(0, 5).map((u) => `${u.name}: "${u.invalid.join(', ')}"`).join('; ');
      say({ check, status: 'warn', message: texts.t('cli.doctor.notExtensions', { list, more: Math.max(0, invalid.length - 5) }) });
    }
  } catch (err) {
    if (isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED) && err.message.includes(field)) {
      say({ check, status: 'fail', message: texts.t('cli.doctor.noExtensionField', { field, version: `v${found.version}` }) });
      return;
    }
    say({ check, status: 'fail', message: (err as Error).message });
  }
}

/** A test lookup of each synced module with the fields the sync asks for (one record each; the total from the paging). */
async function checkPhoneFields(api: V8Api, settings: SuiteCrmSettings, { say, texts }: Check, timeoutMs: number): Promise<void> {
  const check = texts.t('cli.doctor.check.lookup');
  const found: string[] = [];
  for (const module of settings.modules) {
    if (module === 'Users') continue;
    const fields = settings.phoneFields[module];
    try {
      const page = await api.list(module, { fields: fieldsFor(module, settings), pageSize: 1, pageNumber: 1, signal: AbortSignal.timeout(timeoutMs) });
      found.push(`${page.totalPages ?? 0} ${module}`);
    } catch (err) {
      const variable = `SUITECRM_${module === 'Contacts' ? 'CONTACT' : module === 'Leads' ? 'LEAD' : 'ACCOUNT'}_PHONE_FIELDS`;
      say({ check, status: 'fail', message: texts.t('cli.doctor.lookupFailed', { module, fields: fields.join(','), message: (err as Error).message, variable }) });
      return;
    }
  }
  say({ check, status: 'ok', message: texts.t('cli.doctor.lookupOk', { found: found.join(', ') }) });
}

/** The widget in SuiteCRM's pages signs in with tokens signed by a secret the service must share. */
function checkWidgetSecret(config: Config, { say, texts }: Check): void {
  const check = texts.t('cli.doctor.check.widget');
  const secrets = config.CRM_WIDGET_SECRET;
  say(
    secrets.length === 0
      ? { check, status: 'warn', message: texts.t('cli.doctor.noWidgetSecret') }
      : { check, status: 'ok', message: texts.t('cli.doctor.widgetSecret', { count: secrets.length }) },
  );
}
