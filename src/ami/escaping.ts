/**
 * Asterisk escapes some AMI values C-style, and only some. Since 13.5.0 (ASTERISK-24934, commit
 * 53c1126090 "AMI: Escape string values"; certified 13.1-cert3) `ast_manager_build_channel_state_string_prefix`
 * (main/manager_channels.c) passes the caller ID name and the connected line name of every channel
 * snapshot through `ast_escape_c_alloc` (main/utils.c `ast_escape_c`), whatever the prefix (`Dest`,
 * `Transferer`, ...), and `ChanVariable` values too; `varset_to_ami` (main/stasis_channels.c) escapes
 * VarSet's `Value`. So a caller named `O'Neil` arrives as `CallerIDName: O\'Neil`.
 *
 * Everything else is sent as it is, also where the same names appear: CEL's `CallerIDname`
 * (cel_manager.c), the Cdr's `CallerID` (cdr_manager.c), OriginateResponse's `CallerIDName`,
 * QueueStatus's `QueueEntry`, MeetmeList, Status's `EffectiveConnectedLineName` and `Variable:`
 * lines, Getvar, Newexten's `AppData`. Unescaping those would corrupt a name with a real backslash.
 *
 * Status items take their caller and connected names from the snapshot (escaped) since Asterisk
 * 14; Asterisk 13's `action_status` printed them raw. We follow 14 and later.
 */

/** ast_escape_c's characters, each sent as a backslash and this letter. */
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\x07', 'a'],
  ['\b', 'b'],
  ['\f', 'f'],
  ['\n', 'n'],
  ['\r', 'r'],
  ['\t', 't'],
  ['\v', 'v'],
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
  ['?', '?'],
]);

const UNESCAPES: ReadonlyMap<string, string> = new Map([...ESCAPES].map(([raw, letter]) => [letter, raw]));

// eslint-disable-next-line no-control-regex -- BEL is one of the characters ast_escape_c escapes
const TO_ESCAPE = /[\x07\b\f\n\r\t\v\\'"?]/g;

/** What `ast_escape_c` makes of `value` (the simulator sends names the way Asterisk does). */
export function escapeC(value: string): string {
  return value.replace(TO_ESCAPE, (c) => `\\${ESCAPES.get(c)!}`);
}

/**
 * Undoes `ast_escape_c`: `\'` is `'`, `\\` is `\`, `\n` a line feed. A backslash before anything
 * else, or at the very end, is kept as it is: ast_escape_c never writes one, so it was sent so.
 */
export function unescapeC(value: string): string {
  let slash = value.indexOf('\\');
  if (slash < 0) return value;
  let out = '';
  let from = 0;
  while (slash >= 0 && slash < value.length - 1) {
    const raw = UNESCAPES.get(value[slash + 1]!);
    if (raw === undefined) {
      slash = value.indexOf('\\', slash + 1);
      continue;
    }
    out += value.slice(from, slash) + raw;
    from = slash + 2;
    slash = value.indexOf('\\', from);
  }
  return out + value.slice(from);
}

/** The prefixes Asterisk (13 to 22) gives a second, third... channel's snapshot in one event. */
const SNAPSHOT_PREFIXES = [
  '',
  'Dest', // DialBegin/DialState/DialEnd, AgentCalled/AgentConnect/AgentComplete/...
  'Transferer', // BlindTransfer
  'Transferee',
  'OrigTransferer', // AttendedTransfer
  'SecondTransferer',
  'TransferTarget',
  'LocalOne', // LocalBridge, LocalOptimizationBegin/End, AttendedTransfer to a Local pair
  'LocalTwo',
  'Source', // LocalOptimizationBegin
  'Spyer', // ChanSpyStart/Stop
  'Spyee',
  'Target', // Pickup
  'Parkee', // ParkedCall, UnParkedCall, ...
  'Retriever',
];

const SNAPSHOT_ESCAPED = ['CallerIDName', 'ConnectedLineName', 'ChanVariable'];

const ESCAPED_KEYS: ReadonlySet<string> = new Set(
  SNAPSHOT_PREFIXES.flatMap((prefix) => SNAPSHOT_ESCAPED.map((key) => (prefix + key).toLowerCase())),
);

/** A multi-channel UserEvent (ARI) numbers its second and later snapshots: `2CallerIDName`. */
const NUMBERED = /^\d+(?:calleridname|connectedlinename|chanvariable)$/;

/** Events that print names with their own format, unescaped (CEL spells its key `CallerIDname`). */
const RAW_EVENTS: ReadonlySet<string> = new Set(['cel', 'cdr', 'originateresponse', 'queueentry', 'meetmelist']);

/** Other values ast_escape_c passes through, by event. */
const ESCAPED_BY_EVENT: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['varset', new Set(['value'])],
  ['newcallerid', new Set(['cid-callingpres'])],
  ['presencestatechange', new Set(['subtype', 'message'])],
]);

/**
 * Whether Asterisk (14 and later; 13.5 and later for events) escaped the value of `key` in an
 * `eventName` message with ast_escape_c. Both compare without regard to case, as AMI keys do.
 * For `ChanVariable: NAME=value` only the value was escaped; unescaping the whole line is the same.
 */
export function isEscapedField(eventName: string, key: string): boolean {
  const event = eventName.toLowerCase();
  if (RAW_EVENTS.has(event)) return false;
  const k = key.toLowerCase();
  return ESCAPED_KEYS.has(k) || NUMBERED.test(k) || ESCAPED_BY_EVENT.get(event)?.has(k) === true;
}
