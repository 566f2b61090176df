/** The recordings' family of error codes (`RECORDING_ERR_*`), a view of the one catalogue in `src/errors.ts`. */
import { codesOf, CrmTelephonyError, isCrmTelephonyError } from '../errors.ts';

export { CrmTelephonyError };

export const RecordingErrorCodes = codesOf('RECORDING_ERR_');

export type RecordingErrorCode = (typeof RecordingErrorCodes)[keyof typeof RecordingErrorCodes];

/** An error of the recordings' family (paths in `details` are for logs, never for browsers). */
export type RecordingError = CrmTelephonyError<RecordingErrorCode>;

export function isRecordingError(err: unknown, code?: RecordingErrorCode): err is RecordingError {
  return isCrmTelephonyError(err) && err.code.startsWith('RECORDING_ERR_') && (code === undefined || err.code === code);
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
