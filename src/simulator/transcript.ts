/**
 * Reads a captured AMI session (`*.ami`: the exact bytes Asterisk sent) back into messages, and
 * picks out the ones a replay should send again.
 */
import { readFileSync } from 'node:fs';
import { AmiDecoder } from '../ami/codec.ts';
import type { AmiMessage } from '../ami/message.ts';

export interface Transcript {
  /** The banner line (`Asterisk Call Manager/9.0.0`), or undefined when the bytes had none. */
  greeting: string | undefined;
  messages: AmiMessage[];
}

const BANNER = Buffer.from('Asterisk Call Manager/');

/**
 * Decodes a transcript file (by path) or its bytes. Throws the decoder's error (AMI_ERR_MALFORMED,
 * AMI_ERR_FRAME_TOO_LARGE) when the bytes are not a clean AMI stream: a fixture that does not
 * decode is a broken fixture, and replaying half of it would mislead the test.
 */
export function loadTranscript(source: string | Buffer): Transcript {
  const bytes = typeof source === 'string' ? readFileSync(source) : source;
  // Hand-made event files may have no banner; only a real capture starts with one.
  const hasBanner = bytes.subarray(0, BANNER.length).equals(BANNER);
  const decoder = new AmiDecoder({ expectGreeting: hasBanner });
  let greeting: string | undefined;
  const messages: AmiMessage[] = [];
  for (const item of [...decoder.push(bytes), ...decoder.end()]) {
    if (item.kind === 'greeting') greeting = item.line;
    else if (item.kind === 'message') messages.push(item.message);
    else throw item.error;
  }
  return { greeting, messages };
}

/**
 * The events a replay sends: every `Event:` message except those that answered the capturing
 * session's own actions. Responses belong to that session, and so do list items such as
 * CoreShowChannel or Status: Asterisk writes them only to the session that asked, marked with its
 * ActionID, so sending them to another client would answer an action it never sent.
 * OriginateResponse also carries an ActionID but is a real event that every session receives.
 */
export function replayableEvents(messages: readonly AmiMessage[]): AmiMessage[] {
  return messages.filter(
    (m) => m.type === 'event' && (m.event === 'OriginateResponse' || !m.has('ActionID')),
  );
}
