/**
 * What the package's logic hook prints for a page (src/crm/suitecrm-package/php-sources.ts), made
 * in TypeScript so the browser tests need no PHP. The package test holds this to the real PHP's
 * output, byte for byte, wherever php is installed.
 */
import { LOADER_JS } from '../../../src/crm/suitecrm-package/php-sources.ts';

/** PHP's htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8') for valid UTF-8. */
export function htmlAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#039;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `language`: SuiteCRM's `$GLOBALS['current_language']` as the hook prints it ('' when it has none
 * it trusts); null: the markup of a package built before the hook passed the language (no attribute).
 */
export function hookMarkup(o: { service: string; user: string; token: string; language: string | null }): string {
  const language = o.language === null ? '' : ` data-language="${htmlAttribute(o.language)}"`;
  return (
    `<script data-crm-telephony-loader="1" data-src="${htmlAttribute(`${o.service}/widget/widget.js`)}"` +
    ` data-service="${htmlAttribute(o.service)}" data-user="${htmlAttribute(o.user)}"${language} data-token="${htmlAttribute(o.token)}">` +
    `${LOADER_JS}</script>`
  );
}

/** What the SuiteCRM 8 extension's WidgetLoaderSubscriber adds before </body> of the app's page (no user, no token). */
export function loader8Markup(service: string): string {
  return (
    `<script data-crm-telephony-loader="1" data-suitecrm="8" data-src="${htmlAttribute(`${service}/widget/widget.js`)}"` +
    ` data-service="${htmlAttribute(service)}">${LOADER_JS}</script>`
  );
}
