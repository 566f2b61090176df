/**
 * The flags shared by the directory commands (import, lookup, seed): where the store is and which
 * region numbers without a country code belong to. A flag wins over its environment variable,
 * which wins over the default, as for the `ami` commands.
 */
import { existsSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { configDefault } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { Locale } from '../i18n/locales.ts';
import { translator, type Translator } from '../i18n/translator.ts';
import type { CountryCode } from '../phone/types.ts';
import { DEFAULT_SQLITE_PATH, openStore, type Store } from '../store/store.ts';
import type { CliIo } from './io.ts';
import { cliTexts, setting } from './settings.ts';

export const DEFAULT_REGION = configDefault('DEFAULT_REGION');

export const storeOptions = {
  database: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The store flags' part of a directory command's help. */
export function storeUsage(texts: Translator): string {
  return texts.t('cli.store.usage', { sqlitePath: DEFAULT_SQLITE_PATH, region: DEFAULT_REGION });
}

export interface StoreSettings {
  /** Never printed as given: a PostgreSQL URL may hold a password (see `describeDatabase`). */
  url: string;
  region: CountryCode;
}

/** Resolves the settings, or throws CONFIG_ERR_INVALID saying which flag or variable to fix. */
export function resolveStoreSettings(values: { database?: string; region?: string }, env: CliIo['env']): StoreSettings {
  const texts = cliTexts(env);
  const empty = texts.t('cli.store.databaseEmpty');
  const url = setting(env, 'DATABASE_URL', { flag: { name: '--database', value: values.database }, invalid: () => empty }) ?? DEFAULT_SQLITE_PATH;
  if (url.trim() === '') throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, empty);
  const region = setting(env, 'DEFAULT_REGION', {
    flag: { name: '--region', value: values.region },
    invalid: (text, from) => {
      const code = text.trim().toUpperCase();
      const hint = code === 'UK' ? 'uk' : code === 'EN' || code === 'EU' ? 'notCountry' : 'none';
      return texts.t('cli.store.notRegion', { from, given: JSON.stringify(text), hint });
    },
  });
  return { url, region: region ?? DEFAULT_REGION };
}

/** The store as people may see it: a SQLite path, or a PostgreSQL URL without its password. */
export function describeDatabase(url: string, texts: Translator = translator('en')): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return texts.t('cli.store.postgresInSetting');
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
 * a new empty directory. `locale`: the language of its errors (the command line's).
 */
export type OpenStore = (url: string, options?: { existing?: boolean; locale?: Locale }) => Promise<Store>;

export const openStoreAt: OpenStore = async (url, options = {}) => {
  const texts = translator(options.locale ?? 'en');
  if (options.existing && isMissingSqliteFile(url)) {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, texts.t('cli.store.noDirectory', { database: describeDatabase(url, texts) }));
  }
  try {
    return await openStore({ url });
  } catch (err) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      texts.t('cli.store.cannotOpen', { database: describeDatabase(url, texts), message: (err as Error).message }),
      {},
      { cause: err },
    );
  }
};
