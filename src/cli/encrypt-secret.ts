/**
 * `crm-telephony encrypt-secret`: seals an AMI secret for the PBX file's `secretEncrypted`, with the
 * key in CRM_TELEPHONY_SECRET_KEY (`service/secret-box.ts`). The secret is read from standard input,
 * never from the command line, where shells and process lists would keep it.
 */
import type { Translator } from '../i18n/translator.ts';
import { pipedLine, type CliIo } from './io.ts';
import { cliTexts, setting } from './settings.ts';
import { encryptSecret, isUsableSecretKey, MIN_SECRET_KEY_LENGTH } from '../service/secret-box.ts';

export function encryptSecretUsage(texts: Translator): string {
  return texts.t('cli.encryptSecret.usage', { example: `printf '%s' "$SECRET" | crm-telephony encrypt-secret` });
}

export async function encryptSecretCommand(args: string[], io: CliIo): Promise<number> {
  const texts = cliTexts(io.env);
  const error = (message: string): string => texts.t('cli.main.error', { message });
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(encryptSecretUsage(texts));
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`${error(texts.t('cli.encryptSecret.noArguments'))}\n\n${encryptSecretUsage(texts)}`);
    return 2;
  }
  const key = setting(io.env, 'CRM_TELEPHONY_SECRET_KEY');
  if (!isUsableSecretKey(key)) {
    io.stderr.write(`${error(texts.t('cli.encryptSecret.needKey', { min: String(MIN_SECRET_KEY_LENGTH) }))}\n`);
    return 2;
  }
  const secret = await pipedLine(io);
  if (secret === '' || secret.includes('\n')) {
    io.stderr.write(`${error(texts.t('cli.encryptSecret.badInput', { why: secret === '' ? 'empty' : 'lines' }))}\n\n${encryptSecretUsage(texts)}`);
    return 2;
  }
  io.stdout.write(`${encryptSecret(secret, key)}\n`);
  return 0;
}
