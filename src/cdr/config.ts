/**
 * Where the PBX's CDRs are read from, as environment variables with defaults that run out of the
 * box: a schema to be merged into the one configuration schema (`src/config.ts`:
 * `configSchema.extend(cdrConfigSchema.shape)`), its conversion into `CdrSettings`, and the source
 * they describe. Every variable is documented in `src/cdr/README.md`.
 *
 *   CDR_SOURCE          auto | none | csv | mysql | postgres                       auto
 *   CDR_CSV_PATH        cdr_csv's Master.csv (on the PBX for sftp)                 /var/log/asterisk/cdr-csv/Master.csv
 *   CDR_CSV_ACCESS      local (this machine) | sftp (RECORDINGS_SFTP_* settings)   local
 *   CDR_DATABASE_URL    mysql://user:password@host/asteriskcdrdb | postgres://...  (none; never logged)
 *   CDR_TABLE           the CDR table, or schema.table                             cdr
 *   CDR_TIMEZONE        the PBX's IANA time zone (its CDRs are in local time)      this machine's zone
 *   CDR_SLACK_MINUTES   how far before a window calls are looked for               10 (Master.csv), 120 (a table)
 *   CDR_LATE_READ_SECONDS  each gap read once more this long after it, for late rows  120 (0: off)
 *
 * `auto` picks, in order: the database when CDR_DATABASE_URL is set, Master.csv over SFTP when
 * CDR_CSV_ACCESS=sftp, Master.csv here when the file exists; else none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { Log } from '../logger.ts';
import type { SftpConnectionOptions } from '../recordings/sources/sftp-connection.ts';
import { hostTimeZone, isValidTimeZone } from './local-time.ts';
import type { CdrSource } from './pbx-cdr.ts';
import { CsvCdrSource, localCsvAccess, sftpCsvAccess } from './sources/csv-source.ts';
import { describeDatabaseUrl, parseTableName, SqlCdrSource } from './sources/sql-source.ts';

export const DEFAULT_CSV_PATH = '/var/log/asterisk/cdr-csv/Master.csv';

const DATABASE_SCHEMES = /^(mysql|mariadb|postgres|postgresql):\/\//i;

export const cdrConfigSchema = z.object({
  /** Where the PBX's CDRs are read from to fill AMI gaps: `auto`, `none`, `csv` (Master.csv), `mysql` (FreePBX's asteriskcdrdb), `postgres` (cdr_pgsql). */
  CDR_SOURCE: z.enum(['auto', 'none', 'csv', 'mysql', 'postgres']).default('auto'),
  /** cdr_csv's Master.csv: on this machine, or on the PBX with CDR_CSV_ACCESS=sftp. */
  CDR_CSV_PATH: z
    .string()
    .trim()
    .refine((s) => s.startsWith('/') && !s.endsWith('/') && !s.split('/').some((p) => p === '.' || p === '..'), { message: 'the absolute path of a file, without "." or ".." parts' })
    .default(DEFAULT_CSV_PATH),
  /** How Master.csv is reached: `local` (this machine, or the PBX's log folder mounted here) or `sftp` (the RECORDINGS_SFTP_* host, user, key and host key). */
  CDR_CSV_ACCESS: z.enum(['local', 'sftp']).default('local'),
  /** The CDR database: `mysql://user:password@host:3306/asteriskcdrdb` (FreePBX) or `postgres://user:password@host:5432/asterisk` (cdr_pgsql). Never logged. */
  CDR_DATABASE_URL: z
    .string()
    .trim()
    .refine((s) => DATABASE_SCHEMES.test(s) && URL.canParse(s), { message: 'a URL starting with mysql:// (MySQL, MariaDB, FreePBX) or postgres:// (cdr_pgsql); write special characters of the password %-encoded' })
    .optional(),
  /** The CDR table in that database, or `schema.table`. */
  CDR_TABLE: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,63}(\.[A-Za-z_][A-Za-z0-9_$]{0,63})?$/, { message: 'a table name (letters, digits, _), or schema.table, e.g. cdr' })
    .default('cdr'),
  /**
   * The PBX's time zone, in which Asterisk writes CDR times (`usegmtime = no`). Default: this
   * machine's own zone, right when the service runs on the PBX's host or in its zone.
   */
  CDR_TIMEZONE: z
    .string()
    .trim()
    .refine((s) => isValidTimeZone(s), {
      message: 'an IANA time zone name such as Europe/Berlin or America/New_York: the PBX\'s own zone (timedatectl, or /etc/timezone, on the PBX), or UTC when its cdr.conf says usegmtime = yes',
    })
    .default(() => hostTimeZone()),
  /**
   * How far before a window (in minutes) CDRs are looked for. Master.csv is read back by END time
   * (lines are appended as calls end): the slack only covers lines written late (cdr.conf's batch
   * mode holds them up to 300 s by default), so 10. A table is asked by START time (its indexed
   * calldate): the slack must cover the longest call, so 120.
   */
  CDR_SLACK_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).optional(),
  /**
   * Each gap's CDRs are read a few seconds after it and once more this many seconds after it: rows
   * written late (cdr.conf's batch mode: set this above its `time`; a replica that lags) rebuild
   * the calls they belong to then. 0: one read only.
   */
  CDR_LATE_READ_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
});

export type CdrEnv = z.infer<typeof cdrConfigSchema>;

/** The default slack of each kind of source (see CDR_SLACK_MINUTES). */
const CSV_SLACK_MINUTES = 10;
const TABLE_SLACK_MINUTES = 120;

/** The SFTP settings shared with recordings, for CDR_CSV_ACCESS=sftp (see src/recordings/config.ts). */
export interface CdrSftpEnv {
  RECORDINGS_SFTP_HOST?: string | undefined;
  RECORDINGS_SFTP_PORT: number;
  RECORDINGS_SFTP_USER: string;
  RECORDINGS_SFTP_KEY_FILE?: string | undefined;
  RECORDINGS_SFTP_KEY_PASSPHRASE?: string | undefined;
  RECORDINGS_SFTP_HOST_KEY?: string | undefined;
  RECORDINGS_SFTP_TIMEOUT_MS: number;
}

export type CdrSettings =
  | { kind: 'none' }
  /** `auto` found nothing yet: a local Master.csv is looked for when the source is created. */
  | { kind: 'auto-local'; csvPath: string; timeZone: string; slackMs: number }
  | { kind: 'csv'; csvPath: string; access: 'local'; timeZone: string; slackMs: number }
  | { kind: 'csv'; csvPath: string; access: 'sftp'; sftp: SftpConnectionOptions; timeZone: string; slackMs: number }
  /** `url` holds the password: never log it (`describeDatabaseUrl` for messages). */
  | { kind: 'mysql' | 'postgres'; url: string; table: string; timeZone: string; slackMs: number };

/** Parses CDR_* variables; a CrmTelephonyError (`CDR_ERR_INVALID`) lists every problem. */
export function cdrEnv(env: NodeJS.ProcessEnv = process.env): CdrEnv {
  const parsed = cdrConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new CrmTelephonyError(ErrorCodes.CDR_ERR_INVALID, `The CDR configuration is not valid:\n${lines.join('\n')}\nFix these environment variables (see src/cdr/README.md).`);
  }
  return parsed.data;
}

/**
 * The settings from parsed variables. `sftpEnv` (the RECORDINGS_SFTP_* values) is needed only with
 * CDR_CSV_ACCESS=sftp; its key file is read then (`readKey` is injectable for tests).
 */
export function cdrSettings(env: CdrEnv, sftpEnv?: CdrSftpEnv, readKey: (path: string) => Buffer = (p) => readFileSync(p)): CdrSettings {
  const slack = (minutes: number): { timeZone: string; slackMs: number } => ({ timeZone: env.CDR_TIMEZONE, slackMs: (env.CDR_SLACK_MINUTES ?? minutes) * 60_000 });
  const common = slack(CSV_SLACK_MINUTES);
  const database = (kind: 'mysql' | 'postgres' | null): CdrSettings => {
    const url = env.CDR_DATABASE_URL;
    if (!url) throw invalid(`CDR_SOURCE=${kind} needs CDR_DATABASE_URL, e.g. mysql://user:password@pbx.example.com:3306/asteriskcdrdb for FreePBX.`);
    const scheme: 'mysql' | 'postgres' = /^(mysql|mariadb):/i.test(url) ? 'mysql' : 'postgres';
    if (kind !== null && kind !== scheme) throw invalid(`CDR_SOURCE=${kind} but CDR_DATABASE_URL is a ${scheme} URL (${describeDatabaseUrl(url)}): make them agree.`);
    parseTableName(env.CDR_TABLE, scheme);
    return { kind: scheme, url, table: env.CDR_TABLE, ...slack(TABLE_SLACK_MINUTES) };
  };
  const csv = (): CdrSettings => {
    if (env.CDR_CSV_ACCESS === 'local') return { kind: 'csv', csvPath: env.CDR_CSV_PATH, access: 'local', ...common };
    return { kind: 'csv', csvPath: env.CDR_CSV_PATH, access: 'sftp', sftp: sftpOptions(sftpEnv, readKey), ...common };
  };
  switch (env.CDR_SOURCE) {
    case 'none':
      return { kind: 'none' };
    case 'csv':
      return csv();
    case 'mysql':
    case 'postgres':
      return database(env.CDR_SOURCE);
    case 'auto':
      if (env.CDR_DATABASE_URL) return database(null);
      if (env.CDR_CSV_ACCESS === 'sftp') return csv();
      return { kind: 'auto-local', csvPath: env.CDR_CSV_PATH, ...common };
  }
}

export interface CdrSourceDeps {
  /** Whether a local file exists (for `auto`). Default: `fs.existsSync`. */
  exists?: (path: string) => boolean;
  logger?: Pick<Log, 'warn'>;
}

/** The source, or none with a sentence for admins saying what that costs and how to turn one on. */
export interface CdrSourceChoice {
  source: CdrSource | null;
  /** Set when `source` is null. */
  missing: string | null;
}

const TURN_ON =
  'Turn one on: CDR_SOURCE=csv with CDR_CSV_PATH (cdr_csv\'s Master.csv; CDR_CSV_ACCESS=sftp reads it from the PBX), or CDR_SOURCE=mysql with CDR_DATABASE_URL=mysql://user:password@pbx:3306/asteriskcdrdb (FreePBX), or CDR_SOURCE=postgres with the cdr_pgsql database; and CDR_TIMEZONE set to the PBX\'s time zone.';

/** The CDR source the settings describe. Nothing is connected or opened until it is used. */
export function createCdrSource(settings: CdrSettings, deps: CdrSourceDeps = {}): CdrSourceChoice {
  const logger = deps.logger;
  switch (settings.kind) {
    case 'none':
      return { source: null, missing: `No CDR source (CDR_SOURCE=none): calls that begin and end while the AMI link is down are lost, and calls cut by a gap keep the times we guessed. ${TURN_ON}` };
    case 'auto-local': {
      if (!(deps.exists ?? existsSync)(settings.csvPath)) {
        return {
          source: null,
          missing: `No CDR source: there is no ${settings.csvPath} on this machine and CDR_SOURCE is not set, so calls that begin and end while the AMI link is down are lost, and calls cut by a gap keep the times we guessed. ${TURN_ON}`,
        };
      }
      const { csvPath, timeZone, slackMs } = settings;
      return { source: new CsvCdrSource({ path: csvPath, access: localCsvAccess(csvPath), timeZone, slackMs, ...(logger ? { logger } : {}) }), missing: null };
    }
    case 'csv': {
      const access = settings.access === 'sftp' ? sftpCsvAccess(settings.csvPath, settings.sftp) : localCsvAccess(settings.csvPath);
      return { source: new CsvCdrSource({ path: settings.csvPath, access, timeZone: settings.timeZone, slackMs: settings.slackMs, ...(logger ? { logger } : {}) }), missing: null };
    }
    case 'mysql':
    case 'postgres':
      return { source: new SqlCdrSource({ url: settings.url, table: settings.table, timeZone: settings.timeZone, slackMs: settings.slackMs }), missing: null };
  }
}

function sftpOptions(env: CdrSftpEnv | undefined, readKey: (path: string) => Buffer): SftpConnectionOptions {
  if (!env?.RECORDINGS_SFTP_HOST || !env.RECORDINGS_SFTP_KEY_FILE) {
    throw invalid('CDR_CSV_ACCESS=sftp reads Master.csv with the recordings\' SFTP settings: set RECORDINGS_SFTP_HOST, RECORDINGS_SFTP_KEY_FILE and RECORDINGS_SFTP_HOST_KEY (and RECORDINGS_SFTP_USER, a user that may read CDR_CSV_PATH).');
  }
  let privateKey: Buffer;
  try {
    privateKey = readKey(env.RECORDINGS_SFTP_KEY_FILE);
  } catch (err) {
    throw invalid(`RECORDINGS_SFTP_KEY_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path and that this service's user may read it.`, err);
  }
  return {
    host: env.RECORDINGS_SFTP_HOST,
    port: env.RECORDINGS_SFTP_PORT,
    username: env.RECORDINGS_SFTP_USER,
    privateKey,
    ...(env.RECORDINGS_SFTP_KEY_PASSPHRASE ? { passphrase: env.RECORDINGS_SFTP_KEY_PASSPHRASE } : {}),
    hostKey: env.RECORDINGS_SFTP_HOST_KEY ?? null,
    timeoutMs: env.RECORDINGS_SFTP_TIMEOUT_MS,
  };
}

function invalid(message: string, cause?: unknown): CrmTelephonyError {
  return new CrmTelephonyError(ErrorCodes.CDR_ERR_INVALID, message, {}, cause === undefined ? undefined : { cause });
}
