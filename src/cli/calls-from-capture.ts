/**
 * `crm-telephony calls from-capture <file.ami>`: a saved AMI session (the bytes a PBX sent)
 * through the call engine, offline; prints the call records as one JSON array. Support teams use
 * it to explain what the product saw on a customer's PBX, so it takes the same engine settings as
 * the service (region, trunks, inbound contexts) and names calls as the service does.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeMessages, readCapture, type EngineConfig } from '../calls/index.ts';
import { configDefault } from '../config.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import type { CliIo } from './io.ts';
import { setting } from './settings.ts';

/** The service's PBX id (src/main.ts), so that printed ids are the ids in the call log. */
export const DEFAULT_CAPTURE_PBX_ID = 'default';

export const FROM_CAPTURE_USAGE = `Usage: crm-telephony calls from-capture <file.ami> [options]

Feeds a saved AMI session (the exact bytes a PBX sent, banner included or not) through the call
engine and prints the call records as one JSON array, one object per call, in the order the calls
started: id, direction, externalNumber, normalizedNumber, did, rang, answeredBy, disposition,
startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, transfers, hangupBy, recording, and the
rest of the record (see src/calls/README.md). Times come from the capture itself (Timestamp
headers, CEL EventTime, Cdr fields); null where it carries none. Calls still open when the capture
ends are ended there (endReason "capture-ended").

Options:
  --region <CC>            Region of numbers without a country code (US, RU, DE, GB...).
                           Env DEFAULT_REGION; default US.
  --pbx-id <id>            Call ids are "<pbx-id>:<Linkedid>". Default "${DEFAULT_CAPTURE_PBX_ID}", as the service.
  --trunk <endpoint>       A trunk whose endpoint name looks like an extension (repeatable).
                           Env TRUNK_ENDPOINTS (comma-separated).
  --inbound-context <ctx>  A context where calls from outside arrive (repeatable; replaces the
                           defaults). Env INBOUND_CONTEXTS (comma-separated).
  -h, --help               Show this help.

Example:
  crm-telephony calls from-capture customer-pbx.ami --region DE | jq '.[] | {id, disposition}'

Exit status: 0 when the capture was analysed (even with no calls in it), 2 when the file is
missing, unreadable or not an AMI capture, or the command line is wrong.
`;

const options = {
  region: { type: 'string' },
  'pbx-id': { type: 'string' },
  trunk: { type: 'string', multiple: true },
  'inbound-context': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function callsFromCapture(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(FROM_CAPTURE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    usage(
      positionals.length === 0
        ? 'Give the capture to analyse, for example: crm-telephony calls from-capture session.ami'
        : `Give one capture file; got ${positionals.length} (${positionals.join(', ')}). Run the command once per file.`,
    );
  }
  const file = positionals[0]!;
  const config = engineConfig(values, io.env);
  const contents = readCapture(readCaptureFile(file));
  if (!contents.banner && contents.amiMessages === 0) {
    usage(
      `"${file}" is not an AMI capture: it holds no AMI message (no "Asterisk Call Manager/" banner, no "Event:" or "Response:" block). ` +
        'Give the raw bytes of an AMI session as the PBX sent them, for example saved from Wireshark ("Follow TCP Stream", the PBX\'s side, Show as Raw) on the AMI port (5038).',
    );
  }
  if (contents.skipped > 0) {
    io.stderr.write(`note: ${contents.skipped} stretch${contents.skipped === 1 ? '' : 'es'} of "${file}" did not decode as AMI and ${contents.skipped === 1 ? 'was' : 'were'} skipped; the calls below come from the rest.\n`);
  }
  const records = analyzeMessages(contents.messages, config);
  io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
  return 0;
}

function engineConfig(
  values: { region?: string | undefined; 'pbx-id'?: string | undefined; trunk?: string[] | undefined; 'inbound-context'?: string[] | undefined },
  env: CliIo['env'],
): EngineConfig {
  const region = setting(env, 'DEFAULT_REGION', {
    flag: { name: '--region', value: values.region },
    invalid: (text, from) => {
      const code = text.trim().toUpperCase();
      return `${from} "${code}" is not a region code.${code === 'UK' ? ' Use GB, not UK.' : ''} Use an ISO 3166-1 alpha-2 code such as US, RU, DE, GB.`;
    },
  });
  const pbxId = (values['pbx-id'] ?? DEFAULT_CAPTURE_PBX_ID).trim();
  if (pbxId === '') usage('--pbx-id is empty: give the PBX id the service uses (default "default").');
  // A repeated flag replaces the variable's comma-separated list.
  const list = (flag: string[] | undefined): string[] | undefined => flag?.map((x) => x.trim()).filter((x) => x !== '');
  const trunks = list(values.trunk) ?? setting(env, 'TRUNK_ENDPOINTS');
  const contexts = list(values['inbound-context']) ?? setting(env, 'INBOUND_CONTEXTS');
  return {
    pbxId,
    defaultRegion: region ?? configDefault('DEFAULT_REGION'),
    ...(trunks === undefined ? {} : { trunkEndpoints: trunks }),
    ...(contexts === undefined || contexts.length === 0 ? {} : { inboundContexts: contexts }),
  };
}

function readCaptureFile(file: string): Buffer {
  try {
    if (statSync(file).isDirectory()) usage(`"${file}" is a folder; name the .ami file inside it.`);
    const bytes = readFileSync(file);
    if (bytes.length === 0) usage(`"${file}" is empty: an AMI capture starts with "Asterisk Call Manager/" or an "Event:" block.`);
    return bytes;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') usage(`There is no file "${file}" (looked for ${resolve(file)}). Check the path, or give the full path of the capture.`);
    if (code === 'EACCES') usage(`Cannot read "${file}": permission denied. Give yourself read access or copy the file somewhere readable.`);
    throw err;
  }
}

function usage(message: string): never {
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
