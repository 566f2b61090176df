/**
 * How tests see and steer the actions the simulator receives: the log entry for each action, and
 * the overrides an `onAction` handler may return instead of the simulator's own answer.
 */
import { AmiMessage, type AmiField } from '../ami/message.ts';
import { toFieldList, type SimFields } from './message-encoder.ts';

/**
 * One received action. It is the AmiMessage itself (`a.get('Action')`), plus the id of the
 * connection that sent it (ids count from 1); `message` returns the same object, for code that
 * reads the log as `{ clientId, message }` pairs.
 */
export class ReceivedAction extends AmiMessage {
  readonly clientId: number;

  constructor(message: AmiMessage, clientId: number) {
    super(message.fields, message.unparsed);
    this.clientId = clientId;
  }

  get message(): AmiMessage {
    return this;
  }
}

/**
 * What an `onAction` handler may answer instead of the simulator: `'ignore'` (never answer),
 * `'close'` (drop the connection), raw bytes (sent exactly as given), or one or more messages.
 * A `Response:` message without an ActionID gets the action's one, right after `Response:`.
 */
export type ActionOverride = 'ignore' | 'close' | Buffer | SimFields | readonly SimFields[];

export interface ActionContext {
  readonly clientId: number;
  readonly loggedIn: boolean;
  /** Writes to this connection now: for an answer given later, or an event only it sees. */
  send(message: SimFields | readonly SimFields[] | Buffer): void;
  /** Gives the simulator's own answer now (for a slow answer: return 'ignore', call this later). */
  proceed(): void;
}

/** Returns undefined to let the next handler, and finally the simulator, answer. */
export type ActionHandler = (action: ReceivedAction, context: ActionContext) => ActionOverride | undefined | void;

/** The messages an override or `send` stands for, each with the action's ActionID filled in. */
export function overrideMessages(action: AmiMessage, payload: SimFields | readonly SimFields[]): AmiField[][] {
  const messages = isOneMessage(payload) ? [payload as SimFields] : (payload as readonly SimFields[]);
  return messages.map((m) => withActionId(action, m)).filter((m) => m.length > 0);
}

/** One message is a record or a list of pairs; anything else is a list of messages. */
function isOneMessage(payload: SimFields | readonly SimFields[]): boolean {
  if (!Array.isArray(payload)) return true;
  const first: unknown = payload[0];
  return Array.isArray(first) && typeof first[0] === 'string';
}

function withActionId(action: AmiMessage, message: SimFields): AmiField[] {
  const fields = toFieldList(message);
  const id = action.actionId;
  const isResponse = fields[0]?.[0].toLowerCase() === 'response';
  if (isResponse && id && !fields.some(([k]) => k.toLowerCase() === 'actionid')) fields.splice(1, 0, ['ActionID', id]);
  return fields;
}
