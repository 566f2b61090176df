/**
 * What a batch of call-log writes must do, and what this process last wrote for each call (pure: no
 * I/O). A call changes a dozen times, but its extensions and CRM links change two or three times:
 * rewriting them on every change was most of the log's statements. So the log remembers, per call,
 * the extension rows and links it wrote, and a later write touches only the difference. The call's
 * own row is written every time it is given (it is one statement, and it carries the record).
 *
 * The memory is only ever what this process committed: a call it has no memory of (a new call, one
 * restored after a restart, one whose batch failed) gets its extensions rewritten whole, as before.
 */
import type { SqlValue } from './statements.ts';
import type { CallLink, LoggableCall } from './call-log.ts';

/** The statements a batch is made of (their SQL is in call-log-writer.ts). */
export type WriteStatement = 'upsertCall' | 'deleteExtensions' | 'deleteExtension' | 'insertExtension' | 'insertLink';

export interface WriteOp {
  statement: WriteStatement;
  params: SqlValue[];
}

/** One call's extension rows (`extension`, `role`) and link keys, as last written. */
interface Written {
  extensions: ReadonlyMap<string, readonly [extension: string, role: string]>;
  links: ReadonlySet<string>;
}

/**
 * Open calls are kept until their `ended` record is written. Ended calls are kept a little longer,
 * in a bounded list: the PBX's Cdr event usually comes just after the last Hangup and updates the
 * ended record once more, which then needs only its row.
 */
const RECENTLY_ENDED_KEPT = 2_000;
/** A bound for calls that never end in the log (a leak would cost memory, never correctness). */
const OPEN_KEPT = 100_000;
const NO_LINKS: ReadonlySet<string> = new Set();

export class WrittenCalls {
  readonly #open = new Map<string, Written>();
  readonly #ended = new Map<string, Written>();

  get(callId: string): Written | undefined {
    return this.#open.get(callId) ?? this.#ended.get(callId);
  }

  /** The batch committed: this is what the store now holds for the call. */
  set(callId: string, written: Written, ended: boolean): void {
    this.#open.delete(callId);
    this.#ended.delete(callId);
    const into = ended ? this.#ended : this.#open;
    into.set(callId, written);
    // Forgetting is always safe: the next write of a forgotten call rewrites it whole.
    if (into.size > (ended ? RECENTLY_ENDED_KEPT : OPEN_KEPT)) into.delete(into.keys().next().value!);
  }

  /** The batch failed: what the store holds for the call is no longer known. */
  forget(callId: string): void {
    this.#open.delete(callId);
    this.#ended.delete(callId);
  }

  /** Open calls remembered (tests). */
  get openSize(): number {
    return this.#open.size;
  }
}

export interface WritePlan {
  ops: WriteOp[];
  /** Applies the plan to the memory once the batch is committed. */
  committed(): void;
  /** The batch was rolled back: forgets its calls. */
  failed(): void;
}

/** The extension rows a call's record implies, keyed `extension|role` (the first role order wins, as before). */
export function extensionRows(call: LoggableCall): Map<string, readonly [string, string]> {
  const rows = new Map<string, readonly [string, string]>();
  const add = (extension: string, role: string): void => {
    const key = `${extension}|${role}`;
    if (!rows.has(key)) rows.set(key, [extension, role]);
  };
  for (const ext of call.rang) add(ext, 'rang');
  if (call.answeredBy) add(call.answeredBy, 'answered');
  if (call.callerExtension) add(call.callerExtension, 'caller');
  for (const t of call.transfers) if (t.to) add(t.to, 'transfer-target');
  return rows;
}

/**
 * The record's fields the reports' columns hold (migration 0014). The engine's records carry them;
 * a `LoggableCall` built by hand (tests, tools) may not, and gets nulls.
 */
export interface ReportedFields {
  queue?: string | null;
  answeredAt?: string | null;
  ringSeconds?: number | null;
  talkSeconds?: number | null;
}

/** Whole seconds since 1970 of an ISO time; null when there is none (or it does not parse). */
function epochSeconds(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** A count of seconds as the integer column holds it. */
function wholeSeconds(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;
}

/** The `calls` row's values, in the order of the upsert's columns (call-log-writer.ts). */
export function callRowParams(call: LoggableCall & ReportedFields, updatedAt: string): SqlValue[] {
  return [
    call.id,
    call.pbx,
    call.linkedid,
    call.status,
    call.direction,
    call.externalNumber,
    call.normalizedNumber,
    call.did,
    call.answeredBy,
    call.disposition,
    call.startedAt,
    call.endedAt,
    call.clickToCallId,
    call.recording,
    JSON.stringify(call),
    updatedAt,
    epochSeconds(call.startedAt),
    call.answeredAt ?? null,
    wholeSeconds(call.ringSeconds),
    wholeSeconds(call.talkSeconds),
    call.queue ?? null,
    call.callerExtension,
  ];
}

/**
 * The statements for a batch, in order: for each call its row, then the extension rows that
 * changed (all of them, after a delete, for a call not remembered), then links not yet written
 * (links are only ever added). The same call twice in a batch is planned against the first.
 */
export function planWrites(entries: readonly { call: LoggableCall; links?: readonly CallLink[] }[], memory: WrittenCalls, updatedAt: string): WritePlan {
  const ops: WriteOp[] = [];
  const after = new Map<string, { written: Written; ended: boolean }>();
  for (const { call, links = [] } of entries) {
    const id = call.id;
    const before = after.get(id)?.written ?? memory.get(id);
    ops.push({ statement: 'upsertCall', params: callRowParams(call, updatedAt) });
    const extensions = extensionRows(call);
    if (before === undefined) {
      ops.push({ statement: 'deleteExtensions', params: [id] });
      for (const [extension, role] of extensions.values()) ops.push({ statement: 'insertExtension', params: [id, extension, role] });
    } else {
      for (const [key, [extension, role]] of before.extensions) if (!extensions.has(key)) ops.push({ statement: 'deleteExtension', params: [id, extension, role] });
      for (const [key, [extension, role]] of extensions) if (!before.extensions.has(key)) ops.push({ statement: 'insertExtension', params: [id, extension, role] });
    }
    let added: Set<string> | null = null;
    for (const link of links) {
      const key = `${link.type}|${link.id}`;
      if ((added ?? before?.links)?.has(key)) continue;
      added ??= new Set(before?.links);
      added.add(key);
      ops.push({ statement: 'insertLink', params: [id, link.type, link.id, link.link] });
    }
    after.set(id, { written: { extensions, links: added ?? before?.links ?? NO_LINKS }, ended: call.status === 'ended' });
  }
  return {
    ops,
    committed: () => {
      for (const [id, { written, ended }] of after) memory.set(id, written, ended);
    },
    failed: () => {
      for (const id of after.keys()) memory.forget(id);
    },
  };
}
