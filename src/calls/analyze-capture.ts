/**
 * Offline analysis: a saved AMI session (the bytes a PBX sent) through the engine, out come the
 * call records. The engine of `crm-telephony calls from-capture <file.ami>`, which support teams
 * use to explain what the product saw on a customer's PBX.
 */
import { AmiDecoder } from '../ami/codec.ts';
import type { AmiMessage } from '../ami/message.ts';
import { field, eventName } from './fields.ts';
import { captureTimes } from './capture-clock.ts';
import type { EngineConfig } from './config.ts';
import type { Effect } from './effects.ts';
import { endAll } from './lifecycle.ts';
import type { CallRecord, CallRecordJson } from './record.ts';
import { recover } from './recover.ts';
import { reduce } from './reducer.ts';
import { createEngineState } from './state.ts';

const BANNER = Buffer.from('Asterisk Call Manager/');

/** The call records of a capture, in the order the calls started. Never throws on bad bytes: what decodes is analysed. */
export function analyzeCapture(bytes: Buffer, config: EngineConfig): CallRecordJson[] {
  return analyzeMessages(decodeCapture(bytes), config);
}

/** The call records of decoded capture messages (see {@link readCapture}), timed by the capture's own clock. */
export function analyzeMessages(messages: readonly AmiMessage[], config: EngineConfig): CallRecordJson[] {
  const times = captureTimes(messages);
  return replayCapture(
    messages.map((message, i) => ({ message, time: times[i]! })),
    config,
  );
}

/** The messages of a capture; undecodable stretches are skipped (the decoder resynchronizes). */
export function decodeCapture(bytes: Buffer): AmiMessage[] {
  return readCapture(bytes).messages;
}

export interface CaptureContents {
  messages: AmiMessage[];
  /** The bytes start with Asterisk's banner (`Asterisk Call Manager/...`). */
  banner: boolean;
  /** Messages that start as AMI messages do (`Event:` or `Response:` first). */
  amiMessages: number;
  /** Stretches that did not decode and were skipped. */
  skipped: number;
}

/**
 * A capture's messages, and what tells whether the bytes are an AMI session at all: a banner, or
 * messages that begin as Asterisk's do. A JSON, CSV or WAV file decodes to none of either.
 */
export function readCapture(bytes: Buffer): CaptureContents {
  const banner = bytes.subarray(0, BANNER.length).equals(BANNER);
  const decoder = new AmiDecoder({ expectGreeting: banner });
  const messages: AmiMessage[] = [];
  let amiMessages = 0;
  let skipped = 0;
  for (const item of [...decoder.push(bytes), ...decoder.end()]) {
    if (item.kind === 'message') {
      messages.push(item.message);
      const type = item.message.type;
      if (type === 'event' || type === 'response') amiMessages++;
    } else if (item.kind === 'error') skipped++;
  }
  return { messages, banner, amiMessages, skipped };
}

export interface TimedMessage {
  message: AmiMessage;
  /** When it arrived (epoch ms), or NaN when unknown. */
  time: number;
}

export interface ReplayOptions {
  /**
   * A `CoreShowChannels` list names every channel on the PBX, so calls missing from it ended.
   * Default true; false when the messages of several sessions are mixed (tests).
   */
  listsAreComplete?: boolean;
}

/**
 * Feeds timed messages to a fresh engine as a live client would: events to `reduce`, the items of
 * `CoreShowChannels` and `Status` lists to `recover` once each list completes. Calls still open at
 * the end are ended (`endReason: capture-ended`). Returns the last record of each call.
 */
export function replayCapture(items: Iterable<TimedMessage>, config: EngineConfig, options: ReplayOptions = {}): CallRecord[] {
  const state = createEngineState(config);
  const records = new Map<string, CallRecord>();
  const lists = new Map<string, AmiMessage[]>();
  let last = Number.NaN;
  const take = (effects: readonly Effect[]): void => {
    for (const e of effects) if ('record' in e) records.set(e.callId, e.record);
  };
  for (const { message, time } of items) {
    if (!(time <= last)) last = Number.isNaN(time) ? last : time;
    const name = eventName(message);
    const actionId = field(message, 'ActionID') ?? '';
    if (name === 'CoreShowChannel' || (name === 'Status' && (field(message, 'Uniqueid') !== undefined))) {
      const list = lists.get(actionId);
      if (list === undefined) lists.set(actionId, [message]);
      else list.push(message);
      continue;
    }
    if (name === 'CoreShowChannelsComplete' || name === 'StatusComplete') {
      const list = lists.get(actionId) ?? [];
      lists.delete(actionId);
      const complete = name === 'CoreShowChannelsComplete' && options.listsAreComplete !== false;
      const result =
        name === 'CoreShowChannelsComplete'
          ? recover(state, list, [], time, { endMissing: complete })
          : recover(state, [], list, time, { endMissing: false });
      take(result.effects);
      continue;
    }
    take(reduce(state, message, time).effects);
  }
  take(endAll(state, last, 'capture-ended').effects);
  return [...records.values()];
}
