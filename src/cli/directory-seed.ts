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
import type { Translator } from '../i18n/translator.ts';
import { startProgress } from './directory-progress.ts';
import type { DirectoryCommandDeps } from './directory-import.ts';
import type { CliIo } from './io.ts';
import { cliLocale, cliTexts } from './settings.ts';
import { describeDatabase, openStoreAt, resolveStoreSettings, storeOptions, storeUsage } from './store-options.ts';

const MAX_CONTACTS = 10_000_000;

export function seedUsage(texts: Translator): string {
  return texts.t('cli.seed.usage', { max: MAX_CONTACTS, store: storeUsage(texts) });
}

const options = {
  ...storeOptions,
  contacts: { type: 'string' },
  seed: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function directorySeed(args: string[], io: CliIo, deps: DirectoryCommandDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(seedUsage(texts));
    return 0;
  }
  if (positionals.length > 0) usage(texts.t('cli.seed.noArguments', { got: positionals.join(' '), first: positionals[0] }));
  if (values.contacts === undefined) usage(texts.t('cli.seed.needContacts'));
  const contacts = wholeNumber(values.contacts, '--contacts', 0, MAX_CONTACTS, texts);
  const seed = values.seed === undefined ? 1 : wholeNumber(values.seed, '--seed', 0, 2 ** 31 - 1, texts);
  if (values.password !== undefined && values.password.length < 8) usage(texts.t('cli.seed.shortPassword'));
  const settings = resolveStoreSettings(values, io.env);

  const store = await deps.openStore(settings.url, { locale: cliLocale(io.env) });
  const counts = demoCounts(contacts);
  const total = counts.accounts + counts.contacts + counts.leads;
  const progress = startProgress(io.stderr, { label: texts.t('cli.seed.progressLabel'), total, plainFrom: 100_000, texts });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const result = await seedDemoDirectory(directory, {
      contacts,
      seed,
      ...(values.password !== undefined ? { password: values.password } : {}),
      onProgress: (done, all) => progress.update(done, texts.t('cli.seed.progress', { done, all })),
    });
    progress.stop();
    const where = describeDatabase(settings.url, texts);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ database: where, region: settings.region, seed, passwordSet: values.password !== undefined, ...result }, null, 2)}\n`);
      return 0;
    }
    // Seeding keeps a demo user's password when none is given: ask the store who can sign in now.
    const canSignIn = new Map<string, boolean>();
    for (const u of result.users) canSignIn.set(u.login, (await directory.passwordHashOf(u.login)) !== null);
    const users = result.users
      .map((u) => texts.t('cli.seed.user', { login: u.login, extensions: u.extensions.join(', ') || 'none', admin: u.role === 'admin' ? 'yes' : 'no' }))
      .join(', ');
    const lines = [
      texts.t('cli.seed.done', { database: where, region: settings.region, seed: String(seed), seconds: result.elapsedMs / 1000 }),
      texts.t('cli.seed.users', { users }),
      texts.t('cli.seed.accounts', { count: result.accounts }),
      texts.t('cli.seed.contacts', { count: result.contacts }),
      texts.t('cli.seed.leads', { count: result.leads }),
      texts.t('cli.seed.records', { created: result.created, updated: result.updated }),
      signInLine(values.password !== undefined, canSignIn, texts),
    ];
    if (result.extensionConflicts.length > 0) {
      lines.push(texts.t('cli.seed.extensionConflicts', { logins: result.extensionConflicts.join(', ') }));
    }
    if (result.example) {
      // The same store and region flags as this command, so the hint works when pasted (a password shows as ***).
      const flags = [values.database !== undefined ? ` --database ${shellQuote(describeDatabase(values.database))}` : '', values.region !== undefined ? ` --region ${settings.region}` : ''].join('');
      lines.push(texts.t('cli.seed.try', { e164: result.example.e164, flags, name: result.example.name, number: result.example.number }));
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    progress.stop();
    await store.close();
  }
}

/**
 * Who of the demo users can sign in after the seed: all four with --password; without it each
 * keeps what it had (a user seeded before with a password still has it; a new one has none).
 */
function signInLine(passwordGiven: boolean, canSignIn: ReadonlyMap<string, boolean>, texts: Translator): string {
  if (passwordGiven) return texts.t('cli.seed.passwordGiven');
  const can = [...canSignIn].filter(([, yes]) => yes).map(([login]) => login);
  const cannot = [...canSignIn].filter(([, yes]) => !yes).map(([login]) => login);
  if (can.length === 0) return texts.t('cli.seed.noneCanSignIn');
  if (cannot.length === 0) return texts.t('cli.seed.allCanSignIn', { logins: can.join(', ') });
  return texts.t('cli.seed.someCanSignIn', { can: can.join(', '), cannot: cannot.join(', ') });
}

function shellQuote(text: string): string {
  return /^[\w./:@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function wholeNumber(text: string, flag: string, min: number, max: number, texts: Translator): number {
  const clean = text.trim().replace(/_/g, '');
  const n = /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) usage(texts.t('cli.seed.wholeNumber', { flag, min: String(min), max, given: JSON.stringify(text) }));
  return n;
}

function usage(message: string): never {
  throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, message);
}
