/**
 * Secrets kept encrypted at rest (issue 14): an AMI secret in the PBX file may be written as
 * `secretEncrypted`, sealed with AES-256-GCM under a key derived from `CRM_TELEPHONY_SECRET_KEY`
 * (scrypt, so that a short passphrase still costs an attacker). `crm-telephony encrypt-secret` seals
 * one; the service opens it at start. The text is `v1.<iv>.<tag>.<ciphertext>` in base64url: the tag
 * makes a wrong key or an altered text fail in words instead of giving a wrong secret.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

const SALT = 'crm-telephony/secret-box/v1';
/** The shortest CRM_TELEPHONY_SECRET_KEY accepted. */
export const MIN_SECRET_KEY_LENGTH = 16;

/** Whether this key can seal and open secrets. */
export function isUsableSecretKey(key: string | undefined): key is string {
  return key !== undefined && key.length >= MIN_SECRET_KEY_LENGTH;
}

function keyOf(passphrase: string | undefined, where: string): Buffer {
  if (!isUsableSecretKey(passphrase)) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `${where}: an encrypted secret needs CRM_TELEPHONY_SECRET_KEY (at least ${MIN_SECRET_KEY_LENGTH} characters), the key it was encrypted with. Set it in the service's environment, not in the file.`,
    );
  }
  return scryptSync(passphrase, SALT, 32);
}

export function encryptSecret(secret: string, passphrase: string | undefined): string {
  const key = keyOf(passphrase, 'encrypt-secret');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptSecret(sealed: string, passphrase: string | undefined, where: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') {
    throw new CrmTelephonyError(ErrorCodes.CONFIG_ERR_INVALID, `${where}: "secretEncrypted" is not a text made by "crm-telephony encrypt-secret" (v1.….….…). Encrypt the secret again.`);
  }
  const key = keyOf(passphrase, where);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64url'));
    decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      `${where}: "secretEncrypted" cannot be opened with this CRM_TELEPHONY_SECRET_KEY (a different key, or the text was altered). Set the key it was encrypted with, or encrypt the secret again.`,
    );
  }
}
