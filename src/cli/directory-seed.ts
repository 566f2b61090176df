/**
 * `crm-telephony seed --contacts N`: fills the store with a realistic demo directory (agents
 * 101-104, accounts, contacts and leads from several countries, numbers written many ways), for
 * demos and benchmarks.
 */
import { parseArgs } from 'node:util';
import { demoCounts } from '../directory/demo-data.ts';
import { Directory } from '../directory/directory.ts';
import { seedDemoDirectory } from '../directory/seed.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { startProgress } from './directory-progress.ts';
import type { DirectoryCommandDeps } from './directory-import.ts';
import type { CliIo } from './io.ts';
import { describeDatabase, openStoreAt, resolveStoreSettings, STORE_USAGE, storeOptions } from './store-options.ts';

const MAX_CONTACTS = 10_000_000;

export const SEED_USAGE = `Usage: crm-telephony seed --contacts <N> [options]

Loads a demo directory: the agents alice (101, admin), bob (102), carol (103) and dave (104);
N contacts, N/10 accounts and N/5 leads from several countries (mostly the region's own), with
numbers written the many ways people type them into a CRM, a few numbers shared between a contact
and its account's office line, and a little garbage. The same --seed gives the same directory.
Demo records have fixed ids (demo-c-0000001, ...): seeding again updates them.

Options:
  --contacts <N>       How many contacts, 0 to ${MAX_CONTACTS.toLocaleString('en-US')}. Required.
  --seed <S>           Which demo directory (a whole number). Default 1.
  --password <pw>      Give the four demo users this password. Without it they have none and
                       cannot sign in; their existing password, if any, is kept.
  --json               Print the result as JSON.
${STORE_USAGE}
Examples:
  crm-telephony seed --contacts 1000 --region RU
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/demo crm-telephony seed --contacts 1000000

Exit status: 0 when seeded, 1 when the database failed, 2 when the command line or settings are wrong.
`;

const options = {
  ...storeOptions,
  contacts: { type: 'string' },
  seed: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function directorySeed(args: string[], io: CliIo, deps: DirectoryCommandDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(SEED_USAGE);
    return 0;
  }
  if (positionals.length > 0) usage(`seed takes no arguments besides options; got ${positionals.join(' ')}. Did you mean --contacts ${positionals[0]}?`);
  if (values.contacts === undefined) usage('Say how many contacts to make with --contacts, for example: crm-telephony seed --contacts 1000');
  const contacts = wholeNumber(values.contacts, '--contacts', 0, MAX_CONTACTS);
  const seed = values.seed === undefined ? 1 : wholeNumber(values.seed, '--seed', 0, 2 ** 31 - 1);
  if (values.password !== undefined && values.password.length < 8) usage('--password must be at least 8 characters long: the demo users can sign in with it.');
  const settings = resolveStoreSettings(values, io.env);

  const store = await deps.openStore(settings.url);
  const counts = demoCounts(contacts);
  const total = counts.accounts + counts.contacts + counts.leads;
  const progress = startProgress(io.stderr, { label: 'Seeding', total, plainFrom: 100_000 });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const result = await seedDemoDirectory(directory, {
      contacts,
      seed,
      ...(values.password !== undefined ? { password: values.password } : {}),
      onProgress: (done, all) => progress.update(done, `${done.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} records`),
    });
    progress.stop();
    const where = describeDatabase(settings.url);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ database: where, region: settings.region, seed, passwordSet: values.password !== undefined, ...result }, null, 2)}\n`);
      return 0;
    }
    const n = (x: number): string => x.toLocaleString('en-US');
    const users = result.users.map((u) => `${u.login} (${u.extensions.join(', ') || 'no extension'}${u.role === 'admin' ? ', admin' : ''})`).join(', ');
    const lines = [
      `Seeded ${where} (region ${settings.region}, seed ${seed}) in ${(result.elapsedMs / 1000).toFixed(1)} s:`,
      `  users:    ${users}`,
      `  accounts: ${n(result.accounts)}`,
      `  contacts: ${n(result.contacts)}`,
      `  leads:    ${n(result.leads)}`,
      `  records created ${n(result.created)}, updated ${n(result.updated)}.`,
      values.password !== undefined
        ? 'The four demo users have the password you gave.'
        : 'The demo users have no password and cannot sign in; seed again with --password <pw> to give them one.',
    ];
    if (result.extensionConflicts.length > 0) {
      lines.push(`Extensions already belonged to other users, so these demo users kept their own: ${result.extensionConflicts.join(', ')}.`);
    }
    if (result.example) {
      // The same store and region flags as this command, so the hint works when pasted (a password shows as ***).
      const flags = [values.database !== undefined ? ` --database ${shellQuote(describeDatabase(values.database))}` : '', values.region !== undefined ? ` --region ${settings.region}` : ''].join('');
      lines.push(`Try: crm-telephony lookup "${result.example.e164}"${flags}   (${result.example.name}, stored as "${result.example.number}")`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    progress.stop();
    await store.close();
  }
}

function shellQuote(text: string): string {
  return /^[\w./:@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const clean = text.trim().replace(/_/g, '');
  const n = /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) usage(`${flag} must be a whole number from ${min} to ${max.toLocaleString('en-US')}; got ${JSON.stringify(text)}.`);
  return n;
}

function usage(message: string): never {
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
