/**
 * How a command reads a setting: the flag standing in for it when one is given, else its
 * environment variable, else nothing (the command picks its default). Both are read by the
 * variable's own entry in the one schema (`src/config.ts`), so a command takes what the service
 * takes, and reads only the variables it uses: a bad one it does not use never stops it.
 */
import { readSetting, type Config, type ConfigKey } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { DEFAULT_LOCALE, pickLocale, type Locale } from '../i18n/locales.ts';
import { translator, type Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';

/** A flag standing in for a variable: its name as typed (`--port`), and its value if given. */
export interface SettingFlag {
  name: string;
  value: string | undefined;
}

export interface SettingOptions {
  flag?: SettingFlag | undefined;
  /**
   * The error's words for a value the schema refuses, naming where it came from (`--port` or
   * `AMI_PORT`). Default: that place and the schema's complaint, without the value (it may be a
   * secret).
   */
  invalid?: (text: string, from: string) => string;
}

/**
 * The setting's value, or `undefined` when neither the flag nor the variable is given. An empty
 * variable (`AMI_HOST= crm-telephony ...`) counts as not set, as in most shells' tools. A value the
 * schema refuses throws CONFIG_ERR_INVALID: a usage error, nothing was sent or written.
 */
export function setting<K extends ConfigKey>(env: CliIo['env'], key: K, options: SettingOptions = {}): Config[K] | undefined {
  const { flag } = options;
  const fromEnv = env[key];
  const given = flag?.value !== undefined ? { text: flag.value, from: flag.name } : fromEnv === undefined || fromEnv === '' ? undefined : { text: fromEnv, from: key };
  if (given === undefined) return undefined;
  const reading = readSetting(key, given.text);
  if (reading.ok) return reading.value;
  const message = options.invalid?.(given.text, given.from) ?? cliTexts(env).t('cli.settings.invalid', { from: given.from, problem: reading.problem });
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message, { setting: key });
}

/**
 * The variables that choose the command line's language, in the order they count: ours, then the
 * system's own (POSIX: LC_ALL overrides LC_MESSAGES, which overrides LANG). They are read here, by
 * name, not through the schema: LC_ALL, LC_MESSAGES and LANG belong to the system, not to us, and
 * whatever they hold (`de_DE.UTF-8`, `C`) is taken without complaint; CRM_TELEPHONY_LANG goes with
 * them so that one rule picks the language.
 */
const LANGUAGE_VARIABLES = ['CRM_TELEPHONY_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/**
 * The language people read the command line's messages in: the first of LANGUAGE_VARIABLES that is
 * set decides (`ru`, `ru_RU.UTF-8`); `C` and `POSIX` (the system's "no locale") and a language we
 * have no messages for are English.
 */
export function cliLocale(env: CliIo['env']): Locale {
  for (const name of LANGUAGE_VARIABLES) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    return /^(C|POSIX)([._@]|$)/i.test(value) ? DEFAULT_LOCALE : pickLocale([value]);
  }
  return DEFAULT_LOCALE;
}

/** The `cli.*` messages in the language of `cliLocale`. */
export function cliTexts(env: CliIo['env']): Translator {
  return translator(cliLocale(env));
}
