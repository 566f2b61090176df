/**
 * The languages people can see crm-telephony in, and which one a person gets. Shared by the server,
 * the console and the widget: one list, one rule.
 */

/** The languages with a complete catalogue. A third is one file in `messages/` and one entry here. */
export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

/** Each language's name in itself, for the language picker. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', ru: 'Русский' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The first of a person's languages we have, by language (`ru-RU`, `ru_RU.UTF-8` and `RU` are all
 * Russian): the browser's `navigator.languages`, an `Accept-Language` header's tags in order, a
 * SuiteCRM user language (`ru_RU`), a `LANG` variable. None we have: English.
 */
export function pickLocale(candidates: Iterable<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const language = candidate.trim().split(/[-_.@;]/, 1)[0]!.toLowerCase();
    if (isLocale(language)) return language;
  }
  return DEFAULT_LOCALE;
}

/** An `Accept-Language` header's tags, most wanted first (`ru-RU,ru;q=0.9,en;q=0.5`). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (header === undefined || header === '') return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((x) => x.tag !== '' && x.tag !== '*' && x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .map((x) => x.tag);
}
