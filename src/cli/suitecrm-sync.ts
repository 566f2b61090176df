/**
 * `crm-telephony suitecrm sync [--full]`: brings the directory up to date with SuiteCRM once, with a
 * progress bar per module on a terminal and a summary in words (or JSON) on stdout. Without --full
 * it fetches what changed since the last sync (everything, the first time).
 */
import { parseArgs } from 'node:util';
import { Directory } from '../directory/directory.ts';
import { CrmTelephonyError, ErrorCodes, isCrmTelephonyError } from '../errors.ts';
import { suitecrmConfigSchema, suiteCrmSettings } from '../crm/config.ts';
import { CrmErrorCodes, isCrmError } from '../crm/crm-errors.ts';
import type { SyncProgress, SyncReport } from '../crm/crm-port.ts';
import { SuiteCrm } from '../crm/suitecrm/suitecrm-crm.ts';
import type { Transport } from '../crm/suitecrm/transport.ts';
import { SyncStateStore } from '../crm/sync-state.ts';
import type { Translator } from '../i18n/translator.ts';
import { startProgress, type Progress } from './directory-progress.ts';
import { stopOnProcessSignals, type CliIo } from './io.ts';
import { cliLocale, cliTexts } from './settings.ts';
import { describeDatabase, openStoreAt, resolveStoreSettings, storeOptions, storeUsage, type OpenStore } from './store-options.ts';

export function suitecrmSyncUsage(texts: Translator): string {
  return texts.t('cli.sync.usage', { store: storeUsage(texts) });
}

export interface SuiteCrmSyncDeps {
  openStore: OpenStore;
  /** Tests pass their own HTTP transport; default Node's fetch. */
  transport?: Transport;
}

const options = { ...storeOptions, full: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function suitecrmSync(args: string[], io: CliIo, deps: SuiteCrmSyncDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(suitecrmSyncUsage(texts));
    return 0;
  }
  if (positionals.length > 0) throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, texts.t('cli.sync.noArguments', { got: positionals.join(' ') }));
  const store = resolveStoreSettings(values, io.env);
  const parsed = suitecrmConfigSchema.safeParse(io.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `${texts.t('cli.sync.invalidSettings')}\n${lines.join('\n')}`);
  }
  let settings;
  try {
    settings = suiteCrmSettings({ ...parsed.data, DEFAULT_REGION: store.region });
  } catch (err) {
    // The command's settings are all CONFIG_ERR_INVALID, the SuiteCRM adapter's own check included.
    if (isCrmTelephonyError(err, ErrorCodes.CRM_ERR_CONFIG)) throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, err.message, {}, { cause: err });
    throw err;
  }

  const db = await deps.openStore(store.url, { locale: cliLocale(io.env) });
  const stop = io.signal ? null : stopOnProcessSignals();
  const signal = io.signal ?? stop!.signal;
  const bars = new ModuleBars(io, texts);
  try {
    const directory = new Directory(db, { defaultRegion: store.region });
    const crm = new SuiteCrm(settings, { directory, ...(deps.transport ? { transport: deps.transport } : {}) });
    const first = (await new SyncStateStore(db, crm.source).all()).size === 0;
    const report = values.full ? await crm.syncFull({ signal, onProgress: (p) => bars.update(p) }) : await crm.syncIncremental({ signal, onProgress: (p) => bars.update(p) });
    bars.stop();
    const counts = await crm.counts();
    await crm.close();
    if (values.json) io.stdout.write(`${JSON.stringify({ url: settings.url, database: describeDatabase(store.url), ...report, directory: counts }, null, 2)}\n`);
    else io.stdout.write(summary(report, { url: settings.url, database: describeDatabase(store.url, texts), first: first && !values.full, counts }, texts));
    return 0;
  } catch (err) {
    bars.stop();
    if (!isCrmError(err)) throw err;
    if (err.code === CrmErrorCodes.CRM_ERR_STOPPED) io.stderr.write(`${texts.t('cli.sync.stopped')} ${texts.t('cli.sync.kept')}\n`);
    else io.stderr.write(`${texts.t('cli.main.error', { message: err.message })}\n${texts.t('cli.sync.kept')}\n`);
    return 1;
  } finally {
    stop?.dispose();
    await db.close();
  }
}

/** One progress bar per module, started when the module's first page arrives. */
class ModuleBars {
  readonly #io: CliIo;
  readonly #texts: Translator;
  #module: string | null = null;
  #bar: Progress | null = null;

  constructor(io: CliIo, texts: Translator) {
    this.#io = io;
    this.#texts = texts;
  }

  update(p: SyncProgress): void {
    if (p.module !== this.#module) {
      this.#bar?.stop();
      this.#module = p.module;
      const label = this.#texts.t('cli.sync.progressLabel', { module: p.module });
      this.#bar = startProgress(this.#io.stderr, { label, total: Math.max(p.total ?? p.done, 1), plainFrom: 5000, texts: this.#texts });
    }
    this.#bar!.update(p.done, this.#texts.t('cli.sync.progress', { done: p.done, total: p.total ?? p.done }));
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = null;
  }
}

function summary(report: SyncReport, about: { url: string; database: string; first: boolean; counts: Record<string, number> }, texts: Translator): string {
  const kind = report.kind === 'full' ? 'full' : about.first ? 'first' : 'changes';
  const lines = [texts.t('cli.sync.done', { url: about.url, database: about.database, seconds: report.durationMs / 1000, kind })];
  for (const [module, c] of Object.entries(report.modules)) {
    lines.push(texts.t('cli.sync.module', { module: module.padEnd(9), listed: c.listed, written: c.written, unchanged: c.unchanged, removed: c.removed }));
  }
  const n = about.counts;
  lines.push(texts.t('cli.sync.directory', { users: n['users'] ?? 0, accounts: n['accounts'] ?? 0, contacts: n['contacts'] ?? 0, leads: n['leads'] ?? 0 }));
  if (report.warnings.length > 0) lines.push(texts.t('cli.sync.fixInSuiteCrm'), ...report.warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n`;
}
