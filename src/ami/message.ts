/**
 * One decoded AMI message: an ordered list of `Key: Value` fields. Keys may repeat (`Output`,
 * `Variable`, `ChanVariable`) and order is kept, because Asterisk gives meaning to both.
 * Field access ignores the case of the key, as Asterisk itself does.
 *
 * A message from the wire keeps its text and where each key and value lie in it, and cuts out
 * only the strings it is asked for: a consumer reads two or three of an event's twenty fields, and
 * slicing all forty keys and values (and a pair array per field) cost more than finding the lines.
 * `fields` is built on first use and kept.
 */
export type AmiField = readonly [key: string, value: string];

/** The one character whose `toLowerCase()` is longer than itself (`İ` becomes `i̇`). */
const DOTTED_I = '\u0130';

export class AmiMessage {
  /** Lines that were not `Key: Value` (kept so that nothing the PBX said is lost). */
  readonly unparsed: readonly string[];
  /** The fields as pairs: given to the constructor, or built from the text on first use. */
  #fields: readonly AmiField[] | undefined;
  /** The message as received (a message built from pairs has none). */
  #text: string;
  /** Per field, four offsets into #text: key start, key end, value start, value end. */
  #spans: readonly number[] | undefined;

  constructor(fields: readonly AmiField[], unparsed: readonly string[] = []) {
    this.unparsed = unparsed;
    this.#fields = fields;
    this.#text = '';
    this.#spans = undefined;
  }

  /**
   * The decoder's constructor: `spans` holds four offsets per field into `text` (key start, key
   * end, value start, value end), in wire order. Nothing is sliced until asked for.
   */
  static fromText(text: string, spans: readonly number[], unparsed: readonly string[]): AmiMessage {
    const message = new AmiMessage(NO_FIELDS, unparsed);
    message.#fields = undefined;
    message.#text = text;
    message.#spans = spans;
    return message;
  }

  /** Every field as `[key, value]`, in the order sent. */
  get fields(): readonly AmiField[] {
    let fields = this.#fields;
    if (fields === undefined) {
      const text = this.#text;
      const spans = this.#spans!;
      const built: AmiField[] = new Array<AmiField>(spans.length >> 2);
      for (let i = 0, f = 0; i < spans.length; i += 4, f++) {
        built[f] = [text.slice(spans[i]!, spans[i + 1]!), text.slice(spans[i + 2]!, spans[i + 3]!)];
      }
      this.#fields = fields = built;
    }
    return fields;
  }

  /** `event`, `response` or `action`, from the first field; `unknown` for anything else. */
  get type(): 'event' | 'response' | 'action' | 'unknown' {
    for (const type of TYPES) if (this.#keyIs(0, type)) return type;
    return 'unknown';
  }

  /** The event name (`Newchannel`), or undefined for responses. */
  get event(): string | undefined {
    return this.get('Event');
  }

  /** The response word (`Success`, `Error`, `Follows`, `Goodbye`), or undefined for events. */
  get response(): string | undefined {
    return this.get('Response');
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  /** The first value of `key` (case-insensitive), or undefined. */
  get(key: string): string | undefined {
    // The hot path of event routing: keys of another length are passed over without a look, an
    // exact match (Asterisk's canonical case) is one comparison, and nothing is allocated but the value.
    const length = key.length;
    const fields = this.#fields;
    if (fields !== undefined) {
      for (let i = 0; i < fields.length; i++) {
        const k = fields[i]![0];
        if (k.length === length && (k === key || sameKey(k, 0, length, key))) return fields[i]![1];
      }
      return undefined;
    }
    const text = this.#text;
    const spans = this.#spans!;
    for (let i = 0; i < spans.length; i += 4) {
      const start = spans[i]!;
      if (spans[i + 1]! - start === length && (text.startsWith(key, start) || sameKey(text, start, start + length, key))) {
        return text.slice(spans[i + 2]!, spans[i + 3]!);
      }
    }
    return undefined;
  }

  /** Every value of `key` (case-insensitive), in the order the PBX sent them. */
  getAll(key: string): string[] {
    const out: string[] = [];
    const n = this.#count();
    const loose = this.#mayChangeLength(key);
    for (let i = 0; i < n; i++) if (this.#keyIs(i, key, loose)) out.push(this.#value(i));
    return out;
  }

  has(key: string): boolean {
    const n = this.#count();
    const loose = this.#mayChangeLength(key);
    for (let i = 0; i < n; i++) if (this.#keyIs(i, key, loose)) return true;
    return false;
  }

  /**
   * `Variable: NAME=value` (and `ChanVariable`) lines as a map; the first `=` splits, so values
   * may hold `=` themselves.
   */
  variables(key = 'Variable'): Map<string, string> {
    const out = new Map<string, string>();
    for (const line of this.getAll(key)) {
      const eq = line.indexOf('=');
      if (eq < 0) out.set(line, '');
      else out.set(line.slice(0, eq), line.slice(eq + 1));
    }
    return out;
  }

  /** A plain object with the keys as sent; a repeated key becomes an array of its values. */
  toJSON(): Record<string, string | string[]> {
    // A null prototype: a key such as `__proto__` from the wire stays a plain key.
    const out = Object.create(null) as Record<string, string | string[]>;
    for (const [k, v] of this.fields) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    return out;
  }

  #count(): number {
    return this.#fields !== undefined ? this.#fields.length : this.#spans!.length >> 2;
  }

  #value(i: number): string {
    if (this.#fields !== undefined) return this.#fields[i]![1];
    return this.#text.slice(this.#spans![4 * i + 2]!, this.#spans![4 * i + 3]!);
  }

  /**
   * Whether a key of another length than `key` may still equal it once both are lower-cased: only
   * when one of them holds `İ`, the one character that lower-cases to two.
   */
  #mayChangeLength(key: string): boolean {
    if (key.includes(DOTTED_I)) return true;
    if (this.#fields === undefined) return this.#text.includes(DOTTED_I);
    return this.#fields.some(([k]) => k.includes(DOTTED_I));
  }

  /**
   * Whether field `i`'s key is `key` ignoring case, as `toLowerCase()` on both would say.
   * `loose`: compare keys of other lengths too (see #mayChangeLength).
   */
  #keyIs(i: number, key: string, loose = false): boolean {
    let text: string;
    let start: number;
    let end: number;
    if (this.#fields !== undefined) {
      const field = this.#fields[i];
      if (field === undefined) return false;
      text = field[0];
      start = 0;
      end = text.length;
    } else {
      const spans = this.#spans!;
      if (4 * i >= spans.length) return false;
      text = this.#text;
      start = spans[4 * i]!;
      end = spans[4 * i + 1]!;
    }
    if (end - start === key.length) return sameKey(text, start, end, key);
    return loose && text.slice(start, end).toLowerCase() === key.toLowerCase();
  }
}

const NO_FIELDS: readonly AmiField[] = Object.freeze([]);
const TYPES = ['event', 'response', 'action'] as const;

/**
 * Whether `text[start, end)` equals `key` (of the same length) once both are lower-cased, without
 * allocating: ASCII letters are folded here; any other character that differs is settled by
 * `toLowerCase()`, so the answer is always the one `a.toLowerCase() === b.toLowerCase()` gives.
 */
function sameKey(text: string, start: number, end: number, key: string): boolean {
  for (let i = start, j = 0; i < end; i++, j++) {
    let a = text.charCodeAt(i);
    let b = key.charCodeAt(j);
    if (a === b) continue;
    if (a >= 128 || b >= 128) return text.slice(start, end).toLowerCase() === key.toLowerCase();
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}
