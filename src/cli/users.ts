/**
 * `crm-telephony users list|set-password`: who can sign in, and a way back in for an
 * administrator who lost the password (the first start shows the generated one only once).
 * A new password is generated and printed once, or read from standard input with `--stdin`
 * (never from the command line, where shells and process lists keep it).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Translator } from '../i18n/translator.ts';
import { pipedLine, type CliIo } from './io.ts';
import { cliLocale, cliTexts } from './settings.ts';
import { openStoreAt, resolveStoreSettings, storeOptions, storeUsage, type OpenStore } from './store-options.ts';
import { Directory } from '../directory/directory.ts';
import { Access } from '../web/auth/access.ts';

const MIN_PASSWORD_LENGTH = 8;

export function usersUsage(texts: Translator): string {
  return texts.t('cli.users.usage', {
    min: String(MIN_PASSWORD_LENGTH),
    example: `printf '%s' "$PASSWORD" | crm-telephony users set-password admin --stdin`,
    store: storeUsage(texts),
  });
}

export async function users(args: string[], io: CliIo, open: OpenStore = openStoreAt): Promise<number> {
  const texts = cliTexts(io.env);
  const error = (message: string): string => texts.t('cli.main.error', { message });
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...storeOptions, stdin: { type: 'boolean' } }, allowPositionals: true });
  } catch (err) {
    io.stderr.write(`${error((err as Error).message)}\n\n${usersUsage(texts)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, login, ...extra] = positionals;
  if (values.help || verb === undefined) {
    (values.help ? io.stdout : io.stderr).write(usersUsage(texts));
    return values.help ? 0 : 2;
  }
  if (verb !== 'list' && verb !== 'set-password') {
    io.stderr.write(`${error(texts.t('cli.users.unknownCommand', { verb }))}\n\n${usersUsage(texts)}`);
    return 2;
  }
  if (verb === 'set-password' && (login === undefined || extra.length > 0)) {
    io.stderr.write(`${error(texts.t('cli.users.oneLogin', { extra: extra.length > 0 ? 'yes' : 'no' }))}\n`);
    return 2;
  }
  let password: string | null = null;
  if (verb === 'set-password' && values.stdin) {
    password = await pipedLine(io);
    if (password.includes('\n') || password.length < MIN_PASSWORD_LENGTH) {
      const why = password.includes('\n') ? 'lines' : 'short';
      io.stderr.write(`${error(texts.t('cli.users.badPiped', { why, min: String(MIN_PASSWORD_LENGTH) }))}\n`);
      return 2;
    }
  }
  const settings = resolveStoreSettings(values, io.env);
  const store = await open(settings.url, { existing: true, locale: cliLocale(io.env) });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    if (verb === 'list') {
      const list = (await directory.listUsers()).map((u) => ({ login: u.login, name: u.name, role: u.role, active: u.active, extensions: u.extensions }));
      io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    const generated = password === null;
    const next = password ?? randomBytes(12).toString('base64url');
    if (!(await new Access(store, directory).setPassword(login!, next))) {
      io.stderr.write(`${error(texts.t('cli.users.noSuchUser', { login }))}\n`);
      return 1;
    }
    if (generated) io.stdout.write(`${next}\n`);
    io.stderr.write(`${texts.t(generated ? 'cli.users.passwordGenerated' : 'cli.users.passwordChanged', { login })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
