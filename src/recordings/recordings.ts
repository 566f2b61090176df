/**
 * The recordings service: locating (engine effects, the PBX's report), reaching the files (local or
 * SFTP, cached or copied), deciding who may listen, the audit, retention. The HTTP routes
 * (`web/routes/recordings-routes.ts`) are thin over this; `service.ts` wires it:
 *
 *   const recordings = new Recordings({ store, settings, log });
 *   await recordings.start();
 *   sinks: [..., recordings.sink]; routes: [..., (a) => recordingsRoutes(a, { recordings, access })]
 *   on stop: await recordings.stop();
 */
import { errorSpec, type ErrorCode } from '../errors.ts';
import { mkdir } from 'node:fs/promises';
import type { Effect } from '../calls/effects.ts';
import type { CallRecord } from '../calls/record.ts';
import type { Log } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { CallLog } from '../store/call-log.ts';
import type { RecordingsSettings } from './config.ts';
import { RecordingRows, type RecordingRow } from './recording-rows.ts';
import { AuditLog, type AuditEntry, type AuditQuery } from './audit-log.ts';
import { decideListen, listenFacts, type ListenDecision, type Listener } from './access-policy.ts';
import { CopyQueue, type CopyJob, type CopyQueueOptions } from './copy-queue.ts';
import { RecordingCache } from './cache.ts';
import { RecordingFiles } from './files.ts';
import { copyRecording } from './copier.ts';
import { Locator, type ReportInput, type ReportOutcome } from './locator.ts';
import type { OpenedRecording, RecordingSource } from './sources/source.ts';
import { CONTENT_TYPES, EXTENSIONS, type AudioFormat } from './media-type.ts';
import { ffmpegAvailable } from './transcode.ts';
import { describeRecording, type RecordingInfo } from './recording-info.ts';
import type { MessageKey } from '../i18n/messages/index.ts';
import { runRetention } from './retention.ts';

export interface RecordingsOptions {
  store: Store;
  settings: RecordingsSettings;
  log: Log;
  /** The PBX a report means when it names none. Default `default`. */
  defaultPbx?: string;
  /** Sources by PBX id (`*` for any), instead of those the settings describe: tests and benchmarks. */
  sources?: Record<string, RecordingSource>;
  /** Copy-queue tuning (tests shorten the lease, and drive the queue themselves with `worker: false`). */
  copyQueue?: Partial<Pick<CopyQueueOptions, 'leaseMs' | 'pollMs' | 'retryStrategy' | 'concurrency' | 'worker'>>;
  now?: () => number;
  /** This instance's name in the copy queue's leases. Default random. */
  instanceId?: string;
}

/** A person asking, from where. */
export interface Requester {
  user: Listener & { name?: string };
  via: 'session' | 'token';
  ip: string;
  userAgent: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; code: ErrorCode; message: string };

/** What the stream route needs: the open file and how to present it. */
export interface Playback {
  opened: OpenedRecording;
  size: number;
  contentType: string;
  /** Strong validator: id and size (a copy or transcode changes the size). */
  etag: string;
  /** For Content-Disposition: `call-20261123-195708.wav` (no numbers, no paths). */
  fileName: string;
  download: boolean;
}

export interface CallRecordingInfo {
  callId: string;
  /** The call's recording to play: the latest with audio, else the latest; null when none was made. */
  recording: RecordingInfo | null;
  /** Every recording of the call (a transfer may start another), oldest first. */
  recordings: RecordingInfo[];
  /** Why there is no recording, when `recording` is null (English; `reasonKey` in the listener's language). */
  reason: string | null;
  reasonKey?: MessageKey;
}

export class Recordings {
  readonly #o: RecordingsOptions;
  readonly #now: () => number;
  readonly #rows: RecordingRows;
  /** Whether a call is in the log (a call with no recording yet is not "no such call"). */
  readonly #calls: CallLog;
  readonly #audit: AuditLog;
  readonly #locator: Locator;
  readonly #cache: RecordingCache;
  readonly #files: RecordingFiles;
  readonly #copies: CopyQueue | null;
  readonly #pending = new Set<Promise<unknown>>();
  #transcode: RecordingsSettings['transcode']['to'] = 'off';
  #retentionTimer: NodeJS.Timeout | undefined;
  #retentionRun: Promise<number> | null = null;

  constructor(options: RecordingsOptions) {
    this.#o = options;
    const now = (this.#now = options.now ?? Date.now);
    const { settings, store, log } = options;
    this.#rows = new RecordingRows(store, now);
    this.#calls = new CallLog(store);
    this.#audit = new AuditLog(store, settings.auditWindowMs, now);
    this.#cache = new RecordingCache({ dir: settings.cache.dir, maxBytes: settings.mode === 'pbx' ? settings.cache.maxBytes : 0, log });
    this.#files = new RecordingFiles({ settings, rows: this.#rows, cache: this.#cache, log, track: (w) => this.#track(w), ...(options.sources ? { sources: options.sources } : {}) });
    this.#locator = new Locator({
      rows: this.#rows,
      log,
      defaultPbx: options.defaultPbx ?? 'default',
      settingsFor: (pbx) => this.#files.settingsFor(pbx),
      knownPbx: (pbx) => this.#files.knows(pbx),
      onComplete: (row, confirmed) => this.#complete(row, confirmed),
      now,
    });
    this.#copies =
      settings.mode === 'copy'
        ? new CopyQueue({
            store,
            log,
            work: (id, signal) => this.#copy(id, signal),
            maxAttempts: settings.copy.maxAttempts,
            maxBackoffMs: settings.copy.maxBackoffMs,
            now,
            ...(options.instanceId ? { instanceId: options.instanceId } : {}),
            ...options.copyQueue,
          })
        : null;
  }

  /** Routes the engine's effects here: `recording-located` and `call-ended`. For PbxSession's sinks. */
  readonly sink = async (effect: Effect): Promise<void> => {
    if (effect.type === 'recording-located') await this.onRecordingLocated(effect);
    else if (effect.type === 'call-ended') await this.onCallEnded(effect.record);
  };

  async start(): Promise<void> {
    const { settings, log } = this.#o;
    if (settings.mode === 'copy') await mkdir(settings.storageDir, { recursive: true });
    await this.#cache.init();
    // A missing folder or a refused key is said once at start, in words (and again on every listen
    // until fixed); checked in the background, so that a slow PBX does not hold up the start.
    this.#track(this.#files.check(this.#o.defaultPbx ?? 'default'));
    if (settings.transcode.to !== 'off') {
      this.#transcode = (await ffmpegAvailable(settings.transcode.ffmpeg)) ? settings.transcode.to : 'off';
      if (this.#transcode === 'off') log.warn(`recordings: RECORDINGS_TRANSCODE=${settings.transcode.to} but "${settings.transcode.ffmpeg}" does not run; copies stay WAV (install Debian's ffmpeg to transcode).`);
    }
    this.#copies?.start();
  }

  /**
   * Retention, hourly: on one instance of a cluster (the one leading the PBX) or the only one.
   * The copy queue runs on every instance (`start`): its jobs are claimed one instance each.
   */
  startRetention(): void {
    if (this.#o.settings.retention.days <= 0 || this.#retentionTimer !== undefined) return;
    this.#track(this.runRetention());
    this.#retentionTimer = setInterval(() => this.#track(this.runRetention()), 3600_000);
    this.#retentionTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#retentionTimer);
    await this.#copies?.stop();
    await this.idle();
    await this.#audit.flush();
    await this.#files.close();
  }

  /** Resolves when the background work started so far (probes, cache fills, retention) is done. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  onRecordingLocated(effect: { callId: string; file: string; path: string | null }): Promise<unknown> {
    return this.#locator.located(effect);
  }

  onCallEnded(record: Pick<CallRecord, 'id' | 'recording' | 'recordingFile'>): Promise<void> {
    return this.#locator.callEnded(record);
  }

  report(input: ReportInput): Promise<ReportOutcome> {
    return this.#locator.report(input);
  }

  /** Due copies now (copy mode); resolves with how many ran. The worker also runs them on its own. */
  async runCopies(): Promise<number> {
    return this.#copies ? this.#copies.runDue() : 0;
  }

  /** Recordings waiting to be copied to our storage (0 when recordings stay on the PBX). */
  async copyBacklog(): Promise<number> {
    return this.#copies ? this.#copies.backlog() : 0;
  }

  async copyJobs(): Promise<CopyJob[]> {
    return this.#copies ? this.#copies.jobs() : [];
  }

  audit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.#audit.list(query);
  }

  /** Retention: removes recordings older than RECORDINGS_RETENTION_DAYS; resolves with how many. One run at a time. */
  runRetention(): Promise<number> {
    this.#retentionRun ??= this.#retention().finally(() => {
      this.#retentionRun = null;
    });
    return this.#retentionRun;
  }

  #retention(): Promise<number> {
    return runRetention({
      rows: this.#rows,
      settings: this.#o.settings,
      log: this.#o.log,
      now: this.#now,
      storage: this.#files.storage,
      cache: this.#cache,
      sourceFor: (pbx) => this.#files.sourceFor(pbx),
      dropCopyJob: async (id) => void (await this.#copies?.remove(id)),
    });
  }

  async info(id: string, who: Requester): Promise<Outcome<RecordingInfo>> {
    const row = await this.#rows.get(id);
    if (!row) return notFound();
    const decision = await this.#decide(who.user, row.callId);
    if (!decision.allowed) return forbidden();
    return { ok: true, value: await this.#describe(row, decision, who) };
  }

  async infoForCall(callId: string, who: Requester): Promise<Outcome<CallRecordingInfo>> {
    const decision = await this.#decide(who.user, callId);
    if (!decision.allowed) return forbidden();
    const rows = await this.#rows.forCall(callId);
    if (rows.length === 0 && !(await this.#calls.has(callId))) return { ok: false, status: 404, code: 'NOT_FOUND', message: 'No such call (it may not have reached the log yet: try again in a moment).' };
    const recordings: RecordingInfo[] = [];
    for (const row of rows) recordings.push(await this.#describe(row, decision, who));
    const recording = [...recordings].reverse().find((r) => r.audio) ?? recordings.at(-1) ?? null;
    return { ok: true, value: { callId, recording, recordings, reason: recording ? null : 'No recording was made of this call.', ...(recording ? {} : { reasonKey: 'server.recordings.reason.none' as const }) } };
  }

  /**
   * Opens a recording for the stream route, after the access check; every request (but HEAD) is
   * audited, refusals too. A recording with no audio answers 204 (`RECORDING_NO_AUDIO`).
   */
  async openForListening(id: string, who: Requester, options: { download: boolean; head?: boolean }): Promise<Outcome<Playback>> {
    const found = await this.#rows.getWithCallStart(id);
    if (!found) return notFound();
    const { row, callStartedAt: startedAt } = found;
    const decision = await this.#decide(who.user, row.callId);
    const action = options.download ? 'download' : 'listen';
    const permitted = decision.allowed && (!options.download || decision.canDownload);
    if (!options.head) {
      await this.#audit.record({ recordingId: row.id, callId: row.callId, userId: who.user.id, userLogin: who.user.login, via: who.via, action, outcome: permitted ? 'allowed' : 'denied', ip: who.ip, userAgent: who.userAgent });
    }
    if (!decision.allowed) return forbidden();
    if (!permitted) return { ok: false, status: 403, code: 'RECORDING_DOWNLOAD_FORBIDDEN', message: 'Only administrators may download recordings; you may listen to it here.' };
    const info = describeRecording(row, decision, this.#o.settings, null);
    if (info.code !== null) return { ok: false, status: statusFor(info.code), code: info.code, message: info.reason ?? '' };
    let opened: OpenedRecording;
    let format: AudioFormat;
    try {
      ({ opened, format } = await this.#files.open(row));
    } catch (err) {
      return this.#files.failure(row, err, who.user.role === 'admin');
    }
    if (row.audio === null || row.size === null) {
      const facts = await this.#files.probeAndKeep(row, opened).catch(() => null);
      if (facts?.audio === false) {
        await opened.close();
        return { ok: false, status: 204, code: 'RECORDING_NO_AUDIO', message: 'No audio: the recording is empty.' };
      }
    }
    const stamp = (startedAt ?? row.createdAt).replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
    return {
      ok: true,
      value: {
        opened,
        size: opened.size,
        contentType: CONTENT_TYPES[format],
        etag: `"${row.id.slice(4)}-${opened.size.toString(36)}"`,
        fileName: `call-${stamp}.${EXTENSIONS[format]}`,
        download: options.download,
      },
    };
  }

  async #decide(user: Listener, callId: string): Promise<ListenDecision> {
    const facts = user.role === 'admin' ? { participant: false, recordOwner: false } : await listenFacts(this.#o.store, user, callId);
    return decideListen(user, facts, this.#o.settings);
  }

  async #describe(row: RecordingRow, decision: ListenDecision, who: Requester): Promise<RecordingInfo> {
    const quick = describeRecording(row, decision, this.#o.settings, null);
    if (quick.code !== null) return quick;
    try {
      const { opened } = await this.#files.open(row);
      try {
        if (row.audio === null || row.size === null || row.playable === null) Object.assign(row, await this.#files.probeAndKeep(row, opened));
      } finally {
        await opened.close();
      }
      if (row.problem !== null) await this.#rows.update(row.id, { problem: null });
      return describeRecording({ ...row, problem: null }, decision, this.#o.settings, null);
    } catch (err) {
      const failed = await this.#files.failure(row, err, who.user.role === 'admin');
      return describeRecording(row, decision, this.#o.settings, failed.ok ? null : { code: failed.code, message: failed.message, messageKey: failed.messageKey, ...(failed.messageValues !== undefined ? { messageValues: failed.messageValues } : {}) });
    }
  }

  /** A recording is complete: copy it (copy mode) or learn its size and length (pbx mode). */
  async #complete(row: RecordingRow, confirmed: boolean): Promise<void> {
    const { settings } = this.#o;
    if (row.location === null || row.storedLocation !== null) return;
    if (this.#copies) {
      await this.#copies.enqueue(row.id, this.#now() + (confirmed ? 0 : settings.copy.delayMs));
      return;
    }
    if (confirmed) {
      this.#track(
        (async () => {
          const { opened } = await this.#files.open(row);
          try {
            await this.#files.probeAndKeep(row, opened);
          } finally {
            await opened.close();
          }
        })(),
      );
    }
  }

  async #copy(id: string, signal: AbortSignal): Promise<void> {
    const row = await this.#rows.get(id);
    if (!row || row.state === 'removed_by_retention' || row.storedLocation !== null) return;
    const { settings, log } = this.#o;
    const patch = await copyRecording({
      row,
      source: this.#files.sourceFor(row.pbx),
      storage: this.#files.storage,
      transcode: this.#transcode === 'off' ? null : { ffmpeg: settings.transcode.ffmpeg, to: this.#transcode },
      deleteFromPbx: settings.copy.deleteFromPbx,
      signal,
      log,
      now: this.#now,
    });
    await this.#rows.update(id, patch);
    log.info({ callId: row.callId, recordingId: id, bytes: patch.storedSize, format: patch.storedFormat }, 'recording copied to our storage');
  }

  #track(work: Promise<unknown>): void {
    const p = work.catch((err: Error) => this.#o.log.warn({ code: (err as { code?: string }).code }, `recordings background work failed: ${err.message}`));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }
}

function notFound(): { ok: false; status: number; code: ErrorCode; message: string } {
  return { ok: false, status: 404, code: 'RECORDING_NOT_FOUND', message: 'No such recording.' };
}

function forbidden(): { ok: false; status: number; code: ErrorCode; message: string } {
  return {
    ok: false,
    status: 403,
    code: 'RECORDING_FORBIDDEN',
    message: 'You may not listen to this recording: it is for the agents on the call, the owner of its CRM record, and administrators.',
  };
}

function statusFor(code: ErrorCode): number {
  return errorSpec(code).status;
}
