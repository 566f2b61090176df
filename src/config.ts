/**
 * The one configuration schema: every environment variable the service, the demo or the command
 * line reads is declared here once, with its type, its default and what it is for. Every option has
 * a default that runs out of the box and is documented in the README (or the README of its folder).
 * The service reads them all (`loadConfig`); a command reads only its own (`readSetting`), so a
 * variable it does not use never stops it.
 */
import { z } from 'zod';
import { CrmTelephonyError, ErrorCodes } from './errors.ts';
import { isSupportedRegion } from './phone/region.ts';
import { routingConfigSchema } from './routing/config.ts';
import { crmSsoConfigSchema } from './web/auth/crm-sso.ts';
import { suitecrmConfigSchema } from './crm/config.ts';
import { recordingsConfigSchema } from './recordings/config.ts';
import { cdrConfigSchema } from './cdr/config.ts';
import { missedConfigSchema } from './missed/config.ts';
import { LOCALES } from './i18n/locales.ts';
import type { CountryCode } from './phone/types.ts';

const port = z.coerce.number().int().min(1).max(65535);

/** Whether Intl knows the zone (the reports compute local days with it). */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const baseSchema = z.object({
  /** AMI host of the PBX. Unset: the built-in PBX simulator runs as a demo PBX. */
  AMI_HOST: z.string().min(1).optional(),
  /** AMI TCP port (manager.conf `port`). */
  AMI_PORT: port.default(5038),
  /** AMI user (a section of manager.conf). */
  AMI_USERNAME: z.string().min(1).default('crm'),
  /** That user's secret. Never logged. */
  AMI_SECRET: z.string().optional(),
  /** `plain` or `md5` (challenge) login. */
  AMI_AUTH: z.enum(['plain', 'md5']).default('plain'),
  /** AMI over TLS (manager.conf `tlsenable`; set AMI_PORT to its `tlsbindport`, 5039 by default): `off`, `on` (the certificate is checked), `insecure` (not checked: a lab PBX only). */
  AMI_TLS: z.enum(['off', 'on', 'insecure']).default('off'),
  /** AMI over TLS: a PEM file of the authority that signed the PBX's certificate (default: the system's). */
  AMI_TLS_CA: z.string().min(1).optional(),
  /** A JSON file listing more PBXs (branch offices) beside the AMI_* one: see README, "Several PBXs". */
  CRM_TELEPHONY_CONFIG: z.string().min(1).optional(),
  /** The key that opens the PBX file's `secretEncrypted` secrets (at least 16 characters). Never logged. */
  CRM_TELEPHONY_SECRET_KEY: z.string().optional(),
  /**
   * Ask the PBX (AMI `Filter`) to send only the events the service reads: about half of a call's
   * events are left out. Needs `write = system` for the AMI user; without it everything is read as
   * before. `false` never asks.
   */
  AMI_EVENT_FILTER: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), { message: 'use true or false' })
    .transform((s) => ['true', '1', 'yes', 'on'].includes(s))
    .default(true),
  /** `postgres://user@host:5432/db` for PostgreSQL; otherwise a SQLite file path. Default ./data/crm-telephony.sqlite. */
  DATABASE_URL: z.string().min(1).default('./data/crm-telephony.sqlite'),
  /** Region for numbers written without a country code (ISO 3166-1 alpha-2: US, RU, DE, GB). */
  DEFAULT_REGION: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine((s) => isSupportedRegion(s), { message: 'not a known region code: use an ISO 3166-1 alpha-2 code such as US, RU, DE, GB (GB, not UK)' })
    .default('US'),
  /** The company's time zone for reports (IANA name, e.g. `Europe/Moscow`): days, weeks and months begin at its midnight. Default: the server's. */
  REPORTS_TIME_ZONE: z
    .string()
    .trim()
    .optional()
    .refine((tz) => tz === undefined || tz === '' || isTimeZone(tz), { message: 'use an IANA time zone name such as Europe/Berlin or America/New_York' })
    .transform((tz) => (tz === '' ? undefined : tz)),
  /** The language of the texts written into the CRM (call subjects and descriptions): `en` or `ru`. */
  CRM_LANGUAGE: z.enum(LOCALES).default('en'),
  /** Address the web console and API listen on. Default loopback only: put a TLS proxy in front to publish it. */
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of the web console and API. */
  HTTP_PORT: port.default(8080),
  /** Password of the first administrator (`admin`), set when the service creates it. Unset: one is generated and printed once. */
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Browser origins allowed to call the API (comma-separated, e.g. your SuiteCRM URL). Default none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0)),
  /** Mark session cookies Secure (HTTPS only): `auto` turns it on unless HTTP_HOST is loopback. */
  SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Click-to-call: the channel that rings the agent's phone first; `{ext}` is the extension. */
  C2C_CHANNEL: z.string().min(1).default('PJSIP/{ext}'),
  /** Click-to-call: the dialplan context in which the customer's number is dialled. */
  C2C_CONTEXT: z.string().min(1).default('from-internal'),
  /** Click-to-call: seconds the agent's phone rings before giving up. */
  C2C_RING_SECONDS: z.coerce.number().int().min(5).max(120).default(30),
  /** Click-to-call: how the number reaches the dialplan: e164 (+15551234567), e164-digits, national. */
  C2C_NUMBER_FORMAT: z.enum(['e164', 'e164-digits', 'national']).default('e164'),
  /** Click-to-call: digits dialled before the number (an outside-line prefix such as 9). */
  C2C_DIAL_PREFIX: z.string().regex(/^[0-9*#]*$/).default(''),
  /** Dialplan contexts where calls from outside arrive (comma-separated); default: common hand-written and FreePBX ones. */
  INBOUND_CONTEXTS: z
    .string()
    .optional()
    .transform((s) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))),
  /** Trunk endpoint names whose names look like extensions (comma-separated). */
  TRUNK_ENDPOINTS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0)),
  /** Address the FastAGI server listens on (the dialplan's `AGI(agi://host:port/route,...)`). */
  AGI_HOST: z.string().min(1).default('127.0.0.1'),
  /** FastAGI port; 0 turns the FastAGI server off. */
  AGI_PORT: z.coerce.number().int().min(0).max(65535).default(4573),
  /** Log level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * How log lines look: `json` (one JSON object per line, for the journal and log shippers),
   * `pretty` (readable lines), `auto` (pretty on a terminal, JSON otherwise).
   */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** For the demo PBX: milliseconds between replayed events. */
  DEMO_EVENT_INTERVAL_MS: z.coerce.number().int().min(0).default(20),
  /** For the demo: the password of the demo agents (alice, bob, carol, dave). Unset: one is generated and printed. */
  DEMO_PASSWORD: z.string().optional(),
  // Read by the command line only. They accept any text here, so that a value the service never
  // uses cannot stop it; the command that uses one checks it.
  /** `crm-telephony dialplan`: the FastAGI server's address as Asterisk reaches it (`--agi-host`). */
  AGI_PUBLIC_HOST: z.string().default('127.0.0.1'),
  /** `crm-telephony dialplan`: where callers go when there is no route (`--fallback`), e.g. PJSIP/101 or Local/600@from-internal. */
  ROUTING_FALLBACK_DIAL: z.string().default('Local/s@crm-route-fallback'),
  /** `crm-telephony`: any value but empty prints a stack trace with an unexpected failure. */
  DEBUG: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== ''),
});

export const configSchema = baseSchema.extend(routingConfigSchema.shape).extend(suitecrmConfigSchema.shape).extend(crmSsoConfigSchema.shape).extend(recordingsConfigSchema.shape).extend(cdrConfigSchema.shape).extend(missedConfigSchema.shape);

export type Config = Omit<z.infer<typeof configSchema>, 'DEFAULT_REGION'> & { DEFAULT_REGION: CountryCode };

/** The name of an environment variable of the schema. */
export type ConfigKey = keyof typeof configSchema.shape;

/** Every variable of the schema. */
export const CONFIG_KEYS: readonly ConfigKey[] = Object.freeze(Object.keys(configSchema.shape) as ConfigKey[]);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `The configuration is not valid:\n${lines.join('\n')}\nFix these environment variables (see README, "Configuration").`,
    );
  }
  const config = parsed.data as Config;
  if (config.AMI_HOST !== undefined && config.AMI_SECRET === undefined) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      'AMI_HOST is set but AMI_SECRET is not. Set AMI_SECRET to the secret of AMI_USERNAME in the PBX\'s manager.conf.',
    );
  }
  return config;
}

/** What one variable's text comes to: its value, or what is wrong with it in words. */
export type SettingReading<K extends ConfigKey> = { ok: true; value: Config[K] } | { ok: false; problem: string };

/**
 * One variable, read by its own entry of the schema: `text` is the variable's value, or a command
 * line flag's standing in for it; `undefined` gives the default (`undefined` when it has none).
 * For commands, which need a few variables and say themselves where a bad one came from.
 */
export function readSetting<K extends ConfigKey>(key: K, text: string | undefined): SettingReading<K> {
  const parsed = (configSchema.shape[key] as z.ZodType).safeParse(text);
  if (parsed.success) return { ok: true, value: parsed.data as Config[K] };
  return { ok: false, problem: parsed.error.issues.map((i) => i.message).join('; ') };
}

/** A variable's default (`undefined` when it has none). */
export function configDefault<K extends ConfigKey>(key: K): Config[K] {
  const reading = readSetting(key, undefined);
  if (!reading.ok) throw new Error(`${key} has no usable default: ${reading.problem}`);
  return reading.value;
}
