/**
 * `crm-telephony tokens create|list|revoke`: API tokens for scripts and the SuiteCRM widget (they
 * act as a user), and routing tokens for the dialplan's CURL() (they can only ask for routes).
 * A token is printed once, when created; only its hash is stored.
 */
import { parseArgs } from 'node:util';
import type { CliIo } from './io.ts';
import { openStoreAt, resolveStoreSettings, storeOptions, STORE_USAGE, type OpenStore } from './store-options.ts';
import { Directory } from '../directory/directory.ts';
import { Access } from '../web/auth/access.ts';

export const TOKENS_USAGE = `Usage: crm-telephony tokens create --user <login> [--name <label>]
       crm-telephony tokens create --kind routing [--name <label>]
       crm-telephony tokens create --kind metrics [--name <label>]
       crm-telephony tokens list
       crm-telephony tokens revoke <id>

API tokens (the default kind) act as the user they belong to: send them as
"Authorization: Bearer <token>". Routing tokens serve the dialplan's CURL() (GET /api/route and
/api/callerid) and see nothing else. Metrics tokens read GET /metrics (Prometheus: the scrape
job's "authorization: { credentials: <token> }") and nothing else. The token is printed once;
keep it in a secret store.

${STORE_USAGE}`;

export async function tokens(args: string[], io: CliIo, open: OpenStore = openStoreAt): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...storeOptions, user: { type: 'string' }, kind: { type: 'string', default: 'api' }, name: { type: 'string' } }, allowPositionals: true });
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n\n${TOKENS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, arg] = positionals;
  if (values.help || verb === undefined) {
    (values.help ? io.stdout : io.stderr).write(TOKENS_USAGE);
    return values.help ? 0 : 2;
  }
  if (values.kind !== 'api' && values.kind !== 'routing' && values.kind !== 'metrics') {
    io.stderr.write(`error: --kind must be api, routing or metrics, not "${values.kind}".\n`);
    return 2;
  }
  const settings = resolveStoreSettings(values, io.env);
  const store = await open(settings.url, { existing: true });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const access = new Access(store, directory);
    switch (verb) {
      case 'create': {
        let userId: string | null = null;
        if (values.kind === 'api') {
          if (!values.user) {
            io.stderr.write('error: an API token acts as a user: give --user <login> (or --kind routing for the dialplan).\n');
            return 2;
          }
          const user = await directory.userByLogin(values.user);
          if (!user) {
            io.stderr.write(`error: there is no user "${values.user}". Create it first (import --type users, or the admin page).\n`);
            return 1;
          }
          userId = user.id;
        }
        const name = values.name ?? (values.kind === 'routing' ? 'dialplan' : values.kind === 'metrics' ? 'prometheus' : `token for ${values.user}`);
        const created = await access.createToken(values.kind, name, userId);
        io.stdout.write(`${created.token}\n`);
        io.stderr.write(`Created ${values.kind} token ${created.id} ("${name}"). It is shown only now: store it safely.\n`);
        return 0;
      }
      case 'list': {
        io.stdout.write(`${JSON.stringify(await access.listTokens(), null, 2)}\n`);
        return 0;
      }
      case 'revoke': {
        if (!arg) {
          io.stderr.write('error: give the id of the token to revoke (see "crm-telephony tokens list").\n');
          return 2;
        }
        const ok = await access.revokeToken(arg);
        io.stderr.write(ok ? `Revoked token ${arg}.\n` : `error: there is no token ${arg}.\n`);
        return ok ? 0 : 1;
      }
      default:
        io.stderr.write(`error: unknown tokens command "${verb}".\n\n${TOKENS_USAGE}`);
        return 2;
    }
  } finally {
    await store.close();
  }
}
