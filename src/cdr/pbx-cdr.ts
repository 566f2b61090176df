/**
 * The PBX's own record of a call: one CDR as Asterisk wrote it (one per bridged leg pair, so a call
 * that rang a group or was transferred has several), read from whichever store the PBX writes to
 * (`cdr_csv`'s Master.csv, FreePBX's `asteriskcdrdb.cdr`, a `cdr_pgsql` table). Every source turns
 * its rows into this one shape; the reconciliation (`reconcile.ts`) reads nothing else.
 *
 * Times are epoch ms (UTC): a source brings the PBX's local times (`usegmtime = no`) to UTC with
 * the configured PBX time zone. Text is as the caller sent it: the quoting `cdr_csv` and
 * `ast_callerid_merge` apply to `clid` is undone.
 */
export type CdrDisposition = 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION';

export interface PbxCdr {
  /** `accountcode`: our click-to-call sets it to its id (`crm-...`); empty when unset. Optional: not every store keeps it. */
  accountcode?: string;
  /** Uniqueid of the CDR's first channel (`channel`); for a call that started on the PBX, the Linkedid. Empty when the store does not keep it. */
  uniqueid: string;
  /** The call's Linkedid when the store keeps it (FreePBX, cdr_pgsql with a linkedid column); else null. */
  linkedid: string | null;
  /** `src`: the caller's number. */
  src: string;
  /** `dst`: the extension dialled in `dcontext`. */
  dst: string;
  dcontext: string;
  /** The caller's name from `clid` (or `cnam`), unquoted; null when absent. */
  callerName: string | null;
  /** The caller's number from `clid` (or `cnum`); null when absent. */
  callerNumber: string | null;
  /** The first channel, e.g. `PJSIP/carrier-00000000`. */
  channel: string;
  /** The channel it was bridged with or dialled; empty for a leg that dialled nothing. */
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null when the leg was never answered. */
  answer: number | null;
  /** Epoch ms. */
  end: number;
  /** Seconds from start to end. */
  duration: number;
  /** Seconds from answer to end. */
  billsec: number;
  /** `ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION` (as Asterisk writes them; others kept as written). */
  disposition: CdrDisposition | string;
  /** `userfield` (the test dialplan writes the recording's name there); empty when not logged. */
  userfield: string;
  /** FreePBX's `did` column; null elsewhere. */
  did: string | null;
  /** FreePBX's `recordingfile` column; null elsewhere. */
  recordingfile: string | null;
  /** FreePBX's `sequence` column; null elsewhere. */
  sequence: number | null;
}

/** A time window, epoch ms, inclusive. */
export interface CdrWindow {
  from: number;
  to: number;
}

/** Where the PBX's CDRs are read from. One per PBX; never holds secrets in `description`. */
export interface CdrSource {
  readonly kind: 'csv' | 'mysql' | 'postgres';
  /** For logs, health and admins: the file, or `mysql://user@host:3306/asteriskcdrdb (table cdr)`. Never a password. */
  readonly description: string;
  /**
   * Every CDR whose [start, end] overlaps the window. Rows that do not parse are skipped (and
   * counted in `skipped`), never fatal.
   */
  read(window: CdrWindow): Promise<{ rows: PbxCdr[]; skipped: number }>;
  /** Throws, in words that say what to fix, when the source cannot be reached or read. */
  check(): Promise<void>;
  close(): Promise<void>;
}
