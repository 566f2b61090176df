/**
 * Field access for the engine's hot path. `AmiMessage.get` lowercases every key of a message on
 * first use (an array and a string per field); at hundreds of thousands of events a second that
 * garbage costs more than the engine itself. Asterisk spells its keys consistently, so an exact
 * match almost always hits; a case-insensitive comparison, done without allocating, covers the rest.
 */
import type { AmiMessage } from '../ami/message.ts';
import { isEscapedField, unescapeC } from '../ami/escaping.ts';

/** The first value of `key` (case-insensitive), or undefined. */
export function field(message: AmiMessage, key: string): string | undefined {
  const fields = message.fields;
  let loose: string | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const k = f[0];
    if (k === key) return f[1];
    if (loose === undefined && k.length === key.length && sameLetters(k, key)) loose = f[1];
  }
  return loose;
}

/**
 * The first value of `key` as the PBX had it, for the fields Asterisk sends C-escaped (caller and
 * connected line names, VarSet values: see ami/escaping.ts): `O\'Neil` is `O'Neil`. Other fields,
 * and values without a backslash (nearly all), are returned as they are.
 */
export function unescapedField(message: AmiMessage, key: string): string | undefined {
  const value = field(message, key);
  if (value === undefined || !value.includes('\\')) return value;
  const event = eventName(message);
  return event !== undefined && isEscapedField(event, key) ? unescapeC(value) : value;
}

/** The event name (`Event:` is the first field of every event). */
export function eventName(message: AmiMessage): string | undefined {
  const first = message.fields[0];
  if (first !== undefined && first[0] === 'Event') return first[1];
  return field(message, 'Event');
}

function sameLetters(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}
