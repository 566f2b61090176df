/**
 * Messages in a person's language: a key of the English catalogue and its values in, the sentence
 * out. ICU message syntax (plurals, selects, numbers) through intl-messageformat, the formatjs
 * project's formatter: Russian needs one/few/many plurals, which no hand-written `n === 1` gets right.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_LOCALE, type Locale } from './locales.ts';
import { CATALOGUES, type MessageKey } from './messages/index.ts';

export type MessageValues = Readonly<Record<string, string | number | Date | null | undefined>>;

export interface Translator {
  readonly locale: Locale;
  /** The message in this language; a key it lacks falls back to English, never to the key. */
  t(key: MessageKey, values?: MessageValues): string;
}

const cache = new Map<Locale, Translator>();

export function translator(locale: Locale): Translator {
  let found = cache.get(locale);
  if (found === undefined) {
    found = build(locale);
    cache.set(locale, found);
  }
  return found;
}

function build(locale: Locale): Translator {
  const formats = new Map<MessageKey, IntlMessageFormat>();
  const catalogue = CATALOGUES[locale];
  const english = CATALOGUES[DEFAULT_LOCALE];
  return {
    locale,
    t(key, values) {
      let format = formats.get(key);
      if (format === undefined) {
        const source = catalogue[key] ?? english[key];
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
