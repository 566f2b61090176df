/**
 * The live board as a pure reducer: `event: call` messages in, cards and a "recent" strip out.
 *
 * A card is one call. Its state, and whether it is the person's own or withdrawn, come from
 * `src/pops/card-state.ts`, which the widget shares. A withdrawn card is marked `leaving` (the view
 * animates it out) and `settle` then moves it to the recent strip. A card that is the person's own
 * stays after it ends, so a note can still be written; they close it themselves.
 */
import type { CallMessage, CardState } from '../../pops/wire.ts';
import { isTerminal, nextCardStatus, type CardStatus } from '../../pops/card-state.ts';

export interface Card extends CardStatus {
  callId: string;
  /** The latest message for the call (candidates, number, detail...). */
  message: CallMessage;
  /** When the card appeared (ISO, from the first message). */
  since: string;
}

export interface RecentCall {
  callId: string;
  message: CallMessage;
  state: CardState;
  at: string;
}

export interface BoardState {
  cards: Card[];
  recent: RecentCall[];
}

export type BoardAction =
  | { type: 'message'; message: CallMessage }
  /** The withdraw animation finished: move the card to the recent strip. */
  | { type: 'settle'; callId: string }
  /** The person closed an ended card. */
  | { type: 'dismiss'; callId: string };

export const emptyBoard: BoardState = { cards: [], recent: [] };

/** Ended cards kept on the board before the oldest go to the recent strip. */
export const MAX_ENDED_CARDS = 6;
export const MAX_RECENT = 12;

export function boardReducer(board: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case 'message':
      return applyMessage(board, action.message);
    case 'settle':
    case 'dismiss': {
      const card = board.cards.find((c) => c.callId === action.callId);
      if (!card) return board;
      return { cards: board.cards.filter((c) => c !== card), recent: pushRecent(board.recent, card) };
    }
  }
}

function applyMessage(board: BoardState, message: CallMessage): BoardState {
  const existing = board.cards.find((c) => c.callId === message.callId);
  if (!existing) {
    // A late or replayed end for a call already in the recent strip changes nothing.
    if (isTerminal(message.state) && board.recent.some((r) => r.callId === message.callId)) return board;
    const card = nextCard(undefined, message);
    const recent = board.recent.filter((r) => r.callId !== message.callId);
    // A call whose first word is its end (the tab opened late) goes straight to the strip.
    if (card.leaving) return { cards: board.cards, recent: pushRecent(recent, card) };
    return trimEnded({ cards: [card, ...board.cards], recent });
  }
  const card = nextCard(existing, message);
  return trimEnded({ cards: board.cards.map((c) => (c === existing ? card : c)), recent: board.recent });
}

function nextCard(previous: Card | undefined, message: CallMessage): Card {
  const { extensions, state, mine, leaving } = nextCardStatus(previous, message);
  return {
    callId: message.callId,
    // Keep the candidates a previous message had if a later one came without (never the reverse).
    message: message.candidates.length === 0 && previous ? { ...message, candidates: previous.message.candidates } : message,
    extensions,
    state,
    mine,
    leaving,
    since: previous?.since ?? message.at,
  };
}

function pushRecent(recent: RecentCall[], card: Card): RecentCall[] {
  const entry: RecentCall = { callId: card.callId, message: card.message, state: card.state, at: card.message.at };
  return [entry, ...recent.filter((r) => r.callId !== card.callId)].slice(0, MAX_RECENT);
}

function trimEnded(board: BoardState): BoardState {
  const ended = board.cards.filter((c) => isTerminal(c.state) && !c.leaving);
  if (ended.length <= MAX_ENDED_CARDS) return board;
  // Cards are newest first, so the oldest ended ones are at the end.
  const drop = new Set(ended.slice(MAX_ENDED_CARDS));
  let recent = board.recent;
  for (const card of [...drop].reverse()) recent = pushRecent(recent, card);
  return { cards: board.cards.filter((c) => !drop.has(c)), recent };
}

/** Cards still ringing: the tab title counts them. */
export function ringingCount(board: BoardState): number {
  return board.cards.filter((c) => c.state === 'ringing' && !c.leaving).length;
}
