/**
 * How a command reads a setting: the flag standing in for it when one is given, else its
 * environment variable, else nothing (the command picks its default). Both are read by the
 * variable's own entry in the one schema (`src/config.ts`), so a command takes what the service
 * takes, and reads only the variables it uses: a bad one it does not use never stops it.
 */
import { readSetting, type Config, type ConfigKey } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
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
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, options.invalid?.(given.text, given.from) ?? `${given.from} is not valid: ${reading.problem}.`, { setting: key });
}
