/**
 * The CRM error codes. They follow `src/errors.ts` (stable codes; code and tests match on `err.code`,
 * never on message text; messages say what to do) and are meant to be merged into that one
 * catalogue; until then they live here so that `crm/` does not edit a shared file.
 *
 * Messages never quote a CRM's response body as it came: SuiteCRM echoes a wrong password in its
 * token error (recording 06), so only known fields (an OAuth error code, a v8 `detail`) are used.
 */
export const CrmErrorCodes = {
  /** A CRM setting is missing or wrong (no URL, no client id...). Nothing was sent. */
  CRM_ERR_CONFIG: 'CRM_ERR_CONFIG',
  /** The CRM refused our credentials, or rejected a token it had just issued. Fatal until fixed. */
  CRM_ERR_AUTH: 'CRM_ERR_AUTH',
  /** The CRM could not be reached (refused, reset, unknown host). Retried. */
  CRM_ERR_UNREACHABLE: 'CRM_ERR_UNREACHABLE',
  /** The CRM did not answer in time; a write may or may not have happened. Retried. */
  CRM_ERR_TIMEOUT: 'CRM_ERR_TIMEOUT',
  /** The CRM answered 5xx or 429: it is up but failing or overloaded. Retried. */
  CRM_ERR_UNAVAILABLE: 'CRM_ERR_UNAVAILABLE',
  /** The CRM refused the request as given (HTTP 400 and friends). Not retried. */
  CRM_ERR_REJECTED: 'CRM_ERR_REJECTED',
  /** The record is not in the CRM (SuiteCRM answers 400 "... is not found", not 404). Not retried. */
  CRM_ERR_NOT_FOUND: 'CRM_ERR_NOT_FOUND',
  /** The CRM answered something that is not the API we speak (HTML, no JSON, another shape). */
  CRM_ERR_BAD_RESPONSE: 'CRM_ERR_BAD_RESPONSE',
  /** The sync or the outbox was stopped while the operation ran. */
  CRM_ERR_STOPPED: 'CRM_ERR_STOPPED',
} as const;

export type CrmErrorCode = (typeof CrmErrorCodes)[keyof typeof CrmErrorCodes];

const RETRYABLE: ReadonlySet<CrmErrorCode> = new Set([
  CrmErrorCodes.CRM_ERR_UNREACHABLE,
  CrmErrorCodes.CRM_ERR_TIMEOUT,
  CrmErrorCodes.CRM_ERR_UNAVAILABLE,
  CrmErrorCodes.CRM_ERR_BAD_RESPONSE,
]);

export class CrmError extends Error {
  readonly code: CrmErrorCode;
  /** Structured context for logs (never secrets, never response bodies). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CrmErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CrmError';
    this.code = code;
    this.details = details;
  }

  /** Worth trying again later without anyone changing anything (the CRM was down, slow or odd). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isCrmError(err: unknown, code?: CrmErrorCode): err is CrmError {
  return err instanceof CrmError && (code === undefined || err.code === code);
}

/** An error's message for people (status pages, logs), whatever was thrown. */
export function errorInWords(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
