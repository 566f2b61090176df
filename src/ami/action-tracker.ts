/**
 * Correlates AMI replies with the actions that asked for them. Pure: no sockets, no timers.
 *
 * A reply is a `Response:` message with the action's ActionID. An EventList action (`Status`,
 * `CoreShowChannels`, `QueueStatus`, ...) answers `EventList: start` and then sends list items as
 * events carrying the same ActionID, ended by a `...Complete` event with `EventList: Complete`.
 * Unsolicited events may arrive between the response and its items, so items are recognized by
 * ActionID, never by position. Anything not matched is an ordinary event for the caller.
 */
import type { AmiMessage } from './message.ts';

export interface ActionResult {
  /** The `Response:` message. */
  response: AmiMessage;
  /** List items, in arrival order (empty for actions that are not EventLists). */
  events: AmiMessage[];
  /** The closing `...Complete` event of an EventList, if any. */
  complete: AmiMessage | undefined;
}

export interface PendingAction {
  readonly actionId: string;
  readonly action: string;
  resolve(result: ActionResult): void;
}

interface Entry {
  pending: PendingAction;
  response: AmiMessage | undefined;
  events: AmiMessage[];
}

export class ActionTracker {
  #entries = new Map<string, Entry>();

  get size(): number {
    return this.#entries.size;
  }

  add(pending: PendingAction): void {
    this.#entries.set(pending.actionId, { pending, response: undefined, events: [] });
  }

  /** Forgets an action (deadline passed, or its write failed); later replies become plain events. */
  remove(actionId: string): PendingAction | undefined {
    const entry = this.#entries.get(actionId);
    this.#entries.delete(actionId);
    return entry?.pending;
  }

  /** Every action still waiting, removed from the tracker (used when the connection goes). */
  drain(): PendingAction[] {
    const all = [...this.#entries.values()].map((e) => e.pending);
    this.#entries.clear();
    return all;
  }

  /**
   * Offers a message to the pending actions. Returns true when it belonged to one (a response or
   * a list item); false when it is an ordinary event the caller should deliver.
   */
  handle(message: AmiMessage): boolean {
    const actionId = message.actionId;
    if (actionId === undefined) return false;
    const entry = this.#entries.get(actionId);
    if (entry === undefined) return false;

    if (message.response !== undefined) {
      // A second Response for the same id (should not happen) is not ours to swallow.
      if (entry.response !== undefined) return false;
      entry.response = message;
      if (!isListStart(message)) this.#finish(actionId, entry, undefined);
      return true;
    }
    if (message.event !== undefined) {
      // An event with our ActionID before the response (or after a non-list response) is a plain
      // event: Originate's OriginateResponse, for one, carries the Originate's ActionID.
      if (entry.response === undefined || !isListStart(entry.response)) return false;
      if (isListComplete(message)) this.#finish(actionId, entry, message);
      else entry.events.push(message);
      return true;
    }
    return false;
  }

  #finish(actionId: string, entry: Entry, complete: AmiMessage | undefined): void {
    this.#entries.delete(actionId);
    entry.pending.resolve({ response: entry.response!, events: entry.events, complete });
  }
}

function isListStart(response: AmiMessage): boolean {
  return response.get('EventList')?.toLowerCase() === 'start';
}

function isListComplete(event: AmiMessage): boolean {
  const list = event.get('EventList')?.toLowerCase();
  if (list === 'complete' || list === 'cancelled') return true;
  // Some older list ends lack the EventList field but keep the naming convention.
  return list === undefined && /Complete$/.test(event.event ?? '');
}
