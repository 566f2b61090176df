/**
 * The one catalogue of errors crm-telephony raises, and its one error class. Every code is here
 * once, with the HTTP status a reply about it carries, whether trying again later without anyone
 * changing anything can help (`retryable`), and a sentence for people that says what to do (the
 * thrown error's own message says more about the case at hand). Code and tests match on
 * `err.code`, never on message text. Each part of the product names its family of codes
 * (`CrmErrorCodes` in crm/, ...) as a view of this table, never a copy.
 */

/** What a code means outside the code: for replies, retries and people. */
export interface ErrorSpec {
  /** The HTTP status of a reply about it. */
  readonly status: number;
  /** Worth trying again later without anyone changing anything. */
  readonly retryable: boolean;
  /** For people: what happened and what to do. */
  readonly summary: string;
}

const CATALOGUE = {
  /** A message grew past the decoder's limit without ending; it was dropped. */
  AMI_ERR_FRAME_TOO_LARGE: { status: 502, retryable: false, summary: 'The PBX sent a message too large to read; it was skipped.' },
  /** A line inside a message could not be read as `Key: Value`. */
  AMI_ERR_MALFORMED: { status: 502, retryable: false, summary: 'The PBX sent a line that is not AMI; it was skipped.' },
  /** The peer did not greet with `Asterisk Call Manager/X.Y.Z`: this is not an AMI port. */
  AMI_ERR_NOT_AMI: { status: 502, retryable: true, summary: 'The AMI address does not answer as Asterisk\'s manager: check AMI_HOST and AMI_PORT.' },
  /** A key or value to be sent holds CR or LF (or a key is empty or holds a colon). */
  AMI_ERR_INJECTION: { status: 400, retryable: false, summary: 'A value to send to the PBX holds a line break or another character AMI cannot carry.' },
  /** An action got no (complete) answer before its deadline. */
  AMI_ERR_TIMEOUT: { status: 504, retryable: true, summary: 'The PBX did not answer in time; try again.' },
  /**
   * The PBX refused the AMI user, its secret, or this host (its permit/deny): settings someone must
   * fix on either side. Retried slowly, since a `manager reload` on the PBX fixes it without us.
   */
  AMI_ERR_AUTH: { status: 502, retryable: true, summary: 'The PBX refused our AMI user: check AMI_USERNAME, AMI_SECRET and the permit/deny lines in manager.conf.' },
  /**
   * The PBX refused the AMI login for a reason that passes (Asterisk is shutting down or
   * restarting, the user's one allowed session is still open) or gave a reason we do not know.
   * Retried with the normal backoff.
   */
  AMI_ERR_LOGIN_REFUSED: { status: 503, retryable: true, summary: 'The PBX refused the AMI login for now (restarting, or another session); we keep trying.' },
  /** The connection closed while the action was pending. */
  AMI_ERR_DISCONNECTED: { status: 503, retryable: true, summary: 'The connection to the PBX dropped; we reconnect on our own.' },
  /** Nothing listens on the AMI host and port. */
  AMI_ERR_CONNECT_REFUSED: { status: 503, retryable: true, summary: 'Nothing answers on the AMI address: is Asterisk running and the manager enabled?' },
  /** The TCP connection or the greeting/login took too long. */
  AMI_ERR_CONNECT_TIMEOUT: { status: 504, retryable: true, summary: 'The PBX took too long to accept the AMI connection; we keep trying.' },
  /** The AMI host name does not resolve. */
  AMI_ERR_HOST_NOT_FOUND: { status: 503, retryable: true, summary: 'The AMI host name does not resolve: check AMI_HOST.' },
  /** The PBX answered `Response: Error` to an action. */
  AMI_ERR_ACTION_FAILED: { status: 502, retryable: false, summary: 'The PBX refused the action.' },
  /** The write queue is full: the PBX is not reading fast enough. */
  AMI_ERR_QUEUE_FULL: { status: 503, retryable: true, summary: 'Too many actions wait for the PBX; try again shortly.' },
  /** The client was closed on purpose; no more actions are accepted. */
  AMI_ERR_CLOSED: { status: 503, retryable: false, summary: 'The PBX connection was closed on purpose (the service is stopping).' },
  /** The PBX stopped answering keepalive pings; the connection was dropped. */
  AMI_ERR_DEAD_PEER: { status: 503, retryable: true, summary: 'The PBX stopped answering; we reconnect on our own.' },
  /** A directory record is not acceptable as given (e.g. an undialable extension). */
  DIRECTORY_ERR_INVALID: { status: 400, retryable: false, summary: 'The record is not acceptable as given.' },
  /** A directory write conflicts with existing data (e.g. an extension owned by another user). */
  DIRECTORY_ERR_CONFLICT: { status: 409, retryable: false, summary: 'The record conflicts with another one (an extension or login already taken).' },
  /** Another running service holds the SQLite file: SQLite serves one instance; several need PostgreSQL. */
  STORE_ERR_IN_USE: { status: 503, retryable: false, summary: 'Another crm-telephony service is using this SQLite file: stop it, or run several instances on PostgreSQL.' },
  /** A port the service must listen on is taken by another program, or not allowed to it (the message names the variable to change). */
  SERVICE_ERR_PORT_UNAVAILABLE: { status: 500, retryable: false, summary: 'A port the service needs is taken or not allowed: set the variable the message names to a free port and start again.' },
  /** A configuration value is missing or wrong. */
  CONFIG_ERR_INVALID: { status: 500, retryable: false, summary: 'A setting is missing or wrong.' },
  /** The PBX's CDR store cannot be reached or read: Master.csv missing or unreadable, SFTP or the CDR database down, the table missing. */
  CDR_ERR_UNREACHABLE: { status: 503, retryable: true, summary: 'The PBX\'s CDRs cannot be read right now; we try again every minute.' },
  /** Inside a read only: the file was truncated while read (logrotate's copytruncate); it is read again. */
  CDR_ERR_FILE_SHRANK: { status: 503, retryable: true, summary: 'The CDR file got shorter while it was read (rotated): it is read again.' },
  /** A CDR setting or the CDR store's shape is not usable: a bad table name, time zone or URL, a table without the CDR columns. */
  CDR_ERR_INVALID: { status: 500, retryable: false, summary: 'The CDR settings or the CDR table are not usable.' },
  /** A request block, reply or line grew past its byte limit without ending; the connection was dropped. */
  AGI_ERR_FRAME_TOO_LARGE: { status: 400, retryable: false, summary: 'The PBX sent a FastAGI block too large to read; the connection was dropped.' },
  /** Bytes that are not FastAGI: a request line that is not `agi_key: value`, or a reply that is not `NNN ...`. */
  AGI_ERR_MALFORMED: { status: 400, retryable: false, summary: 'Bytes on the FastAGI port that are not FastAGI; the connection was dropped.' },
  /** A command to be sent holds CR, LF or NUL, is too long for Asterisk's line buffer, or names a bad variable. */
  AGI_ERR_INJECTION: { status: 400, retryable: false, summary: 'A FastAGI command to send holds a character Asterisk cannot take.' },
  /** The request block or a command's reply did not arrive before its deadline. */
  AGI_ERR_TIMEOUT: { status: 504, retryable: true, summary: 'The PBX did not send the FastAGI request or reply in time.' },
  /** The connection closed (or was dropped) while a command waited for its reply. */
  AGI_ERR_CLOSED: { status: 503, retryable: false, summary: 'The FastAGI connection closed while a command waited.' },
  /** The channel hung up and Asterisk refused the command on the dead channel (511). */
  AGI_ERR_DEAD_CHANNEL: { status: 410, retryable: false, summary: 'The caller hung up before the routing answer.' },
  /** Asterisk answered 510 (unknown command) or 520 (wrong syntax) to a command. */
  AGI_ERR_COMMAND_FAILED: { status: 502, retryable: false, summary: 'Asterisk refused a FastAGI command.' },
  /** Too many commands were queued on one session without waiting for their replies. */
  AGI_ERR_QUEUE_FULL: { status: 503, retryable: false, summary: 'Too many FastAGI commands waited on one call.' },
  /** The dialplan asked for a script that no handler serves. */
  AGI_ERR_UNKNOWN_SCRIPT: { status: 404, retryable: false, summary: 'The dialplan asked for a FastAGI script this service does not serve.' },
  /** The FastAGI port could not be opened (in use, no permission, bad address). */
  AGI_ERR_LISTEN: { status: 500, retryable: false, summary: 'The FastAGI port could not be opened: set AGI_PORT to a free port (or 0 to turn FastAGI off).' },
  /** An option of the SuiteCRM package (`crm-telephony suitecrm package`) is not acceptable: a service URL, secret or field name. Nothing was written. */
  PACKAGE_ERR_OPTION: { status: 400, retryable: false, summary: 'An option of the SuiteCRM package is not acceptable: the message says which and what to give.' },
  /** A CRM setting is missing or wrong (no URL, no client id...). Nothing was sent. */
  CRM_ERR_CONFIG: { status: 500, retryable: false, summary: 'A CRM setting is missing or wrong.' },
  /** The CRM refused our credentials, or rejected a token it had just issued. Fatal until fixed. */
  CRM_ERR_AUTH: { status: 502, retryable: false, summary: 'The CRM refused our credentials: check the SuiteCRM client id and secret.' },
  /** The CRM could not be reached (refused, reset, unknown host). Retried. */
  CRM_ERR_UNREACHABLE: { status: 503, retryable: true, summary: 'The CRM cannot be reached; we try again.' },
  /** The CRM did not answer in time; a write may or may not have happened. Retried. */
  CRM_ERR_TIMEOUT: { status: 504, retryable: true, summary: 'The CRM did not answer in time; we try again.' },
  /** The CRM answered 5xx or 429: it is up but failing or overloaded. Retried. */
  CRM_ERR_UNAVAILABLE: { status: 503, retryable: true, summary: 'The CRM is up but failing or overloaded; we try again.' },
  /** The CRM refused the request as given (HTTP 400 and friends). Not retried. */
  CRM_ERR_REJECTED: { status: 502, retryable: false, summary: 'The CRM refused the request as given.' },
  /** The record is not in the CRM (SuiteCRM answers 400 "... is not found", not 404). Not retried. */
  CRM_ERR_NOT_FOUND: { status: 404, retryable: false, summary: 'The record is not in the CRM.' },
  /** The CRM answered something that is not the API we speak (HTML, no JSON, another shape). */
  CRM_ERR_BAD_RESPONSE: { status: 502, retryable: true, summary: 'The CRM answered something that is not its API (a login page, an error page).' },
  /** The sync or the outbox was stopped while the operation ran. */
  CRM_ERR_STOPPED: { status: 503, retryable: false, summary: 'The CRM work was stopped (the service is stopping).' },
  /** The file is not where the PBX said it would be (deleted on the PBX, or never written). */
  RECORDING_ERR_MISSING: { status: 404, retryable: false, summary: 'The recording file is not where the PBX said it would be.' },
  /** The recordings folder or host cannot be reached: not mounted, SFTP host down, connection lost. */
  RECORDING_ERR_SOURCE_UNAVAILABLE: { status: 503, retryable: true, summary: 'The recordings cannot be reached right now (folder not mounted, SFTP host down).' },
  /** A path resolves (through `..` or a symbolic link) outside the configured recordings folder. */
  RECORDING_ERR_OUTSIDE_ROOT: { status: 403, retryable: false, summary: 'That path is outside the recordings folder.' },
  /** A path or file name is not acceptable: characters we do not take, empty, too long or too deep. */
  RECORDING_ERR_BAD_PATH: { status: 400, retryable: false, summary: 'That recording path or file name is not acceptable.' },
  /** An operation on the recordings source took longer than its deadline. */
  RECORDING_ERR_TIMEOUT: { status: 504, retryable: true, summary: 'The recordings source did not answer in time.' },
  /** The SFTP server refused our user or key. Fatal: not retried until the cool-down passes. */
  RECORDING_ERR_SFTP_AUTH: { status: 502, retryable: false, summary: 'The PBX\'s SFTP server refused our user or key: check the RECORDINGS_SFTP settings.' },
  /** The SFTP server's host key is not the configured one (or none is configured). Fatal. */
  RECORDING_ERR_SFTP_HOST_KEY: { status: 502, retryable: false, summary: 'The PBX\'s SFTP host key is not the configured one: check RECORDINGS_SFTP_HOST_KEY.' },
  /** A copy did not come out the size of the original (or the original changed while copied). */
  RECORDING_ERR_SIZE_MISMATCH: { status: 502, retryable: true, summary: 'A recording copy did not come out whole; it is copied again.' },
  /** ffmpeg failed to transcode a copy (the WAV copy is kept). */
  RECORDING_ERR_TRANSCODE: { status: 500, retryable: false, summary: 'ffmpeg could not convert the recording; the WAV copy is kept.' },
  /** The recordings service or source was closed; no more operations are accepted. */
  RECORDING_ERR_CLOSED: { status: 503, retryable: false, summary: 'The recordings service was closed (the service is stopping).' },
  /** A recordings setting is missing or wrong. */
  RECORDING_ERR_CONFIG: { status: 500, retryable: false, summary: 'A recordings setting is missing or wrong.' },
  // ---- replies of the web API (src/web) and what the SuiteCRM widget tells its user ----
  /** The request is not as the endpoint takes it (the message says what to send). */
  BAD_REQUEST: { status: 400, retryable: false, summary: 'The request is not as this endpoint takes it.' },
  /** Nothing by that id or path. */
  NOT_FOUND: { status: 404, retryable: false, summary: 'Nothing was found there.' },
  /** The change cannot be made as things stand (the message says what to change first). */
  CONFLICT: { status: 409, retryable: false, summary: 'This change cannot be made as things stand.' },
  /** An error of ours nobody planned for; logged with its stack. */
  INTERNAL: { status: 500, retryable: true, summary: 'Something went wrong on the server; it was logged. Try again, and tell an administrator if it persists.' },
  /** No session and no API token. */
  AUTH_REQUIRED: { status: 401, retryable: false, summary: 'Sign in first (or send an API token as "Authorization: Bearer ...").' },
  /** A wrong login or password. */
  AUTH_FAILED: { status: 401, retryable: false, summary: 'Wrong login or password.' },
  /** An API token that is unknown or revoked. */
  AUTH_BAD_TOKEN: { status: 401, retryable: false, summary: 'The API token is unknown or revoked: create a new one with "crm-telephony tokens create".' },
  /** A browser request without the page's CSRF token. */
  AUTH_CSRF: { status: 403, retryable: false, summary: 'The page\'s CSRF token is missing: reload the page and try again.' },
  /** Signed in, but not allowed (an admin's page, someone else's recording). */
  AUTH_FORBIDDEN: { status: 403, retryable: false, summary: 'You are not allowed to do this.' },
  /** The recording is not there to play (or not anymore). */
  RECORDING_NOT_FOUND: { status: 404, retryable: false, summary: 'This call has no recording to play.' },
  /** A byte range outside the recording. */
  RANGE_NOT_SATISFIABLE: { status: 416, retryable: false, summary: 'That part of the recording does not exist.' },
  /** The widget's sign-in from SuiteCRM is not set up here (no CRM_WIDGET_SECRET). */
  SSO_NOT_CONFIGURED: { status: 503, retryable: false, summary: 'Sign-in from SuiteCRM is not set up: set CRM_WIDGET_SECRET.' },
  /** A widget sign-in from a page whose origin is not in CORS_ORIGINS. */
  SSO_ORIGIN: { status: 403, retryable: false, summary: 'Sign-in from SuiteCRM is accepted only from the origins in CORS_ORIGINS.' },
  /** A widget sign-in token that is not ours (wrong signature or shape). */
  SSO_BAD_TOKEN: { status: 401, retryable: false, summary: 'The sign-in from SuiteCRM is not valid: check that CRM_WIDGET_SECRET matches SuiteCRM\'s.' },
  /** A widget sign-in token past its lifetime. */
  SSO_EXPIRED: { status: 401, retryable: false, summary: 'The sign-in from SuiteCRM has expired: reload the SuiteCRM page.' },
  /** A widget sign-in token used twice. */
  SSO_REPLAYED: { status: 401, retryable: false, summary: 'This sign-in from SuiteCRM was already used: reload the SuiteCRM page.' },
  /** The SuiteCRM user is not (or no longer) an active user of ours. */
  SSO_UNKNOWN_USER: { status: 403, retryable: false, summary: 'Your SuiteCRM user is not in the phone directory (yet): reload in a minute, or ask an administrator.' },
  /** Click-to-call while the PBX is not connected. */
  C2C_PBX_DOWN: { status: 503, retryable: true, summary: 'The phone system is not connected right now: try again in a moment.' },
  /** Click-to-call by a user with no extension. */
  C2C_NO_EXTENSION: { status: 409, retryable: false, summary: 'You have no phone extension: ask an administrator to give you one.' },
  /** In the browser: the service does not answer at all (network down, service stopped). */
  NETWORK: { status: 503, retryable: true, summary: 'The phone service does not answer: check the network; it retries by itself.' },
  /** The widget: this browser did not keep the service's session cookie (third-party cookies blocked). */
  COOKIE_BLOCKED: { status: 401, retryable: false, summary: 'This browser blocks the phone service\'s cookie: allow third-party cookies for it.' },
  /** The widget: the browser is signed in to the console as someone else. */
  OTHER_SESSION: { status: 409, retryable: false, summary: 'This browser is signed in to the phone console as someone else: sign out there, then reload.' },
  /** A click-to-call to a number that cannot be dialled (the message says why). */
  C2C_BAD_NUMBER: { status: 400, retryable: false, summary: 'That number cannot be called: check it.' },
  /** The PBX refused the click-to-call's Originate. */
  C2C_ORIGINATE_FAILED: { status: 502, retryable: true, summary: 'The phone system refused the call: try again, or ask an administrator to check the PBX.' },
  /** Not one of the people who may hear this recording. */
  RECORDING_FORBIDDEN: { status: 403, retryable: false, summary: 'This recording is for the agents on the call, the owner of its CRM record, and administrators.' },
  /** Listening is allowed, downloading is for administrators. */
  RECORDING_DOWNLOAD_FORBIDDEN: { status: 403, retryable: false, summary: 'Only administrators may download recordings; you may listen here.' },
  /** The recording is empty. */
  RECORDING_NO_AUDIO: { status: 204, retryable: false, summary: 'The recording is empty.' },
  /** The call is still being recorded. */
  RECORDING_IN_PROGRESS: { status: 409, retryable: true, summary: 'The call is still being recorded: play it when it ends.' },
  /** Removed by the retention policy. */
  RECORDING_REMOVED: { status: 410, retryable: false, summary: 'The recording was removed (retention); the call stays in the history.' },
  /** The file is no longer on the PBX. */
  RECORDING_MISSING: { status: 404, retryable: false, summary: 'The recording file is no longer on the PBX (it may have been deleted there).' },
  /** The file's path leads outside the recordings folder, so it is refused. */
  RECORDING_UNLOCATABLE: { status: 404, retryable: false, summary: 'This recording\'s file is outside the recordings folder, so it cannot be played here.' },
  /** The recordings folder or host cannot be reached right now. */
  RECORDING_UNAVAILABLE: { status: 503, retryable: true, summary: 'The recordings cannot be reached right now: try again in a minute.' },
  /** A recording report names a PBX this service does not follow. */
  RECORDING_UNKNOWN_PBX: { status: 400, retryable: false, summary: 'No such PBX is configured here.' },
  /** A recording report's path leads outside the recordings folder. */
  RECORDING_OUTSIDE_ROOT: { status: 400, retryable: false, summary: 'That path is outside the recordings folder.' },
  /** A recording report's path is not acceptable. */
  RECORDING_BAD_PATH: { status: 400, retryable: false, summary: 'That recording path or file name is not acceptable.' },
  /** A recording report whose file belongs to another call. */
  RECORDING_REPORT_MISMATCH: { status: 409, retryable: false, summary: 'This file belongs to another call; the report was refused.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof CATALOGUE;

/** Every code by name: `ErrorCodes.AMI_ERR_TIMEOUT === 'AMI_ERR_TIMEOUT'`. */
export const ErrorCodes: { readonly [K in ErrorCode]: K } = Object.freeze(
  Object.fromEntries(Object.keys(CATALOGUE).map((k) => [k, k])) as { [K in ErrorCode]: K },
);

/** The codes whose names start with `prefix` (`'CRM_ERR_'`): a family, for a part of the product. */
export function codesOf<P extends string>(prefix: P): { readonly [K in Extract<ErrorCode, `${P}${string}`>]: K } {
  return Object.freeze(Object.fromEntries(Object.keys(CATALOGUE).filter((k) => k.startsWith(prefix)).map((k) => [k, k]))) as {
    readonly [K in Extract<ErrorCode, `${P}${string}`>]: K;
  };
}

export function errorSpec(code: ErrorCode): ErrorSpec {
  return CATALOGUE[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CATALOGUE, value);
}

export class CrmTelephonyError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** Structured context for logs (never secrets, never a remote system's response body). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CrmTelephonyError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return CATALOGUE[this.code].status;
  }

  /** Worth trying again later without anyone changing anything (see the catalogue). */
  get retryable(): boolean {
    return CATALOGUE[this.code].retryable;
  }
}

export function isCrmTelephonyError(err: unknown, code?: ErrorCode): err is CrmTelephonyError {
  return err instanceof CrmTelephonyError && (code === undefined || err.code === code);
}

/** An error's message for people (status pages, logs), whatever was thrown. */
export function errorInWords(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
