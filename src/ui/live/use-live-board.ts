/**
 * The signed-in person's live stream (`GET /api/events`): feeds the board reducer, withdraws cards
 * after their short animation, raises desktop notifications while the tab is hidden, and says how
 * the connection is. EventSource reconnects by itself and sends Last-Event-ID, so the service
 * brings the board up to date after a network blip.
 *
 * The same stream carries `event: missed` (the person's missed-call items, src/missed/README.md):
 * they keep the navigation's count, the board's "missed calls for you" cards and a notification
 * for each new one. Those are not replayed, so every (re)connect re-reads the count and bumps
 * `missed.changed`, which the missed-calls page re-reads its list on.
 */
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { CallMessage } from '../types.ts';
import { isTerminal } from '../../pops/card-state.ts';
import { boardReducer, emptyBoard, type BoardAction, type BoardState } from './board-state.ts';
import { closeMissedNotification, closeNotification, notifyIncoming, notifyMissed } from './notify.ts';
import { isNewsFor, missedAlertsReducer, noMissedAlerts, type MissedAlert } from './missed-state.ts';
import { missedApi, type MissedMessage } from '../missed-api.ts';
import { navigate } from '../router.tsx';
import { useT } from '../i18n.ts';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** How long a withdrawn card stays (saying why) before it slides into the recent strip. */
export const WITHDRAW_MS = 1200;
/** A second read of the day's calls after a call ends: the call log has written it by then (its batches take milliseconds). */
const LOG_SETTLE_MS = 1500;

export interface LiveBoard {
  board: BoardState;
  dispatch: (action: BoardAction) => void;
  connection: Connection;
  /** Bumps whenever one of this person's calls ends: lists of calls reload then. */
  callsChanged: number;
  missed: LiveMissed;
}

export interface LiveMissed {
  /** The person's open items (GET /api/missed-items/count); null until known. */
  count: number | null;
  /** Cards for the board: items that just became the person's. */
  alerts: MissedAlert[];
  /** Bumps on every `event: missed` and every (re)connect: the missed-calls page reloads then. */
  changed: number;
  dismiss: (itemId: string) => void;
  /** Re-reads the count (after the person acted on an item themselves). */
  refresh: () => void;
}

export interface LiveBoardOptions {
  /** The signed-in person: whose items are news for them. */
  userId: string;
}

export function useLiveBoard(onSignedOut: () => void, options: LiveBoardOptions): LiveBoard {
  const [board, dispatch] = useReducer(boardReducer, emptyBoard);
  const [missedAlerts, dispatchMissed] = useReducer(missedAlertsReducer, noMissedAlerts);
  const [missedCount, setMissedCount] = useState<number | null>(null);
  const [missedChanged, setMissedChanged] = useState(0);
  const userId = useRef(options.userId);
  userId.current = options.userId;
  // Answers may come back out of order: only the latest question's answer counts.
  const countAsked = useRef(0);
  const refreshMissed = useRef(() => {
    const asked = ++countAsked.current;
    missedApi.count().then(
      (c) => asked === countAsked.current && setMissedCount(c.mine),
      () => undefined,
    );
  });
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
    let reread: number | undefined;
    source.onopen = () => {
      setConnection('live');
      // Missed-call messages are not replayed: what changed while away is read again.
      setMissedChanged((n) => n + 1);
      refreshMissed.current();
    };
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
      if (isTerminal(message.state)) {
        setCallsChanged((n) => n + 1);
        // The call log writes the call a moment after its pop: read the day again once it has.
        reread = window.setTimeout(() => setCallsChanged((n) => n + 1), LOG_SETTLE_MS);
      }
    });
    source.addEventListener('missed', (event) => {
      let message: MissedMessage;
      try {
        message = JSON.parse((event as MessageEvent<string>).data) as MissedMessage;
      } catch {
        return;
      }
      if (typeof message?.item?.id !== 'string') return;
      dispatchMissed({ type: 'message', message, userId: userId.current });
      if (isNewsFor(message, userId.current)) notifyMissed(message, tr.current, () => navigate('/missed'));
      else closeMissedNotification(message.item.id);
      setMissedChanged((n) => n + 1);
      refreshMissed.current();
    });
    return () => {
      window.clearTimeout(retry);
      window.clearTimeout(reread);
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

  const missed: LiveMissed = {
    count: missedCount,
    alerts: missedAlerts.alerts,
    changed: missedChanged,
    dismiss: (id) => dispatchMissed({ type: 'dismiss', id }),
    refresh: refreshMissed.current,
  };
  return { board, dispatch, connection, callsChanged, missed };
}
