/**
 * Encodes what a PBX sends (responses and events) as AMI bytes. The client side has its own
 * encoder for actions in `src/ami/codec.ts`; this one exists so the simulator can speak the other
 * half of the protocol with the same refusal of line breaks.
 */
import type { AmiField } from '../ami/message.ts';
import { checkAmiField } from '../ami/codec.ts';

/** One message to send: ordered `[key, value]` pairs (keys may repeat) or a plain record. */
export type SimFields = Readonly<Record<string, string>> | readonly AmiField[];

/** The fields as ordered pairs; a record keeps its insertion order. */
export function toFieldList(fields: SimFields): AmiField[] {
  return Array.isArray(fields)
    ? [...(fields as readonly AmiField[])]
    : Object.entries(fields as Readonly<Record<string, string>>);
}

/**
 * `Key: Value` lines ended by an empty line. Refuses (AMI_ERR_INJECTION) a CR or LF anywhere: a
 * value with a line break would end the message early and smuggle a forged one after it, so a
 * test that feeds hostile caller names gets an error instead of a silently different stream.
 */
export function encodeMessage(fields: SimFields): string {
  let out = '';
  for (const [key, value] of toFieldList(fields)) {
    checkAmiField(key, value);
    out += `${key}: ${value}\r\n`;
  }
  return out + '\r\n';
}

/** Several messages in one string, so that they leave in one socket write as Asterisk sends them. */
export function encodeMessages(messages: readonly SimFields[]): string {
  let out = '';
  for (const m of messages) out += encodeMessage(m);
  return out;
}

