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
import type { Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { cliLocale, cliTexts } from './settings.ts';
import { openStoreAt, resolveStoreSettings, storeOptions, storeUsage } from './store-options.ts';

/** The printed JSON's outline, for the help (field names are the same in every language). */
const LOOKUP_SHAPE = `{ "input", "region",
    "number": { "kind", "e164", "formatted", "country", "valid", "extension", ... },
    "candidates": [ { "type", "id", "name", "account", "owner", "matched", "quality", ... } ] }`;

export function lookupUsage(texts: Translator): string {
  return texts.t('cli.lookup.usage', { shape: LOOKUP_SHAPE, store: storeUsage(texts) });
}

export async function directoryLookup(args: string[], io: CliIo, deps: DirectoryCommandDeps = { openStore: openStoreAt }): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: storeOptions, allowPositionals: true, strict: true });
  const texts = cliTexts(io.env);
  if (values.help) {
    io.stdout.write(lookupUsage(texts));
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CrmTelephonyError(
      ErrorCodes.CONFIG_ERR_INVALID,
      positionals.length === 0 ? texts.t('cli.lookup.needNumber') : texts.t('cli.lookup.oneNumber', { count: positionals.length, joined: positionals.join(' ') }),
    );
  }
  const settings = resolveStoreSettings(values, io.env);
  const store = await deps.openStore(settings.url, { existing: true, locale: cliLocale(io.env) });
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
