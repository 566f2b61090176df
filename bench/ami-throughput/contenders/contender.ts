/**
 * What the benchmark needs from an AMI library that reads from a TCP socket: log in, hand every
 * event to a callback, read BenchSeq from an event, and list an event's fields for checking.
 */
import type { FieldPairs } from '../tally.ts';

export interface Target {
  host: string;
  port: number;
  username: string;
  secret: string;
}

export interface Session {
  /** Logs off (if the library can) and closes the socket; never hangs. */
  close(): Promise<void>;
}

export interface TcpContender<E> {
  /** Connects and logs in; resolves once events will flow. `onBroken` hears of a later failure. */
  open(target: Target, onEvent: (event: E) => void, onBroken: (reason: string) => void): Promise<Session>;
  /** The BenchSeq value as the library hands it out (a string when all is well). */
  seqOf(event: E): unknown;
  /** Every field as [key, value], in the library's order, repeated keys expanded in their order. */
  fieldsOf(event: E): FieldPairs;
}

/** Rejects after `ms`, so that a library that never calls back cannot hang the benchmark. */
export function withDeadline<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Objects of `key: value | value[]` (yana, asterisk-manager) as [key, value] pairs. */
export function objectFields(event: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const key of Object.keys(event)) {
    const value = event[key];
    if (Array.isArray(value)) for (const v of value) out.push([key, String(v)]);
    else out.push([key, String(value)]);
  }
  return out;
}
