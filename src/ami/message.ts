/**
 * One decoded AMI message: an ordered list of `Key: Value` fields. Keys may repeat (`Output`,
 * `Variable`, `ChanVariable`) and order is kept, because Asterisk gives meaning to both.
 * Field access ignores the case of the key, as Asterisk itself does.
 */
export type AmiField = readonly [key: string, value: string];

export class AmiMessage {
  readonly fields: readonly AmiField[];
  /** Lines that were not `Key: Value` (kept so that nothing the PBX said is lost). */
  readonly unparsed: readonly string[];
  #lowerKeys: string[] | undefined;

  constructor(fields: readonly AmiField[], unparsed: readonly string[] = []) {
    this.fields = fields;
    this.unparsed = unparsed;
  }

  /** `event`, `response` or `action`, from the first field; `unknown` for anything else. */
  get type(): 'event' | 'response' | 'action' | 'unknown' {
    const first = this.fields[0]?.[0].toLowerCase();
    return first === 'event' || first === 'response' || first === 'action' ? first : 'unknown';
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

  #keys(): string[] {
    if (this.#lowerKeys === undefined) this.#lowerKeys = this.fields.map(([k]) => k.toLowerCase());
    return this.#lowerKeys;
  }

  /** The first value of `key` (case-insensitive), or undefined. */
  get(key: string): string | undefined {
    // The hot path of event routing: no lower-case index is built; only keys of the same length
    // are folded, and an exact match (Asterisk's canonical case) needs no folding at all.
    const fields = this.fields;
    let wanted: string | undefined;
    for (let i = 0; i < fields.length; i++) {
      const k = fields[i]![0];
      if (k === key) return fields[i]![1];
      if (k.length === key.length && k.toLowerCase() === (wanted ??= key.toLowerCase())) return fields[i]![1];
    }
    return undefined;
  }

  /** Every value of `key` (case-insensitive), in the order the PBX sent them. */
  getAll(key: string): string[] {
    const keys = this.#keys();
    const wanted = key.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) if (keys[i] === wanted) out.push(this.fields[i]![1]);
    return out;
  }

  has(key: string): boolean {
    return this.#keys().includes(key.toLowerCase());
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
}
