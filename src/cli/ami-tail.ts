/**
 * `crm-telephony ami tail`: prints every event the PBX sends, one JSON object per line, until
 * stopped (Ctrl-C, SIGTERM, or the caller's AbortSignal) or until the PBX is lost for good.
 *
 * stdout carries only events, so that the output can be piped to `jq` or a file; notices about the
 * connection go to stderr, in words.
 */
import { parseArgs } from 'node:util';
import { AmiClient } from '../ami/client.ts';
import { exponentialBackoff, type ReconnectStrategy } from '../ami/reconnect-strategy.ts';
import { ErrorCodes, type CrmTelephonyError } from '../errors.ts';
import type { Translator } from '../i18n/translator.ts';
import { connectionOptions, connectionUsage, resolveConnection } from './ami-options.ts';
import { stopOnProcessSignals, type CliIo } from './io.ts';
import { cliTexts } from './settings.ts';

/** A printed event, for the help. */
const EXAMPLE_EVENT = '{"Event":"Newchannel","Privilege":"call,all","Channel":"PJSIP/101-00000001",...}';

export function tailUsage(texts: Translator): string {
  return texts.t('cli.tail.usage', { example: EXAMPLE_EVENT, connection: connectionUsage(texts) });
}

export async function amiTail(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...connectionOptions, events: { type: 'string', multiple: true } },
    allowPositionals: false,
    strict: true,
  });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(tailUsage(texts));
    return 0;
  }
  const wanted = eventFilter(values.events ?? []);
  const printing = { filter: wanted ? 'only' : 'every', events: (values.events ?? []).join(',') };
  const settings = resolveConnection(values, io.env);
  const where = `${settings.host}:${settings.port}`;

  const processSignals = io.signal ? undefined : stopOnProcessSignals();
  const signal = io.signal ?? processSignals!.signal;

  let everReady = false;
  const backoff = exponentialBackoff();
  // Before the first login, any failure is an answer to "is the PBX reachable?": report it and
  // stop. Once connected, a drop (a PBX restart, a network blip) is retried until Ctrl-C.
  const reconnect: ReconnectStrategy = (attempt, cause) => (everReady ? backoff(attempt, cause) : false);

  const client = new AmiClient({
    host: settings.host,
    port: settings.port,
    username: settings.username,
    secret: settings.secret,
    authType: settings.authType,
    events: 'on',
    connectTimeoutMs: settings.timeoutMs,
    reconnect,
  });
  client.on('event', (message) => {
    if (wanted === undefined || wanted.has((message.event ?? '').toLowerCase())) {
      io.stdout.write(`${JSON.stringify(message.toJSON())}\n`);
    }
  });
  client.on('ready', ({ version, reconnected }) => {
    everReady = true;
    io.stderr.write(
      `${reconnected ? texts.t('cli.tail.reconnected', { where }) : texts.t('cli.tail.connected', { where, version, username: settings.username, ...printing })}\n`,
    );
  });
  client.on('reconnecting', ({ attempt, delayMs, cause }) => {
    const values = { where, reason: dropReason(cause, texts), seconds: delayMs / 1000, attempt: String(attempt) };
    io.stderr.write(`${texts.t(attempt === 1 ? 'cli.tail.lost' : 'cli.tail.notBack', values)}\n`);
  });
  client.on('decode-error', (err) => io.stderr.write(`${texts.t('cli.tail.warning', { message: err.message })}\n`));
  const fatal = new Promise<CrmTelephonyError>((resolve) => client.once('fatal', resolve));
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

  try {
    // A failed connect() also comes as 'fatal', which is where it is reported.
    client.connect().catch(() => undefined);
    const outcome = await Promise.race([fatal, stopped]);
    if (outcome !== undefined) throw outcome;
    return 0;
  } finally {
    processSignals?.dispose();
    await client.close();
  }
}

/** Lowercased event names from `--events A,B --events C`; undefined means every event. */
export function eventFilter(lists: readonly string[]): Set<string> | undefined {
  const names = lists.flatMap((l) => l.split(',')).map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  return names.length === 0 ? undefined : new Set(names);
}

/**
 * Why the link dropped, for a reconnect notice. A closed socket's own message speaks of pending
 * actions, which tail has none of; say what happened instead.
 */
function dropReason(cause: CrmTelephonyError, texts: Translator): string {
  switch (cause.code) {
    case ErrorCodes.AMI_ERR_DISCONNECTED:
      return texts.t('cli.tail.dropClosed');
    case ErrorCodes.AMI_ERR_DEAD_PEER:
      return texts.t('cli.tail.dropDeadPeer');
    default:
      return cause.message.replace(/\.$/, '');
  }
}
