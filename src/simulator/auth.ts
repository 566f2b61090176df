/**
 * AMI login checks as Asterisk makes them: the user name matches without regard to case, a plain
 * `Secret` must match exactly, and an MD5 login sends `Key: md5hex(challenge + secret)` for the
 * challenge this session was given by `Action: Challenge`.
 */
import { createHash, randomInt } from 'node:crypto';
import type { AmiMessage } from '../ami/message.ts';

export interface Credentials {
  username: string;
  secret: string;
}

/**
 * A fresh challenge: digits only. Asterisk prints a random long into a 10-byte buffer, so real
 * challenges are up to nine digits; clients must not assume a fixed length.
 */
export function newChallenge(): string {
  return String(randomInt(100_000_000, 1_000_000_000));
}

export function md5Key(challenge: string, secret: string): string {
  return createHash('md5').update(challenge + secret).digest('hex');
}

/** True when a Login action proves the credentials (`challenge`: the one this session was given). */
export function loginAccepted(login: AmiMessage, expected: Credentials, challenge: string | undefined): boolean {
  if ((login.get('Username') ?? '').toLowerCase() !== expected.username.toLowerCase()) return false;
  if ((login.get('AuthType') ?? '').toLowerCase() === 'md5') {
    const key = login.get('Key') ?? '';
    // Without an earlier Challenge there is nothing the key could prove.
    return key !== '' && challenge !== undefined && key.toLowerCase() === md5Key(challenge, expected.secret);
  }
  const secret = login.get('Secret') ?? '';
  return secret !== '' && secret === expected.secret;
}
