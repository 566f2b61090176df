/**
 * A person's card for one call, as the console and the widget both show it. The service sends one
 * message per ringing extension, so a person with two phones gets two messages per call; the card
 * shows the most telling state of its extensions (answered beats ringing beats ended...).
 *
 * A card answered elsewhere or missed is withdrawn (`leaving`). A card the person answered, or a
 * click-to-call (whose failure they must read), is theirs (`mine`): it stays after the call ends,
 * so a note can still be written. How long each stays on screen is the viewer's affair.
 *
 * No imports but the wire types: the console and the widget bundle this file.
 */
import type { CallMessage, CardState } from './wire.ts';

const TERMINAL: ReadonlySet<CardState> = new Set(['answered-elsewhere', 'missed', 'ended']);

/** A state after which the call goes on without this phone (or is over). */
export function isTerminal(state: CardState): boolean {
  return TERMINAL.has(state);
}

// An answer on one phone must not be undone by "answered elsewhere" on the person's other phone.
const PRECEDENCE: Record<CardState, number> = { answered: 5, ringing: 4, ended: 3, missed: 2, 'answered-elsewhere': 1 };

/** The card's state from its extensions' states: the highest by precedence. */
export function combinedState(extensions: Readonly<Record<string, CardState>>): CardState {
  let best: CardState = 'ended';
  let rank = -1;
  for (const state of Object.values(extensions)) {
    if (PRECEDENCE[state] > rank) {
      best = state;
      rank = PRECEDENCE[state];
    }
  }
  return best;
}

export interface CardStatus {
  /** State per extension of this person that the call concerns. */
  extensions: Record<string, CardState>;
  state: CardState;
  /** The person took this call (or placed it): it stays after it ends. */
  mine: boolean;
  /** Over and not the person's own: the card is withdrawn. */
  leaving: boolean;
}

/** The card after one more message for its call (`previous` undefined: the call's first message). */
export function nextCardStatus(previous: CardStatus | undefined, message: CallMessage): CardStatus {
  const extensions = { ...(previous?.extensions ?? {}), [message.extension]: message.state };
  const state = combinedState(extensions);
  const mine = (previous?.mine ?? false) || state === 'answered' || message.direction === 'outbound';
  return { extensions, state, mine, leaving: isTerminal(state) && !mine };
}
