/**
 * `crm-telephony lookup <number>`: who may be calling from a number, as the screen pop would
 * see it. Prints JSON: the number as understood, and the ranked candidates. For admins and
 * support ("why did this call pop the wrong contact?").
 */
import { parseArgs } from 'node:util';
import { Directory } from '../directory/directory.ts';
import { findByPhone, type LookupResult } from '../directory/lookup.ts';
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';
import { formatPhoneForPeople } from '../phone/format.ts';
import type { CountryCode } from '../phone/types.ts';
import type { DirectoryCommandDeps } from './directory-import.ts';
import type { CliIo } from './io.ts';
import { openStoreAt, resolveStoreSettings, STORE_USAGE, storeOptions } from './store-options.ts';

export const LOOKUP_USAGE = `Usage: crm-telephony lookup <number> [options]

Looks a number up as an incoming call would, and prints one JSON object:
  { "input", "region",
    "number": { "kind", "e164", "formatted", "country", "valid", "extension", ... },
    "candidates": [ { "type", "id", "name", "account", "owner", "matched", "quality", ... } ] }
"kind" is number, internal (an extension), anonymous or invalid. Candidates are ranked: exact
E.164 match, then national number, then suffix; then contact, lead, account; then most recent
activity. "matched" is the phone field that matched, as typed in the CRM.

Examples:
  crm-telephony lookup "+7 (495) 123-45-67"
  crm-telephony lookup 84951234567 --region RU
  crm-telephony lookup "(415) 555-2671 ext. 12" --database postgres://crm@db:5432/crm

${STORE_USAGE}
Exit status: 0 when the lookup ran (with or without candidates), 1 when the database failed,
2 when the command line or settings are wrong.
`;

export async function directoryLookup(args: string[], io: CliIo, deps: DirectoryCommandDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: storeOptions, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(LOOKUP_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      positionals.length === 0
        ? 'Give the number to look up, for example: crm-telephony lookup "+1 415 555 2671"'
        : `Give one number; got ${positionals.length}. Quote a number written with spaces: crm-telephony lookup "${positionals.join(' ')}"`,
    );
  }
  const settings = resolveStoreSettings(values, io.env);
  const store = await deps.openStore(settings.url, { existing: true });
  try {
    const directory = new Directory(store, { defaultRegion: settings.region });
    const input = positionals[0]!;
    const result = await findByPhone(directory, input);
    io.stdout.write(`${JSON.stringify(lookupJson(input, settings.region, result), null, 2)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** The printed shape: stable field names, the number in people's format beside its keys. */
export function lookupJson(input: string, region: CountryCode, result: LookupResult): Record<string, unknown> {
  const n = result.number;
  const formatted = formatPhoneForPeople(n, region);
  let number: Record<string, unknown>;
  switch (n.kind) {
    case 'number':
      number = { kind: n.kind, e164: n.e164, formatted, country: n.country, national: n.national, valid: n.valid, extension: n.extension };
      break;
    case 'internal':
      number = { kind: n.kind, e164: null, formatted, extension: n.extension };
      break;
    case 'anonymous':
      number = { kind: n.kind, e164: null, formatted };
      break;
    case 'invalid':
      number = { kind: n.kind, e164: null, formatted, code: n.code, reason: n.reason };
      break;
  }
  return {
    input,
    region,
    number,
    candidates: result.candidates.map((c) => ({
      type: c.type,
      id: c.id,
      name: c.name,
      account: c.account,
      owner: c.owner,
      matched: c.matched,
      quality: c.quality,
      lastActivityAt: c.lastActivityAt,
      source: c.source,
      externalId: c.externalId,
    })),
  };
}
