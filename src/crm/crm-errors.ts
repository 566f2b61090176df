/**
 * The CRM's family of error codes (`CRM_ERR_*`), a view of the one catalogue in `src/errors.ts`.
 *
 * Messages never quote a CRM's response body as it came: SuiteCRM echoes a wrong password in its
 * token error (recording 06), so only known fields (an OAuth error code, a v8 `detail`) are used.
 */
import { codesOf, CrmTelephonyError, isCrmTelephonyError } from '../errors.ts';

export { CrmTelephonyError };

export { errorInWords } from '../errors.ts';

export const CrmErrorCodes = codesOf('CRM_ERR_');

export type CrmErrorCode = (typeof CrmErrorCodes)[keyof typeof CrmErrorCodes];

/** An error of the CRM's family. */
export type CrmError = CrmTelephonyError<CrmErrorCode>;

export function isCrmError(err: unknown, code?: CrmErrorCode): err is CrmError {
  return isCrmTelephonyError(err) && err.code.startsWith('CRM_ERR_') && (code === undefined || err.code === code);
}
