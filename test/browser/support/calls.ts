/**
 * Real captured calls, made fresh for each use: every Uniqueid/Linkedid is moved to another second
 * and every channel to another number, so a capture can be replayed again as a new call, and the
 * caller's name can be replaced (an attacker's name, say). `splitAtAnswer` cuts a call where a phone
 * is picked up, so a test can look at the ringing card before anyone answers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTranscript, replayableEvents } from '../../../src/simulator/transcript.ts';
import type { AmiMessage } from '../../../src/ami/message.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/ami-transcripts/', import.meta.url));

export interface FreshCall {
  events: AmiMessage[];
  /** The call's id in the service (`<pbx>:<Linkedid>`). */
  callId: string;
}

export function freshCall(file: string, options: { pbxId: string; copy: number; callerName?: { from: string; to: string } }): FreshCall {
  let text = readFileSync(FIXTURES + file, 'latin1');
  // Uniqueids are `<epoch>.<seq>`: a new epoch per copy keeps every id (and so the call id) new.
  text = text.replace(/\b(1795\d{6})\.(\d+)\b/g, (_m, epoch: string, seq: string) => `${Number(epoch) + options.copy * 10_000}.${seq}`);
  text = text.replace(/\b(PJSIP\/[A-Za-z0-9]+-)([0-9a-f]{8})\b/g, (_m, prefix: string, hex: string) => `${prefix}${(parseInt(hex, 16) + options.copy * 0x1000).toString(16).padStart(8, '0')}`);
  if (options.callerName) text = text.split(options.callerName.from).join(options.callerName.to);
  const events = replayableEvents(loadTranscript(Buffer.from(text, 'latin1')).messages);
  const linkedid = events.find((e) => e.get('Linkedid'))?.get('Linkedid');
  if (!linkedid) throw new Error(`${file} has no Linkedid`);
  return { events, callId: `${options.pbxId}:${linkedid}` };
}

/** Events before and from the moment a phone answers (or the Dial ends unanswered). */
export function splitAtAnswer(events: AmiMessage[]): [AmiMessage[], AmiMessage[]] {
  const i = events.findIndex(
    (e) => e.event === 'DialEnd' || (e.event === 'Newstate' && e.get('ChannelState') === '6' && !/^PJSIP\/carrier-/.test(e.get('Channel') ?? '')),
  );
  if (i < 0) throw new Error('no answer or DialEnd in these events');
  return [events.slice(0, i), events.slice(i)];
}
