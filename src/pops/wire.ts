/**
 * The pop stream's wire contract: what `GET /api/events` sends the console and the widget. Each
 * message is an SSE frame `id: <n>`, `event: call`, `data: <CallMessage as JSON>`; the id is what
 * a reconnecting browser sends back as Last-Event-ID. The server (`web/push/call-hub.ts`), the
 * console (`src/ui/`) and the widget (`src/widget/`) all import these types from here, so the three
 * cannot drift. Types only, no imports: the browser builds compile this file too.
 */

/** A card's state on one extension of the person. */
export type CardState = 'ringing' | 'answered' | 'answered-elsewhere' | 'missed' | 'ended';

/** A directory record that may be the caller, as a card lists it. */
export interface CallCandidateView {
  type: 'contact' | 'account' | 'lead';
  id: string;
  name: string;
  account: string | null;
  owner: string | null;
  lastCallAt: string | null;
}

/** The `event: call` payload: what a screen pop needs, for this user's extension. */
export interface CallMessage {
  callId: string;
  state: CardState;
  extension: string;
  direction: 'inbound' | 'outbound' | 'internal';
  externalNumber: string | null;
  externalNumberFormatted: string | null;
  externalName: string | null;
  did: string | null;
  queue: string | null;
  candidates: CallCandidateView[];
  at: string;
  /** For click-to-call: progress and failures in words (English; `detailCode` says which). */
  detail?: string;
  /** Which click-to-call step `detail` tells, for a client that words it in the person's language. */
  detailCode?: ClickToCallStep;
}

/** The click-to-call steps a card tells (`CLICK_TO_CALL_DETAIL` in pop-reducer.ts); `failed`: the PBX's reason. */
export type ClickToCallStep = 'ringingYourPhone' | 'notPlaced' | 'calling' | 'connected' | 'failed';
