/**
 * The flags shared by the directory commands (import, lookup, seed): where the store is and which
 * region numbers without a country code belong to. A flag wins over its environment variable,
 * which wins over the default, as for the `ami` commands.
 */
import { existsSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { configDefault } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { CountryCode } from '../phone/types.ts';
import { DEFAULT_SQLITE_PATH, openStore, type Store } from '../store/store.ts';
import type { CliIo } from './io.ts';
import { setting } from './settings.ts';

export const DEFAULT_REGION = configDefault('DEFAULT_REGION');

export const storeOptions = {
  database: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const STORE_USAGE = `Store:
  --database <url>     postgres://user@host:5432/db for PostgreSQL, or a SQLite file path.
                       Env DATABASE_URL; default ${DEFAULT_SQLITE_PATH}.
  --region <CC>        Region of numbers written without a country code: an ISO 3166-1 code
                       such as US, RU, DE, GB (GB, not UK). Env DEFAULT_REGION; default ${DEFAULT_REGION}.
  -h, --help           Show this help.
`;

export interface StoreSettings {
  /** Never printed as given: a PostgreSQL URL may hold a password (see `describeDatabase`). */
  url: string;
  region: CountryCode;
}

/** Resolves the settings, or throws CONFIG_ERR_INVALID saying which flag or variable to fix. */
export function resolveStoreSettings(values: { database?: string; region?: string }, env: CliIo['env']): StoreSettings {
  const empty = '--database is empty: give a postgres:// URL or a SQLite file path.';
  const url = setting(env, 'DATABASE_URL', { flag: { name: '--database', value: values.database }, invalid: () => empty }) ?? DEFAULT_SQLITE_PATH;
  if (url.trim() === '') throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, empty);
  const region = setting(env, 'DEFAULT_REGION', {
    flag: { name: '--region', value: values.region },
    invalid: (text, from) => {
      const code = text.trim().toUpperCase();
      const hint = code === 'UK' ? ' Use GB, not UK.' : code === 'EN' || code === 'EU' ? ' Use a country, such as GB or DE.' : '';
      return `${from} ${JSON.stringify(text)} is not a region code.${hint} Use an ISO 3166-1 alpha-2 code such as US, RU, DE, GB.`;
    },
  });
  return { url, region: region ?? DEFAULT_REGION };
}

/** The store as people may see it: a SQLite path, or a PostgreSQL URL without its password. */
export function describeDatabase(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'the PostgreSQL database in DATABASE_URL';
  }
}

/** True for a SQLite file that does not exist yet. */
function isMissingSqliteFile(url: string): boolean {
  if (/^postgres(ql)?:\/\//i.test(url) || url === ':memory:') return false;
  return !existsSync(url.replace(/^sqlite:(\/\/)?/i, ''));
}

/**
 * How the directory commands open their store; tests pass their own (an in-memory or schema-scoped
 * store). `existing`: the command only reads, so a SQLite file that is not there is an error, not
 * a new empty directory.
 */
export type OpenStore = (url: string, options?: { existing?: boolean }) => Promise<Store>;

export const openStoreAt: OpenStore = async (url, options = {}) => {
  if (options.existing && isMissingSqliteFile(url)) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `There is no directory at ${describeDatabase(url)}. Import or seed one first (crm-telephony seed --contacts 1000), or point --database (or DATABASE_URL) at yours.`,
    );
  }
  try {
    return await openStore({ url });
  } catch (err) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `Could not open the database ${describeDatabase(url)}: ${(err as Error).message}. Check --database or DATABASE_URL (postgres://user@host:5432/db, or a SQLite file path).`,
      {},
      { cause: err },
    );
  }
};
