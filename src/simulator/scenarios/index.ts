// Generated calls for the PBX simulator: scripted scenarios, their playback and the load mode.
export { buildScenario, linkedidOf, ringingStartsAt, scenarioDurationMs } from './build.ts';
export { ScenarioIds, seededRandom } from './ids.ts';
export type { ScenarioIdsOptions } from './ids.ts';
export { SCENARIO_KINDS } from './types.ts';
export type { ClickToCallParams, HangupSide, Party, ScenarioKind, ScenarioParams, TimedEvent } from './types.ts';
export { ScenarioPlayer } from './playback.ts';
export type { Playback, PlayOptions, PlayResult } from './playback.ts';
export { DEFAULT_LOAD_MIX, runLoad } from './load.ts';
export type { LoadHost, LoadOptions, LoadStats } from './load.ts';
export { simulateInboundCall } from './inbound-call.ts';
export type { ScenarioStage, SimulatedInboundCall } from './inbound-call.ts';
export { mergeScripts, toCaptureBytes, toMessages } from './capture.ts';
