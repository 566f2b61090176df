/**
 * The connection flags shared by the `ami` commands, and how they combine with the environment:
 * a flag wins over its environment variable, which wins over the default. Each setting has the
 * environment variable's own name as a flag (`--AMI_HOST`), so an admin who knows one knows the
 * other, and a lowercase alias (`--host`) for typing.
 */
import type { ParseArgsConfig } from 'node:util';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 5038;
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
export function resolveConnection(values: ConnectionValues, env: Readonly<Record<string, string | undefined>>): ConnectionSettings {
  const pick = (flag: string | undefined, alias: string | undefined, name: string): { value: string; from: string } | undefined => {
    if (flag !== undefined) return { value: flag, from: `--${name}` };
    if (alias !== undefined) return { value: alias, from: `--${name.slice(4).toLowerCase()}` };
    const fromEnv = env[name];
    // An empty variable (`AMI_HOST= crm-telephony ...`) means "not set", as in most shells' tools.
    return fromEnv === undefined || fromEnv === '' ? undefined : { value: fromEnv, from: name };
  };

  const username = pick(values.AMI_USERNAME, values.username, 'AMI_USERNAME');
  const secret = pick(values.AMI_SECRET, values.secret, 'AMI_SECRET');
  const missing: string[] = [];
  if (!username?.value) missing.push('No AMI user: set AMI_USERNAME in the environment, or pass --AMI_USERNAME <user> (or --username <user>).');
  if (!secret?.value) missing.push('No AMI secret: set AMI_SECRET in the environment, or pass --AMI_SECRET <secret> (or --secret <secret>).');
  if (missing.length > 0) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `${missing.join('\n')}\nBoth are in the PBX's manager.conf ([user] section and its "secret").`,
      { missing: missing.length },
    );
  }

  const port = pick(values.AMI_PORT, values.port, 'AMI_PORT');
  const timeout = values.timeout === undefined ? undefined : { value: values.timeout, from: '--timeout' };
  const authEnv = env['AMI_AUTH'];
  if (!values.md5 && authEnv !== undefined && authEnv !== '' && authEnv !== 'plain' && authEnv !== 'md5') {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `AMI_AUTH must be "plain" or "md5", not ${JSON.stringify(authEnv)}.`);
  }
  return {
    host: pick(values.AMI_HOST, values.host, 'AMI_HOST')?.value ?? DEFAULT_HOST,
    port: port ? wholeNumber(port, 1, 65_535, 'an AMI port') : DEFAULT_PORT,
    username: username!.value,
    secret: secret!.value,
    authType: values.md5 || authEnv === 'md5' ? 'md5' : 'plain',
    timeoutMs: timeout ? wholeNumber(timeout, 1, 24 * 3600 * 1000, 'a number of milliseconds') : DEFAULT_TIMEOUT_MS,
  };
}

function wholeNumber(setting: { value: string; from: string }, min: number, max: number, what: string): number {
  const n = /^\d+$/.test(setting.value.trim()) ? Number(setting.value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `${setting.from} must be ${what}, a whole number from ${min} to ${max}; got ${JSON.stringify(setting.value)}.`,
    );
  }
  return n;
}
