/**
 * The FastAGI error codes. They follow `src/errors.ts` (stable codes; code and tests match on
 * `err.code`, never on message text; messages say what to do) and are meant to be merged into that
 * one catalogue; until then they live here so that `agi/` does not edit a shared file.
 */
export const AgiErrorCodes = {
  /** A request block, reply or line grew past its byte limit without ending; the connection was dropped. */
  AGI_ERR_FRAME_TOO_LARGE: 'AGI_ERR_FRAME_TOO_LARGE',
  /** Bytes that are not FastAGI: a request line that is not `agi_key: value`, or a reply that is not `NNN ...`. */
  AGI_ERR_MALFORMED: 'AGI_ERR_MALFORMED',
  /** A command to be sent holds CR, LF or NUL, is too long for Asterisk's line buffer, or names a bad variable. */
  AGI_ERR_INJECTION: 'AGI_ERR_INJECTION',
  /** The request block or a command's reply did not arrive before its deadline. */
  AGI_ERR_TIMEOUT: 'AGI_ERR_TIMEOUT',
  /** The connection closed (or was dropped) while a command waited for its reply. */
  AGI_ERR_CLOSED: 'AGI_ERR_CLOSED',
  /** The channel hung up and Asterisk refused the command on the dead channel (511). */
  AGI_ERR_DEAD_CHANNEL: 'AGI_ERR_DEAD_CHANNEL',
  /** Asterisk answered 510 (unknown command) or 520 (wrong syntax) to a command. */
  AGI_ERR_COMMAND_FAILED: 'AGI_ERR_COMMAND_FAILED',
  /** Too many commands were queued on one session without waiting for their replies. */
  AGI_ERR_QUEUE_FULL: 'AGI_ERR_QUEUE_FULL',
  /** The dialplan asked for a script that no handler serves. */
  AGI_ERR_UNKNOWN_SCRIPT: 'AGI_ERR_UNKNOWN_SCRIPT',
  /** The FastAGI port could not be opened (in use, no permission, bad address). */
  AGI_ERR_LISTEN: 'AGI_ERR_LISTEN',
} as const;

export type AgiErrorCode = (typeof AgiErrorCodes)[keyof typeof AgiErrorCodes];

export class AgiError extends Error {
  readonly code: AgiErrorCode;
  /** Structured context for logs (never secrets). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: AgiErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AgiError';
    this.code = code;
    this.details = details;
  }
}

export function isAgiError(err: unknown, code?: AgiErrorCode): err is AgiError {
  return err instanceof AgiError && (code === undefined || err.code === code);
}
