/**
 * Structured logs: pino is the implementation (`createLogger`), `Log` what a module that only writes
 * log lines takes. Secrets never reach a log line: the fields that may hold them are redacted.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/** pino's own logger: for the composition root and Fastify, which need more than `Log`. */
export type { Logger } from 'pino';

/**
 * What modules that only log take: a line is fields then words (`log.warn({ pbx }, 'gone')`), or
 * words alone. pino's Logger fits, so the service passes its own; tests pass `silentLog` or a
 * recorder of their own. The first parameter is one union rather than two overloads so that such a
 * recorder, written as `(fields, message) => ...`, fits too.
 */
export interface Log {
  debug(fieldsOrMessage: object | string, message?: string): void;
  info(fieldsOrMessage: object | string, message?: string): void;
  warn(fieldsOrMessage: object | string, message?: string): void;
  error(fieldsOrMessage: object | string, message?: string): void;
}

/** A `Log` that drops every line: the default of modules whose log is optional, and for tests. */
export const silentLog: Log = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/** `json`: one object per line; `pretty`: readable lines; `auto`: pretty when `out` is a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Where log lines go: stdout, or a test's collector. */
export type LogOutput = NodeJS.WritableStream & { isTTY?: boolean };

export function createLogger(level: string, format: LogFormat = 'json', out: LogOutput = process.stdout): Logger {
  const options = {
    level,
    redact: { paths: ['secret', '*.secret', 'password', '*.password', 'token', '*.token', 'Secret', '*.Secret'], censor: '[redacted]' },
  };
  const pretty = format === 'pretty' || (format === 'auto' && out.isTTY === true);
  if (!pretty) return out === process.stdout ? pino(options) : pino(options, out as DestinationStream);
  // Synchronous, in this thread: a line is on the terminal before the next one, and nothing is
  // lost when the process exits right after logging (a failed start).
  const stream = PinoPretty({ destination: out, sync: true, colorize: out.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(options, stream);
}
