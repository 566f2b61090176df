/**
 * `crm-telephony users list|set-password`: who can sign in, and a way back in for an
 * administrator who lost the password (the first start shows the generated one only once).
 * A new password is generated and printed once, or read from standard input with `--stdin`
 * (never from the command line, where shells and process lists keep it).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pipedLine, type CliIo } from './io.ts';
import { openStoreAt, resolveStoreSettings, storeOptions, STORE_USAGE, type OpenStore } from './store-options.ts';
import { Directory } from '../directory/directory.ts';
import { Access } from '../web/auth/access.ts';

const MIN_PASSWORD_LENGTH = 8;

export const USERS_USAGE = `Usage: crm-telephony users list
       crm-telephony users set-password <login> [--stdin]

list          Every user: login, name, role, active or not, extensions (JSON).
set-password  A new password for <login>; every session the user had is closed. Without --stdin a
              password is generated and printed once; with --stdin it is read from standard input
              (one line, at least ${MIN_PASSWORD_LENGTH} characters): printf '%s' "$PASSWORD" | crm-telephony users set-password admin --stdin

${STORE_USAGE}`;

export async function users(args: string[], io: CliIo, open: OpenStore = openStoreAt): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...storeOptions, stdin: { type: 'boolean' } }, allowPositionals: true });
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n\n${USERS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, login, ...extra] = positionals;
  if (values.help || verb === undefined) {
    (values.help ? io.stdout : io.stderr).write(USERS_USAGE);
    return values.help ? 0 : 2;
  }
  if (verb !== 'list' && verb !== 'set-password') {
    io.stderr.write(`error: unknown users command "${verb}".\n\n${USERS_USAGE}`);
    return 2;
  }
  if (verb === 'set-password' && (login === undefined || extra.length > 0)) {
    io.stderr.write(`error: give one login: crm-telephony users set-password <login>${extra.length > 0 ? ' (a password is never given on the command line: use --stdin)' : ''}.\n`);
    return 2;
  }
  let password: string | null = null;
  if (verb === 'set-password' && values.stdin) {
    password = await pipedLine(io);
    if (password.includes('\n') || password.length < MIN_PASSWORD_LENGTH) {
      io.stderr.write(`error: ${password.includes('\n') ? 'the input has several lines; give the password alone' : `the password must have at least ${MIN_PASSWORD_LENGTH} characters`}. Nothing was changed.\n`);
      return 2;
    }
  }
  const settings = resolveStoreSettings(values, io.env);
  const store = await open(settings.url, { existing: true });
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
      io.stderr.write(`error: there is no user "${login}". "crm-telephony users list" shows who there is.\n`);
      return 1;
    }
    if (generated) io.stdout.write(`${next}\n`);
    io.stderr.write(`The password of "${login}" is changed${generated ? ' to the one above (shown only now)' : ''}; the user's sessions are closed.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
