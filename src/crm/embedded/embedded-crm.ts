/**
 * The embedded CRM: the records live in our own directory, so there is nothing to sync, a record's
 * page is our console's, and a call needs nothing beyond our own call log (which already links it to
 * its records).
 */
import type { Directory } from '../../directory/directory.ts';
import type { CallbackState, CallLogEntry, CreatedRecord, CrmPort, CrmRecordRef, LoggedCall, NewRecordInput, SyncReport } from '../crm-port.ts';

export const EMBEDDED_SOURCE = 'embedded';

export class EmbeddedCrm implements CrmPort {
  readonly name = 'embedded';
  readonly source = EMBEDDED_SOURCE;
  readonly logsCalls = false;
  /** The console is where missed-call items are worked: nothing to mirror, and no mirror runs. */
  readonly plansCallbacks = false;
  readonly #directory: Directory;

  constructor(directory: Directory) {
    this.#directory = directory;
  }

  syncFull(): Promise<SyncReport> {
    return Promise.resolve(nothingToSync('full'));
  }

  syncIncremental(): Promise<SyncReport> {
    return Promise.resolve(nothingToSync('incremental'));
  }

  /** The console's record page (relative to the console). */
  recordUrl(ref: CrmRecordRef): string | null {
    return `/records/${ref.type}/${encodeURIComponent(ref.id)}`;
  }

  async createRecord(input: NewRecordInput): Promise<CreatedRecord> {
    const phones = [{ kind: 'work' as const, number: input.phone }];
    const base = { firstName: input.firstName, lastName: input.lastName, assignedUserId: input.assignedUserId, phones };
    const { id } = input.type === 'lead' ? await this.#directory.upsertLead({ ...base, accountName: input.company ?? null }) : await this.#directory.upsertContact(base);
    return { type: input.type, id, externalId: null, url: this.recordUrl({ type: input.type, id, source: EMBEDDED_SOURCE, externalId: null }) };
  }

  /** Our call log is the embedded CRM's call history: nothing more to write. */
  logCall(entry: CallLogEntry): Promise<LoggedCall> {
    return Promise.resolve({ crmCallId: entry.callId, found: false });
  }

  /** Our call log already holds the corrected call. */
  updateCall(): Promise<void> {
    return Promise.resolve();
  }

  linkCall(): Promise<void> {
    return Promise.resolve();
  }

  unlinkCall(): Promise<void> {
    return Promise.resolve();
  }

  /** The item itself, in our console, is the planned callback. */
  planCallback(state: CallbackState): Promise<string> {
    return Promise.resolve(state.itemId);
  }

  findCallback(state: CallbackState): Promise<string | null> {
    return Promise.resolve(state.itemId);
  }

  updateCallback(): Promise<void> {
    return Promise.resolve();
  }
}

function nothingToSync(kind: 'full' | 'incremental'): SyncReport {
  const now = new Date().toISOString();
  return { kind, startedAt: now, finishedAt: now, durationMs: 0, modules: {}, warnings: [] };
}
