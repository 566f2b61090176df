/**
 * The widget's words, in the SuiteCRM user's language. Only the widget's own part of the catalogue
 * (`src/i18n/messages/<locale>/widget.ts`) goes into its bundle: SuiteCRM loads the widget on every
 * page, so it carries neither the console's nor the server's messages.
 */
import type { Locale } from '../i18n/locales.ts';
import enWidget from '../i18n/messages/en/widget.ts';
import ruWidget from '../i18n/messages/ru/widget.ts';
import { translatorsFor, type Translator } from '../i18n/translator-core.ts';

export type WidgetKey = keyof typeof enWidget;
export type WidgetTranslator = Translator<WidgetKey>;

const CATALOGUES: Readonly<Record<Locale, Readonly<Record<WidgetKey, string>>>> = { en: enWidget, ru: ruWidget };

export const widgetTranslator: (locale: Locale) => WidgetTranslator = translatorsFor(CATALOGUES);
