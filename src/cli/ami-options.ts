/**
 * The connection flags shared by the `ami` commands, and how they combine with the environment:
 * a flag wins over its environment variable, which wins over the default. Each setting has the
 * environment variable's own name as a flag (`--AMI_HOST`), so an admin who knows one knows the
 * other, and a lowercase alias (`--host`) for typing.
 */
import type { ParseArgsConfig } from 'node:util';
import { configDefault, type ConfigKey } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { cliTexts, setting, type SettingFlag } from './settings.ts';

/** Unlike the service (which runs its demo PBX when AMI_HOST is unset), the commands try this machine. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = configDefault('AMI_PORT');
/** The service's own default user (`crm`, as the README's manager.conf example names it). */
export const DEFAULT_USERNAME = configDefault('AMI_USERNAME');
export const DEFAULT_TIMEOUT_MS = 10_000;

export const connectionOptions = {
  AMI_HOST: { type: 'string' },
  host: { type: 'string' },
  AMI_PORT: { type: 'string' },
  port: { type: 'string' },
  AMI_USERNAME: { type: 'string' },
  username: { type: 'string' },
  AMI_SECRET: { type: 'string' },
  secret: { type: 'string' },
  md5: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The connection flags' part of an `ami` command's help. */
export function connectionUsage(texts: Translator): string {
  return texts.t('cli.ami.connectionUsage', { host: DEFAULT_HOST, port: String(DEFAULT_PORT), username: DEFAULT_USERNAME, timeout: String(DEFAULT_TIMEOUT_MS) });
}

type ConnectionValues = { [K in keyof typeof connectionOptions]?: (typeof connectionOptions)[K]['type'] extends 'boolean' ? boolean : string };

export interface ConnectionSettings {
  host: string;
  port: number;
  username: string;
  /** Never printed. */
  secret: string;
  authType: 'plain' | 'md5';
  timeoutMs: number;
}

/**
 * Resolves the settings, or throws CONFIG_ERR_INVALID naming the environment variable or flag to
 * set. Error messages may quote a bad port or timeout, never the secret.
 */
export function resolveConnection(values: ConnectionValues, env: CliIo['env']): ConnectionSettings {
  const texts = cliTexts(env);
  /** The flag given for a setting, under the name it was given by: `--AMI_PORT`, or its alias `--port`. */
  const flag = (full: string | undefined, alias: string | undefined, name: ConfigKey): SettingFlag | undefined => {
    if (full !== undefined) return { name: `--${name}`, value: full };
    if (alias !== undefined) return { name: `--${name.slice(4).toLowerCase()}`, value: alias };
    return undefined;
  };

  // An empty --username counts as not given (its schema entry refuses it), as an empty variable does.
  const userFlag = flag(values.AMI_USERNAME, values.username, 'AMI_USERNAME');
  const username = (userFlag?.value === '' ? undefined : setting(env, 'AMI_USERNAME', { flag: userFlag })) ?? DEFAULT_USERNAME;
  const secret = setting(env, 'AMI_SECRET', { flag: flag(values.AMI_SECRET, values.secret, 'AMI_SECRET') });
  if (!secret) throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, texts.t('cli.ami.noSecret', { username }), { missing: 1 });

  const port = setting(env, 'AMI_PORT', {
    flag: flag(values.AMI_PORT, values.port, 'AMI_PORT'),
    invalid: (text, from) => texts.t('cli.ami.badPort', { from, given: JSON.stringify(text) }),
  });
  const timeout = values.timeout === undefined ? undefined : { value: values.timeout, from: '--timeout' };
  // --md5 wins over AMI_AUTH, whatever it holds.
  const authType = values.md5 ? 'md5' : setting(env, 'AMI_AUTH', { invalid: (text) => texts.t('cli.ami.badAuth', { given: JSON.stringify(text) }) });
  return {
    host: setting(env, 'AMI_HOST', { flag: flag(values.AMI_HOST, values.host, 'AMI_HOST') }) ?? DEFAULT_HOST,
    port: port ?? DEFAULT_PORT,
    username,
    secret,
    authType: authType ?? 'plain',
    timeoutMs: timeout ? milliseconds(timeout, 1, 24 * 3600 * 1000, texts) : DEFAULT_TIMEOUT_MS,
  };
}

function milliseconds(given: { value: string; from: string }, min: number, max: number, texts: Translator): number {
  const n = /^\d+$/.test(given.value.trim()) ? Number(given.value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      texts.t('cli.ami.badTimeout', { from: given.from, min: String(min), max: String(max), given: JSON.stringify(given.value) }),
    );
  }
  return n;
}
