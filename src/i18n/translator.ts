/** The server's translator: every part's messages (the CLI, the CRM's texts, the answers to browsers). */
import type { Locale } from './locales.ts';
import { CATALOGUES } from './messages/index.ts';
import { makeTranslator, type Translator } from './translator-core.ts';

export type { MessageValues, Translator } from './translator-core.ts';

const cache = new Map<Locale, Translator>();

export function translator(locale: Locale): Translator {
  let found = cache.get(locale);
  if (found === undefined) {
    found = makeTranslator(locale, CATALOGUES);
    cache.set(locale, found);
  }
  return found;
}
