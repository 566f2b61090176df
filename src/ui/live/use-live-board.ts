/**
 * The signed-in person's live stream (`GET /api/events`): feeds the board reducer, withdraws cards
 * after their short animation, raises desktop notifications while the tab is hidden, and says how
 * the connection is. EventSource reconnects by itself and sends Last-Event-ID, so the service
 * brings the board up to date after a network blip.
 */
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { CallMessage } from '../types.ts';
import { isTerminal } from '../../pops/card-state.ts';
import { boardReducer, emptyBoard, type BoardAction, type BoardState } from './board-state.ts';
import { closeNotification, notifyIncoming } from './notify.ts';
import { useT } from '../i18n.ts';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** How long a withdrawn card stays (saying why) before it slides into the recent strip. */
export const WITHDRAW_MS = 1200;

export interface LiveBoard {
  board: BoardState;
  dispatch: (action: BoardAction) => void;
  connection: Connection;
  /** Bumps whenever one of this person's calls ends: lists of calls reload then. */
  callsChanged: number;
}

export function useLiveBoard(onSignedOut: () => void): LiveBoard {
  const [board, dispatch] = useReducer(boardReducer, emptyBoard);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [callsChanged, setCallsChanged] = useState(0);
  const [generation, setGeneration] = useState(0);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;
  // Notifications speak the language of the moment, without reopening the stream when it changes.
  const language = useT();
  const tr = useRef(language);
  tr.current = language;

  useEffect(() => {
    const source = new EventSource('/api/events');
    let retry: number | undefined;
    source.onopen = () => setConnection('live');
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) {
        setConnection('reconnecting');
        return;
      }
      // The browser gave up (the answer was not a stream): a lapsed session, or a server in trouble.
      setConnection('reconnecting');
      retry = window.setTimeout(() => {
        void fetch('/api/me', { credentials: 'same-origin' }).then(
          (res) => (res.status === 401 ? signedOut.current() : setGeneration((g) => g + 1)),
          () => setGeneration((g) => g + 1),
        );
      }, 3000);
    };
    source.addEventListener('call', (event) => {
      let message: CallMessage;
      try {
        message = JSON.parse((event as MessageEvent<string>).data) as CallMessage;
      } catch {
        return;
      }
      dispatch({ type: 'message', message });
      if (message.state === 'ringing') notifyIncoming(message, tr.current);
      if (isTerminal(message.state) || message.state === 'answered') closeNotification(message.callId);
      if (isTerminal(message.state)) setCallsChanged((n) => n + 1);
    });
    return () => {
      window.clearTimeout(retry);
      source.close();
    };
  }, [generation]);

  // Withdrawn cards: let the person see why, then move them to the recent strip.
  const timers = useRef(new Map<string, number>());
  useEffect(() => {
    for (const card of board.cards) {
      if (!card.leaving || timers.current.has(card.callId)) continue;
      timers.current.set(
        card.callId,
        window.setTimeout(() => {
          timers.current.delete(card.callId);
          dispatch({ type: 'settle', callId: card.callId });
        }, WITHDRAW_MS),
      );
    }
  }, [board.cards]);
  useEffect(() => () => timers.current.forEach((t) => window.clearTimeout(t)), []);

  return { board, dispatch, connection, callsChanged };
}
