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
import { CONNECTION_USAGE, connectionOptions, resolveConnection } from './ami-options.ts';
import { stopOnProcessSignals, type CliIo } from './io.ts';

export const TAIL_USAGE = `Usage: crm-telephony ami tail [--events Name,Name ...] [options]

Connects to the PBX's Asterisk Manager Interface and prints every event as one JSON object per
line, e.g. {"Event":"Newchannel","Privilege":"call,all","Channel":"PJSIP/101-00000001",...}.
A key sent more than once appears as an array of its values. Runs until Ctrl-C. If the
connection drops after it was made, it is made again, with a notice on stderr; the first
connection is not retried, so that a wrong address or password is reported at once.

Options:
  --events <Name,Name>               Print only these events (case does not matter); may be
                                     repeated. Default: every event.

${CONNECTION_USAGE}
Exit status: 0 when stopped by Ctrl-C or SIGTERM, 1 when the PBX could not be reached or was
lost for good, 2 when the command line or settings are wrong.
`;

export async function amiTail(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...connectionOptions, events: { type: 'string', multiple: true } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(TAIL_USAGE);
    return 0;
  }
  const wanted = eventFilter(values.events ?? []);
  const printing = wanted ? `only ${(values.events ?? []).join(',')} events` : 'every event';
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
      reconnected
        ? `Reconnected to ${where}.\n`
        : `Connected to ${where} (AMI ${version}) as ${settings.username}; printing ${printing}. Press Ctrl-C to stop.\n`,
    );
  });
  client.on('reconnecting', ({ attempt, delayMs, cause }) => {
    const what = attempt === 1 ? 'Lost the connection to' : 'Could not reconnect to';
    io.stderr.write(`${what} ${where}: ${dropReason(cause)}. Trying again in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt}).\n`);
  });
  client.on('decode-error', (err) => io.stderr.write(`warning: ${err.message}\n`));
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
function dropReason(cause: CrmTelephonyError): string {
  switch (cause.code) {
    case ErrorCodes.AMI_ERR_DISCONNECTED:
      return 'the PBX closed the connection or the network dropped it';
    case ErrorCodes.AMI_ERR_DEAD_PEER:
      return 'the PBX stopped answering keepalive pings';
    default:
      return cause.message.replace(/\.$/, '');
  }
}
