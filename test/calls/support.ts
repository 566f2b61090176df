/**
 * Shared by the call engine's tests: the captured transcripts as timed messages, hand-made events,
 * and a runner that keeps the last record of every call.
 */
import { readFileSync } from 'node:fs';
import { AmiMessage } from '../../src/ami/message.ts';
import { decodeCapture, type TimedMessage } from '../../src/calls/analyze-capture.ts';
import { captureTimes } from '../../src/calls/capture-clock.ts';
import type { EngineConfig } from '../../src/calls/config.ts';
import type { Effect } from '../../src/calls/effects.ts';
import type { CallRecord } from '../../src/calls/record.ts';
import { reduce } from '../../src/calls/reducer.ts';
import type { EngineState } from '../../src/calls/state.ts';

export const FIXTURES = new URL('../fixtures/ami-transcripts/', import.meta.url);
export const CONFIG: EngineConfig = { pbxId: 'test-pbx' };

export function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/** A transcript's messages with the times its own clock gives them. */
export function timedMessages(name: string): TimedMessage[] {
  const messages = decodeCapture(fixtureBytes(name));
  const times = captureTimes(messages);
  return messages.map((message, i) => ({ message, time: times[i]! }));
}

/** A hand-made AMI event: `ev('Hangup', { Uniqueid: '1.1', ... })`. */
export function ev(name: string, fields: Record<string, string | string[]> = {}): AmiMessage {
  const list: [string, string][] = [['Event', name]];
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const one of v) list.push([k, one]);
    else list.push([k, v]);
  }
  return new AmiMessage(list);
}

export interface Run {
  effects: Effect[];
  /** The last record of each call, by call id. */
  records: Map<string, CallRecord>;
}

export function newRun(): Run {
  return { effects: [], records: new Map() };
}

export function collect(run: Run, effects: readonly Effect[]): void {
  for (const e of effects) {
    run.effects.push(e);
    if ('record' in e) run.records.set(e.callId, e.record);
  }
}

/** Feeds timed messages through `reduce` (list items are left out: see `replayCapture` for those). */
export function feed(state: EngineState, items: Iterable<TimedMessage>, run: Run = newRun()): Run {
  for (const { message, time } of items) collect(run, reduce(state, message, time).effects);
  return run;
}

/** The effects of one type, narrowed. */
export function effectsOf<T extends Effect['type']>(run: Run, type: T): Extract<Effect, { type: T }>[] {
  return run.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}

/** `actual` within one second of `expected` (Cdr and CEL times are whole seconds). */
export function near(actual: number | null, expected: number): boolean {
  return actual !== null && Math.abs(actual - expected) <= 1;
}
