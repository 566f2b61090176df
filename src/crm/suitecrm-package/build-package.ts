/**
 * The SuiteCRM Module Loader package: which files it holds (pure, so tests can read them) and the
 * zip itself (yazl). Reproducible: the same options give the same bytes (fixed times and order).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ZipFile } from 'yazl';
import { CrmTelephonyError, ErrorCodes } from '../../errors.ts';
import {
  HOOK_FILE,
  INSTALL_SCRIPT,
  LANGUAGE_FILE,
  hookSource,
  installScriptSource,
  languageSource,
  manifestSource,
  readmeText,
} from './php-sources.ts';
import { suitecrm8Files } from './suitecrm8-sources.ts';

export interface SuiteCrmPackageOptions {
  /** The service's address as browsers reach it, e.g. https://crm-telephony.example.com. */
  serviceUrl: string;
  /** The shared secret of the widget's sign-in tokens (the service's CRM_WIDGET_SECRET), 32+ characters. */
  secret: string;
  /** The Users field for extensions (a custom field: ends in `_c`). Default `asterisk_ext_c`. */
  extensionField?: string;
  /** Seconds a sign-in token stays valid (the service accepts up to 600). Default 300. */
  tokenTtlSeconds?: number;
  /** The package's version. Default this checkout's package.json version. */
  version?: string;
  /** Date in the manifest and on every file. Default now. */
  publishedAt?: Date;
  /**
   * Which SuiteCRM the package is for. 7 (default): a logic hook prints the loader into every page.
   * 8: a backend extension (extensions/crmTelephony) adds it to the Angular app's page and signs
   * tokens through SuiteCRM's API (suitecrm8-sources.ts).
   */
  suitecrm?: 7 | 8;
}

export interface PackageFile {
  path: string;
  content: string;
}

/** A package option in words: a catalogue error (PACKAGE_ERR_OPTION; match on the code), with a class of its own for `instanceof`. */
export class PackageOptionError extends CrmTelephonyError<'PACKAGE_ERR_OPTION'> {
  constructor(message: string) {
    super(ErrorCodes.PACKAGE_ERR_OPTION, message);
  }
}

/** A fresh 256-bit secret, URL-safe (it goes into PHP and an environment variable as is). */
export function generateWidgetSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The service URL as the package will use it: http(s), no query or fragment, no trailing slash. */
export function normalizeServiceUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new PackageOptionError(`--service-url "${input}" is not a URL: give the service's address as browsers reach it, e.g. https://crm-telephony.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PackageOptionError('--service-url must start with https:// (or http:// for a service on localhost).');
  if (url.username || url.password || url.search || url.hash) throw new PackageOptionError('--service-url must be a plain address: no user, password, query or fragment.');
  const text = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  // It lands in PHP strings and an HTML attribute (both escaped there too); keep it plain anyway.
  if (/["'<>\\\s]/.test(text)) throw new PackageOptionError('--service-url must not contain quotes, angle brackets, backslashes or spaces.');
  return text;
}

/** True when browsers would refuse the widget's Secure cookie from this address. */
export function needsHttps(serviceUrl: string): boolean {
  const url = new URL(serviceUrl);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** Every file of the package, in zip order. Throws PackageOptionError in words on a bad option. */
export function packageFiles(options: SuiteCrmPackageOptions): PackageFile[] {
  const serviceUrl = normalizeServiceUrl(options.serviceUrl);
  const secret = options.secret;
  if (secret.length < 32 || !/^[A-Za-z0-9_.~+/=-]+$/.test(secret)) {
    throw new PackageOptionError('The widget secret must be at least 32 characters of letters, digits and -_.~+/= (leave it to the command to generate one).');
  }
  const extensionField = options.extensionField ?? 'asterisk_ext_c';
  if (!/^[a-z][a-z0-9_]{0,58}_c$/.test(extensionField)) {
    throw new PackageOptionError(`--extension-field "${extensionField}" must be a custom field name: lower-case letters, digits and _, ending in _c (e.g. asterisk_ext_c).`);
  }
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 300;
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 30 || tokenTtlSeconds > 600) throw new PackageOptionError('The token lifetime must be 30 to 600 seconds.');
  const version = options.version ?? packageVersion();
  const publishedAt = options.publishedAt ?? new Date();
  if (options.suitecrm === 8) return suitecrm8Files({ version, publishedAt, serviceUrl, secret, extensionField, tokenTtlSeconds });
  return [
    { path: 'manifest.php', content: manifestSource({ version, publishedAt, extensionField, serviceUrl }) },
    { path: 'README.txt', content: readmeText({ version, serviceUrl, extensionField }) },
    { path: `files/${HOOK_FILE}`, content: hookSource({ tokenTtlSeconds, version }) },
    { path: LANGUAGE_FILE, content: languageSource(extensionField) },
    { path: INSTALL_SCRIPT, content: installScriptSource({ serviceUrl, secret }) },
  ];
}

/** The zip, ready for Admin -> Module Loader. */
export function buildSuiteCrmPackage(options: SuiteCrmPackageOptions): Promise<Buffer> {
  const files = packageFiles(options);
  const mtime = options.publishedAt ?? new Date();
  const zip = new ZipFile();
  for (const f of files) zip.addBuffer(Buffer.from(f.content, 'utf8'), f.path, { mtime, mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
