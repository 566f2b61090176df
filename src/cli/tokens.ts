/**
 * `crm-telephony tokens create|list|revoke`: API tokens for scripts and the SuiteCRM widget (they
 * act as a user), and routing tokens for the dialplan's CURL() (they can only ask for routes).
 * A token is printed once, when created; only its hash is stored.
 */
import { parseArgs } from 'node:util';
import type { Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { cliLocale, cliTexts } from './settings.ts';
import { openStoreAt, resolveStoreSettings, storeOptions, storeUsage, type OpenStore } from './store-options.ts';
import { Directory } from '../directory/directory.ts';
import { Access } from '../web/auth/access.ts';

export function tokensUsage(texts: Translator): string {
  return texts.t('cli.tokens.usage', { scrape: 'authorization: { credentials: <token> }', store: storeUsage(texts) });
}

export async function tokens(args: string[], io: CliIo, open: OpenStore = openStoreAt): Promise<number> {
  const texts = cliTexts(io.env);
  const error = (message: string): string => texts.t('cli.main.error', { message });
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...storeOptions, user: { type: 'string' }, kind: { type: 'string', default: 'api' }, name: { type: 'string' } }, allowPositionals: true });
  } catch (err) {
    io.stderr.write(`${error((err as Error).message)}\n\n${tokensUsage(texts)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, arg] = positionals;
  if (values.help || verb === undefined) {
    (values.help ? io.stdout : io.stderr).write(tokensUsage(texts));
    return values.help ? 0 : 2;
  }
  if (values.kind !== 'api' && values.kind !== 'routing' && values.kind !== 'metrics') {
    io.stderr.write(`${error(texts.t('cli.tokens.badKind', { kind: values.kind }))}\n`);
    return 2;
  }
  const settings = resolveStoreSettings(values, io.env);
  const store = await open(settings.url, { existing: true, locale: cliLocale(io.env) });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const access = new Access(store, directory);
    switch (verb) {
      case 'create': {
        let userId: string | null = null;
        if (values.kind === 'api') {
          if (!values.user) {
            io.stderr.write(`${error(texts.t('cli.tokens.needUser'))}\n`);
            return 2;
          }
          const user = await directory.userByLogin(values.user);
          if (!user) {
            io.stderr.write(`${error(texts.t('cli.tokens.noSuchUser', { login: values.user }))}\n`);
            return 1;
          }
          userId = user.id;
        }
        const name = values.name ?? (values.kind === 'routing' ? 'dialplan' : values.kind === 'metrics' ? 'prometheus' : `token for ${values.user}`);
        const created = await access.createToken(values.kind, name, userId);
        io.stdout.write(`${created.token}\n`);
        io.stderr.write(`${texts.t('cli.tokens.created', { kind: values.kind, id: created.id, name })}\n`);
        return 0;
      }
      case 'list': {
        io.stdout.write(`${JSON.stringify(await access.listTokens(), null, 2)}\n`);
        return 0;
      }
      case 'revoke': {
        if (!arg) {
          io.stderr.write(`${error(texts.t('cli.tokens.needId'))}\n`);
          return 2;
        }
        const ok = await access.revokeToken(arg);
        io.stderr.write(`${ok ? texts.t('cli.tokens.revoked', { id: arg }) : error(texts.t('cli.tokens.noSuchToken', { id: arg }))}\n`);
        return ok ? 0 : 1;
      }
      default:
        io.stderr.write(`${error(texts.t('cli.tokens.unknownCommand', { verb }))}\n\n${tokensUsage(texts)}`);
        return 2;
    }
  } finally {
    await store.close();
  }
}
