/**
 * The connection flags shared by the `ami` commands, and how they combine with the environment:
 * a flag wins over its environment variable, which wins over the default. Each setting has the
 * environment variable's own name as a flag (`--AMI_HOST`), so an admin who knows one knows the
 * other, and a lowercase alias (`--host`) for typing.
 */
import type { ParseArgsConfig } from 'node:util';
import { configDefault, type ConfigKey } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { CliIo } from './io.ts';
import { setting, type SettingFlag } from './settings.ts';

/** Unlike the service (which runs its demo PBX when AMI_HOST is unset), the commands try this machine. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = configDefault('AMI_PORT');
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

export const CONNECTION_USAGE = `Connection (a flag wins over its environment variable):
  --AMI_HOST, --host <host>          PBX address. Env AMI_HOST; default ${DEFAULT_HOST}.
  --AMI_PORT, --port <port>          AMI TCP port (manager.conf "port"). Env AMI_PORT; default ${DEFAULT_PORT}.
  --AMI_USERNAME, --username <user>  AMI user (a section of manager.conf). Env AMI_USERNAME; required.
  --AMI_SECRET, --secret <secret>    That user's secret. Env AMI_SECRET; required. Prefer the
                                     environment variable: flags show in "ps" and shell history.
  --md5                              Log in by MD5 challenge instead of sending the secret
                                     (same as AMI_AUTH=md5).
  --timeout <ms>                     How long connecting and logging in may take (and, for
                                     "send", the action). Default ${DEFAULT_TIMEOUT_MS}.
  -h, --help                         Show this help.
`;

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
  /** The flag given for a setting, under the name it was given by: `--AMI_PORT`, or its alias `--port`. */
  const flag = (full: string | undefined, alias: string | undefined, name: ConfigKey): SettingFlag | undefined => {
    if (full !== undefined) return { name: `--${name}`, value: full };
    if (alias !== undefined) return { name: `--${name.slice(4).toLowerCase()}`, value: alias };
    return undefined;
  };

  // An empty --username counts as missing (its schema entry refuses it), as an empty secret does.
  const userFlag = flag(values.AMI_USERNAME, values.username, 'AMI_USERNAME');
  const username = userFlag?.value === '' ? undefined : setting(env, 'AMI_USERNAME', { flag: userFlag });
  const secret = setting(env, 'AMI_SECRET', { flag: flag(values.AMI_SECRET, values.secret, 'AMI_SECRET') });
  const missing: string[] = [];
  if (!username) missing.push('No AMI user: set AMI_USERNAME in the environment, or pass --AMI_USERNAME <user> (or --username <user>).');
  if (!secret) missing.push('No AMI secret: set AMI_SECRET in the environment, or pass --AMI_SECRET <secret> (or --secret <secret>).');
  if (missing.length > 0) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `${missing.join('\n')}\nBoth are in the PBX's manager.conf ([user] section and its "secret").`,
      { missing: missing.length },
    );
  }

  const port = setting(env, 'AMI_PORT', {
    flag: flag(values.AMI_PORT, values.port, 'AMI_PORT'),
    invalid: (text, from) => `${from} must be an AMI port, a whole number from 1 to 65535; got ${JSON.stringify(text)}.`,
  });
  const timeout = values.timeout === undefined ? undefined : { value: values.timeout, from: '--timeout' };
  // --md5 wins over AMI_AUTH, whatever it holds.
  const authType = values.md5 ? 'md5' : setting(env, 'AMI_AUTH', { invalid: (text) => `AMI_AUTH must be "plain" or "md5", not ${JSON.stringify(text)}.` });
  return {
    host: setting(env, 'AMI_HOST', { flag: flag(values.AMI_HOST, values.host, 'AMI_HOST') }) ?? DEFAULT_HOST,
    port: port ?? DEFAULT_PORT,
    username: username!,
    secret: secret!,
    authType: authType ?? 'plain',
    timeoutMs: timeout ? wholeNumber(timeout, 1, 24 * 3600 * 1000, 'a number of milliseconds') : DEFAULT_TIMEOUT_MS,
  };
}

function wholeNumber(given: { value: string; from: string }, min: number, max: number, what: string): number {
  const n = /^\d+$/.test(given.value.trim()) ? Number(given.value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `${given.from} must be ${what}, a whole number from ${min} to ${max}; got ${JSON.stringify(given.value)}.`,
    );
  }
  return n;
}
