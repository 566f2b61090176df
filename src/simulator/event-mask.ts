/**
 * Which events a session receives, from Login's `Events:` header (or the `Events` action).
 *
 * Asterisk reads the header with ast_true/ast_false first (`on`, `yes`, `off`, `no`, ...) and
 * otherwise as a comma list of classes (`call,system`). An event is sent when every class in its
 * `Privilege:` line (except the catch-all `all`) is in the mask: with `Events: call` a client gets
 * Newchannel and Hangup but not VarSet (`dialplan`) nor Cdr (`cdr`), exactly the trap a real PBX
 * sets for a client that asks for too little.
 */
export type EventMask = 'all' | 'none' | ReadonlySet<string>;

const TRUE_WORDS = new Set(['on', 'yes', 'true', 'y', 't', '1']);
const FALSE_WORDS = new Set(['off', 'no', 'false', 'n', 'f', '0']);

/** No header at all means every event, as in Asterisk. */
export function parseEventMask(value: string | undefined): EventMask {
  if (value === undefined || value.trim() === '') return 'all';
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return 'all';
  if (FALSE_WORDS.has(word)) return 'none';
  const classes = new Set(
    word
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  );
  if (classes.has('all')) return 'all';
  return classes.size === 0 ? 'none' : classes;
}

/** True when a session with `mask` gets an event whose `Privilege:` is `privilege`. */
export function maskAllows(mask: EventMask, privilege: string | undefined): boolean {
  if (mask === 'all') return true;
  if (mask === 'none') return false;
  const classes = (privilege ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'all');
  // An event without a class (a hand-made one from a test) goes to every session that wants events.
  return classes.every((c) => mask.has(c));
}

/** The wording Asterisk uses to answer `Action: Events`. */
export function describeMask(mask: EventMask): 'On' | 'Off' {
  return mask === 'none' ? 'Off' : 'On';
}
