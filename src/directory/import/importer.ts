/**
 * Imports a CSV of users, accounts, contacts or leads into the directory: streams the file
 * (constant memory whatever its size), writes in batches through `bulkUpsert` (one transaction
 * each, phone index included), and keeps going past bad rows, reporting each with its line number
 * and reason. Idempotent: records are keyed by the file's `id` column and users by login, so a
 * second import of the same file updates and never duplicates.
 */
import type { Readable } from 'node:stream';
import { CrmTelephonyError, ErrorCodes, isCrmTelephonyError } from '../../errors.ts';
import { bulkUpsert } from '../bulk-write.ts';
import type { Directory } from '../directory.ts';
import { COLUMNS, resolveHeader, type ImportType } from './columns.ts';
import { readCsv, type Delimiter } from './csv-records.ts';
import { rowToInput, type RowInput, type RowWarning, type SkipCode, type WarningCode } from './rows.ts';

export interface ImportOptions {
  type: ImportType;
  /** File column -> our column, from `--map` (see `parseColumnMap`). */
  map?: ReadonlyMap<string, string>;
  /**
   * Rows per write transaction. Default and most 999, because bulkUpsert runs ANALYZE after
   * any call of 1000 rows or more, and the importer runs it once at the end instead.
   */
  batchSize?: number;
  /** Called after each batch is written. */
  onProgress?: (progress: ImportProgress) => void;
  /** Called once the header is understood, with the file's columns that will not be imported. */
  onHeader?: (ignoredColumns: readonly string[]) => void;
  /** How many skipped rows and warnings to keep with their line numbers (all are counted). Default 1000. */
  maxDetails?: number;
}

export interface ImportProgress {
  /** Data rows read so far (good and bad). */
  rows: number;
  /** Bytes of the file read so far. */
  bytes: number;
  created: number;
  updated: number;
  skipped: number;
}

export interface ImportIssue {
  line: number;
  code: SkipCode | WarningCode;
  reason: string;
}

export interface ImportSummary {
  type: ImportType;
  /** Data rows in the file (blank lines not counted). */
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  /** Rows imported with a warning (an unknown assigned user, a phone that is not a valid number). */
  warned: number;
  /** The first `maxDetails` skipped rows, in file order. */
  skippedRows: ImportIssue[];
  /** The first `maxDetails` warnings, in file order. */
  warnings: ImportIssue[];
  /** Header columns that are not ours and were not mapped: not imported. */
  ignoredColumns: string[];
  /** The separator the header line showed (`,`, `;` or a tab), used for every row. */
  delimiter: Delimiter;
  elapsedMs: number;
}

interface Pending {
  line: number;
  value: RowInput;
  warnings: RowWarning[];
}

const DEFAULT_BATCH = 999;
const MAX_BATCH = 999;
const ANALYZE_AFTER_ROWS = 1000;
const IN_LIST_CHUNK = 500;

export async function importCsv(directory: Directory, input: Readable, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const { type } = options;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH, MAX_BATCH));
  const maxDetails = options.maxDetails ?? 1000;
  const summary: ImportSummary = { type, rows: 0, created: 0, updated: 0, skipped: 0, warned: 0, skippedRows: [], warnings: [], ignoredColumns: [], delimiter: ',', elapsedMs: 0 };
  const usersByLogin = new Map((await directory.listUsers()).map((u) => [u.login.toLowerCase(), u.id]));
  const ctx = { usersByLogin, region: directory.defaultRegion };

  let bytes = 0;
  input.on('data', (chunk: Buffer | string) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  });
  const progress = (): void => options.onProgress?.({ rows: summary.rows, bytes, created: summary.created, updated: summary.updated, skipped: summary.skipped });
  const skip = (line: number, code: SkipCode, reason: string): void => {
    summary.skipped += 1;
    if (summary.skippedRows.length < maxDetails) summary.skippedRows.push({ line, code, reason });
  };
  const written = (row: Pending): void => {
    if (row.warnings.length === 0) return;
    summary.warned += 1;
    for (const w of row.warnings) if (summary.warnings.length < maxDetails) summary.warnings.push({ line: row.line, code: w.code, reason: w.message });
  };

  let positions = new Map<string, number>();
  let sawHeader = false;
  const rows = readCsv(input, (header, _line, delimiter) => {
    summary.delimiter = delimiter;
    const layout = resolveHeader(header, type, options.map ?? new Map());
    positions = layout.positions;
    summary.ignoredColumns = layout.ignored;
    sawHeader = true;
    options.onHeader?.(layout.ignored);
    return { width: layout.width, oneLine: [...layout.positions.values()] };
  });

  let pending: Pending[] = [];
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    if (type === 'users') await writeUsers(directory, batch, summary, skip, written);
    else await writeRecords(directory, type, batch, summary, skip, written);
    progress();
  };

  for await (const item of rows) {
    summary.rows += 1;
    if (item.kind === 'broken') {
      skip(item.line, item.code, item.reason);
      continue;
    }
    const get = (column: string): string => {
      const at = positions.get(column);
      return at === undefined ? '' : (item.fields[at] ?? '').trim();
    };
    const result = rowToInput(type, get, ctx);
    if (!result.ok) skip(item.line, result.code, result.reason);
    else pending.push({ line: item.line, value: result.value, warnings: result.warnings });
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  if (!sawHeader) {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `The file is empty. It needs a header row naming its columns first, such as: ${headerExample(type)}`);
  }
  // One fresh set of planner statistics after a big load (see Directory.refreshStatistics), not one per batch.
  if (summary.created + summary.updated >= ANALYZE_AFTER_ROWS) await directory.refreshStatistics();
  // Rows refused by the database are found after those refused on reading, batch by batch.
  summary.skippedRows.sort((a, b) => a.line - b.line);
  summary.elapsedMs = Math.round(performance.now() - started);
  progress();
  return summary;
}

type Skip = (line: number, code: SkipCode, reason: string) => void;

async function writeRecords(
  directory: Directory,
  type: Exclude<ImportType, 'users'>,
  batch: Pending[],
  summary: ImportSummary,
  skip: Skip,
  written: (row: Pending) => void,
): Promise<void> {
  let rows = batch;
  if (type === 'contacts') rows = await withKnownAccounts(directory, batch, skip);
  if (rows.length === 0) return;
  const recordType = type === 'contacts' ? 'contact' : type === 'accounts' ? 'account' : 'lead';
  const write = (part: Pending[]) => bulkUpsert(directory, recordType, part.map((r) => r.value.input as never), { batchSize: part.length });
  try {
    const result = await write(rows);
    summary.created += result.created;
    summary.updated += result.updated;
    rows.forEach(written);
  } catch (batchError) {
    // One row the database refuses must not cost the others: write them one by one to find it.
    let failures = 0;
    for (const row of rows) {
      try {
        const result = await write([row]);
        summary.created += result.created;
        summary.updated += result.updated;
        written(row);
      } catch (err) {
        failures += 1;
        if (failures === rows.length) throw batchError; // every row fails: the database, not the data
        skip(row.line, 'WRITE_FAILED', `the database refused this row: ${(err as Error).message}`);
      }
    }
  }
}

/** Skips contacts whose account_id names no account: a dangling link would show a blank company on every call. */
async function withKnownAccounts(directory: Directory, batch: Pending[], skip: Skip): Promise<Pending[]> {
  const wanted = [...new Set(batch.map((r) => (r.value.type === 'contacts' ? r.value.input.accountId : null)).filter((id): id is string => !!id))];
  const known = new Set<string>();
  for (let i = 0; i < wanted.length; i += IN_LIST_CHUNK) {
    const found = await directory.store.db.selectFrom('accounts').select('id').where('id', 'in', wanted.slice(i, i + IN_LIST_CHUNK)).execute();
    for (const r of found) known.add(r.id);
  }
  return batch.filter((r) => {
    const accountId = r.value.type === 'contacts' ? r.value.input.accountId : null;
    if (!accountId || known.has(accountId)) return true;
    skip(r.line, 'UNKNOWN_ACCOUNT', `unknown account id ${JSON.stringify(accountId)}: import the accounts first (--type accounts), or leave account_id empty.`);
    return false;
  });
}

async function writeUsers(directory: Directory, batch: Pending[], summary: ImportSummary, skip: Skip, written: (row: Pending) => void): Promise<void> {
  for (const row of batch) {
    if (row.value.type !== 'users') continue;
    try {
      const result = await directory.upsertUser(row.value.input);
      if (result.created) summary.created += 1;
      else summary.updated += 1;
      written(row);
    } catch (err) {
      if (isCrmTelephonyError(err, ErrorCodes.DIRECTORY_ERR_CONFLICT)) skip(row.line, 'EXTENSION_TAKEN', err.message);
      else if (isCrmTelephonyError(err, ErrorCodes.DIRECTORY_ERR_INVALID)) skip(row.line, 'INVALID_EXTENSION', err.message);
      else throw err;
    }
  }
}

function headerExample(type: ImportType): string {
  return COLUMNS[type].join(',');
}
