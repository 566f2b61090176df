/**
 * Locating recordings: from the call engine (`recording-located`, `call-ended`) and from the
 * PBX's own report when MixMonitor closes the file. Each becomes a row with an unguessable id,
 * the call it belongs to, and the file's location relative to the PBX's recordings folder.
 *
 * A report (routing token) may confirm a file already tied to that call, or name a new file whose
 * name holds the call's uniqueid or linkedid (ours, FreePBX's and Asterisk's usual names all do).
 * Anything else is refused: a leaked dialplan token must not be able to attach one call's
 * recording to another call, whose agents could then hear it.
 */
import type { ErrorCode } from '../errors.ts';
import type { CallRecord } from '../calls/record.ts';
import type { Log } from '../logger.ts';
import type { SourceSettings } from './config.ts';
import { fileNameOf, isSafeFileName, locationUnder } from './location.ts';
import { isRecordingError } from './recording-errors.ts';
import type { RecordingRow, RecordingRows } from './recording-rows.ts';

export interface ReportInput {
  /** The PBX's id in this service; default the only (or `default`) PBX. */
  pbx?: string;
  linkedid?: string;
  uniqueid?: string;
  /** The file's full path on the PBX (or its name, for files directly in the recordings folder). */
  path: string;
  /** The file's size in bytes when the PBX reported it complete. */
  size?: number;
}

export type ReportOutcome = { ok: true; callId: string; recording: RecordingRow } | { ok: false; status: number; code: ErrorCode; message: string };

export interface LocatorOptions {
  rows: RecordingRows;
  log: Log;
  defaultPbx: string;
  settingsFor: (pbx: string) => SourceSettings;
  knownPbx: (pbx: string) => boolean;
  /** A row became complete: copy it, probe it. */
  onComplete: (row: RecordingRow, confirmed: boolean) => Promise<void>;
  now: () => number;
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

export class Locator {
  readonly #o: LocatorOptions;
  /** PBXs without a recordings source already said (once each, not on every call). */
  readonly #unsourced = new Set<string>();

  constructor(options: LocatorOptions) {
    this.#o = options;
  }

  /** The engine named the recording (and maybe its full path). */
  async located(effect: { callId: string; file: string; path: string | null }): Promise<void> {
    const pbx = pbxOf(effect.callId);
    if (!this.#hasSource(pbx)) return;
    const location = this.#locationOf(effect.callId, pbx, effect.path ?? effect.file);
    if (location === null && !isSafeFileName(effect.file)) return;
    // Nobody reads the row here: written (when it would change) without reading it back.
    await this.#o.rows.touch({ callId: effect.callId, pbx, file: location ? fileNameOf(location) : effect.file, location, fromPath: effect.path !== null });
  }

  /** The call is over: its recordings are complete. An unanswered call's recording holds no audio. */
  async callEnded(record: Pick<CallRecord, 'id' | 'recording' | 'recordingFile'>): Promise<void> {
    const pbx = pbxOf(record.id);
    if (!this.#hasSource(pbx)) return;
    if (record.recordingFile !== null) {
      const location = this.#locationOf(record.id, pbx, record.recordingFile);
      if (location !== null || isSafeFileName(record.recordingFile)) {
        await this.#o.rows.touch({ callId: record.id, pbx, file: location ? fileNameOf(location) : record.recordingFile, location, fromPath: false });
      }
    }
    for (const row of await this.#o.rows.endCall(record.id)) {
      if (record.recording === null && row.file === record.recordingFile && row.audio !== true) {
        // MixMonitor's option b records only while bridged: nobody answered, nothing was recorded.
        await this.#o.rows.update(row.id, { audio: false, noAudioReason: 'not-answered' });
        continue;
      }
      if (row.state !== 'removed_by_retention') await this.#o.onComplete({ ...row, state: 'ready' }, row.confirmedAt !== null);
    }
  }

  /** `POST /api/recordings/report`: the PBX says the file is complete. */
  async report(input: ReportInput): Promise<ReportOutcome> {
    const pbx = input.pbx ?? this.#o.defaultPbx;
    if (!ID.test(pbx) || !this.#o.knownPbx(pbx)) return fail(400, 'RECORDING_UNKNOWN_PBX', 'No such PBX is configured here.');
    const ids = [input.linkedid, input.uniqueid].filter((x): x is string => typeof x === 'string' && x !== '');
    if (ids.length === 0 || !ids.every((x) => ID.test(x))) return fail(400, 'BAD_REQUEST', 'Send linkedid or uniqueid (Asterisk\'s ${CHANNEL(linkedid)} or ${UNIQUEID}), path and size.');
    if (input.size !== undefined && (!Number.isSafeInteger(input.size) || input.size < 0)) return fail(400, 'BAD_REQUEST', 'size must be a whole number of bytes.');
    let location: string;
    try {
      location = locationUnder(this.#o.settingsFor(pbx).pbxDir, input.path);
    } catch (err) {
      if (isRecordingError(err)) return fail(400, err.code === 'RECORDING_ERR_OUTSIDE_ROOT' ? 'RECORDING_OUTSIDE_ROOT' : 'RECORDING_BAD_PATH', err.message);
      throw err;
    }
    const file = fileNameOf(location);
    const callIds = ids.map((x) => `${pbx}:${x}`);
    const known = await this.#o.rows.byFile(pbx, file);
    let row: RecordingRow | undefined;
    if (known.length > 0) {
      row = known.find((r) => callIds.includes(r.callId));
      if (!row) return fail(409, 'RECORDING_REPORT_MISMATCH', 'This file belongs to another call; the report was refused.');
    } else {
      if (!ids.some((x) => file.includes(x))) {
        return fail(409, 'RECORDING_REPORT_MISMATCH', 'A file the call engine did not tie to this call must have the call\'s uniqueid or linkedid in its name; the report was refused.');
      }
      const callId = input.linkedid ? `${pbx}:${input.linkedid}` : `${pbx}:${input.uniqueid}`;
      row = await this.#o.rows.ensure({ callId, pbx, file, location, fromPath: true, state: 'ready' });
    }
    if (row.state === 'removed_by_retention') return { ok: true, callId: row.callId, recording: row };
    const confirmedAt = new Date(this.#o.now()).toISOString();
    await this.#o.rows.update(row.id, { location, confirmedAt, reportedSize: input.size ?? null, state: 'ready', problem: null });
    const updated: RecordingRow = { ...row, location, confirmedAt, reportedSize: input.size ?? null, state: 'ready', problem: null };
    if (updated.audio !== false) await this.#o.onComplete(updated, true);
    return { ok: true, callId: row.callId, recording: updated };
  }

  /**
   * Several PBXs: one whose settings name no recordings source has its recordings left where they
   * are (never looked for on another PBX's host). Said once, with what to set.
   */
  #hasSource(pbx: string): boolean {
    if (this.#o.knownPbx(pbx)) return true;
    if (!this.#unsourced.has(pbx)) {
      this.#unsourced.add(pbx);
      this.#o.log.warn({ pbx }, `the PBX "${pbx}" has no recordings source, so its calls' recordings are not offered: give it RECORDINGS_SOURCE (and RECORDINGS_LOCAL_DIR or RECORDINGS_SFTP_*) in its settings (README, "Several PBXs")`);
    }
    return false;
  }

  #locationOf(callId: string, pbx: string, pathOrName: string): string | null {
    try {
      return locationUnder(this.#o.settingsFor(pbx).pbxDir, pathOrName);
    } catch (err) {
      if (!isRecordingError(err)) throw err;
      this.#o.log.warn({ callId, code: err.code }, `a recording cannot be located: ${err.message}`);
      return null;
    }
  }
}

/** `<pbx>:<linkedid>` -> `<pbx>`. */
export function pbxOf(callId: string): string {
  const colon = callId.indexOf(':');
  return colon > 0 ? callId.slice(0, colon) : callId;
}

function fail(status: number, code: ErrorCode, message: string): ReportOutcome {
  return { ok: false, status, code, message };
}
