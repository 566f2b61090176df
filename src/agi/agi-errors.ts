/** FastAGI's family of error codes (`AGI_ERR_*`), a view of the one catalogue in `src/errors.ts`. */
import { codesOf, CrmTelephonyError, isCrmTelephonyError } from '../errors.ts';

export { CrmTelephonyError };

export const AgiErrorCodes = codesOf('AGI_ERR_');

export type AgiErrorCode = (typeof AgiErrorCodes)[keyof typeof AgiErrorCodes];

/** An error of FastAGI's family. */
export type AgiError = CrmTelephonyError<AgiErrorCode>;

export function isAgiError(err: unknown, code?: AgiErrorCode): err is AgiError {
  return isCrmTelephonyError(err) && err.code.startsWith('AGI_ERR_') && (code === undefined || err.code === code);
}
