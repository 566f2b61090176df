/** The little of pino the CRM code uses; pino's Logger fits, and tests pass a silent one. */
export interface CrmLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: CrmLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
