/**
 * The CRM port: everything the product needs from a CRM, and nothing of how a CRM speaks. The
 * directory sync fills our own phone index (lookups never call the CRM), record URLs open the CRM's
 * own page from a pop, a caller can become a lead or contact, and every call can be written into the
 * CRM and linked to whom it concerns. Adapters: `embedded/` (the records live in our directory) and
 * `suitecrm/`.
 */
import type { RecordType } from '../directory/record-types.ts';

/** A directory record as the CRM knows it: our id, and the CRM's own id when it came from there. */
export interface CrmRecordRef {
  type: RecordType;
  /** Our id (`suitecrm:<uuid>` for records synced from SuiteCRM). */
  id: string;
  /** The directory `source` of the record: `embedded` or the CRM's name. */
  source: string;
  /** The CRM's id for it; null for a record that exists only in our directory. */
  externalId: string | null;
}

/** A user of ours, with the CRM's id for them when they came from the CRM. */
export interface CrmUserRef {
  id: string;
  source: string;
  externalId: string | null;
  name?: string;
}

// ---- directory sync ----------------------------------------------------------------------------

export interface SyncProgress {
  /** The CRM's module (`Users`, `Accounts`, `Contacts`, `Leads`). */
  module: string;
  done: number;
  /** Best estimate of the module's size; null while unknown. */
  total: number | null;
}

export interface SyncRunOptions {
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
}

export interface ModuleSyncCounts {
  /** Records the CRM listed. */
  listed: number;
  /** Records written to our directory (new or changed). */
  written: number;
  /** Records listed again with nothing new (the overlap of incremental syncs). */
  unchanged: number;
  /** Records removed from our directory (deleted in the CRM, or missing from a full listing). */
  removed: number;
}

export interface SyncReport {
  kind: 'full' | 'incremental';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Per CRM module. */
  modules: Record<string, ModuleSyncCounts>;
  /** Things a person should fix in the CRM (an extension on two users...), in words. */
  warnings: string[];
}

// ---- records -----------------------------------------------------------------------------------

export interface NewRecordInput {
  type: 'contact' | 'lead';
  firstName: string;
  lastName: string;
  /** A lead's company. */
  company?: string | null;
  phone: string;
  /** Our user id of the responsible user. */
  assignedUserId: string | null;
}

export interface CreatedRecord {
  type: 'contact' | 'lead';
  /** Our id: the record is in our directory at once, so the next pop finds it. */
  id: string;
  externalId: string | null;
  url: string | null;
}

// ---- call logging ------------------------------------------------------------------------------

/** One ended call as the CRM should record it; built by the outbox from our call record. */
export interface CallLogEntry {
  /** Our call id (`<pbx>:<linkedid>`): what makes logging idempotent. */
  callId: string;
  direction: 'inbound' | 'outbound';
  answered: boolean;
  /** answered, missed, busy, unavailable, abandoned, failed. */
  disposition: string | null;
  /** The outside number as the PBX presented it. */
  externalNumber: string | null;
  /** The outside number in E.164, when it is one. */
  normalizedNumber: string | null;
  /** The line (DID) the call came in on. */
  did: string | null;
  /** ISO-8601 UTC. */
  startedAt: string;
  endedAt: string | null;
  talkSeconds: number;
  ringSeconds: number | null;
  /** The agent's extension: who answered, or who placed an outbound call. */
  agentExtension: string | null;
  /** The agent who answered; for a missed call the responsible user of the caller's record. */
  assignedUser: CrmUserRef | null;
  /** The best-matching record (the click-to-call record first). */
  parent: CrmRecordRef | null;
  /** Every matched record (contacts and leads are linked; accounts only as parent). */
  related: CrmRecordRef[];
  /** Users to link the call to (the agent). */
  users: CrmUserRef[];
  /** A link to the recording in our service; null when there is none or no link is configured. */
  recordingUrl: string | null;
  recordingFile: string | null;
  /** Started by our click-to-call. */
  clickToCall: boolean;
}

/** One link of a logged call to a CRM record or user. */
export interface CallLinkTarget {
  kind: 'contact' | 'lead' | 'user';
  externalId: string;
}

export interface LogCallOptions {
  /**
   * An earlier attempt may have created the call already (its response was lost): look for it
   * before creating another.
   */
  mayExist: boolean;
  signal?: AbortSignal;
}

export interface LoggedCall {
  /** The CRM's id of the call record. */
  crmCallId: string;
  /** True when an earlier attempt's record was found instead of creating one. */
  found: boolean;
}

// ---- missed-call items as planned callbacks (issue 17) ------------------------------------------

/**
 * One missed-call item as the CRM's planned callback should show it; built by the mirror
 * (`missed/`) from `missed_items` and the directory. Everything a create or an update writes.
 */
export interface CallbackState {
  /** Our item id: what makes the planned call findable after a lost answer. */
  itemId: string;
  status: 'open' | 'closed';
  /** E.164 when it normalized, else as the PBX presented it. */
  number: string;
  externalNumber: string | null;
  /** The record's name, else the caller ID name; null when neither is known. */
  callerName: string | null;
  did: string | null;
  missCount: number;
  /** ISO-8601 UTC. */
  firstMissedAt: string;
  lastMissedAt: string;
  /** Who should call back; null when nobody could be chosen. */
  owner: CrmUserRef | null;
  /** Why they own it (`responsible`, `last-agent`, `line`, `fallback`, `admin`, `reassigned`, `nobody`). */
  ownerReason: string;
  /** The caller's record (the planned call's parent, and linked when a contact or lead). */
  record: CrmRecordRef | null;
  /** How it closed; null while open. */
  closed: { reason: 'callback' | 'called-again' | 'dismissed'; at: string; by: CrmUserRef | null; note: string | null } | null;
}

export interface CrmPort {
  /** `embedded` or `suitecrm`. */
  readonly name: string;
  /** The directory `source` of the records this CRM owns. */
  readonly source: string;
  /** False when logging a call needs nothing beyond our own call log (the embedded CRM). */
  readonly logsCalls: boolean;

  /** Lists everything and brings our directory to match (records the CRM no longer has are removed). */
  syncFull(options?: SyncRunOptions): Promise<SyncReport>;
  /** Fetches what changed (and what was deleted) since the last sync. */
  syncIncremental(options?: SyncRunOptions): Promise<SyncReport>;

  /** The CRM's own page for a record (for pops); null when the CRM has none for it. */
  recordUrl(ref: CrmRecordRef): string | null;
  /** Creates a lead or contact in the CRM and in our directory. */
  createRecord(input: NewRecordInput): Promise<CreatedRecord>;

  /** Writes the call into the CRM (idempotent by `entry.callId` with `mayExist`). */
  logCall(entry: CallLogEntry, options: LogCallOptions): Promise<LoggedCall>;
  /**
   * Rewrites a logged call with a corrected entry (the PBX's CDRs told better after a gap): every
   * field `logCall` writes, so that the CRM shows the entry and nothing of the first version.
   * Updating twice with the same entry is harmless.
   */
  updateCall(crmCallId: string, entry: CallLogEntry, options?: { signal?: AbortSignal }): Promise<void>;
  /** Links a logged call to a record or user; linking twice is harmless. */
  linkCall(crmCallId: string, target: CallLinkTarget, options?: { signal?: AbortSignal }): Promise<void>;
  /** Removes such a link (a planned callback's previous owner); one that is not there is no error. */
  unlinkCall(crmCallId: string, target: CallLinkTarget, options?: { signal?: AbortSignal }): Promise<void>;

  /**
   * Whether missed-call items are mirrored into this CRM as planned callbacks (MISSED_CRM_CALLS).
   * False for the embedded CRM: its console is where items are worked, so no mirror runs there.
   */
  readonly plansCallbacks: boolean;
  /** Creates the planned callback for an item; returns the CRM's id of it. */
  planCallback(state: CallbackState, options?: { signal?: AbortSignal }): Promise<string>;
  /** The CRM's id of the planned callback an earlier create wrote for `state.itemId` (its answer was lost), or null. */
  findCallback(state: CallbackState, options?: { signal?: AbortSignal }): Promise<string | null>;
  /** Rewrites the planned callback with the item as it is now (owner, count, closing). Harmless twice. */
  updateCallback(crmCallId: string, state: CallbackState, options?: { signal?: AbortSignal }): Promise<void>;
}

/** The links a call gets in a CRM: its matched contacts and leads, and its users, that the CRM knows. */
export function callLinkTargets(entry: CallLogEntry, source: string): CallLinkTarget[] {
  const out: CallLinkTarget[] = [];
  const seen = new Set<string>();
  const add = (kind: CallLinkTarget['kind'], externalId: string | null, from: string): void => {
    if (from !== source || externalId === null || externalId === '') return;
    const key = `${kind}:${externalId}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind, externalId });
  };
  for (const r of entry.related) if (r.type === 'contact' || r.type === 'lead') add(r.type, r.externalId, r.source);
  for (const u of entry.users) add('user', u.externalId, u.source);
  return out;
}

export function emptyCounts(): ModuleSyncCounts {
  return { listed: 0, written: 0, unchanged: 0, removed: 0 };
}
