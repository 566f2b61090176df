/**
 * The `recordings` table: id -> call -> location, and what we learned about the file. The only
 * module that writes it. Rows are never deleted: retention marks them, so the call's history and
 * the audit can still say what happened to the recording.
 */
import type { Selectable, Updateable } from 'kysely';
import type { Store } from '../store/store.ts';
import { statement, type Statement } from '../store/statements.ts';
import type { RecordingsTable } from '../store/schema.ts';
import { newRecordingId } from './ids.ts';
import type { AudioFormat } from './media-type.ts';

export type RecordingState = 'recording' | 'ready' | 'removed_by_retention';
export type NoAudioReason = 'not-answered' | 'empty';

export interface RecordingRow {
  id: string;
  callId: string;
  pbx: string;
  file: string;
  location: string | null;
  state: RecordingState;
  audio: boolean | null;
  noAudioReason: NoAudioReason | null;
  format: AudioFormat | null;
  size: number | null;
  durationMs: number | null;
  playable: boolean | null;
  reportedSize: number | null;
  confirmedAt: string | null;
  storedLocation: string | null;
  storedFormat: AudioFormat | null;
  storedSize: number | null;
  copiedAt: string | null;
  pbxDeleted: boolean;
  removedAt: string | null;
  problem: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Fields a caller may change; `updated_at` is set on every write. */
export type RecordingPatch = Partial<Omit<RecordingRow, 'id' | 'callId' | 'pbx' | 'file' | 'createdAt' | 'updatedAt'>>;

type Row = Selectable<RecordingsTable>;

export interface EnsureInput {
  callId: string;
  pbx: string;
  file: string;
  location: string | null;
  /** The location comes from a full path the PBX gave, not a guess from a bare name. */
  fromPath: boolean;
  state?: RecordingState;
}

const INSERT_COLUMNS =
  'id, call_id, pbx, file, location, state, audio, no_audio_reason, format, size, duration_ms, playable, reported_size, confirmed_at, stored_location, stored_format, stored_size, copied_at, pbx_deleted, removed_at, problem, created_at, updated_at';
const INSERT_VALUES = '?, ?, ?, ?, ?, ?, null, null, null, null, null, null, null, null, null, null, null, null, 0, null, null, ?, ?';

/** Calls' files remembered by `touch` (a few minutes of calls at 100 calls/s). */
const WRITTEN_KEPT = 20_000;
/**
 * Remembered for a row whose location this process did not set (a guess kept the row's own): a
 * full path must still be written, since the row's location is not known to equal it.
 */
const GUESSED = '\u0000guessed';

export class RecordingRows {
  readonly #store: Store;
  readonly #now: () => number;
  // Every recorded call runs these (its recording located, its end): prepared once (issue 13).
  readonly #ensureFromPath: Statement<never>;
  readonly #ensureGuessed: Statement<never>;
  readonly #byCallAndFile: Statement<Row>;
  readonly #forCall: Statement<Row>;
  readonly #endCall: Statement<Row>;
  /**
   * What this process last wrote for a call's file (`call_id`, `file` -> its location): the engine
   * names a call's recording more than once (each channel's MixMonitor variables, then the call's
   * end), and an upsert that would change nothing is a statement saved. Rows are never deleted, so a
   * remembered row exists; forgetting is always safe (the next write is the upsert again).
   */
  readonly #written = new Map<string, string | null>();

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
    const upsert = (location: string) =>
      `insert into recordings (${INSERT_COLUMNS}) values (${INSERT_VALUES}) on conflict (call_id, file) do update set location = ${location}, updated_at = excluded.updated_at`;
    this.#ensureFromPath = statement(store, 'recordings_ensure_from_path', upsert('excluded.location'));
    this.#ensureGuessed = statement(store, 'recordings_ensure_guessed', upsert('recordings.location'));
    this.#byCallAndFile = statement(store, 'recordings_by_call_and_file', 'select * from recordings where call_id = cast(? as text) and file = cast(? as text)');
    this.#forCall = statement(store, 'recordings_for_call', 'select * from recordings where call_id = cast(? as text) order by created_at, id');
    // Marks the call's recordings complete and reads them all back, in one statement. Only rows
    // still recording change (`updated_at` too); the others come back as they are.
    this.#endCall = statement(
      store,
      'recordings_end_call',
      "update recordings set state = case when state = 'recording' then 'ready' else state end, updated_at = case when state = 'recording' then ? else updated_at end where call_id = cast(? as text) returning *",
    );
  }

  /**
   * The row for this call and file, created when new. On an existing row the location changes only
   * when this one comes from a full path the PBX gave (`fromPath`): a bare name is a guess (the
   * file directly in the folder) and must not undo a subfolder, or a refusal, learned before.
   */
  async ensure(input: EnsureInput): Promise<RecordingRow> {
    await this.touch(input);
    const row = await this.byCallAndFile(input.callId, input.file);
    if (!row) throw new Error(`recording row for ${input.callId} vanished after its upsert`);
    return row;
  }

  /** `ensure` without reading the row back: for a caller that reads the call's rows next anyway. */
  async touch(input: EnsureInput): Promise<void> {
    const key = `${input.callId}\u0000${input.file}`;
    const known = this.#written.get(key);
    // A guess never changes an existing row's location; a full path changes it only when it differs.
    if (known !== undefined && (!input.fromPath || known === input.location)) return;
    const now = this.#iso();
    const upsert = input.fromPath ? this.#ensureFromPath : this.#ensureGuessed;
    await upsert.run([newRecordingId(), input.callId, input.pbx, input.file, input.location, input.state ?? 'recording', now, now]);
    // The row's location now: the one given when it came from a path; after a guess it is not known
    // here (an existing row kept its own), so only later guesses may be skipped.
    this.#written.delete(key);
    this.#written.set(key, input.fromPath ? input.location : GUESSED);
    if (this.#written.size > WRITTEN_KEPT) this.#written.delete(this.#written.keys().next().value!);
  }

  async get(id: string): Promise<RecordingRow | undefined> {
    const row = await this.#store.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  /** The row and its call's start time (for download names), in one query. */
  async getWithCallStart(id: string): Promise<{ row: RecordingRow; callStartedAt: string | null } | undefined> {
    const r = await this.#store.db
      .selectFrom('recordings')
      .leftJoin('calls', 'calls.id', 'recordings.call_id')
      .selectAll('recordings')
      .select('calls.started_at as call_started_at')
      .where('recordings.id', '=', id)
      .executeTakeFirst();
    if (!r) return undefined;
    const { call_started_at, ...rest } = r;
    return { row: toRow(rest), callStartedAt: call_started_at };
  }

  async byCallAndFile(callId: string, file: string): Promise<RecordingRow | undefined> {
    const row = await this.#byCallAndFile.get([callId, file]);
    return row ? toRow(row) : undefined;
  }

  /** A call's recordings, oldest first. */
  async forCall(callId: string): Promise<RecordingRow[]> {
    return (await this.#forCall.all([callId])).map(toRow);
  }

  /** Rows of a PBX with this file name (names carry the uniqueid, so normally one). */
  async byFile(pbx: string, file: string): Promise<RecordingRow[]> {
    const rows = await this.#store.db.selectFrom('recordings').selectAll().where('pbx', '=', pbx).where('file', '=', file).execute();
    return rows.map(toRow);
  }

  async update(id: string, patch: RecordingPatch): Promise<void> {
    // The row's location is no longer the one remembered (rare: a report, a correction).
    if (patch.location !== undefined) this.#written.clear();
    const set: Updateable<RecordingsTable> = { updated_at: this.#iso() };
    if (patch.location !== undefined) set.location = patch.location;
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.audio !== undefined) set.audio = patch.audio === null ? null : patch.audio ? 1 : 0;
    if (patch.noAudioReason !== undefined) set.no_audio_reason = patch.noAudioReason;
    if (patch.format !== undefined) set.format = patch.format;
    if (patch.size !== undefined) set.size = patch.size;
    if (patch.durationMs !== undefined) set.duration_ms = patch.durationMs;
    if (patch.playable !== undefined) set.playable = patch.playable === null ? null : patch.playable ? 1 : 0;
    if (patch.reportedSize !== undefined) set.reported_size = patch.reportedSize;
    if (patch.confirmedAt !== undefined) set.confirmed_at = patch.confirmedAt;
    if (patch.storedLocation !== undefined) set.stored_location = patch.storedLocation;
    if (patch.storedFormat !== undefined) set.stored_format = patch.storedFormat;
    if (patch.storedSize !== undefined) set.stored_size = patch.storedSize;
    if (patch.copiedAt !== undefined) set.copied_at = patch.copiedAt;
    if (patch.pbxDeleted !== undefined) set.pbx_deleted = patch.pbxDeleted ? 1 : 0;
    if (patch.removedAt !== undefined) set.removed_at = patch.removedAt;
    if (patch.problem !== undefined) set.problem = patch.problem;
    await this.#store.db.updateTable('recordings').set(set).where('id', '=', id).execute();
  }

  /**
   * A call ended: its recordings are complete (MixMonitor closes the file as the channel goes).
   * Returns every recording of the call, oldest first, as `forCall` would after the change.
   */
  async endCall(callId: string): Promise<RecordingRow[]> {
    const rows = (await this.#endCall.all([this.#iso(), callId])).map(toRow);
    return rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Rows older than `cutoffIso` not yet removed by retention, oldest first. */
  async olderThan(cutoffIso: string, limit: number): Promise<RecordingRow[]> {
    const rows = await this.#store.db
      .selectFrom('recordings')
      .selectAll()
      .where('state', 'in', ['recording', 'ready'])
      .where('created_at', '<', cutoffIso)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toRow);
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toRow(r: Selectable<RecordingsTable>): RecordingRow {
  return {
    id: r.id,
    callId: r.call_id,
    pbx: r.pbx,
    file: r.file,
    location: r.location,
    state: r.state as RecordingState,
    audio: r.audio === null ? null : r.audio === 1,
    noAudioReason: r.no_audio_reason as NoAudioReason | null,
    format: r.format as AudioFormat | null,
    size: num(r.size),
    durationMs: r.duration_ms,
    playable: r.playable === null ? null : r.playable === 1,
    reportedSize: num(r.reported_size),
    confirmedAt: r.confirmed_at,
    storedLocation: r.stored_location,
    storedFormat: r.stored_format as AudioFormat | null,
    storedSize: num(r.stored_size),
    copiedAt: r.copied_at,
    pbxDeleted: r.pbx_deleted === 1,
    removedAt: r.removed_at,
    problem: r.problem,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
