/**
 * The recordings error codes. They follow `src/errors.ts` (stable codes; code and tests match on
 * `err.code`, never on message text; messages say what to do) and are meant to be merged into that
 * one catalogue; until then they live here so that `recordings/` does not edit a shared file.
 */
export const RecordingErrorCodes = {
  /** The file is not where the PBX said it would be (deleted on the PBX, or never written). */
  RECORDING_ERR_MISSING: 'RECORDING_ERR_MISSING',
  /** The recordings folder or host cannot be reached: not mounted, SFTP host down, connection lost. */
  RECORDING_ERR_SOURCE_UNAVAILABLE: 'RECORDING_ERR_SOURCE_UNAVAILABLE',
  /** A path resolves (through `..` or a symbolic link) outside the configured recordings folder. */
  RECORDING_ERR_OUTSIDE_ROOT: 'RECORDING_ERR_OUTSIDE_ROOT',
  /** A path or file name is not acceptable: characters we do not take, empty, too long or too deep. */
  RECORDING_ERR_BAD_PATH: 'RECORDING_ERR_BAD_PATH',
  /** An operation on the recordings source took longer than its deadline. */
  RECORDING_ERR_TIMEOUT: 'RECORDING_ERR_TIMEOUT',
  /** The SFTP server refused our user or key. Fatal: not retried until the cool-down passes. */
  RECORDING_ERR_SFTP_AUTH: 'RECORDING_ERR_SFTP_AUTH',
  /** The SFTP server's host key is not the configured one (or none is configured). Fatal. */
  RECORDING_ERR_SFTP_HOST_KEY: 'RECORDING_ERR_SFTP_HOST_KEY',
  /** A copy did not come out the size of the original (or the original changed while copied). */
  RECORDING_ERR_SIZE_MISMATCH: 'RECORDING_ERR_SIZE_MISMATCH',
  /** ffmpeg failed to transcode a copy (the WAV copy is kept). */
  RECORDING_ERR_TRANSCODE: 'RECORDING_ERR_TRANSCODE',
  /** The recordings service or source was closed; no more operations are accepted. */
  RECORDING_ERR_CLOSED: 'RECORDING_ERR_CLOSED',
  /** A recordings setting is missing or wrong. */
  RECORDING_ERR_CONFIG: 'RECORDING_ERR_CONFIG',
} as const;

export type RecordingErrorCode = (typeof RecordingErrorCodes)[keyof typeof RecordingErrorCodes];

export class RecordingError extends Error {
  readonly code: RecordingErrorCode;
  /** Structured context for logs (never secrets; paths only for logs, never for browsers). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: RecordingErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecordingError';
    this.code = code;
    this.details = details;
  }
}

export function isRecordingError(err: unknown, code?: RecordingErrorCode): err is RecordingError {
  return err instanceof RecordingError && (code === undefined || err.code === code);
}

/** Causes that retrying soon cannot fix: a refused key or a wrong host key, a closed service. */
export function isFatalRecordingError(err: unknown): boolean {
  return (
    isRecordingError(err) &&
    (err.code === RecordingErrorCodes.RECORDING_ERR_SFTP_AUTH ||
      err.code === RecordingErrorCodes.RECORDING_ERR_SFTP_HOST_KEY ||
      err.code === RecordingErrorCodes.RECORDING_ERR_CLOSED)
  );
}
