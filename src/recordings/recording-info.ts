/**
 * What the player is told about a recording: whether there is audio to play, and when there is not,
 * why, as a stable code and a sentence for the person. Pure. Every state has an answer, so the player
 * never shows a broken control: no audio, still recording, missing, unreachable, removed.
 */
import type { ErrorCode } from '../errors.ts';
import { DEFAULT_LOCALE } from '../i18n/locales.ts';
import type { MessageKey } from '../i18n/messages/index.ts';
import { translator, type MessageValues, type Translator } from '../i18n/translator.ts';
import type { RecordingsSettings } from './config.ts';
import type { ListenDecision } from './access-policy.ts';
import type { RecordingRow } from './recording-rows.ts';
import { CONTENT_TYPES, formatFromName } from './media-type.ts';

export type RecordingStatus = 'ready' | 'recording' | 'no-audio' | 'missing' | 'unavailable' | 'removed';

export interface RecordingInfo {
  id: string;
  callId: string;
  status: RecordingStatus;
  /** True when there is audio to play now: then `url` plays it. */
  audio: boolean;
  /** Why not, when `audio` is false: RECORDING_NO_AUDIO, RECORDING_IN_PROGRESS, RECORDING_MISSING, RECORDING_UNAVAILABLE, RECORDING_UNLOCATABLE, RECORDING_REMOVED. */
  code: ErrorCode | null;
  /** The same for a person, in a sentence (English; `reasonKey` words it in the listener's language). */
  reason: string | null;
  reasonKey?: MessageKey;
  reasonValues?: MessageValues;
  durationSeconds: number | null;
  /** Bytes. */
  size: number | null;
  contentType: string | null;
  /** False when Chromium cannot play the format (GSM or A-law WAV): offer the download instead. Null when not known yet. */
  playable: boolean | null;
  canDownload: boolean;
  /** `GET` it with Range requests (an `<audio src>`); null without audio. */
  url: string | null;
  /** The same as an attachment; null without audio or without the right to download. */
  downloadUrl: string | null;
  /** A copy is kept on our side (copy mode). */
  storedHere: boolean;
  removedAt: string | null;
}

export function describeRecording(
  row: RecordingRow,
  decision: ListenDecision,
  settings: Pick<RecordingsSettings, 'retention'>,
  failure: { code: ErrorCode; message: string; messageKey?: MessageKey; messageValues?: MessageValues } | null,
): RecordingInfo {
  const format = row.storedFormat ?? row.format ?? formatFromName(row.file);
  const base = {
    id: row.id,
    callId: row.callId,
    durationSeconds: row.durationMs === null ? null : row.durationMs / 1000,
    size: row.storedSize ?? row.size,
    contentType: CONTENT_TYPES[format],
    playable: row.playable,
    canDownload: decision.canDownload,
    storedHere: row.storedLocation !== null,
    removedAt: row.removedAt,
  };
  const without = (status: RecordingStatus, code: ErrorCode, reasonKey: MessageKey | undefined, reasonValues: MessageValues | undefined, english?: string): RecordingInfo => ({
    ...base,
    status,
    audio: false,
    code,
    reason: english ?? (reasonKey === undefined ? null : ENGLISH.t(reasonKey, reasonValues)),
    ...(reasonKey !== undefined ? { reasonKey } : {}),
    ...(reasonValues !== undefined ? { reasonValues } : {}),
    url: null,
    downloadUrl: null,
  });
  if (row.state === 'removed_by_retention') {
    return without('removed', 'RECORDING_REMOVED', 'server.recordings.reason.removed', { on: row.removedAt ? row.removedAt.slice(0, 10) : 'none', days: Math.max(0, settings.retention.days) });
  }
  if (row.state === 'recording') return without('recording', 'RECORDING_IN_PROGRESS', 'server.recordings.reason.inProgress', undefined);
  if (row.audio === false) {
    return without('no-audio', 'RECORDING_NO_AUDIO', row.noAudioReason === 'not-answered' ? 'server.recordings.reason.notAnswered' : 'server.recordings.reason.empty', undefined);
  }
  if (row.location === null && row.storedLocation === null) {
    return without('unavailable', 'RECORDING_UNLOCATABLE', 'server.recordings.reason.unlocatable', undefined);
  }
  if (failure) return without(failure.code === 'RECORDING_MISSING' ? 'missing' : 'unavailable', failure.code, failure.messageKey, failure.messageValues, failure.message);
  const url = `/api/recordings/${row.id}`;
  return { ...base, status: 'ready', audio: true, code: null, reason: null, url, downloadUrl: decision.canDownload ? `${url}?download=1` : null };
}

const ENGLISH = translator(DEFAULT_LOCALE);

/** The info with its reason in the listener's language (the route's translator). */
export function inLanguage<T extends { reason: string | null; reasonKey?: MessageKey; reasonValues?: MessageValues }>(info: T, tr: Translator): T {
  return info.reasonKey === undefined ? info : { ...info, reason: tr.t(info.reasonKey, info.reasonValues) };
}
