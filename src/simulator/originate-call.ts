/**
 * An `Async: true` Originate played as the call it starts (AmiSimulator's `originatePlaysCall`):
 * the `click-to-call` scenario (scenarios/outbound.ts) with what the action carried, as Asterisk
 * carries it. The agent's phone (`Channel: PJSIP/<ext>`) rings and answers; OriginateResponse
 * names the action's ActionID; the `Variable:` lines are set on the agent's channel and inherited
 * by the customer's; `Account` becomes both legs' AccountCode; the dialplan (`Context`, `Exten`)
 * then dials the customer, who answers, talks and hangs up. Pure: the action in, the scenario's
 * parameters out.
 */
import type { AmiMessage } from '../ami/message.ts';
import { parseCallerId } from './replies.ts';
import type { HangupSide, ScenarioParams, TimedEvent } from './scenarios/types.ts';

/** How the call an Originate starts goes. */
export interface OriginateCallOptions {
  /** The agent's phone rings this long before it is picked up. Default 2 s. */
  agentRingMs?: number;
  /** Then the customer's phone rings this long before they answer. Default 4 s. */
  ringMs?: number;
  /** The conversation. Default 20 s. */
  talkMs?: number;
  /** Who hangs up: the customer (`caller`, the default) or the agent. */
  hangupBy?: HangupSide;
  /** Playback speed (see PlayOptions.speed). Default 1: real time. */
  speed?: number;
}

/** What stands in for a missing ActionID while building (the events then carry none). */
export const NO_ACTION_ID = 'sim-no-action-id';

const PJSIP_ENDPOINT = /^PJSIP\/([0-9A-Za-z_.+-]+)$/i;

/**
 * The scenario parameters for an Originate, or null when the click-to-call scenario cannot stand
 * for it: an `Application` instead of an extension, no `Exten`, or a channel other than
 * `PJSIP/<endpoint>` (the simulator then answers with a bare OriginateResponse, as before).
 */
export function originateCallParams(action: AmiMessage, options: OriginateCallOptions, startEpochMs: number): ScenarioParams | null {
  const endpoint = PJSIP_ENDPOINT.exec((action.get('Channel') ?? '').trim())?.[1];
  const exten = (action.get('Exten') ?? '').trim();
  if (endpoint === undefined || exten === '' || (action.get('Application') ?? '') !== '') return null;
  const { name } = parseCallerId(action.get('CallerID') ?? '');
  const agentRingMs = options.agentRingMs ?? 2000;
  // Originate's Timeout (ms): a phone not picked up by then is given up on (reason 3).
  const timeout = Number.parseInt(action.get('Timeout') ?? '', 10);
  const timesOut = Number.isFinite(timeout) && timeout > 0 && timeout < agentRingMs;
  const account = action.get('Account');
  return {
    startEpochMs,
    extensions: [endpoint],
    customer: { number: exten, name: name === '' ? null : name },
    ringMs: options.ringMs ?? 4000,
    talkMs: options.talkMs ?? 20_000,
    hangupBy: options.hangupBy ?? 'caller',
    clickToCall: {
      actionId: action.actionId || NO_ACTION_ID,
      account: account === undefined || account === '' ? null : account,
      agentRingMs: timesOut ? timeout : agentRingMs,
      agentAnswers: !timesOut,
      variables: originateVariables(action),
      context: (action.get('Context') ?? '').trim() || 'default',
    },
  };
}

/**
 * Every `Variable:` line's `name=value` pairs in order. As manager.c's astman_get_variables, a
 * line may hold several, separated by commas.
 */
export function originateVariables(action: AmiMessage): [string, string][] {
  const out: [string, string][] = [];
  for (const line of action.getAll('Variable')) {
    for (const item of line.split(',')) {
      const eq = item.indexOf('=');
      const name = eq < 0 ? '' : item.slice(0, eq).trim();
      if (name !== '') out.push([name, item.slice(eq + 1)]);
    }
  }
  return out;
}

/** An Originate without an ActionID gets an OriginateResponse without one, as from Asterisk. */
export function withoutPlaceholderActionId(events: TimedEvent[]): TimedEvent[] {
  return events.map((e) => (e.fields.some(([k, v]) => k === 'ActionID' && v === NO_ACTION_ID) ? { ...e, fields: e.fields.filter(([k]) => k !== 'ActionID') } : e));
}
