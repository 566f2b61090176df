/**
 * The demo's "simulate an incoming call": one inbound call ringing an extension, played on a
 * simulator in real time. It resolves as soon as the phone rings (so the caller can show the pop)
 * and the rest of the call plays on in the background.
 */
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';
import { buildScenario, linkedidOf } from './build.ts';
import type { ScenarioIds } from './ids.ts';
import type { PlayOptions, PlayResult } from './playback.ts';
import type { ScenarioKind, TimedEvent } from './types.ts';

/** What simulateInboundCall needs of the simulator (AmiSimulator has both). */
export interface ScenarioStage {
  readonly scenarioIds: ScenarioIds;
  playScenario(script: readonly TimedEvent[], options?: PlayOptions): Promise<PlayResult>;
}

export interface SimulatedInboundCall {
  /** The extension whose phone rings. */
  extension: string;
  /** The caller's number as the carrier presents it. Default `+15551230001`. */
  from?: string;
  /** The caller's name (UTF-8 is fine). Default none (`<unknown>`). */
  name?: string | null;
  /** The dialled DID. Default `5550100` (`5550200` when another extension answers). */
  did?: string;
  /**
   * `here`: the extension answers; `elsewhere`: a ring group where another extension answers
   * (this one stops ringing, cause 26); `none`: nobody answers and the PBX gives up.
   */
  answer: 'here' | 'elsewhere' | 'none';
  /** Ringing before the answer (or before the PBX gives up). Default 3 s (15 s for `none`). */
  ringMs?: number;
  /** Conversation after the answer. Default 5 s. */
  talkMs?: number;
  /** `elsewhere`: the extension that answers. Default the first of 101-104 that is not `extension`. */
  answeredBy?: string;
  /** Playback speed (see PlayOptions.speed). Default 1. */
  speed?: number;
}

/** Plays the call on `sim` and resolves with its Linkedid once the phone rings. */
export function simulateInboundCall(sim: ScenarioStage, call: SimulatedInboundCall): Promise<string> {
  const elsewhere = call.answer === 'elsewhere';
  const other = call.answeredBy ?? ['101', '102', '103', '104'].find((x) => x !== call.extension) ?? '101';
  if (elsewhere && other === call.extension) {
    return Promise.reject(new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, 'answeredBy must be another extension than the one that rings.', { extension: call.extension }));
  }
  const kind: ScenarioKind = call.answer === 'here' ? 'inbound-answered' : elsewhere ? 'ringgroup-answered' : 'inbound-noanswer';
  let events: TimedEvent[];
  try {
    events = buildScenario(
      kind,
      {
        startEpochMs: Date.now(),
        caller: { number: call.from ?? '+15551230001', name: call.name ?? null },
        ...(call.did === undefined ? {} : { did: call.did }),
        extensions: elsewhere ? [call.extension, other] : [call.extension],
        answeredBy: elsewhere ? other : call.extension,
        ringMs: call.ringMs ?? (call.answer === 'none' ? 15_000 : 3000),
        talkMs: call.talkMs ?? 5000,
      },
      sim.scenarioIds,
    );
  } catch (err) {
    return Promise.reject(err);
  }
  const linkedid = linkedidOf(events)!;
  // The first DialBegin: from then on the engine (and so the agent's screen) knows the phone rings.
  const ringsAt = events.findIndex((e) => e.fields[0]?.[1] === 'DialBegin');
  return new Promise<string>((resolve, reject) => {
    let rang = false;
    const onEvent = (_event: TimedEvent, index: number): void => {
      if (!rang && index >= ringsAt) {
        rang = true;
        resolve(linkedid);
      }
    };
    sim.playScenario(events, { speed: call.speed ?? 1, onEvent }).then(
      (result) => {
        if (rang) return;
        if (result.aborted) reject(new CrmTelephonyError(ErrorCodes.AMI_ERR_CLOSED, 'The PBX simulator stopped before the call rang.', { linkedid }));
        else resolve(linkedid);
      },
      (err: unknown) => {
        if (!rang) reject(err);
      },
    );
  });
}
