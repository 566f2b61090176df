/**
 * Recording ids: 128 random bits, base64url, with a prefix that says what they are. They are the
 * only handle a browser ever holds: never the PBX's uniqueid (`epoch.sequence` is guessable) and
 * never a path.
 */
import { randomBytes } from 'node:crypto';

const ID = /^rec_[A-Za-z0-9_-]{22}$/;

export function newRecordingId(): string {
  return `rec_${randomBytes(16).toString('base64url')}`;
}

/** True for a string shaped like our ids; anything else is refused before it reaches a query. */
export function isRecordingId(text: unknown): boolean {
  return typeof text === 'string' && ID.test(text);
}
