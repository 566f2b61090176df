// The call engine's public surface: a pure reducer from AMI events to calls and effects.
export { reduce, eventTime } from './reducer.ts';
export { tick, endAll } from './lifecycle.ts';
export type { ReduceResult, EndAllReason } from './lifecycle.ts';
export { recover } from './recover.ts';
export type { RecoverOptions } from './recover.ts';
export { createEngineState } from './state.ts';
export type { EngineState, CallState, LegState, Direction, Transfer, TransferKind, EndReason } from './state.ts';
export { resolveEngineConfig, DEFAULT_INBOUND_CONTEXTS } from './config.ts';
export type { EngineConfig, ResolvedEngineConfig } from './config.ts';
export type { Effect, EffectType } from './effects.ts';
export { buildRecord } from './record.ts';
export type { CallRecord, CallRecordJson, Disposition, HangupBy } from './record.ts';
export type { StopReason, OriginateResult } from './hangup-causes.ts';
export { originateOutcome, causeText } from './hangup-causes.ts';
export { analyzeCapture, analyzeMessages, decodeCapture, readCapture, replayCapture } from './analyze-capture.ts';
export type { CaptureContents, TimedMessage, ReplayOptions } from './analyze-capture.ts';
export { captureTimes } from './capture-clock.ts';
