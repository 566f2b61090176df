/**
 * The FastAGI request: the `agi_*` environment Asterisk sends first on every connection, typed.
 * Pure. The codec frames the bytes and splits each line; this turns the fields into an AgiRequest.
 *
 * Asterisk writes the block in `setup_env()` (res_agi.c): `agi_network: yes`, then
 * `agi_network_script: <path>` when the URL has a path, then the channel's variables, then
 * `agi_arg_1` .. `agi_arg_N` for the AGI() arguments after the URL, then an empty line. Missing caller
 * ID and DNID are sent as the word `unknown`; an empty account code as an empty value.
 */
import { type AgiError, AgiErrorCodes, CrmTelephonyError } from './agi-errors.ts';

/** Asterisk passes at most MAX_ARGS (128) words to AGI(), the URL included. */
export const MAX_AGI_ARGS = 127;

export interface AgiRequest {
  /**
   * The script the dialplan asked for, from `agi_network_script` or else the path of `agi_request`:
   * `route` for `agi://crm:4573/route`. No leading or trailing `/`, no query string.
   */
  script: string;
  /** Query parameters of the script path (`agi://crm/route?mode=x` gives `{ mode: 'x' }`). */
  params: Readonly<Record<string, string>>;
  /** The AGI() arguments after the URL (`agi_arg_1` is `args[0]`), in order. */
  args: readonly string[];
  /** `agi_request`: the URL as written in the dialplan. */
  request: string;
  network: boolean;
  channel: string;
  uniqueid: string;
  /** Caller number; Asterisk sends `unknown` when there is none. */
  callerId: string;
  /** Caller name; `unknown` when there is none. */
  callerIdName: string;
  /** The number dialled to reach us (`unknown` when the channel has none). */
  dnid: string;
  rdnis: string;
  context: string;
  extension: string;
  priority: string;
  language: string;
  type: string;
  version: string;
  accountCode: string;
  threadId: string;
  /** Every field as sent (keys with their `agi_` prefix), for anything not typed above. */
  env: Readonly<Record<string, string>>;
}

/**
 * Builds the request from the block's fields, in the order sent. Throws AGI_ERR_MALFORMED when the
 * block cannot be a FastAGI request (no field, a key without the `agi_` prefix, an argument number
 * Asterisk cannot send).
 */
export function requestFromFields(fields: readonly (readonly [string, string])[]): AgiRequest {
  const block = new RequestBlock();
  for (const [key, value] of fields) {
    if (!isRequestKey(key)) {
      block.refuseBadArgument(); // fields are judged in order: an earlier bad argument is the first problem
      throw notRequestKey(key);
    }
    block.add(key, value);
  }
  return block.finish();
}

/**
 * The request block as it arrives, one field at a time, straight into the plain object that
 * becomes `env` (no list of pairs, no second pass). The codec adds each line's key and value as it
 * frames them; `finish()` at the empty line types the result. Problems with argument numbers are
 * reported at the end, as a whole block is judged, never at the line (a block still arriving may
 * yet time out or be cut off, and that is what it must then report).
 */
export class RequestBlock {
  // A null prototype: a key such as `agi___proto__` or `__proto__` stays a plain key.
  #env = Object.create(null) as Record<string, string>;
  #count = 0;
  /** `agi_arg_N` values by N, in arrival order; sorted at the end only when they came out of order. */
  #numbered: [number, string][] = [];
  #sorted = true;
  /** The first argument key with a number Asterisk cannot send (`agi_arg_0`, `agi_arg_999`). */
  #badArg: string | undefined;

  /** Fields added so far. */
  get size(): number {
    return this.#count;
  }

  /** Adds one field; the caller has checked that the key starts with `agi_`. */
  add(key: string, value: string): void {
    this.#count++;
    if (key in this.#env) return; // Asterisk never repeats a key; if a peer does, the first one stands.
    this.#env[key] = value;
    const n = argNumber(key);
    if (n < 0) return;
    if (n < 1 || n > MAX_AGI_ARGS) {
      this.#badArg ??= key;
      return;
    }
    const last = this.#numbered[this.#numbered.length - 1];
    if (last !== undefined && last[0] > n) this.#sorted = false;
    this.#numbered.push([n, value]);
  }

  /** Throws AGI_ERR_MALFORMED if an argument number Asterisk cannot send was added. */
  refuseBadArgument(): void {
    const key = this.#badArg;
    if (key !== undefined) {
      throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, `The FastAGI request has "${key}", but Asterisk numbers arguments 1 to ${MAX_AGI_ARGS}.`, { key });
    }
  }

  /** The typed request. Throws AGI_ERR_MALFORMED for an empty block or a bad argument number. */
  finish(): AgiRequest {
    if (this.#count === 0) {
      throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, 'The FastAGI request block was empty: the peer is not Asterisk, or it closed the request at once.');
    }
    this.refuseBadArgument();
    // Keep the order by number, not by arrival; a gap (never sent by Asterisk) reads as an empty argument.
    const numbered = this.#numbered;
    if (!this.#sorted) numbered.sort((a, b) => a[0] - b[0]);
    const args: string[] = [];
    for (const [n, value] of numbered) {
      while (args.length < n - 1) args.push('');
      args.push(value);
    }
    const env = this.#env;
    const request = env['agi_request'] ?? '';
    const { script, params } = scriptOf(env['agi_network_script'] ?? pathOfUrl(request));
    return {
      script,
      params,
      args,
      request,
      network: env['agi_network'] === 'yes',
      channel: env['agi_channel'] ?? '',
      uniqueid: env['agi_uniqueid'] ?? '',
      callerId: env['agi_callerid'] ?? '',
      callerIdName: env['agi_calleridname'] ?? '',
      dnid: env['agi_dnid'] ?? '',
      rdnis: env['agi_rdnis'] ?? '',
      context: env['agi_context'] ?? '',
      extension: env['agi_extension'] ?? '',
      priority: env['agi_priority'] ?? '',
      language: env['agi_language'] ?? '',
      type: env['agi_type'] ?? '',
      version: env['agi_version'] ?? '',
      accountCode: env['agi_accountcode'] ?? '',
      threadId: env['agi_threadid'] ?? '',
      env,
    };
  }
}

/**
 * The keys Asterisk's setup_env() sends on every call, and the first arguments. The codec looks a
 * key's bytes up here instead of decoding them: a new string per key per call would then have to
 * be hashed and internalized again by every property store and lookup on `env`, which measured as
 * the largest part of reading a request block.
 */
const KNOWN_KEYS: readonly string[] = [
  'agi_network',
  'agi_network_script',
  'agi_request',
  'agi_channel',
  'agi_language',
  'agi_type',
  'agi_uniqueid',
  'agi_version',
  'agi_callerid',
  'agi_calleridname',
  'agi_callingpres',
  'agi_callingani2',
  'agi_callington',
  'agi_callingtns',
  'agi_dnid',
  'agi_rdnis',
  'agi_context',
  'agi_extension',
  'agi_priority',
  'agi_enhanced',
  'agi_accountcode',
  'agi_threadid',
  ...Array.from({ length: 16 }, (_, i) => `agi_arg_${i + 1}`),
];

/** FNV-1a over the bytes; collisions only cost a comparison, the bytes are always checked. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

const KNOWN_BY_HASH = new Map<number, { key: string; bytes: Buffer }[]>();
for (const key of KNOWN_KEYS) {
  const bytes = Buffer.from(key, 'latin1');
  const h = hashBytes(bytes, 0, bytes.length);
  const list = KNOWN_BY_HASH.get(h);
  if (list) list.push({ key, bytes });
  else KNOWN_BY_HASH.set(h, [{ key, bytes }]);
}

/** The known key spelled by `bytes[start, end)` (one string for every call), or undefined. */
export function knownRequestKey(bytes: Uint8Array, start: number, end: number): string | undefined {
  const len = end - start;
  if (len < 8 || len > 20) return undefined;
  const list = KNOWN_BY_HASH.get(hashBytes(bytes, start, end));
  if (list === undefined) return undefined;
  next: for (const known of list) {
    if (known.bytes.length !== len) continue;
    for (let i = 0; i < len; i++) if (known.bytes[i] !== bytes[start + i]) continue next;
    return known.key;
  }
  return undefined;
}

const ARG_PREFIX = 'agi_arg_';

/** N for `agi_arg_N` with 1 to 4 digits (as `/^agi_arg_([0-9]{1,4})$/` reads it), else -1. */
function argNumber(key: string): number {
  const digits = key.length - ARG_PREFIX.length;
  if (digits < 1 || digits > 4 || !key.startsWith(ARG_PREFIX)) return -1;
  let n = 0;
  for (let i = ARG_PREFIX.length; i < key.length; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Every key Asterisk sends starts with `agi_`; anything else is not a FastAGI request. */
export function isRequestKey(key: string): boolean {
  return key.startsWith('agi_');
}

export function notRequestKey(key: string): AgiError {
  return new CrmTelephonyError(
    AgiErrorCodes.AGI_ERR_MALFORMED,
    `A FastAGI request line has the key "${printable(key)}"; every key Asterisk sends starts with "agi_". Is this port reached by something other than Asterisk's AGI()?`,
    { key: printable(key) },
  );
}

/** `agi://host:4573/route?x=1` gives `route?x=1`: everything after the host, as Asterisk's launch_netscript cuts it. */
function pathOfUrl(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return '';
  const slash = url.indexOf('/', scheme + 3);
  return slash < 0 ? '' : url.slice(slash + 1);
}

function scriptOf(path: string): { script: string; params: Record<string, string> } {
  const q = path.indexOf('?');
  const script = trimSlashes(q < 0 ? path : path.slice(0, q));
  const params = Object.create(null) as Record<string, string>;
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(path.slice(q + 1))) if (!(k in params)) params[k] = v;
  }
  return { script, params };
}

/** The path without leading or trailing `/` (as `replace(/^\/+|\/+$/g, '')`, without a regexp per call). */
function trimSlashes(path: string): string {
  let from = 0;
  let to = path.length;
  while (from < to && path.charCodeAt(from) === 0x2f) from++;
  while (to > from && path.charCodeAt(to - 1) === 0x2f) to--;
  return from === 0 && to === path.length ? path : path.slice(from, to);
}

/** True for the values Asterisk sends when it has nothing: empty, or the word `unknown`. */
export function isUnknownValue(value: string | undefined): boolean {
  return value === undefined || value === '' || value === 'unknown';
}

export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 60);
}
