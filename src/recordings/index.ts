// Call recordings: locating, fetching (local or SFTP, cached or copied), streaming, access, audit, retention.
export { Recordings } from './recordings.ts';
export type { RecordingsOptions, Requester, Outcome, Playback, CallRecordingInfo } from './recordings.ts';
export type { RecordingInfo, RecordingStatus } from './recording-info.ts';
export { recordingsConfigSchema, recordingsEnv, recordingSettings, defaultRecordingSettings, pbxsWithRecordings } from './config.ts';
export type { RecordingsEnv, RecordingsSettings, SourceSettings } from './config.ts';
export { recordingSubroutine } from './dialplan.ts';
export type { RecordingSubroutineOptions } from './dialplan.ts';
export type { ReportInput, ReportOutcome } from './locator.ts';
export { RecordingErrorCodes, isRecordingError } from './recording-errors.ts';
export type { RecordingError } from './recording-errors.ts';
export type { RecordingErrorCode } from './recording-errors.ts';
export { parseWavHeader } from './wav.ts';
export { decideRange } from './http-range.ts';
