/**
 * The PBXs the service follows (issue 14). The single-PBX variables (`AMI_*`) describe the default
 * PBX, as they always have; `CRM_TELEPHONY_CONFIG` names a JSON file that adds more (a branch
 * office's PBX), each with its own AMI connection and, under `settings`, any of the variables that
 * differ per PBX (click-to-call, inbound contexts, trunks, region, CDR source, recordings source,
 * routing fallback). A PBX's settings start from the service's own variables, except where they
 * would point at the default PBX's host (its CDRs, its recordings): those a branch names itself,
 * or goes without.
 *
 *     { "pbxs": [ { "id": "hamburg", "name": "Hamburg office",
 *                   "ami": { "host": "10.2.0.5", "username": "crm", "secretEnv": "HAMBURG_AMI_SECRET",
 *                            "auth": "md5", "tls": { "ca": "/etc/crm-telephony/hamburg-ca.pem" } },
 *                   "settings": { "DEFAULT_REGION": "DE", "CDR_SOURCE": "none" } } ] }
 *
 * Extensions of the default PBX are written bare in the directory (`101`), another PBX's with its
 * id (`101@hamburg`; see `calls/extension-address.ts`).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema, type Config, type ConfigKey } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { PBX_ID_PATTERN } from '../calls/extension-address.ts';
import { decryptSecret } from './secret-box.ts';

/** The id of the PBX the `AMI_*` variables describe. */
export const DEFAULT_PBX_ID = 'default';

export interface AmiTlsSettings {
  /** PEM of the authority that signed the PBX's certificate (read from `ca`, a file path). */
  ca?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

export interface PbxDefinition {
  id: string;
  name: string;
  ami: { host: string; port: number; username: string; secret: string; authType: 'plain' | 'md5'; tls: AmiTlsSettings | null };
  /** The service's configuration as it applies to this PBX (its own `settings` over the variables). */
  config: Config;
  /** Where its extensions live among addresses: null (bare) for the default PBX, else its id. */
  qualifier: string | null;
  /** The PBX names a recordings source of its own (RECORDINGS_SOURCE, _PBX_DIR, _LOCAL_DIR or _SFTP_HOST in its settings). */
  ownRecordings: boolean;
}

/** Variables a PBX may set for itself. */
export const PER_PBX_KEYS = [
  'DEFAULT_REGION',
  'AMI_EVENT_FILTER',
  'C2C_CHANNEL',
  'C2C_CONTEXT',
  'C2C_RING_SECONDS',
  'C2C_NUMBER_FORMAT',
  'C2C_DIAL_PREFIX',
  'INBOUND_CONTEXTS',
  'TRUNK_ENDPOINTS',
  'ROUTING_FALLBACK',
  'ROUTING_DID_DEFAULTS',
  'CDR_SOURCE',
  'CDR_CSV_PATH',
  'CDR_CSV_ACCESS',
  'CDR_DATABASE_URL',
  'CDR_TABLE',
  'CDR_TIMEZONE',
  'CDR_SLACK_MINUTES',
  'RECORDINGS_SOURCE',
  'RECORDINGS_PBX_DIR',
  'RECORDINGS_LOCAL_DIR',
  'RECORDINGS_SFTP_HOST',
  'RECORDINGS_SFTP_PORT',
  'RECORDINGS_SFTP_USER',
  'RECORDINGS_SFTP_KEY_FILE',
  'RECORDINGS_SFTP_KEY_PASSPHRASE',
  'RECORDINGS_SFTP_HOST_KEY',
  'RECORDINGS_SFTP_TIMEOUT_MS',
] as const satisfies readonly ConfigKey[];

/**
 * Settings about the PBX's own host: another PBX never inherits the default PBX's (its CDR file or
 * database, its recordings folder or SFTP login would be the wrong PBX's). Unset, CDR_SOURCE is
 * `none` and recordings have no source for that PBX (a player says so).
 */
const HOST_BOUND_KEYS = new Set<string>(PER_PBX_KEYS.filter((k) => k.startsWith('CDR_') || k.startsWith('RECORDINGS_')));

const RECORDINGS_SOURCE_KEYS = ['RECORDINGS_SOURCE', 'RECORDINGS_PBX_DIR', 'RECORDINGS_LOCAL_DIR', 'RECORDINGS_SFTP_HOST'];

const amiSchema = z
  .object({
    host: z.string().trim().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    username: z.string().min(1).default('crm'),
    /** The secret itself (avoid: prefer secretEnv or secretEncrypted). */
    secret: z.string().min(1).optional(),
    /** The environment variable that holds the secret. */
    secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable').optional(),
    /** The secret encrypted with CRM_TELEPHONY_SECRET_KEY (`crm-telephony encrypt-secret`). */
    secretEncrypted: z.string().min(1).optional(),
    auth: z.enum(['plain', 'md5']).default('plain'),
    tls: z
      .union([
        z.boolean(),
        z.object({ ca: z.string().min(1).optional(), servername: z.string().min(1).optional(), rejectUnauthorized: z.boolean().default(true) }).strict(),
      ])
      .default(false),
  })
  .strict()
  .refine((a) => [a.secret, a.secretEnv, a.secretEncrypted].filter((x) => x !== undefined).length === 1, {
    message: 'give the AMI secret exactly one way: "secretEnv" (an environment variable\'s name), "secretEncrypted", or "secret"',
  });

const pbxSchema = z
  .object({
    id: z.string().regex(PBX_ID_PATTERN, 'lower-case letters, digits, - and _ (at most 32), such as "hamburg"'),
    name: z.string().trim().min(1).max(80).optional(),
    /** Absent only for the default PBX, whose connection the AMI_* variables give. */
    ami: amiSchema.optional(),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();

const fileSchema = z.object({ pbxs: z.array(pbxSchema).min(1, 'list at least one PBX') }).strict();

export type PbxFile = z.infer<typeof fileSchema>;

/** One PBX as the file or the PBX page gives it. */
export type PbxEntry = PbxFile['pbxs'][number];

/** Checks one PBX as the PBX page sends it (the same rules as the file's); the problems in words, or the entry. */
export function parsePbxEntry(input: unknown): { ok: true; entry: PbxEntry } | { ok: false; problems: string[] } {
  const parsed = pbxSchema.safeParse(input);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  const settings = (input as { settings?: unknown } | null)?.settings;
  if (typeof settings === 'object' && settings !== null) problems.push(...readPbxSettings(settings as Record<string, string | number | boolean>).problems);
  return parsed.success && problems.length === 0 ? { ok: true, entry: parsed.data } : { ok: false, problems };
}

/** Reads what the file says; the caller gives the variables (`readPbxFile` reads both). */
export interface PbxSources {
  config: Config;
  /** The environment (secretEnv, CRM_TELEPHONY_SECRET_KEY, and the variables under each PBX's settings). */
  env: NodeJS.ProcessEnv;
  /** The file's text, or undefined when there is none. */
  file?: { path: string; text: string };
  /** Reads a CA file. */
  readFile?: (path: string) => string;
}

function invalid(where: string, message: string): CrmTelephonyError {
  return new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `${where}: ${message}`);
}

/**
 * The PBXs, default first. Empty when neither AMI_HOST nor a file names one (the demo PBX runs
 * then). Every problem is said with where it is and what to do.
 */
export function pbxDefinitions(sources: PbxSources): PbxDefinition[] {
  const { config } = sources;
  const where = sources.file ? `The PBX file ${sources.file.path} (CRM_TELEPHONY_CONFIG)` : '';
  let listed: PbxFile['pbxs'] = [];
  if (sources.file) {
    let json: unknown;
    try {
      json = JSON.parse(sources.file.text);
    } catch (err) {
      throw invalid(where, `is not JSON (${(err as Error).message}). See README, "Several PBXs", for its form.`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`);
      throw invalid(where, `is not valid:\n${lines.join('\n')}\nSee README, "Several PBXs".`);
    }
    listed = parsed.data.pbxs;
    const seen = new Set<string>();
    for (const p of listed) {
      if (seen.has(p.id)) throw invalid(where, `lists the PBX "${p.id}" twice; every PBX needs its own id.`);
      seen.add(p.id);
    }
  }

  const fromEnv = config.AMI_HOST === undefined ? null : { host: config.AMI_HOST, port: config.AMI_PORT, username: config.AMI_USERNAME, secret: config.AMI_SECRET ?? '', authType: config.AMI_AUTH, tls: envTls(config, sources) };
  const defaultEntry = listed.find((p) => p.id === DEFAULT_PBX_ID);
  const out: PbxDefinition[] = [];
  if (fromEnv !== null || defaultEntry !== undefined) {
    if (fromEnv !== null && defaultEntry?.ami !== undefined) {
      throw invalid(where, `gives the "default" PBX an "ami" connection, but AMI_HOST gives it too. Keep one: remove "ami" from the file's "default" entry, or unset AMI_HOST.`);
    }
    const ami = fromEnv ?? amiOf(defaultEntry!, `${where}, PBX "default"`, sources);
    if (ami === null) throw invalid(where, 'the "default" PBX has no "ami" connection and AMI_HOST is not set: give one of them.');
    const settings = defaultEntry?.settings ?? {};
    out.push({ id: DEFAULT_PBX_ID, name: defaultEntry?.name ?? 'Main PBX', ami, config: settingsOf(settings, config, true, `${where}, PBX "default"`), qualifier: null, ownRecordings: true });
  }
  for (const entry of listed) {
    if (entry.id === DEFAULT_PBX_ID) continue;
    // Without AMI_HOST, the file's first PBX is the default one: its extensions are written bare.
    out.push(definitionOf(entry, `${where}, PBX "${entry.id}"`, out.length === 0, sources));
  }
  return out;
}

function definitionOf(entry: PbxEntry, at: string, isDefault: boolean, sources: PbxSources): PbxDefinition {
  const ami = amiOf(entry, at, sources);
  if (ami === null) throw invalid(at, 'has no "ami" connection: give its host, username and secret.');
  return {
    id: entry.id,
    name: entry.name ?? entry.id,
    ami,
    config: settingsOf(entry.settings, sources.config, isDefault, at),
    qualifier: isDefault ? null : entry.id,
    ownRecordings: isDefault || RECORDINGS_SOURCE_KEYS.some((k) => k in entry.settings),
  };
}

/**
 * The PBXs saved on the PBX page, after the configured ones (`taken`: their ids; a saved PBX of
 * the same id is left out, the configuration wins). With nothing configured, the first saved PBX is
 * the default one. A saved PBX that cannot be opened (CRM_TELEPHONY_SECRET_KEY changed) is left
 * out and said, never stopping the others.
 */
export function savedPbxDefinitions(
  saved: readonly PbxEntry[],
  taken: ReadonlySet<string>,
  sources: Omit<PbxSources, 'file'>,
  onProblem: (id: string, message: string) => void,
): PbxDefinition[] {
  const out: PbxDefinition[] = [];
  for (const entry of saved) {
    if (taken.has(entry.id) || entry.id === DEFAULT_PBX_ID) {
      onProblem(entry.id, `The PBX "${entry.id}" saved on the PBX page is also in the service's configuration, which wins: remove one of them.`);
      continue;
    }
    try {
      out.push(definitionOf(entry, `The PBX "${entry.id}" saved on the PBX page`, taken.size === 0 && out.length === 0, sources));
    } catch (err) {
      onProblem(entry.id, (err as Error).message);
    }
  }
  return out;
}

function envTls(config: Config, sources: PbxSources): AmiTlsSettings | null {
  if (config.AMI_TLS === 'off') return null;
  const ca = config.AMI_TLS_CA === undefined ? undefined : readCa(config.AMI_TLS_CA, 'AMI_TLS_CA', sources);
  return { rejectUnauthorized: config.AMI_TLS === 'on', ...(ca ? { ca } : {}) };
}

function amiOf(entry: PbxFile['pbxs'][number], at: string, sources: PbxSources): PbxDefinition['ami'] | null {
  const a = entry.ami;
  if (a === undefined) return null;
  let secret: string;
  if (a.secretEnv !== undefined) {
    const value = sources.env[a.secretEnv];
    if (value === undefined || value === '') throw invalid(at, `its AMI secret is to come from the environment variable ${a.secretEnv}, which is not set. Set it to the secret of "${a.username}" in that PBX's manager.conf.`);
    secret = value;
  } else if (a.secretEncrypted !== undefined) {
    secret = decryptSecret(a.secretEncrypted, sources.env['CRM_TELEPHONY_SECRET_KEY'], at);
  } else {
    secret = a.secret!;
  }
  const tls: AmiTlsSettings | null =
    a.tls === false ? null : a.tls === true ? { rejectUnauthorized: true } : { rejectUnauthorized: a.tls.rejectUnauthorized, ...(a.tls.servername ? { servername: a.tls.servername } : {}), ...(a.tls.ca ? { ca: readCa(a.tls.ca, `${at}, ami.tls.ca`, sources) } : {}) };
  return { host: a.host, port: a.port ?? (tls ? 5039 : 5038), username: a.username, secret, authType: a.auth, tls };
}

function readCa(path: string, what: string, sources: PbxSources): string {
  try {
    return (sources.readFile ?? ((p) => readFileSync(p, 'utf8')))(path);
  } catch (err) {
    throw invalid(what, `the CA certificate ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path and that this service's user may read it.`);
  }
}

/** A PBX's own settings, each parsed by its variable's own rule; the problems, each in words. */
export function readPbxSettings(settings: Record<string, string | number | boolean>): { own: Partial<Record<ConfigKey, unknown>>; problems: string[] } {
  const allowed = new Set<string>(PER_PBX_KEYS);
  const own: Partial<Record<ConfigKey, unknown>> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (!allowed.has(key)) {
      problems.push(`settings.${key}: not a setting a PBX can have of its own (these can: ${PER_PBX_KEYS.join(', ')})`);
      continue;
    }
    const parsed = (configSchema.shape[key as ConfigKey] as z.ZodType).safeParse(String(value));
    if (parsed.success) own[key as ConfigKey] = parsed.data;
    else problems.push(`settings.${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return { own, problems };
}

/** The configuration for one PBX: its settings parsed by the variables' own schema, over the service's. */
function settingsOf(settings: Record<string, string | number | boolean>, config: Config, isDefault: boolean, at: string): Config {
  const { own, problems } = readPbxSettings(settings);
  if (problems.length > 0) throw invalid(at, `has settings that are not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const base: Record<string, unknown> = { ...config };
  if (!isDefault) {
    // The default PBX's host-bound settings are not this PBX's: start those from their defaults.
    for (const key of HOST_BOUND_KEYS) base[key] = (configSchema.shape[key as ConfigKey] as z.ZodType).safeParse(undefined).data;
    base['CDR_SOURCE'] = 'none';
  }
  return { ...base, ...own } as Config;
}

/** The PBXs of this configuration: reads CRM_TELEPHONY_CONFIG's file when it is set. */
export function readPbxDefinitions(config: Config, env: NodeJS.ProcessEnv = process.env): PbxDefinition[] {
  const path = config.CRM_TELEPHONY_CONFIG;
  if (path === undefined) return pbxDefinitions({ config, env });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(`CRM_TELEPHONY_CONFIG`, `the file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path, or unset CRM_TELEPHONY_CONFIG to follow only the AMI_* PBX.`);
  }
  return pbxDefinitions({ config, env, file: { path, text } });
}
