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
  if (fields.length === 0) {
    throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, 'The FastAGI request block was empty: the peer is not Asterisk, or it closed the request at once.');
  }
  // A null prototype: a key such as `agi___proto__` or `__proto__` stays a plain key.
  const env = Object.create(null) as Record<string, string>;
  const numbered: [number, string][] = [];
  for (const [key, value] of fields) {
    if (!isRequestKey(key)) throw notRequestKey(key);
    if (key in env) continue; // Asterisk never repeats a key; if a peer does, the first one stands.
    env[key] = value;
    const arg = /^agi_arg_([0-9]{1,4})$/.exec(key);
    if (arg) {
      const n = Number(arg[1]);
      if (n < 1 || n > MAX_AGI_ARGS) {
        throw new CrmTelephonyError(AgiErrorCodes.AGI_ERR_MALFORMED, `The FastAGI request has "${key}", but Asterisk numbers arguments 1 to ${MAX_AGI_ARGS}.`, { key });
      }
      numbered.push([n, value]);
    }
  }
  // Keep the order by number, not by arrival; a gap (never sent by Asterisk) reads as an empty argument.
  numbered.sort((a, b) => a[0] - b[0]);
  const args: string[] = [];
  for (const [n, value] of numbered) {
    while (args.length < n - 1) args.push('');
    args.push(value);
  }
  const request = env['agi_request'] ?? '';
  const { script, params } = scriptOf(env['agi_network_script'] ?? pathOfUrl(request));
  const get = (key: string): string => env[`agi_${key}`] ?? '';
  return {
    script,
    params,
    args,
    request,
    network: get('network') === 'yes',
    channel: get('channel'),
    uniqueid: get('uniqueid'),
    callerId: get('callerid'),
    callerIdName: get('calleridname'),
    dnid: get('dnid'),
    rdnis: get('rdnis'),
    context: get('context'),
    extension: get('extension'),
    priority: get('priority'),
    language: get('language'),
    type: get('type'),
    version: get('version'),
    accountCode: get('accountcode'),
    threadId: get('threadid'),
    env,
  };
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
  const script = (q < 0 ? path : path.slice(0, q)).replace(/^\/+|\/+$/g, '');
  const params = Object.create(null) as Record<string, string>;
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(path.slice(q + 1))) if (!(k in params)) params[k] = v;
  }
  return { script, params };
}

/** True for the values Asterisk sends when it has nothing: empty, or the word `unknown`. */
export function isUnknownValue(value: string | undefined): boolean {
  return value === undefined || value === '' || value === 'unknown';
}

export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 60);
}
