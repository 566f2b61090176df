/**
 * The language a request is answered in: the one its person picked in the console, else the first
 * of their browser's (`Accept-Language`) that we have, else English.
 */
import type { FastifyRequest } from 'fastify';
import { acceptedLanguages, pickLocale, type Locale } from '../i18n/locales.ts';
import { translator, type Translator } from '../i18n/translator.ts';

export function localeOf(request: FastifyRequest): Locale {
  const chosen = request.principal?.locale ?? null;
  if (chosen !== null) return chosen;
  const header = request.headers['accept-language'];
  return pickLocale(acceptedLanguages(Array.isArray(header) ? header.join(',') : header));
}

/** The request's translator: `t(request).t('server.…', values)`. */
export function t(request: FastifyRequest): Translator {
  return translator(localeOf(request));
}
