/**
 * The browser's translator: the console's and the widget's messages only, so that their bundles do
 * not carry the server's, the CRM's or the CLI's words.
 */
import type { Locale } from './locales.ts';
import enConsole from './messages/en/console.ts';
import enConsoleAdmin from './messages/en/console-admin.ts';
import enWidget from './messages/en/widget.ts';
import ruConsole from './messages/ru/console.ts';
import ruConsoleAdmin from './messages/ru/console-admin.ts';
import ruWidget from './messages/ru/widget.ts';
import { translatorsFor, type Translator } from './translator-core.ts';

const en = { ...enConsole, ...enConsoleAdmin, ...enWidget } as const;
export type BrowserKey = keyof typeof en;
export type BrowserTranslator = Translator<BrowserKey>;

const CATALOGUES: Readonly<Record<Locale, Readonly<Record<BrowserKey, string>>>> = { en, ru: { ...ruConsole, ...ruConsoleAdmin, ...ruWidget } };

export const browserTranslator: (locale: Locale) => BrowserTranslator = translatorsFor(CATALOGUES);
