/**
 * `crm-telephony import <file.csv> --type contacts|accounts|leads|users`: loads a CSV into the
 * directory, with progress on stderr and a summary (in words, or JSON with --json) on stdout.
 */
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Directory } from '../directory/directory.ts';
import { COLUMNS, IMPORT_TYPES, isImportType, parseColumnMap } from '../directory/import/columns.ts';
import { importCsv } from '../directory/import/importer.ts';
import { formatImportSummary } from '../directory/import/summary.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { Translator } from '../i18n/translator.ts';
import { startProgress } from './directory-progress.ts';
import type { CliIo } from './io.ts';
import { cliLocale, cliTexts } from './settings.ts';
import { describeDatabase, openStoreAt, resolveStoreSettings, storeOptions, storeUsage, type OpenStore } from './store-options.ts';

export function importUsage(texts: Translator): string {
  return texts.t('cli.import.usage', {
    users: COLUMNS.users.join(','),
    accounts: COLUMNS.accounts.join(','),
    contacts: COLUMNS.contacts.join(','),
    leads: COLUMNS.leads.join(','),
    store: storeUsage(texts),
  });
}

export interface DirectoryCommandDeps {
  /** Opens the store named by --database or DATABASE_URL. */
  openStore: OpenStore;
}

const options = {
  ...storeOptions,
  type: { type: 'string' },
  map: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/** Plain progress lines only for files this big, when stderr is not a terminal. */
const PLAIN_PROGRESS_BYTES = 20 * 1024 * 1024;

export async function directoryImport(args: string[], io: CliIo, deps: DirectoryCommandDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(importUsage(texts));
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || file === '') usage(texts.t('cli.import.nameFile'));
  if (extra.length > 0) usage(texts.t('cli.import.oneFile', { count: positionals.length, files: positionals.join(' ') }));
  if (values.type === undefined) usage(texts.t('cli.import.needType', { types: IMPORT_TYPES.join(', ') }));
  const type = values.type.trim().toLowerCase();
  if (!isImportType(type)) usage(texts.t('cli.import.unknownType', { given: values.type, types: IMPORT_TYPES.join(', ') }));
  const map = parseColumnMap(values.map ?? [], type);
  const settings = resolveStoreSettings(values, io.env);
  const size = fileSize(file, texts);

  const store = await deps.openStore(settings.url, { locale: cliLocale(io.env) });
  const progress = startProgress(io.stderr, { label: texts.t('cli.import.progressLabel', { type }), total: size, plainFrom: PLAIN_PROGRESS_BYTES, texts });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const summary = await importCsv(directory, createReadStream(file), {
      type,
      map,
      onProgress: (p) => progress.update(p.bytes, texts.t('cli.import.progress', { rows: p.rows, skipped: p.skipped })),
    });
    progress.stop();
    if (values.json) io.stdout.write(`${JSON.stringify({ file, database: describeDatabase(settings.url), region: settings.region, ...summary }, null, 2)}\n`);
    else io.stdout.write(formatImportSummary(summary, file, texts));
    return summary.skipped > 0 ? 1 : 0;
  } finally {
    progress.stop();
    await store.close();
  }
}

function fileSize(file: string, texts: Translator): number {
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') usage(texts.t('cli.import.noFile', { file, path: resolve(file) }));
    if (code === 'EACCES') usage(texts.t('cli.import.cannotRead', { file }));
    throw err;
  }
  if (stat.isDirectory()) usage(texts.t('cli.import.isFolder', { file }));
  return stat.size;
}

function usage(message: string): never {
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
