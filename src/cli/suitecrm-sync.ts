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
import { startProgress, type Progress } from './directory-progress.ts';
import { stopOnProcessSignals, type CliIo } from './io.ts';
import { describeDatabase, openStoreAt, resolveStoreSettings, STORE_USAGE, storeOptions, type OpenStore } from './store-options.ts';

export const SUITECRM_SYNC_USAGE = `Usage: crm-telephony suitecrm sync [--full] [options]

Copies SuiteCRM's users (with their extensions), accounts, contacts and leads into the directory,
where caller lookup finds them. Without --full, only what changed since the last sync is fetched
(the first sync lists everything); records deleted in SuiteCRM are removed when SUITECRM_USERNAME
and SUITECRM_PASSWORD are set, and by every --full sync in any case.

Options:
  --full               List everything, and remove what SuiteCRM no longer has.
  --json               Print the summary as JSON.
${STORE_USAGE}
SuiteCRM settings (environment): SUITECRM_URL (the site root), SUITECRM_CLIENT_ID and
SUITECRM_CLIENT_SECRET (an OAuth2 "Client Credentials" client: Admin -> OAuth2 Clients and
Tokens), optional SUITECRM_USERNAME and SUITECRM_PASSWORD (deletions), SUITECRM_EXTENSION_FIELD
(default asterisk_ext_c), SUITECRM_MODULES, SUITECRM_*_PHONE_FIELDS, SUITECRM_PAGE_SIZE.

Exit status: 0 synced; 1 SuiteCRM or the database refused, failed or could not be reached (what
was synced before the failure is kept); 2 the command line or settings are wrong.
`;

export interface SuiteCrmSyncDeps {
  openStore: OpenStore;
  /** Tests pass their own HTTP transport; default Node's fetch. */
  transport?: Transport;
}

const options = { ...storeOptions, full: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function suitecrmSync(args: string[], io: CliIo, deps: SuiteCrmSyncDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(SUITECRM_SYNC_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `"suitecrm sync" takes no arguments (got ${positionals.join(' ')}); use --full for a full sync.`);
  const store = resolveStoreSettings(values, io.env);
  const parsed = suitecrmConfigSchema.safeParse(io.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `The SuiteCRM settings are not valid:\n${lines.join('\n')}`);
  }
  let settings;
  try {
    settings = suiteCrmSettings({ ...parsed.data, DEFAULT_REGION: store.region });
  } catch (err) {
    // The command's settings are all CONFIG_ERR_INVALID, the SuiteCRM adapter's own check included.
    if (isCrmTelephonyError(err, ErrorCodes.CRM_ERR_CONFIG)) throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, err.message, {}, { cause: err });
    throw err;
  }

  const db = await deps.openStore(store.url);
  const stop = io.signal ? null : stopOnProcessSignals();
  const signal = io.signal ?? stop!.signal;
  const bars = new ModuleBars(io);
  try {
    const directory = new Directory(db, { defaultRegion: store.region });
    const crm = new SuiteCrm(settings, { directory, ...(deps.transport ? { transport: deps.transport } : {}) });
    const first = (await new SyncStateStore(db, crm.source).all()).size === 0;
    const report = values.full ? await crm.syncFull({ signal, onProgress: (p) => bars.update(p) }) : await crm.syncIncremental({ signal, onProgress: (p) => bars.update(p) });
    bars.stop();
    const counts = await crm.counts();
    await crm.close();
    if (values.json) io.stdout.write(`${JSON.stringify({ url: settings.url, database: describeDatabase(store.url), ...report, directory: counts }, null, 2)}\n`);
    else io.stdout.write(summary(report, { url: settings.url, database: describeDatabase(store.url), first: first && !values.full, counts }));
    return 0;
  } catch (err) {
    bars.stop();
    if (!isCrmError(err)) throw err;
    const kept = 'What was synced before is kept; the next sync goes on from there.';
    if (err.code === CrmErrorCodes.CRM_ERR_STOPPED) io.stderr.write(`Stopped. ${kept}\n`);
    else io.stderr.write(`error: ${err.message}\n${kept}\n`);
    return 1;
  } finally {
    stop?.dispose();
    await db.close();
  }
}

/** One progress bar per module, started when the module's first page arrives. */
class ModuleBars {
  readonly #io: CliIo;
  #module: string | null = null;
  #bar: Progress | null = null;

  constructor(io: CliIo) {
    this.#io = io;
  }

  update(p: SyncProgress): void {
    if (p.module !== this.#module) {
      this.#bar?.stop();
      this.#module = p.module;
      this.#bar = startProgress(this.#io.stderr, { label: `Syncing ${p.module}`, total: Math.max(p.total ?? p.done, 1), plainFrom: 5000 });
    }
    this.#bar!.update(p.done, `${p.done.toLocaleString('en-US')} of ~${(p.total ?? p.done).toLocaleString('en-US')}`);
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = null;
  }
}

function summary(report: SyncReport, about: { url: string; database: string; first: boolean; counts: Record<string, number> }): string {
  const kind = report.kind === 'full' ? 'full sync' : about.first ? 'first sync: everything' : 'changes since the last sync';
  const lines = [`Synced from SuiteCRM at ${about.url} into ${about.database} in ${(report.durationMs / 1000).toFixed(1)} s (${kind}):`];
  for (const [module, c] of Object.entries(report.modules)) {
    lines.push(`  ${module.padEnd(9)} ${c.listed.toLocaleString('en-US')} listed, ${c.written.toLocaleString('en-US')} written, ${c.unchanged.toLocaleString('en-US')} unchanged, ${c.removed.toLocaleString('en-US')} removed`);
  }
  const n = about.counts;
  lines.push(`The directory now holds from SuiteCRM: ${n['users']} active users, ${n['accounts']} accounts, ${n['contacts']} contacts, ${n['leads']} leads.`);
  if (report.warnings.length > 0) lines.push('Fix in SuiteCRM:', ...report.warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n`;
}
