/**
 * Messages in a person's language: a key and its values in, the sentence out. ICU message syntax
 * (plurals, selects, numbers) through intl-messageformat, the formatjs project's formatter: Russian
 * needs one/few/many plurals, which no hand-written `n === 1` gets right. Which catalogues a
 * translator reads is the caller's: the server all of them (`translator.ts`), the browser only
 * its own parts (`browser.ts`), so the console does not carry the CLI's words.
 */
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_LOCALE, type Locale } from './locales.ts';
import type { MessageKey } from './messages/index.ts';

export type MessageValues = Readonly<Record<string, string | number | Date | null | undefined>>;

export interface Translator<K extends string = MessageKey> {
  readonly locale: Locale;
  /** The message in this language; a key it lacks falls back to English, never to the key. */
  t(key: K, values?: MessageValues): string;
}

export function makeTranslator<K extends string>(locale: Locale, catalogues: Readonly<Record<Locale, Readonly<Record<K, string>>>>): Translator<K> {
  const formats = new Map<K, IntlMessageFormat>();
  const catalogue = catalogues[locale];
  const english = catalogues[DEFAULT_LOCALE];
  return {
    locale,
    t(key, values) {
      let format = formats.get(key);
      if (format === undefined) {
        // Only a key outside the types (a value from the wire) can be missing from English too.
        // In the browser's bundles a message arrives already parsed (scripts/vite-precompiled-messages.ts).
        const source: string | MessageFormatElement[] = (catalogue[key] as string | MessageFormatElement[] | undefined) ?? english[key] ?? key;
        format = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
        formats.set(key, format);
      }
      // A value left out reads as nothing rather than throwing in front of a person.
      const safe: Record<string, string | number | Date> = {};
      if (values !== undefined) for (const [k, v] of Object.entries(values)) safe[k] = v ?? '';
      return String(format.format(safe));
    },
  };
}

/** One translator per language over these catalogues, made on first use and kept. */
export function translatorsFor<K extends string>(catalogues: Readonly<Record<Locale, Readonly<Record<K, string>>>>): (locale: Locale) => Translator<K> {
  const made = new Map<Locale, Translator<K>>();
  return (locale) => {
    let found = made.get(locale);
    if (found === undefined) {
      found = makeTranslator(locale, catalogues);
      made.set(locale, found);
    }
    return found;
  };
}
