/**
 * The `crm-telephony` command line: reads the command, runs it, and turns every failure into
 * words on stderr and an exit status. `bin/crm-telephony.js` calls `main()`; tests call it
 * in-process with their own io.
 *
 * Exit status: 0 done, 1 the PBX or the database refused, failed or could not be reached (or an
 * import skipped rows), 2 the command line or settings are wrong (nothing was sent or written).
 */
import { amiSend } from './ami-send.ts';
import { amiTail } from './ami-tail.ts';
import { callsFromCapture } from './calls-from-capture.ts';
import { directoryImport } from './directory-import.ts';
import { directoryLookup } from './directory-lookup.ts';
import { directorySeed } from './directory-seed.ts';
import { dialplan } from './dialplan.ts';
import { tokens } from './tokens.ts';
import { users } from './users.ts';
import { serve } from './serve.ts';
import { doctor } from './doctor.ts';
import { encryptSecretCommand } from './encrypt-secret.ts';
import { suitecrmSync, suitecrmSyncUsage } from './suitecrm-sync.ts';
import { suitecrmPackage, PACKAGE_USAGE } from './suitecrm-package.ts';
import { CrmTelephonyError, ErrorCodes, type ErrorCode } from '../errors.ts';
import type { Translator } from '../i18n/translator.ts';
import { processIo, type CliIo } from './io.ts';
import { cliTexts, setting } from './settings.ts';

export type { CliIo, CliOutput } from './io.ts';

/** The overview `crm-telephony --help` prints, in the person's language. */
export function mainUsage(texts: Translator): string {
  return texts.t('cli.main.usage');
}

interface Command {
  run(args: string[], io: CliIo): Promise<number>;
}

const AMI_COMMANDS: Record<string, Command> = {
  tail: { run: amiTail },
  send: { run: amiSend },
};

const CALLS_COMMANDS: Record<string, Command> = {
  'from-capture': { run: callsFromCapture },
};

const DIRECTORY_COMMANDS: Record<string, Command> = {
  import: { run: (args, io) => directoryImport(args, io) },
  lookup: { run: (args, io) => directoryLookup(args, io) },
  seed: { run: (args, io) => directorySeed(args, io) },
  tokens: { run: (args, io) => tokens(args, io) },
  users: { run: (args, io) => users(args, io) },
  serve: { run: (args, io) => serve(args, io) },
  doctor: { run: (args, io) => doctor(args, io) },
  dialplan: { run: (args, io) => dialplan(args, io) },
  'encrypt-secret': { run: (args, io) => encryptSecretCommand(args, io) },
  suitecrm: {
    run: async (args, io) => {
      if (args[0] === 'sync') return suitecrmSync(args.slice(1), io);
      if (args[0] === 'package') return suitecrmPackage(args.slice(1), io);
      io.stderr.write(`${cliTexts(io.env).t('cli.main.suitecrmCommands')}\n\n${suitecrmSyncUsage(cliTexts(io.env))}\n${PACKAGE_USAGE}`);
      return 2;
    },
  },
};

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [group, name, ...rest] = argv;
  const texts = cliTexts(io.env);
  const usage = mainUsage(texts);
  if (isHelp(group)) {
    io.stdout.write(usage);
    return 0;
  }
  const directoryCommand = group === undefined || !Object.hasOwn(DIRECTORY_COMMANDS, group) ? undefined : DIRECTORY_COMMANDS[group];
  if (directoryCommand !== undefined) {
    try {
      return await directoryCommand.run(argv.slice(1), io);
    } catch (err) {
      return report(err, io, `crm-telephony ${group} --help`);
    }
  }
  if (group === 'calls') return runCalls(name, rest, io);
  if (group !== 'ami') {
    io.stderr.write(group === undefined ? usage : `${texts.t('cli.main.unknownCommand', { command: group })}\n\n${usage}`);
    return 2;
  }
  if (isHelp(name)) {
    io.stdout.write(usage);
    return 0;
  }
  const command = name === undefined ? undefined : (Object.hasOwn(AMI_COMMANDS, name) ? AMI_COMMANDS[name] : undefined);
  if (command === undefined) {
    io.stderr.write(`${name === undefined ? texts.t('cli.main.amiNeedsCommand') : texts.t('cli.main.unknownCommand', { command: `ami ${name}` })}\n\n${usage}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return report(err, io, `crm-telephony ami ${name} --help`);
  }
}

async function runCalls(name: string | undefined, rest: string[], io: CliIo): Promise<number> {
  const texts = cliTexts(io.env);
  if (isHelp(name)) {
    io.stdout.write(mainUsage(texts));
    return 0;
  }
  const command = name === undefined || !Object.hasOwn(CALLS_COMMANDS, name) ? undefined : CALLS_COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`${name === undefined ? texts.t('cli.main.callsNeedsCommand') : texts.t('cli.main.unknownCommand', { command: `calls ${name}` })}\n\n${mainUsage(texts)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return report(err, io, `crm-telephony calls ${name} --help`);
  }
}

/** Prints a failure in words (a stack only with DEBUG set) and chooses the exit status. */
function report(err: unknown, io: CliIo, helpCommand: string): number {
  const texts = cliTexts(io.env);
  const debug = setting(io.env, 'DEBUG') ?? false;
  const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : '';
  if (isUsageError(err)) {
    io.stderr.write(`${texts.t('cli.main.error', { message: err.message })}\n${texts.t('cli.main.forUsage', { command: helpCommand })}\n${stack}`);
    return 2;
  }
  if (err instanceof CrmTelephonyError) {
    io.stderr.write(`${texts.t('cli.main.error', { message: err.message })}\n${stack}`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`${texts.t('cli.main.unexpected', { message })}\n${stack || `${texts.t('cli.main.debugHint')}\n`}`);
  return 1;
}

/**
 * A wrong command line or setting: node:util's parseArgs errors, a setting our catalogue calls
 * wrong, or a value AMI cannot carry (a command refuses it before anything is sent, so it can only
 * have come from the command line).
 */
const SETTING_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.CONFIG_ERR_INVALID,
  ErrorCodes.CRM_ERR_CONFIG,
  ErrorCodes.RECORDING_ERR_CONFIG,
  ErrorCodes.CDR_ERR_INVALID,
  ErrorCodes.AMI_ERR_INJECTION,
]);

function isUsageError(err: unknown): err is Error {
  if (err instanceof CrmTelephonyError) return SETTING_CODES.has(err.code);
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
