/**
 * Generated events as the bytes a PBX would have sent on one AMI session (a `*.ami` capture):
 * banner, Login response, the events, Goodbye. Offline analysis (`calls from-capture`,
 * analyzeCapture) reads these exactly as it reads a real capture.
 */
import { AmiMessage } from '../../ami/message.ts';
import { encodeMessage } from '../message-encoder.ts';
import type { TimedEvent } from './types.ts';

/** The events merged by time (stable: events of the same moment keep their order). */
export function mergeScripts(scripts: readonly (readonly TimedEvent[])[]): TimedEvent[] {
  const all: { e: TimedEvent; order: number }[] = [];
  let order = 0;
  for (const script of scripts) for (const e of script) all.push({ e, order: order++ });
  all.sort((a, b) => a.e.atMs - b.e.atMs || a.order - b.order);
  return all.map((x) => x.e);
}

/** The events as AmiMessages (what a client's decoder would produce). */
export function toMessages(events: readonly TimedEvent[]): AmiMessage[] {
  return events.map((e) => new AmiMessage(e.fields));
}

/** The bytes of an AMI session that received `events`, framed like test/fixtures/ami-transcripts/*.ami. */
export function toCaptureBytes(events: readonly TimedEvent[], version = '9.0.0'): Buffer {
  const parts: string[] = [`Asterisk Call Manager/${version}\r\n`];
  parts.push(encodeMessage([['Response', 'Success'], ['ActionID', 'sim-1'], ['Message', 'Authentication accepted']]));
  for (const e of events) parts.push(encodeMessage(e.fields));
  parts.push(encodeMessage([['Response', 'Goodbye'], ['ActionID', 'sim-2'], ['Message', 'Thanks for all the fish.']]));
  return Buffer.from(parts.join(''), 'utf8');
}
