/**
 * Every catalogue, by language. Each part of the product keeps its messages in its own file (one
 * per language: `en/console.ts` and `ru/console.ts`), keys prefixed by the part (`console.`,
 * `widget.`, `server.`, `crm.`, `cli.`, `demo.`), so that a part's words live beside each other. English is
 * the reference: its keys are the message keys, and every other language must have each of them
 * (the type says so at build time; `catalogues.test.ts` checks placeholders and plural forms).
 */
import type { Locale } from '../locales.ts';
import enConsole from './en/console.ts';
import enConsoleAdmin from './en/console-admin.ts';
import enWidget from './en/widget.ts';
import enServer from './en/server.ts';
import enCrm from './en/crm.ts';
import enCli from './en/cli.ts';
import enDemo from './en/demo.ts';
import enConsoleMissed from './en/console-missed.ts';
import enConsoleReports from './en/console-reports.ts';
import enServerMissed from './en/server-missed.ts';
import enServerReports from './en/server-reports.ts';
import enCrmMissed from './en/crm-missed.ts';
import ruConsole from './ru/console.ts';
import ruConsoleAdmin from './ru/console-admin.ts';
import ruWidget from './ru/widget.ts';
import ruServer from './ru/server.ts';
import ruCrm from './ru/crm.ts';
import ruCli from './ru/cli.ts';
import ruDemo from './ru/demo.ts';
import ruConsoleMissed from './ru/console-missed.ts';
import ruConsoleReports from './ru/console-reports.ts';
import ruServerMissed from './ru/server-missed.ts';
import ruServerReports from './ru/server-reports.ts';
import ruCrmMissed from './ru/crm-missed.ts';

export const en = { ...enConsole, ...enConsoleAdmin, ...enWidget, ...enServer, ...enCrm, ...enCli, ...enDemo, ...enConsoleMissed, ...enConsoleReports, ...enServerMissed, ...enServerReports, ...enCrmMissed } as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Readonly<Record<MessageKey, string>>;

/** One part's messages in another language: every key English has for that part, no other. */
export type Translation<Part> = { readonly [K in keyof Part]: string };

const ru: Catalogue = { ...ruConsole, ...ruConsoleAdmin, ...ruWidget, ...ruServer, ...ruCrm, ...ruCli, ...ruDemo, ...ruConsoleMissed, ...ruConsoleReports, ...ruServerMissed, ...ruServerReports, ...ruCrmMissed };

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, ru };
