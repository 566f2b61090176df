/**
 * `crm-telephony ami send <Action> [Key=Value ...]`: sends one action and prints what the PBX
 * answered, as JSON. One connection, no reconnects, no events besides the action's own list.
 */
import { parseArgs } from 'node:util';
import { AmiClient, type ActionResult } from '../ami/client.ts';
import { encodeAction } from '../ami/codec.ts';
import { noReconnect } from '../ami/reconnect-strategy.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { CONNECTION_USAGE, connectionOptions, resolveConnection } from './ami-options.ts';
import type { CliIo } from './io.ts';

export const SEND_USAGE = `Usage: crm-telephony ami send <Action> [Key=Value ...] [options]

Sends one AMI action and prints the PBX's answer as one JSON object:
  { "response": {...}, "events": [...], "complete": {...} }
"events" and "complete" hold the list items and the closing event of list actions such as
CoreShowChannels or Status. A key sent more than once appears as an array of its values.

Each Key=Value is split at its first "=", so values may hold "=". Repeat a key to send it
several times, in order: Variable=A=1 Variable=B=2. The ActionID is chosen by crm-telephony.

Examples:
  crm-telephony ami send Ping
  crm-telephony ami send CoreShowChannels
  crm-telephony ami send Getvar 'Variable=GLOBAL(RECDIR)'
  crm-telephony ami send Originate Channel=PJSIP/101 Context=from-internal Exten=102 Priority=1 Async=true

${CONNECTION_USAGE}
Exit status: 0 when the PBX answered Success, 1 when it answered Error (the answer is still
printed) or could not be reached, 2 when the command line or settings are wrong.
`;

export async function amiSend(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: connectionOptions, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(SEND_USAGE);
    return 0;
  }
  const [action, ...pairs] = positionals;
  if (action === undefined || action === '') {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, 'Name the action to send, for example: crm-telephony ami send Ping');
  }
  const fields = pairs.map(parsePair);
  // Refuses a line break or a bad key before connecting, so the PBX is never touched by a bad
  // command line: its AMI_ERR_INJECTION is a usage error for `main` (exit status 2).
  encodeAction(action, fields);
  const settings = resolveConnection(values, io.env);

  const client = new AmiClient({
    host: settings.host,
    port: settings.port,
    username: settings.username,
    secret: settings.secret,
    authType: settings.authType,
    // Unsolicited events are noise here; list actions still get their items, which answer the action.
    events: 'off',
    connectTimeoutMs: settings.timeoutMs,
    actionTimeoutMs: settings.timeoutMs,
    keepaliveIntervalMs: 0,
    reconnect: noReconnect,
  });
  try {
    await client.connect();
    const result = await client.action(action, fields, { allowError: true, timeoutMs: settings.timeoutMs });
    io.stdout.write(`${JSON.stringify(toJson(result), null, 2)}\n`);
    return result.response.response?.toLowerCase() === 'error' ? 1 : 0;
  } finally {
    await client.close();
  }
}

/** `Key=Value`, split at the first `=`: `Variable=CRM_ID=42` is key `Variable`, value `CRM_ID=42`. */
export function parsePair(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `Expected Key=Value after the action name, got ${JSON.stringify(arg)}. Example: crm-telephony ami send Getvar Variable=CRM_RECORDING`,
    );
  }
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function toJson(result: ActionResult): { response: object; events: object[]; complete?: object } {
  return {
    response: result.response.toJSON(),
    events: result.events.map((e) => e.toJSON()),
    ...(result.complete ? { complete: result.complete.toJSON() } : {}),
  };
}
