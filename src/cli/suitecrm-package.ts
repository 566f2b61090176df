/**
 * `crm-telephony suitecrm package --service-url <url>`: builds the SuiteCRM Module Loader zip that
 * puts the phone widget into SuiteCRM's pages and adds the extension field to Users. Prints what
 * it wrote as JSON on stdout, and on stderr what to do next, including the secret to give the
 * service (CRM_WIDGET_SECRET) when it generated one.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configDefault } from '../config.ts';
import { ErrorCodes, isCrmTelephonyError } from '../errors.ts';
import type { CliIo } from './io.ts';
import { setting } from './settings.ts';
import { buildSuiteCrmPackage, generateWidgetSecret, needsHttps, normalizeServiceUrl } from '../crm/suitecrm-package/build-package.ts';

export const PACKAGE_USAGE = `Usage: crm-telephony suitecrm package --service-url <url> [options]

Builds a SuiteCRM Module Loader package (a zip) that adds the phone widget to SuiteCRM's pages
(screen pops, click-to-call, a "Phone calls" panel on contacts, accounts and leads) and the Users
field for extensions. Install it in SuiteCRM: Admin -> Module Loader (Upload, Install, then Commit).
For SuiteCRM 8 build it with --suitecrm 8 (the widget comes from a backend extension there).

The widget signs in with tokens SuiteCRM signs with a secret shared with this service. By default
a new secret is generated, written into the package, and printed: set it as CRM_WIDGET_SECRET in
the service's environment (a running service needs the new one, or the widget cannot sign in;
--secret-env reuses the service's instead). The package holds the secret: keep it like a password.

Options:
  --service-url <url>       The service's address as the browsers reach it (HTTPS), e.g.
                            https://crm-telephony.example.com. Required.
  --secret-env              Use the secret in CRM_WIDGET_SECRET (the first, when there are several)
                            instead of generating one: for rebuilding the package of a running service.
  --extension-field <name>  The Users field holding extensions. Env SUITECRM_EXTENSION_FIELD;
                            default asterisk_ext_c.
  --suitecrm <7|8>          The SuiteCRM major version the package is for. Default 7.
  --out <file>              Where to write the zip. Default crm-telephony-suitecrm.zip
                            (crm-telephony-suitecrm8.zip with --suitecrm 8).
  -h, --help                Show this help.
`;

export async function suitecrmPackage(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'service-url': { type: 'string' },
        'secret-env': { type: 'boolean', default: false },
        'extension-field': { type: 'string' },
        suitecrm: { type: 'string', default: '7' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n\n${PACKAGE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(PACKAGE_USAGE);
    return 0;
  }
  if (values['service-url'] === undefined) {
    io.stderr.write(`error: --service-url is required: the service's address as browsers reach it, e.g. https://crm-telephony.example.com.\n\n${PACKAGE_USAGE}`);
    return 2;
  }
  if (values.suitecrm !== '7' && values.suitecrm !== '8') {
    io.stderr.write(`error: --suitecrm must be 7 or 8 (the SuiteCRM major version), not "${values.suitecrm}".\n\n${PACKAGE_USAGE}`);
    return 2;
  }
  const suitecrm = values.suitecrm === '8' ? 8 : 7;
  let secret: string;
  let zip: Buffer;
  let serviceUrl: string;
  try {
    if (values['secret-env']) {
      // The first secret: the one the service signs with; the others only still verify (rotation).
      const first = setting(io.env, 'CRM_WIDGET_SECRET')?.[0];
      if (first === undefined) {
        io.stderr.write('error: --secret-env: CRM_WIDGET_SECRET is not set. Set it to the service\'s secret, or leave out --secret-env to generate a new one.\n');
        return 2;
      }
      secret = first;
    } else {
      secret = generateWidgetSecret();
    }
    serviceUrl = normalizeServiceUrl(values['service-url']);
    zip = await buildSuiteCrmPackage({
      suitecrm,
      serviceUrl,
      secret,
      extensionField: setting(io.env, 'SUITECRM_EXTENSION_FIELD', { flag: { name: '--extension-field', value: values['extension-field'] } }) ?? configDefault('SUITECRM_EXTENSION_FIELD'),
    });
  } catch (err) {
    if (isCrmTelephonyError(err, ErrorCodes.PACKAGE_ERR_OPTION) || isCrmTelephonyError(err, ErrorCodes.CONFIG_ERR_INVALID)) {
      io.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const file = resolve(values.out ?? (suitecrm === 8 ? 'crm-telephony-suitecrm8.zip' : 'crm-telephony-suitecrm.zip'));
  await writeFile(file, zip, { mode: 0o600 });
  io.stdout.write(
    `${JSON.stringify({ file, bytes: zip.length, sha256: createHash('sha256').update(zip).digest('hex'), serviceUrl, ...(values['secret-env'] ? {} : { widgetSecret: secret }) }, null, 2)}\n`,
  );
  const admin = suitecrm === 8 ? 'Administration' : 'Admin';
  const notes = [
    `Wrote ${file}. Install it in SuiteCRM ${suitecrm}: ${admin} -> Module Loader -> Upload -> Install, then Commit (nothing is installed before Commit).`,
    `Then put the "Phone extension" field on the Users layouts: ${admin} -> Studio -> Users -> Layouts -> Edit View and Detail View.`,
  ];
  if (values['secret-env']) {
    notes.push('The package holds the service\'s own secret (CRM_WIDGET_SECRET): nothing to change on the service.');
  } else {
    // Every build without --secret-env makes a new secret: a package rebuilt for a running service
    // would lock the widget out until the service gets it. Say so where nobody can miss it.
    notes.push(
      'Warning: this package holds a NEW widget secret. The phone service must have it, or the widget cannot sign in:',
      `  CRM_WIDGET_SECRET=${secret}`,
      'Set it in the service\'s environment and restart the service when you install this package. To rebuild a package for a',
      'service that already has its secret, build with --secret-env instead (it reuses CRM_WIDGET_SECRET).',
    );
    // Only whether it is set (a service's environment, most likely), not its value: this build does not use it.
    if ((io.env['CRM_WIDGET_SECRET'] ?? '') !== '') {
      notes.push('Warning: CRM_WIDGET_SECRET is set here to another secret: a service running with it refuses this package\'s sign-ins. Use --secret-env to keep it.');
    }
    notes.push('Keep the zip like a password, and delete it once installed.');
  }
  notes.push('Set CORS_ORIGINS to your SuiteCRM\'s origin (e.g. https://crm.example.com), so that the widget may call the service.');
  if (needsHttps(serviceUrl)) notes.push('Warning: browsers refuse the widget\'s session cookie over plain http (except on localhost): serve the service over https.');
  io.stderr.write(`${notes.join('\n')}\n`);
  return 0;
}
