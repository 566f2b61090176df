/**
 * Recording ids: 128 random bits, base64url, with a prefix that says what they are. They are the
 * only handle a browser ever holds: never the PBX's uniqueid (`epoch.sequence` is guessable) and
 * never a path.
 */
import { randomFillSync } from 'node:crypto';

const ID = /^rec_[A-Za-z0-9_-]{22}$/;
const ID_BYTES = 16;

// Every recorded call draws an id; one call into the CSPRNG per 256 ids instead of one per id
// (issue 13's profile: randomBytes was a tenth of the recordings' share of a pop). Same generator,
// same bits; each slice of the pool is handed out once.
const pool = Buffer.alloc(ID_BYTES * 256);
let offset = pool.length;

export function newRecordingId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `rec_${id}`;
}

/** True for a string shaped like our ids; anything else is refused before it reaches a query. */
export function isRecordingId(text: unknown): boolean {
  return typeof text === 'string' && ID.test(text);
}
