/** The server's translator: every part's messages (the CLI, the CRM's texts, the answers to browsers). */
import type { Locale } from './locales.ts';
import { CATALOGUES } from './messages/index.ts';
import { translatorsFor, type Translator } from './translator-core.ts';

export type { MessageValues, Translator } from './translator-core.ts';

export const translator: (locale: Locale) => Translator = translatorsFor(CATALOGUES);
