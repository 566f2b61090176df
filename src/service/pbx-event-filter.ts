/**
 * The events the service reads from its AMI session, as the one regular expression Asterisk's
 * `Filter` action takes (`Operation: Add`; manager.c `action_filter`, Asterisk 10 and later). About
 * half of a call's events are VarSet, CEL and the like that nothing here reads (46 of the 86 of the
 * pop benchmark's inbound call; 1,196 of the transcripts' 1,998): filtered at the source, they are
 * neither formatted for us nor sent nor decoded.
 *
 * What Asterisk does with it (manager.c `should_send_event`): with include filters only, an event
 * is sent to the session when one of them matches its text, `Event: <name>\r\nPrivilege: ...\r\n`
 * and the rest of its headers; the regular expression is POSIX extended (`regcomp(REG_EXTENDED |
 * REG_NOSUB)`), unanchored, where `.` also matches CR and LF. The answers to our own actions
 * (CoreShowChannels, Status, DeviceStateList, ...) are written straight to the session and never
 * filtered; the FullyBooted that follows Login neither.
 *
 * The expression may let through more than the service reads (a name inside a header's value),
 * never less: a match only keeps an event. It is one expression because Asterisk has no way to take
 * a filter back: two half-accepted filters could leave the session with only one half.
 */
import { eventsRead, resolveEngineConfig, type EngineConfig } from '../calls/index.ts';

/**
 * Events other parts of the service read from the session's client (`Capability.onPbxEvent`, the
 * session itself). A capability that starts reading another event adds it here, or it will never
 * see it from a PBX that accepted the filter.
 */
export const SERVICE_EVENTS: readonly string[] = [
  // The session: the PBX's uptime, to tell a PBX restart from a link cut.
  'FullyBooted',
  // routing/device-states.ts (the routing capability's DeviceStateTracker).
  'DeviceStateChange',
  'ExtensionStatus',
  'PresenceStateChange',
  'PresenceStatus',
  'ContactStatus',
  'PeerStatus',
];

/** Names a POSIX expression can hold as they are (Asterisk's event names; our variables). */
const PLAIN_EVENT = /^[A-Za-z0-9]+$/;
const PLAIN_VARIABLE = /^[A-Za-z0-9_]+$/;
/**
 * Asterisk reads an action's lines into a 1,025-byte buffer (manager.c `inbuf`) and drops a longer
 * line unread: `Filter: <expression>` and its CRLF must fit, with room to spare.
 */
const MAX_EXPRESSION = 1000 - 'Filter: '.length - 2;

/**
 * The filter for an engine with this configuration, plus `also` (default SERVICE_EVENTS); null
 * when some name cannot be written safely (then the session asks for no filter at all).
 *
 * `Event: (A|B)[^A-Za-z0-9]` keeps whole events by name: the class stops `Hangup` from also
 * keeping `HangupHandlerRun` (CR follows the name). VarSet is kept only for the engine's variables,
 * with or without the `_`/`__` of inherited variables; a variable name the expression cannot hold
 * keeps every VarSet, and so does a list of variables too long for Asterisk's line.
 */
export function pbxEventFilter(engine: EngineConfig, also: readonly string[] = SERVICE_EVENTS): string | null {
  const read = eventsRead(resolveEngineConfig(engine));
  const events = [...new Set([...read.events, ...also])];
  if (!events.every((e) => PLAIN_EVENT.test(e))) return null;
  if (read.variables.every((v) => PLAIN_VARIABLE.test(v))) {
    const byVariable = `${byName(events)}|Event: VarSet[^A-Za-z0-9].*Variable: _*(${read.variables.join('|')})[^A-Za-z0-9_]`;
    if (byVariable.length <= MAX_EXPRESSION) return byVariable;
  }
  const whole = byName([...events, 'VarSet']);
  return whole.length <= MAX_EXPRESSION ? whole : null;
}

function byName(events: readonly string[]): string {
  return `Event: (${events.join('|')})[^A-Za-z0-9]`;
}
