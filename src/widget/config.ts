/**
 * What the SuiteCRM hook handed the widget: the service's address, the SuiteCRM user id, the
 * user's language and the sign-in token, as data-* attributes of the widget's script element (put
 * there by the hook's loader), or of the loader itself, or of a plain `<script src data-...>`
 * written by hand. The token is taken off the page once read: nothing else on the page needs it.
 */
import { pickLocale, type Locale } from '../i18n/locales.ts';

export interface WidgetConfig {
  /** The service's base URL, without a trailing slash. */
  service: string;
  /** The SuiteCRM user id the token was signed for. */
  user: string;
  token: string;
  /** The SuiteCRM user's language as SuiteCRM names it (`ru_RU`, `en_us`), or null when not given. */
  language: string | null;
  /**
   * The SuiteCRM major version whose page this is: 7 (the logic hook gives user and token) or 8
   * (`data-suitecrm="8"` on the loader: the page is everyone's, so user, token and language are
   * empty here and come from SuiteCRM's API, suitecrm8-sso.ts).
   */
  suitecrm: 7 | 8;
}

const SELECTOR = 'script[data-crm-telephony], script[data-crm-telephony-loader]';

/** The service's base: data-service, or the script's own address minus /widget/widget.js. */
function serviceOf(script: HTMLScriptElement): string | null {
  const given = script.getAttribute('data-service') ?? '';
  let url: URL;
  try {
    url = given !== '' ? new URL(given, document.baseURI) : new URL(script.src.replace(/\/widget\/widget\.js(?:[?#].*)?$/, '/'));
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function readConfig(doc: Document): WidgetConfig | null {
  const current = doc.currentScript instanceof HTMLScriptElement ? [doc.currentScript] : [];
  const scripts = [...current, ...doc.querySelectorAll<HTMLScriptElement>(SELECTOR)];
  let found: WidgetConfig | null = null;
  for (const s of scripts) {
    const user = s.getAttribute('data-user') ?? '';
    const token = s.getAttribute('data-token') ?? '';
    const service = serviceOf(s);
    const language = s.getAttribute('data-language') || null;
    if (found === null && s.getAttribute('data-suitecrm') === '8' && service !== null) found = { service, user: '', token: '', language: null, suitecrm: 8 };
    if (found === null && user !== '' && token !== '' && service !== null) found = { service, user, token, language, suitecrm: 7 };
  }
  for (const s of scripts) s.removeAttribute('data-token');
  return found;
}

/** The token's expiry (Unix ms) as it says, or null when it does not look like a token. */
export function tokenExpiry(token: string): number | null {
  const m = /^v\d+\.[A-Za-z0-9_-]+\.(\d{1,12})\.[0-9a-f]{64}$/.exec(token);
  return m ? Number(m[1]) * 1000 : null;
}

/**
 * The language the widget speaks: the SuiteCRM user's. The hook says it (`data-language`, from
 * SuiteCRM's `$GLOBALS['current_language']`); failing that (a package built before it did, a
 * script tag written by hand) the page does, since SuiteCRM's themes write the same value into
 * `<html lang='ru_RU'>`; then the browser's languages; then English. SuiteCRM 8's page says
 * `<html lang="en">` whatever the user reads: pass no document there.
 */
export function widgetLocale(config: Pick<WidgetConfig, 'language'> | null, doc: Document | null, nav: Pick<Navigator, 'languages' | 'language'> | undefined): Locale {
  return pickLocale([config?.language, doc?.documentElement.getAttribute('lang'), ...(nav?.languages ?? []), nav?.language]);
}
