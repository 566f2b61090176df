/**
 * Which CSV columns each import type understands, and how a file's header row (renamed by
 * `--map`) becomes positions of those columns. Pure; every refusal says what to change.
 */
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';
import type { PhoneKind } from '../record-types.ts';

export const IMPORT_TYPES = ['contacts', 'accounts', 'leads', 'users'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

export const isImportType = (value: string): value is ImportType => (IMPORT_TYPES as readonly string[]).includes(value);

/** The default columns, in the order a template file would have them. */
export const COLUMNS: Record<ImportType, readonly string[]> = {
  users: ['login', 'name', 'extensions', 'role', 'password'],
  accounts: ['id', 'name', 'phone_office', 'phone_alternate', 'phone_fax', 'assigned_user'],
  contacts: ['id', 'first_name', 'last_name', 'account_id', 'phone_work', 'phone_mobile', 'phone_home', 'phone_other', 'phone_fax', 'assigned_user'],
  leads: ['id', 'first_name', 'last_name', 'account_name', 'status', 'phone_work', 'phone_mobile', 'phone_home', 'phone_other', 'phone_fax', 'assigned_user'],
};

/** Columns the header must have (a row may still leave a name empty; see rows.ts). */
const REQUIRED_HEADER: Record<ImportType, readonly (string | readonly string[])[]> = {
  users: ['login', 'name'],
  accounts: ['id', 'name'],
  contacts: ['id', ['first_name', 'last_name']],
  leads: ['id', ['first_name', 'last_name']],
};

/** `phone_mobile` -> `mobile`, for the phone columns of a type. */
export function phoneColumns(type: ImportType): { column: string; kind: PhoneKind }[] {
  return COLUMNS[type].filter((c) => c.startsWith('phone_')).map((column) => ({ column, kind: column.slice('phone_'.length) as PhoneKind }));
}

/**
 * Parses `--map "Mobile Phone=phone_mobile,Account=account_id"`: file column = our column. The
 * flag may be given several times; pairs are split at commas and at the last "=" (a header may hold "=").
 */
export function parseColumnMap(specs: readonly string[], type: ImportType): Map<string, string> {
  const map = new Map<string, string>();
  for (const spec of specs) {
    for (const pair of spec.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.lastIndexOf('=');
      const from = at < 0 ? '' : pair.slice(0, at).trim();
      const to = at < 0 ? '' : pair.slice(at + 1).trim().toLowerCase();
      if (from === '' || to === '') {
        throw usage(`--map takes "File column=our_column" pairs separated by commas, such as --map "Mobile Phone=phone_mobile"; got ${JSON.stringify(pair.trim())}.`);
      }
      if (!COLUMNS[type].includes(to)) {
        throw usage(`--map names "${to}", which is not a column of ${type}. The ${type} columns are: ${COLUMNS[type].join(', ')}.`);
      }
      map.set(from, to);
    }
  }
  return map;
}

export interface HeaderLayout {
  /** Our column -> its position in each row. */
  positions: Map<string, number>;
  /** How many fields every row must have. */
  width: number;
  /** Header columns that are neither ours nor mapped: read past, never imported. */
  ignored: string[];
}

/**
 * Matches the header row to our columns: `--map` first (exact name, then ignoring case), then our
 * own names ignoring case and surrounding spaces. Refuses a header that lacks what the type
 * needs, or names one of our columns twice.
 */
export function resolveHeader(header: readonly string[], type: ImportType, map: ReadonlyMap<string, string>): HeaderLayout {
  const clean = header.map((h) => h.trim());
  const mapped = new Map<string, string>();
  for (const [from, to] of map) {
    const exact = clean.indexOf(from);
    const i = exact >= 0 ? exact : clean.findIndex((h) => h.toLowerCase() === from.toLowerCase());
    if (i < 0) throw usage(`--map names the column "${from}", which the file's header does not have. The header has: ${quoteList(clean)}.`);
    mapped.set(String(i), to);
  }
  const positions = new Map<string, number>();
  const ignored: string[] = [];
  clean.forEach((name, i) => {
    const ours = mapped.get(String(i)) ?? (COLUMNS[type].includes(name.toLowerCase()) ? name.toLowerCase() : undefined);
    if (ours === undefined) {
      ignored.push(name);
      return;
    }
    if (positions.has(ours)) {
      throw usage(`Two header columns both give "${ours}" (columns ${positions.get(ours)! + 1} and ${i + 1}). Rename one, or map only one with --map.`);
    }
    positions.set(ours, i);
  });
  for (const need of REQUIRED_HEADER[type]) {
    const options = typeof need === 'string' ? [need] : need;
    if (!options.some((c) => positions.has(c))) {
      // One column that names several of ours: the file is split by a character we do not read as a separator.
      const oneColumn =
        clean.length === 1
          ? ' The header reads as one column: the file may use another separator than a comma, a semicolon or a tab. Save it as CSV with one of those.'
          : '';
      throw usage(
        `The header has no "${options.join('" or "')}" column, which ${type} need. The header has: ${quoteList(clean)}.${oneColumn} ` +
          `Rename the file's column, or map it: --map "Its Name=${options[0]}". Expected columns: ${COLUMNS[type].join(',')}.`,
      );
    }
  }
  return { positions, width: header.length, ignored };
}

function quoteList(names: readonly string[]): string {
  return names.length === 0 ? '(nothing)' : names.map((n) => JSON.stringify(n)).join(', ');
}

function usage(message: string): CrmTelephonyError {
  return new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
