/**
 * The browser's translator: the console's and the widget's messages only, so that their bundles do
 * not carry the server's, the CRM's or the CLI's words.
 */
import type { Locale } from './locales.ts';
import enConsole from './messages/en/console.ts';
import enConsoleAdmin from './messages/en/console-admin.ts';
import enWidget from './messages/en/widget.ts';
import enConsoleMissed from './messages/en/console-missed.ts';
import enConsoleReports from './messages/en/console-reports.ts';
import ruConsole from './messages/ru/console.ts';
import ruConsoleAdmin from './messages/ru/console-admin.ts';
import ruWidget from './messages/ru/widget.ts';
import ruConsoleMissed from './messages/ru/console-missed.ts';
import ruConsoleReports from './messages/ru/console-reports.ts';
import { translatorsFor, type Translator } from './translator-core.ts';

const en = { ...enConsole, ...enConsoleAdmin, ...enWidget, ...enConsoleMissed, ...enConsoleReports } as const;
export type BrowserKey = keyof typeof en;
export type BrowserTranslator = Translator<BrowserKey>;

const CATALOGUES: Readonly<Record<Locale, Readonly<Record<BrowserKey, string>>>> = { en, ru: { ...ruConsole, ...ruConsoleAdmin, ...ruWidget, ...ruConsoleMissed, ...ruConsoleReports } };

export const browserTranslator: (locale: Locale) => BrowserTranslator = translatorsFor(CATALOGUES);
