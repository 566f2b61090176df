/**
 * Asterisk's numbers turned into words: hangup causes (Q.850, as in `Hangup`'s `Cause`), Dial
 * statuses and the `Reason` of a failed `OriginateResponse`.
 */

/** Why a phone stopped ringing; carried by `agent-stopped-ringing` so a pop can be withdrawn. */
export type StopReason =
  | 'answered-here'
  | 'answered-elsewhere'
  | 'caller-hung-up'
  | 'no-answer'
  | 'busy'
  | 'rejected'
  | 'unavailable'
  /** The engine lost sight of the phone (it was gone after a reconnect, or the call was ended by a timeout). */
  | 'unknown';

/** Asterisk's texts (`Cause-txt`) for the causes a PBX commonly reports; used when an event has none. */
const CAUSE_TEXT: ReadonlyMap<number, string> = new Map([
  [0, 'Unknown'],
  [1, 'Unallocated (unassigned) number'],
  [3, 'No route to destination'],
  [16, 'Normal Clearing'],
  [17, 'User busy'],
  [18, 'No user responding'],
  [19, 'User alerting, no answer'],
  [20, 'Subscriber absent'],
  [21, 'Call Rejected'],
  [22, 'Number changed'],
  [26, 'Answered elsewhere'],
  [27, 'Destination out of order'],
  [28, 'Invalid number format'],
  [31, 'Normal, unspecified'],
  [34, 'Circuit/channel congestion'],
  [38, 'Network out of order'],
  [41, 'Temporary failure'],
  [42, 'Switching equipment congestion'],
  [127, 'Interworking, unspecified'],
]);

export function causeText(cause: number): string | null {
  return CAUSE_TEXT.get(cause) ?? null;
}

/**
 * Why a ringing leg stopped, read from its own hangup cause, for legs whose Dial never reported
 * (an Originate's leg has no DialEnd). Null when the cause alone does not tell (16, 0, ...).
 */
export function stopReasonForCause(cause: number): StopReason | null {
  switch (cause) {
    case 17:
      return 'busy';
    case 18:
    case 19:
      return 'no-answer';
    case 21:
      return 'rejected';
    case 26:
      return 'answered-elsewhere';
    case 1:
    case 3:
    case 20:
    case 27:
    case 34:
    case 38:
    case 41:
    case 42:
      return 'unavailable';
    default:
      return null;
  }
}

/**
 * A Dial status (`DialEnd`'s DialStatus, the `DIALSTATUS` variable) as a stop reason. `CANCEL` and
 * `ANSWER` return null: they need the rest of the call to be understood.
 */
export function stopReasonForDialStatus(status: string): StopReason | null {
  switch (status) {
    case 'NOANSWER':
      return 'no-answer';
    case 'BUSY':
      return 'busy';
    case 'CHANUNAVAIL':
      return 'unavailable';
    case 'CONGESTION':
    case 'DONTCALL':
    case 'TORTURE':
    case 'INVALIDARGS':
      return 'rejected';
    default:
      return null;
  }
}

/** What happened to an Originate, in words (`OriginateResponse` Reason, Asterisk's control frame numbers). */
export type OriginateResult = 'answered' | 'failed' | 'hung-up' | 'no-answer' | 'busy' | 'congestion';

export interface OriginateOutcome {
  result: OriginateResult;
  /** For a person: what happened to the first phone the Originate called (the agent's, for click-to-call). */
  description: string;
}

export function originateOutcome(reason: number, success: boolean): OriginateOutcome {
  if (success || reason === 4) return { result: 'answered', description: 'The phone answered.' };
  switch (reason) {
    case 1:
      return { result: 'hung-up', description: 'The phone rejected the call or hung up before answering.' };
    case 2:
    case 3:
      return { result: 'no-answer', description: 'The phone rang, but nobody answered before the timeout.' };
    case 5:
      return { result: 'busy', description: 'The phone was busy.' };
    case 8:
      return { result: 'congestion', description: 'The phone or the network was congested or unavailable.' };
    default:
      // 0: the channel could not even be created (unknown device, no contact registered, bad dial string).
      return { result: 'failed', description: 'The phone could not be called: it is unknown, offline or unreachable.' };
  }
}
