/**
 * `crm-telephony ami send <Action> [Key=Value ...]`: sends one action and prints what the PBX
 * answered, as JSON. One connection, no reconnects, no events besides the action's own list.
 */
import { parseArgs } from 'node:util';
import { AmiClient, type ActionResult } from '../ami/client.ts';
import { encodeAction } from '../ami/codec.ts';
import { noReconnect } from '../ami/reconnect-strategy.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { translator, type Translator } from '../i18n/translator.ts';
import { connectionOptions, connectionUsage, resolveConnection } from './ami-options.ts';
import type { CliIo } from './io.ts';
import { cliTexts } from './settings.ts';

export function sendUsage(texts: Translator): string {
  return texts.t('cli.send.usage', {
    shape: '{ "response": {...}, "events": [...], "complete": {...} }',
    quoted: "'Variable=GLOBAL(RECDIR)'",
    connection: connectionUsage(texts),
  });
}

export async function amiSend(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: connectionOptions, allowPositionals: true, strict: true });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(sendUsage(texts));
    return 0;
  }
  const [action, ...pairs] = positionals;
  if (action === undefined || action === '') {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, texts.t('cli.send.nameAction'));
  }
  const fields = pairs.map((pair) => parsePair(pair, texts));
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
export function parsePair(arg: string, texts: Translator = translator('en')): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, texts.t('cli.send.notPair', { given: JSON.stringify(arg) }));
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function toJson(result: ActionResult): { response: object; events: object[]; complete?: object } {
  return {
    response: result.response.toJSON(),
    events: result.events.map((e) => e.toJSON()),
    ...(result.complete ? { complete: result.complete.toJSON() } : {}),
  };
}
