/**
 * Table shapes as Kysely sees them. Both engines store the same columns: ids are text (ours are
 * UUIDs; an external CRM keeps its own id in `external_id`), times are ISO-8601 UTC text (they sort
 * correctly as text on both engines), flags are 0/1 integers.
 */
import type { ColumnType } from 'kysely';
import type { PhoneKind, RecordType } from '../directory/record-types.ts';

export interface UsersTable {
  id: string;
  login: string;
  name: string;
  password_hash: string | null;
  role: 'admin' | 'agent';
  active: number;
  source: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExtensionsTable {
  /** The dialable extension (`101`); one extension belongs to one user. */
  extension: string;
  user_id: string;
  /** The extension routing sends callers to. */
  is_primary: number;
}

interface PartyColumns {
  id: string;
  /** The responsible (assigned) user. */
  assigned_user_id: string | null;
  /** `embedded`, or the external CRM's name (`suitecrm`). */
  source: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  /** Last call or edit; ranks equally good matches. */
  last_activity_at: string | null;
}

export interface AccountsTable extends PartyColumns {
  name: string;
}

export interface ContactsTable extends PartyColumns {
  first_name: string;
  last_name: string;
  account_id: string | null;
}

export interface LeadsTable extends PartyColumns {
  first_name: string;
  last_name: string;
  account_name: string | null;
  status: string | null;
}

export interface PhonesTable {
  record_type: RecordType;
  record_id: string;
  position: number;
  kind: PhoneKind;
  /** As typed in the CRM. */
  raw: string;
  /** Match keys from `phone/`: exact E.164, national significant number, trailing digits. */
  e164_key: string | null;
  national_key: string | null;
  suffix_key: string | null;
  extension: string | null;
  // The record's card, copied from the record tables (migration 0008) so that a caller lookup reads
  // the phone rows alone; `directory/` keeps it true on every write. All null when the record is gone.
  /** Contact's or lead's first and last name; null on an account's phones. */
  first_name: string | null;
  last_name: string | null;
  /** The account's name, on an account's phones. */
  name: string | null;
  /** A contact's account and that account's name. */
  account_id: string | null;
  /** The contact's account's name, or the lead's company. */
  account_name: string | null;
  /** The responsible user, with their login and name. */
  owner_id: string | null;
  owner_login: string | null;
  owner_name: string | null;
  last_activity_at: string | null;
  source: string | null;
  external_id: string | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a stolen database does not yield live sessions. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  /** Null for routing tokens, which act for the dialplan, not for a person. */
  user_id: string | null;
  kind: 'api' | 'routing' | 'metrics';
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked: number;
}

export interface CallsTable {
  id: string;
  pbx: string;
  linkedid: string;
  status: 'in-progress' | 'ended';
  direction: 'inbound' | 'outbound' | 'internal';
  external_number: string | null;
  normalized_number: string | null;
  did: string | null;
  answered_by: string | null;
  disposition: string | null;
  started_at: string | null;
  ended_at: string | null;
  click_to_call_id: string | null;
  recording: string | null;
  record_json: string;
  /** Missed calls: who marked it handled (called back), and when. */
  handled_by: string | null;
  handled_at: string | null;
  /** Missed inbound calls: when the customer was next talked to (our callback or their call answered), migration 0013. */
  called_back_at: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: string;
  // The reports' columns (migration 0014), copied from the record on every write (call-log-plan.ts).
  /** `started_at` in whole seconds since 1970 UTC (bigint on PostgreSQL: read it with Number()). */
  started_epoch: ColumnType<number | string | null, number | null | undefined, number | null>;
  answered_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Time to answer (answered calls), the longest ring (unanswered ones). */
  ring_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  talk_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  queue: ColumnType<string | null, string | null | undefined, string | null>;
  /** The agent who placed an outbound or internal call. */
  caller_extension: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CallExtensionsTable {
  call_id: string;
  extension: string;
  /** `rang`, `answered`, `caller` (placed it), `transfer-target`. */
  role: string;
}

export interface CallEntitiesTable {
  call_id: string;
  record_type: RecordType;
  record_id: string;
  /** `matched` (the number matched when the call started) or `origin` (click-to-call from this record). */
  link: 'matched' | 'origin';
}

export interface CallNotesTable {
  id: string;
  call_id: string;
  user_id: string | null;
  text: string;
  created_at: string;
}

export interface DatabaseSchema {
  calls: CallsTable;
  call_extensions: CallExtensionsTable;
  call_entities: CallEntitiesTable;
  call_notes: CallNotesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  users: UsersTable;
  extensions: ExtensionsTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  leads: LeadsTable;
  phones: PhonesTable;
  recordings: RecordingsTable;
  recording_copy_jobs: RecordingCopyJobsTable;
  recording_audit: RecordingAuditTable;
  pbx_heartbeats: PbxHeartbeatsTable;
  pbx_gaps: PbxGapsTable;
  pbx_connections: PbxConnectionsTable;
  user_languages: UserLanguagesTable;
  missed_items: MissedItemsTable;
  missed_item_calls: MissedItemCallsTable;
  report_rollup_days: ReportRollupDaysTable;
  report_rollup: ReportRollupTable;
  report_rollup_state: ReportRollupStateTable;
}

export type MissedItemStatus = 'open' | 'closed';
/** Why the owner has the item: the routing rule that named them, a person's reassignment, or an escalation. */
export type MissedOwnerReason = 'responsible' | 'last-agent' | 'line' | 'fallback' | 'admin' | 'reassigned' | 'nobody';
/** `callback`: our call to the number connected; `called-again`: their next call was answered; `dismissed`: a person closed it. */
export type MissedCloseReason = 'callback' | 'called-again' | 'dismissed';

/** The callback workflow's items (migration 0013): one open item per number nobody took. */
export interface MissedItemsTable {
  id: string;
  pbx: string;
  number: string;
  external_number: string | null;
  caller_name: string | null;
  record_type: RecordType | null;
  record_id: string | null;
  did: string | null;
  status: MissedItemStatus;
  owner_id: string | null;
  owner_reason: MissedOwnerReason;
  /** Escalation steps taken (0: the first owner). */
  level: number;
  miss_count: number;
  first_call_id: string;
  last_call_id: string;
  first_missed_at: string;
  last_missed_at: string;
  escalate_at: string | null;
  snoozed_until: string | null;
  closed_at: string | null;
  closed_by: string | null;
  close_reason: MissedCloseReason | null;
  close_note: string | null;
  closed_call_id: string | null;
  /** Grows at every change a CRM's copy shows (owner, count, closing). */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MissedItemCallsTable {
  call_id: string;
  item_id: string;
  missed_at: string;
}

/** The console language each person picked (migration 0011). */
export interface UserLanguagesTable {
  user_id: string;
  locale: string;
  updated_at: string;
}

/** PBXs added on the PBX page, their AMI secret sealed (migration 0009). */
export interface PbxConnectionsTable {
  id: string;
  definition_json: string;
  secret_sealed: string;
  updated_at: string;
  updated_by: string | null;
}

/** When the service last heard from each PBX while connected (migration 0006). */
export interface PbxHeartbeatsTable {
  pbx: string;
  alive_at: string;
}

/** A gap in the service's view of a PBX, to be filled from the PBX's CDRs (migration 0006). */
export interface PbxGapsTable {
  id: string;
  pbx: string;
  from_at: string;
  to_at: string;
  cause: string;
  state: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: string;
  last_error: string | null;
  corrected: ColumnType<number, number | undefined, number>;
  rebuilt: ColumnType<number, number | undefined, number>;
  created_at: string;
  done_at: string | null;
}

/** A nullable bigint column: PostgreSQL's driver returns it as a string, SQLite as a number; read it with Number(). */
export type NullableBigInt = ColumnType<number | string | null, number | null, number | null>;

/** One recording of a call (migration 0004). The id is random: the only handle browsers get. */
export interface RecordingsTable {
  /** `rec_` and 22 base64url characters (128 random bits). */
  id: string;
  /** `<pbx>:<linkedid>`, as in `calls.id` (no foreign key: the recording may be named first). */
  call_id: string;
  pbx: string;
  /** The file name the PBX gave it. */
  file: string;
  /** Relative to the PBX's recordings folder; null when the PBX put it outside that folder. */
  location: string | null;
  /** `recording` (call going on), `ready`, `removed_by_retention`. Text checked by the code. */
  state: string;
  /** 1 audio, 0 none (an unanswered call's header-only WAV), null not known yet. */
  audio: number | null;
  /** `not-answered` or `empty` when audio is 0. */
  no_audio_reason: string | null;
  /** `wav`, `mp3`, `ogg`, `gsm`, `raw`, `unknown` (from the first bytes when read, else the name). */
  format: string | null;
  size: NullableBigInt;
  duration_ms: number | null;
  /** 1 when Chromium plays the file as is (PCM WAV, MP3, Ogg), 0 when not (GSM or A-law WAV), null not known. */
  playable: number | null;
  /** The size the PBX's report gave (the file was complete then). */
  reported_size: NullableBigInt;
  /** When the PBX reported the file complete. */
  confirmed_at: string | null;
  /** Our copy (copy mode), relative to the storage folder. */
  stored_location: string | null;
  stored_format: string | null;
  stored_size: NullableBigInt;
  copied_at: string | null;
  /** 1 when the PBX's file was deleted (after a verified copy, or by retention). */
  pbx_deleted: number;
  removed_at: string | null;
  /** The last problem met reaching the file, as a stable code (`RECORDING_ERR_MISSING`...). */
  problem: string | null;
  created_at: string;
  updated_at: string;
}

/** The durable copy queue (copy mode): one row per recording still to copy. */
export interface RecordingCopyJobsTable {
  recording_id: string;
  /** `pending` or `failed` (gave up after the last attempt; listed for admins). */
  state: string;
  attempts: number;
  due_at: string;
  /** The service instance working on it, until `locked_until` (a lease: a crashed instance's jobs come back). */
  locked_by: string | null;
  locked_until: string | null;
  last_error_code: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Who listened to or downloaded which recording, when and from where; requests in one window are one row. */
export interface RecordingAuditTable {
  id: string;
  recording_id: string;
  call_id: string;
  user_id: string | null;
  /** Kept as text so that the entry outlives the user. */
  user_login: string;
  /** `session` or `token`. */
  via: string;
  /** `listen`, `download` or `info`. */
  action: string;
  /** `allowed` or `denied`. */
  outcome: string;
  ip: string;
  user_agent: string;
  requests: number;
  first_at: string;
  last_at: string;
}

/** The reports' rolled-up days (migration 0016): a local day of `zone` for `scope` (`*`, or an agent's extensions as JSON). */
export interface ReportRollupDaysTable {
  zone: string;
  scope: string;
  day: number;
  built_at: string;
}

/** A rolled-up day's counts per `dim` (`period`, `line`, `queue`, `agent`, `rang`) and key; PostgreSQL returns the bigints as strings. */
export interface ReportRollupTable {
  zone: string;
  scope: string;
  day: number;
  dim: string;
  key: string | null;
  calls: NumberOrText;
  inbound: NumberOrText;
  outbound: NumberOrText;
  internal: NumberOrText;
  answered: NumberOrText;
  missed: NumberOrText;
  abandoned: NumberOrText;
  talked: NumberOrText;
  talk: NumberOrText;
  cb15: NumberOrText;
  cb60: NumberOrText;
  cb_day: NumberOrText;
  /** The time-to-answer histogram, JSON `[seconds, calls, seconds, calls, ...]`. */
  waits: string;
}

type NumberOrText = ColumnType<number | string, number, number>;

/** The rollup's bookkeeping: `watermark`, the `calls.updated_at` up to which changes were checked. */
export interface ReportRollupStateTable {
  name: string;
  value: string;
}
