/**
 * The `crm-telephony` command line: reads the command, runs it, and turns every failure into
 * words on stderr and an exit status. `bin/crm-telephony.js` calls `main()`; tests call it
 * in-process with their own io.
 *
 * Exit status: 0 done, 1 the PBX or the database refused, failed or could not be reached (or an
 * import skipped rows), 2 the command line or settings are wrong (nothing was sent or written).
 */
import { amiSend, SEND_USAGE } from './ami-send.ts';
import { amiTail, TAIL_USAGE } from './ami-tail.ts';
import { callsFromCapture, FROM_CAPTURE_USAGE } from './calls-from-capture.ts';
import { directoryImport, IMPORT_USAGE } from './directory-import.ts';
import { directoryLookup, LOOKUP_USAGE } from './directory-lookup.ts';
import { directorySeed, SEED_USAGE } from './directory-seed.ts';
import { dialplan, DIALPLAN_USAGE } from './dialplan.ts';
import { tokens, TOKENS_USAGE } from './tokens.ts';
import { users, USERS_USAGE } from './users.ts';
import { serve, SERVE_USAGE } from './serve.ts';
import { doctor, DOCTOR_USAGE } from './doctor.ts';
import { encryptSecretCommand, ENCRYPT_SECRET_USAGE } from './encrypt-secret.ts';
import { suitecrmSync, SUITECRM_SYNC_USAGE } from './suitecrm-sync.ts';
import { suitecrmPackage, PACKAGE_USAGE } from './suitecrm-package.ts';
import { CrmTelephonyError, ErrorCodes, type ErrorCode } from '../errors.ts';
import { processIo, type CliIo } from './io.ts';
import { setting } from './settings.ts';

export type { CliIo, CliOutput } from './io.ts';

export const USAGE = `Usage: crm-telephony <command> [options]

Commands:
  serve                         Run the service (what "npm start" runs), without npm.
  doctor [--json]               Check the setup end to end (store, ports, each PBX, CDRs, recordings,
                                SuiteCRM) and say what to fix.
  users list                    Show who can sign in.
  users set-password <login>    Give a user (the admin who lost it) a new password, printed once.
  ami tail                      Print every event the PBX sends, one JSON object per line.
  ami send <Action> [Key=Value ...]
                                Send one action and print the PBX's answer as JSON.
  import <file.csv> --type contacts|accounts|leads|users
                                Import a CSV into the directory (re-importing updates).
  lookup <number>               Show who may be calling from a number, as JSON.
  seed --contacts <N>           Load a realistic demo directory (agents 101-104).
  tokens create --user <login>  Create an API token (or --kind routing for the dialplan's CURL()).
  dialplan [--style freepbx]    Print dialplan snippets that route callers through crm-telephony.
  encrypt-secret                Encrypt an AMI secret (piped in) for the PBX file's "secretEncrypted".
  suitecrm sync [--full]        Copy SuiteCRM's users, accounts, contacts and leads into the directory.
  suitecrm package --service-url <url>
                                Build the SuiteCRM package: the phone widget in its pages, the
                                Users extension field.
  calls from-capture <file.ami> Replay a saved AMI session through the call engine and print
                                its call records as a JSON array.

The ami commands connect with AMI_HOST, AMI_PORT, AMI_USERNAME and AMI_SECRET from the
environment, or the flags of the same names. The directory commands use DATABASE_URL (default
./data/crm-telephony.sqlite) and DEFAULT_REGION (default US), or --database and --region.
Run "crm-telephony <command> --help" (for example "crm-telephony ami tail --help") for every option.
`;

interface Command {
  run(args: string[], io: CliIo): Promise<number>;
  usage: string;
}

const AMI_COMMANDS: Record<string, Command> = {
  tail: { run: amiTail, usage: TAIL_USAGE },
  send: { run: amiSend, usage: SEND_USAGE },
};

const CALLS_COMMANDS: Record<string, Command> = {
  'from-capture': { run: callsFromCapture, usage: FROM_CAPTURE_USAGE },
};

const DIRECTORY_COMMANDS: Record<string, Command> = {
  import: { run: (args, io) => directoryImport(args, io), usage: IMPORT_USAGE },
  lookup: { run: (args, io) => directoryLookup(args, io), usage: LOOKUP_USAGE },
  seed: { run: (args, io) => directorySeed(args, io), usage: SEED_USAGE },
  tokens: { run: (args, io) => tokens(args, io), usage: TOKENS_USAGE },
  users: { run: (args, io) => users(args, io), usage: USERS_USAGE },
  serve: { run: (args, io) => serve(args, io), usage: SERVE_USAGE },
  doctor: { run: (args, io) => doctor(args, io), usage: DOCTOR_USAGE },
  dialplan: { run: (args, io) => dialplan(args, io), usage: DIALPLAN_USAGE },
  'encrypt-secret': { run: (args, io) => encryptSecretCommand(args, io), usage: ENCRYPT_SECRET_USAGE },
  suitecrm: {
    run: async (args, io) => {
      if (args[0] === 'sync') return suitecrmSync(args.slice(1), io);
      if (args[0] === 'package') return suitecrmPackage(args.slice(1), io);
      io.stderr.write(`error: "suitecrm" commands: sync, package.\n\n${SUITECRM_SYNC_USAGE}\n${PACKAGE_USAGE}`);
      return 2;
    },
    usage: SUITECRM_SYNC_USAGE,
  },
};

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [group, name, ...rest] = argv;
  if (isHelp(group)) {
    io.stdout.write(USAGE);
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
    io.stderr.write(group === undefined ? USAGE : `error: unknown command "${group}".\n\n${USAGE}`);
    return 2;
  }
  if (isHelp(name)) {
    io.stdout.write(USAGE);
    return 0;
  }
  const command = name === undefined ? undefined : (Object.hasOwn(AMI_COMMANDS, name) ? AMI_COMMANDS[name] : undefined);
  if (command === undefined) {
    io.stderr.write(`${name === undefined ? 'error: "ami" needs a command: tail or send.' : `error: unknown command "ami ${name}".`}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return report(err, io, `crm-telephony ami ${name} --help`);
  }
}

async function runCalls(name: string | undefined, rest: string[], io: CliIo): Promise<number> {
  if (isHelp(name)) {
    io.stdout.write(USAGE);
    return 0;
  }
  const command = name === undefined || !Object.hasOwn(CALLS_COMMANDS, name) ? undefined : CALLS_COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`${name === undefined ? 'error: "calls" needs a command: from-capture.' : `error: unknown command "calls ${name}".`}\n\n${USAGE}`);
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
  const debug = setting(io.env, 'DEBUG') ?? false;
  const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : '';
  if (isUsageError(err)) {
    io.stderr.write(`error: ${err.message}\nRun "${helpCommand}" for usage.\n${stack}`);
    return 2;
  }
  if (err instanceof CrmTelephonyError) {
    io.stderr.write(`error: ${err.message}\n${stack}`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(
    `error: crm-telephony failed unexpectedly: ${message}\n${stack || 'Run again with DEBUG=1 to see where it happened, and report it.\n'}`,
  );
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
