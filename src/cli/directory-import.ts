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
import { startProgress } from './directory-progress.ts';
import type { CliIo } from './io.ts';
import { describeDatabase, openStoreAt, resolveStoreSettings, STORE_USAGE, storeOptions, type OpenStore } from './store-options.ts';

export const IMPORT_USAGE = `Usage: crm-telephony import <file.csv> --type contacts|accounts|leads|users [options]

Imports a CSV file with a header row into the directory. Records are matched by their "id"
column and users by "login": importing a file again updates, never duplicates. Bad rows are
skipped and reported with their line numbers; every good row is imported.

Columns (a header row names them; other columns are ignored; names ignore case):
  users     ${COLUMNS.users.join(',')}
            extensions separated by ";" (101;201); role admin or agent (empty: agent);
            an empty password keeps the user's current one.
  accounts  ${COLUMNS.accounts.join(',')}
  contacts  ${COLUMNS.contacts.join(',')}
  leads     ${COLUMNS.leads.join(',')}
  assigned_user is a user's login (import users first); an unknown login is a warning and the
  record is imported unassigned. A contact's account_id must be an imported account's id.

Options:
  --type <type>        contacts, accounts, leads or users. Required.
  --map <pairs>        Rename the file's columns: --map "Mobile Phone=phone_mobile,Account=account_id".
                       May be given several times.
  --json               Print the summary as JSON (counts, skipped rows and warnings with line numbers).
${STORE_USAGE}
Import accounts before the contacts that name them, and users before records assigned to them:
  crm-telephony import users.csv --type users
  crm-telephony import accounts.csv --type accounts --region DE
  crm-telephony import contacts.csv --type contacts --map "Mobile=phone_mobile"

Exit status: 0 when every row was imported, 1 when some rows were skipped (the others are
imported) or the database failed while writing, 2 when the command line, the file, its header or
the database setting is wrong (nothing was imported).
`;

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
  if (values.help) {
    io.stdout.write(IMPORT_USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || file === '') usage('Name the CSV file to import, for example: crm-telephony import contacts.csv --type contacts');
  if (extra.length > 0) usage(`Import one file at a time; got ${positionals.length}: ${positionals.join(' ')}. Quote a file name that has spaces.`);
  if (values.type === undefined) usage(`Say what the file holds with --type: ${IMPORT_TYPES.join(', ')}.`);
  const type = values.type.trim().toLowerCase();
  if (!isImportType(type)) usage(`Unknown --type "${values.type}": use ${IMPORT_TYPES.join(', ')}.`);
  const map = parseColumnMap(values.map ?? [], type);
  const settings = resolveStoreSettings(values, io.env);
  const size = fileSize(file);

  const store = await deps.openStore(settings.url);
  const progress = startProgress(io.stderr, { label: `Importing ${type}`, total: size, plainFrom: PLAIN_PROGRESS_BYTES });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const summary = await importCsv(directory, createReadStream(file), {
      type,
      map,
      onProgress: (p) => progress.update(p.bytes, `${p.rows.toLocaleString('en-US')} rows, ${p.skipped.toLocaleString('en-US')} skipped`),
    });
    progress.stop();
    if (values.json) io.stdout.write(`${JSON.stringify({ file, database: describeDatabase(settings.url), region: settings.region, ...summary }, null, 2)}\n`);
    else io.stdout.write(formatImportSummary(summary, file));
    return summary.skipped > 0 ? 1 : 0;
  } finally {
    progress.stop();
    await store.close();
  }
}

function fileSize(file: string): number {
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') usage(`There is no file "${file}" (looked for ${resolve(file)}). Check the path; run the command from the file's folder or give its full path.`);
    if (code === 'EACCES') usage(`Cannot read "${file}": permission denied. Give yourself read access or copy the file somewhere readable.`);
    throw err;
  }
  if (stat.isDirectory()) usage(`"${file}" is a folder; name the CSV file inside it.`);
  return stat.size;
}

function usage(message: string): never {
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
