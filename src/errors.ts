/**
 * The one catalogue of errors crm-telephony raises. Code and tests match on `err.code`, never on
 * message text; the message is written for a person and says what to do next.
 */
export const ErrorCodes = {
  /** A message grew past the decoder's limit without ending; it was dropped. */
  AMI_ERR_FRAME_TOO_LARGE: 'AMI_ERR_FRAME_TOO_LARGE',
  /** A line inside a message could not be read as `Key: Value`. */
  AMI_ERR_MALFORMED: 'AMI_ERR_MALFORMED',
  /** The peer did not greet with `Asterisk Call Manager/X.Y.Z`: this is not an AMI port. */
  AMI_ERR_NOT_AMI: 'AMI_ERR_NOT_AMI',
  /** A key or value to be sent holds CR or LF (or a key is empty or holds a colon). */
  AMI_ERR_INJECTION: 'AMI_ERR_INJECTION',
  /** An action got no (complete) answer before its deadline. */
  AMI_ERR_TIMEOUT: 'AMI_ERR_TIMEOUT',
  /**
   * The PBX refused the AMI user, its secret, or this host (its permit/deny): settings someone must
   * fix on either side. Retried slowly, since a `manager reload` on the PBX fixes it without us.
   */
  AMI_ERR_AUTH: 'AMI_ERR_AUTH',
  /**
   * The PBX refused the AMI login for a reason that passes (Asterisk is shutting down or
   * restarting, the user's one allowed session is still open) or gave a reason we do not know.
   * Retried with the normal backoff.
   */
  AMI_ERR_LOGIN_REFUSED: 'AMI_ERR_LOGIN_REFUSED',
  /** The connection closed while the action was pending. */
  AMI_ERR_DISCONNECTED: 'AMI_ERR_DISCONNECTED',
  /** Nothing listens on the AMI host and port. */
  AMI_ERR_CONNECT_REFUSED: 'AMI_ERR_CONNECT_REFUSED',
  /** The TCP connection or the greeting/login took too long. */
  AMI_ERR_CONNECT_TIMEOUT: 'AMI_ERR_CONNECT_TIMEOUT',
  /** The AMI host name does not resolve. */
  AMI_ERR_HOST_NOT_FOUND: 'AMI_ERR_HOST_NOT_FOUND',
  /** The PBX answered `Response: Error` to an action. */
  AMI_ERR_ACTION_FAILED: 'AMI_ERR_ACTION_FAILED',
  /** The write queue is full: the PBX is not reading fast enough. */
  AMI_ERR_QUEUE_FULL: 'AMI_ERR_QUEUE_FULL',
  /** The client was closed on purpose; no more actions are accepted. */
  AMI_ERR_CLOSED: 'AMI_ERR_CLOSED',
  /** The PBX stopped answering keepalive pings; the connection was dropped. */
  AMI_ERR_DEAD_PEER: 'AMI_ERR_DEAD_PEER',
  /** A directory record is not acceptable as given (e.g. an undialable extension). */
  DIRECTORY_ERR_INVALID: 'DIRECTORY_ERR_INVALID',
  /** A directory write conflicts with existing data (e.g. an extension owned by another user). */
  DIRECTORY_ERR_CONFLICT: 'DIRECTORY_ERR_CONFLICT',
  /** A configuration value is missing or wrong. */
  CONFIG_ERR_INVALID: 'CONFIG_ERR_INVALID',
  /** The PBX's CDR store cannot be reached or read: Master.csv missing or unreadable, SFTP or the CDR database down, the table missing. */
  CDR_ERR_UNREACHABLE: 'CDR_ERR_UNREACHABLE',
  /** A CDR setting or the CDR store's shape is not usable: a bad table name, time zone or URL, a table without the CDR columns. */
  CDR_ERR_INVALID: 'CDR_ERR_INVALID',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class CrmTelephonyError extends Error {
  readonly code: ErrorCode;
  /** Structured context for logs (never secrets). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CrmTelephonyError';
    this.code = code;
    this.details = details;
  }
}

export function isCrmTelephonyError(err: unknown, code?: ErrorCode): err is CrmTelephonyError {
  return err instanceof CrmTelephonyError && (code === undefined || err.code === code);
}
