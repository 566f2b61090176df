/**
 * Recordings settings as environment variables, with defaults that run out of the box: a schema to
 * be merged into the one configuration schema (`src/config.ts`: `configSchema.extend(recordingsConfigSchema.shape)`),
 * and its conversion into `RecordingsSettings`. Every variable is documented in `src/recordings/README.md`.
 *
 * Defaults: recordings stay on the PBX and are read on demand (`pbx`) from a local folder
 * (`/var/spool/asterisk/monitor`, where MixMonitor writes; it may not exist here, and then the
 * player says so); only participants, record owners and admins may listen; nothing is ever deleted.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { normalizeRoot } from './location.ts';
import { RecordingErrorCodes, CrmTelephonyError } from './recording-errors.ts';

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), { message: 'use true or false' })
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

const absoluteDir = z
  .string()
  .trim()
  .refine((s) => s.startsWith('/') && !s.split('/').some((p) => p === '.' || p === '..'), { message: 'an absolute folder without "." or ".." segments' });

const fingerprint = z
  .string()
  .trim()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, { message: 'the host key fingerprint as "ssh-keygen -lf <host key>.pub" prints it: SHA256:<43 base64 characters>' });

export const recordingsConfigSchema = z.object({
  /** `pbx`: recordings stay on the PBX and are fetched when played (cached). `copy`: copied to RECORDINGS_STORAGE_DIR when each call ends. */
  RECORDINGS_MODE: z.enum(['pbx', 'copy']).default('pbx'),
  /** How the PBX's files are reached: `local` (a folder mounted here) or `sftp`. */
  RECORDINGS_SOURCE: z.enum(['local', 'sftp']).default('local'),
  /** The folder MixMonitor writes to, as the PBX sees it. Paths the PBX reports must be inside it. */
  RECORDINGS_PBX_DIR: absoluteDir.default('/var/spool/asterisk/monitor'),
  /** `local` source: where RECORDINGS_PBX_DIR is mounted on this machine. Default: the same path. */
  RECORDINGS_LOCAL_DIR: absoluteDir.optional(),
  /** `sftp` source: the PBX's host name or address. */
  RECORDINGS_SFTP_HOST: z.string().trim().min(1).optional(),
  /** `sftp` source: SSH port. */
  RECORDINGS_SFTP_PORT: z.coerce.number().int().min(1).max(65535).default(22),
  /** `sftp` source: the user to log in as (one that may read, and with deletion on, delete, the recordings). */
  RECORDINGS_SFTP_USER: z.string().trim().min(1).default('asterisk'),
  /** `sftp` source: file holding the private key (OpenSSH or PEM format). Never logged. */
  RECORDINGS_SFTP_KEY_FILE: z.string().trim().min(1).optional(),
  /** `sftp` source: the key's passphrase, if it has one. Never logged. */
  RECORDINGS_SFTP_KEY_PASSPHRASE: z.string().optional(),
  /** `sftp` source: the PBX's host key fingerprint (`SHA256:...`). Required: without it nothing is fetched, and the error says the fingerprint the server showed. */
  RECORDINGS_SFTP_HOST_KEY: fingerprint.optional(),
  /** `sftp` source: deadline for connecting and for each operation, in ms. */
  RECORDINGS_SFTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** `pbx` mode with the `sftp` source: where fetched recordings are cached. */
  RECORDINGS_CACHE_DIR: z.string().trim().min(1).default('./data/recordings-cache'),
  /** Cache size cap in MB (least recently played files go first); 0 turns the cache off. */
  RECORDINGS_CACHE_MAX_MB: z.coerce.number().int().min(0).max(10_000_000).default(1024),
  /** `copy` mode: our recordings folder. */
  RECORDINGS_STORAGE_DIR: z.string().trim().min(1).default('./data/recordings'),
  /** `copy` mode: seconds to wait after a call ends before copying, unless the PBX reported the file complete sooner. */
  RECORDINGS_COPY_DELAY_S: z.coerce.number().int().min(0).max(3600).default(10),
  /** `copy` mode: attempts before a copy is given up (then listed for admins). */
  RECORDINGS_COPY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** `copy` mode: the longest pause between attempts, in seconds (capped exponential backoff with jitter). */
  RECORDINGS_COPY_MAX_BACKOFF_S: z.coerce.number().int().min(1).max(86_400).default(900),
  /** `copy` mode: delete the PBX's file once our copy is verified (same size). */
  RECORDINGS_DELETE_FROM_PBX: bool.default(false),
  /** `copy` mode: transcode copies with ffmpeg (`mp3` or `opus`); `off` keeps the WAV. Needs ffmpeg; without it WAVs are kept and a warning logged. */
  RECORDINGS_TRANSCODE: z.enum(['off', 'mp3', 'opus']).default('off'),
  /** The ffmpeg program for RECORDINGS_TRANSCODE. */
  RECORDINGS_FFMPEG: z.string().trim().min(1).default('ffmpeg'),
  /** Who may listen besides admins, the call's agents and the linked records' owners: `participants` (nobody else) or `everyone` signed in. */
  RECORDINGS_ACCESS: z.enum(['participants', 'everyone']).default('participants'),
  /** Who may download: `listeners` (whoever may listen) or `admins`. */
  RECORDINGS_DOWNLOAD: z.enum(['listeners', 'admins']).default('listeners'),
  /** Delete recordings older than this many days; 0 keeps them forever. The call and the audit stay and say "removed by retention". */
  RECORDINGS_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  /** Retention also deletes the PBX's files (not only our copies). */
  RECORDINGS_RETENTION_DELETE_PBX: bool.default(false),
  /** Audit: repeated requests by one person for one recording within this many seconds are one entry (a player makes many Range requests per listen). */
  RECORDINGS_AUDIT_WINDOW_S: z.coerce.number().int().min(0).max(86_400).default(600),
});

export type RecordingsEnv = z.infer<typeof recordingsConfigSchema>;

/** How one PBX's recordings are reached. `pbxDir` is the folder as the PBX sees it. */
export type SourceSettings =
  | { kind: 'local'; pbxDir: string; localDir: string }
  | {
      kind: 'sftp';
      pbxDir: string;
      host: string;
      port: number;
      username: string;
      /** The private key itself (read from RECORDINGS_SFTP_KEY_FILE). Never logged. */
      privateKey: Buffer | string;
      passphrase?: string;
      /** `SHA256:...`; null refuses every connection, naming the fingerprint seen. */
      hostKey: string | null;
      timeoutMs: number;
    };

export interface RecordingsSettings {
  mode: 'pbx' | 'copy';
  /** Per PBX id; `*` for every PBX not named. */
  sources: Record<string, SourceSettings>;
  cache: { dir: string; maxBytes: number };
  storageDir: string;
  copy: { delayMs: number; maxAttempts: number; maxBackoffMs: number; deleteFromPbx: boolean };
  transcode: { to: 'off' | 'mp3' | 'opus'; ffmpeg: string };
  access: 'participants' | 'everyone';
  download: 'listeners' | 'admins';
  retention: { days: number; deleteFromPbx: boolean };
  auditWindowMs: number;
}

/**
 * The PBXs whose recordings have a source of their own: the default PBX (the first), and each
 * other PBX whose settings name one. A PBX that names none has none (with several PBXs, a branch's
 * file name is never looked for on the main PBX's host).
 */
export function pbxsWithRecordings<T extends { ownRecordings: boolean }>(pbxs: readonly T[]): T[] {
  return pbxs.filter((pbx, i) => i === 0 || pbx.ownRecordings);
}

/** Parses RECORDINGS_* variables; a RecordingError (`RECORDING_ERR_CONFIG`) lists every problem. */
export function recordingsEnv(env: NodeJS.ProcessEnv = process.env): RecordingsEnv {
  const parsed = recordingsConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CONFIG, `The recordings configuration is not valid:\n${lines.join('\n')}\nFix these environment variables (see src/recordings/README.md).`);
  }
  return parsed.data;
}

/** The settings from parsed variables; reads the SFTP key file. `readKey` is injectable for tests. */
export function recordingSettings(env: RecordingsEnv, readKey: (path: string) => Buffer = (p) => readFileSync(p)): RecordingsSettings {
  const pbxDir = normalizeRoot(env.RECORDINGS_PBX_DIR);
  let source: SourceSettings;
  if (env.RECORDINGS_SOURCE === 'local') {
    source = { kind: 'local', pbxDir, localDir: normalizeRoot(env.RECORDINGS_LOCAL_DIR ?? pbxDir) };
  } else {
    if (!env.RECORDINGS_SFTP_HOST || !env.RECORDINGS_SFTP_KEY_FILE) {
      throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CONFIG, 'RECORDINGS_SOURCE=sftp needs RECORDINGS_SFTP_HOST and RECORDINGS_SFTP_KEY_FILE (and RECORDINGS_SFTP_HOST_KEY, the PBX\'s host key fingerprint).');
    }
    let privateKey: Buffer;
    try {
      privateKey = readKey(env.RECORDINGS_SFTP_KEY_FILE);
    } catch (err) {
      throw new CrmTelephonyError(RecordingErrorCodes.RECORDING_ERR_CONFIG, `RECORDINGS_SFTP_KEY_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path and that this service's user may read it.`, {}, { cause: err });
    }
    source = {
      kind: 'sftp',
      pbxDir,
      host: env.RECORDINGS_SFTP_HOST,
      port: env.RECORDINGS_SFTP_PORT,
      username: env.RECORDINGS_SFTP_USER,
      privateKey,
      ...(env.RECORDINGS_SFTP_KEY_PASSPHRASE ? { passphrase: env.RECORDINGS_SFTP_KEY_PASSPHRASE } : {}),
      hostKey: env.RECORDINGS_SFTP_HOST_KEY ?? null,
      timeoutMs: env.RECORDINGS_SFTP_TIMEOUT_MS,
    };
  }
  return {
    mode: env.RECORDINGS_MODE,
    sources: { '*': source },
    cache: { dir: env.RECORDINGS_CACHE_DIR, maxBytes: env.RECORDINGS_CACHE_MAX_MB * 1024 * 1024 },
    storageDir: env.RECORDINGS_STORAGE_DIR,
    copy: {
      delayMs: env.RECORDINGS_COPY_DELAY_S * 1000,
      maxAttempts: env.RECORDINGS_COPY_MAX_ATTEMPTS,
      maxBackoffMs: env.RECORDINGS_COPY_MAX_BACKOFF_S * 1000,
      deleteFromPbx: env.RECORDINGS_DELETE_FROM_PBX,
    },
    transcode: { to: env.RECORDINGS_TRANSCODE, ffmpeg: env.RECORDINGS_FFMPEG },
    access: env.RECORDINGS_ACCESS,
    download: env.RECORDINGS_DOWNLOAD,
    retention: { days: env.RECORDINGS_RETENTION_DAYS, deleteFromPbx: env.RECORDINGS_RETENTION_DELETE_PBX },
    auditWindowMs: env.RECORDINGS_AUDIT_WINDOW_S * 1000,
  };
}

/** Settings with every default: what tests and benchmarks start from. */
export function defaultRecordingSettings(over: Partial<RecordingsSettings> = {}): RecordingsSettings {
  return { ...recordingSettings(recordingsEnv({})), ...over };
}
