/** Structured logs (pino). Secrets never reach a log line: the fields that may hold them are redacted. */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['secret', '*.secret', 'password', '*.password', 'token', '*.token', 'Secret', '*.Secret'], censor: '[redacted]' },
  });
}
