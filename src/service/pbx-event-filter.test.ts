/**
 * The event filter leaves out only what nothing reads: every captured transcript and every
 * scripted call gives the engine the same effects and records filtered as unfiltered, the routing's
 * device states keep their events, and the expression fits Asterisk's line and POSIX rules.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { AmiMessage } from '../ami/message.ts';
import { replayCapture, type TimedMessage } from '../calls/analyze-capture.ts';
import { createEngineState, endAll, reduce, type EngineConfig } from '../calls/index.ts';
import { DeviceStateTracker } from '../routing/device-states.ts';
import { compilePosix, EventFilters } from '../simulator/event-filter.ts';
import { encodeMessage } from '../simulator/message-encoder.ts';
import { buildScenario, SCENARIO_KINDS, ScenarioIds, toMessages } from '../simulator/scenarios/index.ts';
import { timedMessages } from '../../test/calls/support.ts';
import { pbxEventFilter, SERVICE_EVENTS } from './pbx-event-filter.ts';

const CONFIG: EngineConfig = { pbxId: 'test-pbx' };
const TRANSCRIPTS = readdirSync(new URL('../../test/fixtures/ami-transcripts/', import.meta.url)).filter((f) => f.endsWith('.ami'));

/** The session's filters as the simulator (and Asterisk) keep them, with the service's filter added. */
function asteriskWith(filter: string): EventFilters {
  const filters = new EventFilters();
  assert.deepEqual(filters.add(filter), { ok: true });
  return filters;
}

/**
 * What a filtered session receives: answers to actions (list items carry our ActionID, and are
 * written to the session directly) always; events only when the filter keeps their text.
 */
function received(messages: readonly TimedMessage[], filters: EventFilters): TimedMessage[] {
  return messages.filter(({ message }) => {
    const name = message.get('Event');
    if (name === undefined) return true;
    if (message.get('ActionID') !== undefined && name !== 'OriginateResponse') return true;
    return filters.allows(name, encodeMessage(message.fields));
  });
}

/** Every effect the engine gives for these messages (each at its own time), as JSON, and the calls ended at the end. */
function effectsOf(messages: readonly TimedMessage[], config: EngineConfig): string[] {
  const state = createEngineState(config);
  const out: string[] = [];
  // `phone` is the engine's reading of the number: equal either way, and not JSON-stable to compare.
  const text = (e: object): string => JSON.stringify(e, (key, value: unknown) => (key === 'phone' ? undefined : value));
  let last = 0;
  for (const { message, time } of messages) {
    if (Number.isFinite(time)) last = time;
    for (const e of reduce(state, message, time).effects) out.push(text(e));
  }
  for (const e of endAll(state, last, 'capture-ended').effects) out.push(text(e));
  return out;
}

function scripted(kind: (typeof SCENARIO_KINDS)[number]): TimedMessage[] {
  const events = buildScenario(kind, { startEpochMs: Date.UTC(2026, 10, 1, 9, 0, 0) }, new ScenarioIds({ seed: 1 }));
  const start = Date.UTC(2026, 10, 1, 9, 0, 0);
  return toMessages(events).map((message: AmiMessage, i) => ({ message, time: start + events[i]!.atMs }));
}

describe('the PBX event filter', () => {
  const filter = pbxEventFilter(CONFIG)!;
  const filters = asteriskWith(filter);

  it('is one expression that fits in an AMI line and compiles as POSIX extended', () => {
    assert.ok(filter.length + 'Filter: \r\n'.length < 1024, `${filter.length} characters`);
    assert.ok(compilePosix(filter));
    assert.doesNotMatch(filter, /[\r\n]/);
  });

  for (const file of TRANSCRIPTS) {
    it(`changes nothing the engine does with ${file}`, () => {
      const all = timedMessages(file);
      const kept = received(all, filters);
      assert.deepEqual(effectsOf(kept, CONFIG), effectsOf(all, CONFIG));
      assert.deepEqual(replayCapture(kept, CONFIG), replayCapture(all, CONFIG));
    });
  }

  for (const kind of SCENARIO_KINDS) {
    it(`changes nothing the engine does with a scripted ${kind} call`, () => {
      const all = scripted(kind);
      const kept = received(all, filters);
      assert.ok(kept.length < all.length, 'something is left out');
      assert.deepEqual(effectsOf(kept, CONFIG), effectsOf(all, CONFIG));
    });
  }

  it('leaves out most of a call: VarSets of other variables, CEL, and events nothing reads', () => {
    const all = TRANSCRIPTS.flatMap((f) => timedMessages(f)).filter(({ message }) => message.get('Event') !== undefined && message.get('ActionID') === undefined);
    const kept = received(all, filters);
    const names = (list: TimedMessage[]): Set<string> => new Set(list.map(({ message }) => message.get('Event')!));
    for (const gone of ['CEL', 'NewConnectedLine', 'DialState', 'MixMonitorStart', 'BridgeCreate', 'BridgeDestroy', 'QueueMemberStatus']) {
      assert.ok(names(all).has(gone), `${gone} is in the transcripts`);
      assert.ok(!names(kept).has(gone), `${gone} is left out`);
    }
    const varSets = (list: TimedMessage[]): Set<string> => new Set(list.filter(({ message }) => message.get('Event') === 'VarSet').map(({ message }) => message.get('Variable')!.replace(/^_+/, '')));
    const engineVariables = new Set(['DIALSTATUS', 'CRM_RECORDING', 'MIXMONITOR_FILENAME', 'CRM_DID', 'FROM_DID', 'CRM_CALL_ID']);
    assert.deepEqual(varSets(kept), new Set([...varSets(all)].filter((v) => engineVariables.has(v))));
    assert.ok(varSets(kept).has('DIALSTATUS'));
    assert.ok(kept.length < all.length * 0.5, `kept ${kept.length} of ${all.length} events`);
  });

  it("keeps every event the routing's device states read", () => {
    const all = TRANSCRIPTS.flatMap((f) => timedMessages(f)).filter(({ message }) => message.get('Event') !== undefined && message.get('ActionID') === undefined);
    const tracker = new DeviceStateTracker();
    const read = all.filter(({ message }) => tracker.apply(message));
    assert.ok(read.length > 0);
    assert.deepEqual(received(read, filters).length, read.length);
    // And the events it reads that the transcripts lack, by name.
    for (const name of SERVICE_EVENTS) assert.ok(filters.allows(name, encodeMessage([['Event', name], ['Privilege', 'system,all']])), name);
  });

  it('keeps whole names only, and the engine variables with or without inherited underscores', () => {
    const text = (fields: [string, string][]): string => encodeMessage(fields);
    assert.ok(filters.allows('Hangup', text([['Event', 'Hangup'], ['Privilege', 'call,all'], ['Channel', 'PJSIP/1']])));
    assert.ok(!filters.allows('HangupHandlerRun', text([['Event', 'HangupHandlerRun'], ['Privilege', 'dialplan,all'], ['Channel', 'PJSIP/1']])));
    const varSet = (variable: string): string => text([['Event', 'VarSet'], ['Privilege', 'dialplan,all'], ['Channel', 'PJSIP/1'], ['Variable', variable], ['Value', 'x']]);
    for (const kept of ['DIALSTATUS', 'CRM_DID', '__CRM_DID', '_CRM_RECORDING', 'CRM_CALL_ID']) assert.ok(filters.allows('VarSet', varSet(kept)), kept);
    for (const gone of ['CRM_DIDX', 'XCRM_DID', 'RTPAUDIOQOS', 'BRIDGEPEER']) assert.ok(!filters.allows('VarSet', varSet(gone)), gone);
  });

  it("keeps the VarSets of the variables the engine is configured with", () => {
    const custom = asteriskWith(pbxEventFilter({ ...CONFIG, recordingVariables: ['MY_REC'], didVariables: ['__MY_DID'] })!);
    const varSet = (variable: string): string => encodeMessage([['Event', 'VarSet'], ['Privilege', 'dialplan,all'], ['Variable', variable], ['Value', 'x']]);
    assert.ok(custom.allows('VarSet', varSet('MY_REC')));
    assert.ok(custom.allows('VarSet', varSet('__MY_DID')));
    assert.ok(!custom.allows('VarSet', varSet('CRM_DID')), 'no longer configured');
  });

  it('keeps every VarSet when a variable name cannot be written into the expression', () => {
    const odd = pbxEventFilter({ ...CONFIG, recordingVariables: ['REC.FILE'] })!;
    assert.match(odd, /\|VarSet\)/);
    assert.ok(asteriskWith(odd).allows('VarSet', encodeMessage([['Event', 'VarSet'], ['Privilege', 'dialplan,all'], ['Variable', 'ANYTHING'], ['Value', 'x']])));
  });

  it('asks for no filter at all when an event name cannot be written into it', () => {
    assert.equal(pbxEventFilter(CONFIG, ['Bad Name']), null);
  });
});
