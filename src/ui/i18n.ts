/**
 * The console's language: the one the person picked (kept by the service), else their browser's.
 * Components read the translator with `useT()`; plain functions take it as a parameter.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { pickLocale, type Locale } from '../i18n/locales.ts';
import { browserTranslator as translator, type BrowserTranslator as Translator } from '../i18n/browser.ts';

/** The browser's languages, most wanted first. */
export function browserLocale(): Locale {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  return pickLocale([...(nav?.languages ?? []), nav?.language]);
}

export const I18nContext = createContext<Translator>(translator(browserLocale()));

export function useT(): Translator {
  return useContext(I18nContext);
}
