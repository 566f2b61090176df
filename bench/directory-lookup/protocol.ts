/** Messages between the benchmark (parent) and one run (a child process per engine and size). */
import type { CountryCode } from '../../src/phone/types.ts';
import type { CallerForm } from './callers.ts';
import type { Latency, MatchTally } from './stats.ts';

export type EngineName = 'sqlite' | 'postgres';

export interface StartRun {
  type: 'start';
  engine: EngineName;
  contacts: number;
  seed: number;
  region: CountryCode;
  /** SQLite: the database file (under a temporary directory the parent removes). */
  sqlitePath: string;
  /** PostgreSQL: server URL and a fresh schema the parent drops afterwards. */
  postgresUrl: string;
  postgresSchema: string;
  /** Timed lookups per method: callers whose number is in the directory, and callers whose is not. */
  hits: number;
  misses: number;
  /** Untimed lookups per method first, with other callers. */
  warmup: number;
  /** The suffix scan reads the whole table per call: at most this many calls, and no longer than `suffixBudgetMs`. */
  suffixQueries: number;
  suffixBudgetMs: number;
}

export interface MethodResult {
  hits: Latency | null;
  misses: Latency | null;
  /** Hit callers: real matches expected and found. */
  hitTally: MatchTally;
  /** Miss callers: anything returned is wrong. */
  missTally: MatchTally;
  /** Hit callers per presentation form. */
  byForm: Partial<Record<CallerForm, MatchTally>>;
  /** Calls made (timed); for the suffix scan, fewer than the others. */
  calls: number;
  /** Callers the method could not even ask about (the suffix scan needs 6+ digits). */
  unasked: number;
}

export interface StageResult {
  /** normalizePhone + index keys, in process. */
  normalize: Latency;
  /** The prepared statement through the driver (and the event loop turn it awaits). */
  query: Latency;
  /** Collapsing rows to candidates and ranking them. */
  rank: Latency;
  total: Latency;
  /** Over the slowest 1% of these lookups: the mean share of each stage. */
  slowestShare: { normalize: number; query: number; rank: number };
}

export interface SizeResult {
  engine: EngineName;
  contacts: number;
  region: CountryCode;
  seed: number;
  counts: { users: number; accounts: number; contacts: number; leads: number; records: number; phones: number; phonesWithE164: number };
  load: {
    /** Time inside bulkUpsert plus the final ANALYZE: the import itself. */
    importSeconds: number;
    analyzeSeconds: number;
    /** Generating the demo records, interleaved with the import. */
    generateSeconds: number;
    recordsPerSec: number;
    phonesPerSec: number;
    /** After the import, not part of it: PostgreSQL's VACUUM (see storage.ts). */
    settleSeconds: number;
  };
  /** The benchmark process after the load, after a full GC. */
  memory: { rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number };
  storage: { bytes: number; what: string };
  truth: { sampledNumbers: number; sampleRate: number; sharedNumbers: number };
  ours: MethodResult;
  exact: MethodResult;
  suffix: MethodResult;
  stages: StageResult;
  seconds: { load: number; lookups: number; suffix: number; total: number };
  /** The machine's 1-minute load average when the timed lookups began and when they ended (2 cores: above 2, something waits). */
  loadAverage: { lookupsBegan: number; lookupsEnded: number };
}

export type RunReport = { type: 'result'; result: SizeResult } | { type: 'failed'; reason: string };
