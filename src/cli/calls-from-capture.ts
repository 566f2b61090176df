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
import type { Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { cliTexts, setting } from './settings.ts';

/** The service's PBX id (src/main.ts), so that printed ids are the ids in the call log. */
export const DEFAULT_CAPTURE_PBX_ID = 'default';

export function fromCaptureUsage(texts: Translator): string {
  return texts.t('cli.fromCapture.usage', { pbxId: DEFAULT_CAPTURE_PBX_ID, example: `crm-telephony calls from-capture customer-pbx.ami --region DE | jq '.[] | {id, disposition}'` });
}

const options = {
  region: { type: 'string' },
  'pbx-id': { type: 'string' },
  trunk: { type: 'string', multiple: true },
  'inbound-context': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function callsFromCapture(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(fromCaptureUsage(texts));
    return 0;
  }
  if (positionals.length !== 1) {
    usage(positionals.length === 0 ? texts.t('cli.fromCapture.needFile') : texts.t('cli.fromCapture.oneFile', { count: positionals.length, files: positionals.join(', ') }));
  }
  const file = positionals[0]!;
  const config = engineConfig(values, io.env, texts);
  const contents = readCapture(readCaptureFile(file, texts));
  if (!contents.banner && contents.amiMessages === 0) usage(texts.t('cli.fromCapture.notCapture', { file }));
  if (contents.skipped > 0) io.stderr.write(`${texts.t('cli.fromCapture.skipped', { count: contents.skipped, file })}\n`);
  const records = analyzeMessages(contents.messages, config);
  io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
  return 0;
}

function engineConfig(
  values: { region?: string | undefined; 'pbx-id'?: string | undefined; trunk?: string[] | undefined; 'inbound-context'?: string[] | undefined },
  env: CliIo['env'],
  texts: Translator,
): EngineConfig {
  const region = setting(env, 'DEFAULT_REGION', {
    flag: { name: '--region', value: values.region },
    invalid: (text, from) => {
      const code = text.trim().toUpperCase();
      return texts.t('cli.store.notRegion', { from, given: JSON.stringify(code), hint: code === 'UK' ? 'uk' : 'none' });
    },
  });
  const pbxId = (values['pbx-id'] ?? DEFAULT_CAPTURE_PBX_ID).trim();
  if (pbxId === '') usage(texts.t('cli.fromCapture.emptyPbxId'));
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

function readCaptureFile(file: string, texts: Translator): Buffer {
  try {
    if (statSync(file).isDirectory()) usage(texts.t('cli.fromCapture.isFolder', { file }));
    const bytes = readFileSync(file);
    if (bytes.length === 0) usage(texts.t('cli.fromCapture.empty', { file }));
    return bytes;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') usage(texts.t('cli.fromCapture.noFile', { file, path: resolve(file) }));
    if (code === 'EACCES') usage(texts.t('cli.import.cannotRead', { file }));
    throw err;
  }
}

function usage(message: string): never {
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
