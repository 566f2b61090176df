/**
 * `crm-telephony encrypt-secret`: seals an AMI secret for the PBX file's `secretEncrypted`, with the
 * key in CRM_TELEPHONY_SECRET_KEY (`service/secret-box.ts`). The secret is read from standard input,
 * never from the command line, where shells and process lists would keep it.
 */
import { pipedLine, type CliIo } from './io.ts';
import { setting } from './settings.ts';
import { encryptSecret, isUsableSecretKey, MIN_SECRET_KEY_LENGTH } from '../service/secret-box.ts';

export const ENCRYPT_SECRET_USAGE = `Usage: printf '%s' "$SECRET" | crm-telephony encrypt-secret

Prints the secret read from standard input (one line; a final newline is dropped) encrypted with
CRM_TELEPHONY_SECRET_KEY (at least 16 characters), for "secretEncrypted" in the PBX file
(CRM_TELEPHONY_CONFIG). The service needs the same CRM_TELEPHONY_SECRET_KEY to open it.
`;

export async function encryptSecretCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(ENCRYPT_SECRET_USAGE);
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`error: encrypt-secret takes no arguments: pipe the secret in, so that it stays out of your shell's history.\n\n${ENCRYPT_SECRET_USAGE}`);
    return 2;
  }
  const key = setting(io.env, 'CRM_TELEPHONY_SECRET_KEY');
  if (!isUsableSecretKey(key)) {
    io.stderr.write(`error: set CRM_TELEPHONY_SECRET_KEY (at least ${MIN_SECRET_KEY_LENGTH} characters) to the key the service will have, then run this again.\n`);
    return 2;
  }
  const secret = await pipedLine(io);
  if (secret === '' || secret.includes('\n')) {
    io.stderr.write(`error: ${secret === '' ? 'no secret came on standard input' : 'the input has several lines; give the secret alone'}.\n\n${ENCRYPT_SECRET_USAGE}`);
    return 2;
  }
  io.stdout.write(`${encryptSecret(secret, key)}\n`);
  return 0;
}
